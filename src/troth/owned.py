"""The one rule every user-owned row follows: it carries its owner.

`Owned` is the abstract base for those models; `for_owner` is the only way
queries start, so a query that forgets the owner does not type-check in review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OwnedQuerySet(models.QuerySet):
    def for_owner(self, owner) -> OwnedQuerySet:
        return self.filter(owner=owner)


class Owned(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
