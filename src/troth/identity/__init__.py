"""Identity resolution: the same person seen through several sources becomes one,
with every merge recorded so it can be undone."""
