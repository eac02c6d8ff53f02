"""The one rule every user-owned row follows: it carries its owner.

`Owned` is the abstract base for those models. Reads go through each app's
`queries.py`, which always filter on the owner; a query that forgets it is a
security bug, and the tests with two owners (alice, bob) exist to catch one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Owned(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    class Meta:
        abstract = True
