"""Warm paths: who knows whom among the owner's people, and the way in to someone.

`infer.py` and `graph.py` are pure (no Django); `models.py` keeps each link's
evidence, `queries.py` reads and searches, `actions.py` writes (`do_*`).
"""
