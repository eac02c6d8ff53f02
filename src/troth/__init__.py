"""troth: a relationship-first networking assistant."""

__version__ = "0.1.0"
