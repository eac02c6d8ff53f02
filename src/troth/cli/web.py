"""troth serve: the web app on this machine."""
