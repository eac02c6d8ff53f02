"""troth export and troth backup: everything the owner has, out and back in."""
