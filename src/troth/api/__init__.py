"""troth's HTTP API (/api/v1/): django-ninja routers over the same service layer and
presenters as the CLI. core.py holds what they share; urls.py lists the routers."""
