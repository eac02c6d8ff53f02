"""Insights: the charts of give and take, follow-through, tiers and the network."""
