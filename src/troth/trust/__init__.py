"""The trust engine: an explainable score per relationship, and the tiers built on it."""
