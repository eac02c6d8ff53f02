"""troth merge and unmerge: one person seen through several sources."""
