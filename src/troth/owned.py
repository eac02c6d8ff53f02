"""The one rule every user-owned row follows: it carries its owner.

`Owned` is the abstract base for those models. Reads go through each app's
`queries.py`, which always filter on the owner; a query that forgets it is a
security bug, and the tests with two owners (alice, bob) exist to catch one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.db import models
from django.dispatch import Signal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Who a row belongs to: the signed-in user on a server, the local user on a laptop.
# Every `queries`/`actions` function that takes `owner` says so with this type. It is
# the configured user model (settings.AUTH_USER_MODEL, Django's User), not
# AbstractBaseUser: django-stubs types each `owner` foreign key as User, so a lookup
# `filter(owner=owner)` with an AbstractBaseUser does not type-check.
Owner: TypeAlias = "User"


class Owned(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


# Sent by writers that go past the ORM's per-row signals (bulk inserts, raw SQL,
# queryset updates: imports, their undo, merges), so that what is derived from an
# owner's rows is dropped and derived again on the next read. Keyword arguments:
# `owner`, and `person_ids` (None: any of the owner's people); optionally `removed`
# (rows went away) or `added` (interactions were only added, none changed or
# removed: trust's summed past then finds them itself). The trust cache
# listens (troth.trust.signals); the writers need not know who does.
rows_rewritten = Signal()

# The people whose rows a writer is rewriting now, before it sends `rows_rewritten`
# for them (a merge, its undo). The few rows such a writer still deletes through the
# ORM (a duplicate interaction, a second closeness rating) fire per-row signals;
# their listeners skip these people, since what they would derive is dropped a moment
# later: a merge re-scored the merged person once per such row, then dropped the
# scores anyway (the attacker's review: three recomputes for one merge).
_rewriting: ContextVar[frozenset[int]] = ContextVar("troth_rewriting", default=frozenset())


@contextmanager
def rewriting(person_ids: Iterable[int]) -> Iterator[None]:
    """Within it, these people's rows are being rewritten: `rows_rewritten` follows."""
    token = _rewriting.set(_rewriting.get() | frozenset(person_ids))
    try:
        yield
    finally:
        _rewriting.reset(token)


def being_rewritten() -> frozenset[int]:
    """The people a `rewriting` block around this code names (none outside one)."""
    return _rewriting.get()
