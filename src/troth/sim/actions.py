"""Writes of the demo network: removing an earlier one before `troth demo --reset`."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet

from troth.interactions.models import Interaction
from troth.intros.models import Introduction, IntroStep
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner, rows_rewritten
from troth.people.models import Knows, Organization, Person, Tag
from troth.people.search import bulk_writes


def _bulk_delete(qs: QuerySet[Any]) -> None:
    """One DELETE statement, without Django's collector: for a model with a delete
    receiver the collector fetches every row and sends one signal per row, and the
    trust cache's receivers then wrote per person; for people it builds lookups of
    thousands of ids per related table (4.2 s of a 5,000-person reset in all; see
    bench/bench_demo_reset.py). Only for rows nothing left points at."""
    qs._raw_delete(qs.db)


def _referred_to(model: type[models.Model]) -> bool:
    """Whether any table (a hidden many-to-many one too) points at this model."""
    return any(_reverse(model))


def _reverse(model: type[models.Model]) -> list[Any]:
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _let_go(qs: QuerySet[Any]) -> None:
    """Rows of other tables that point at `qs` and would be set to NULL on a delete,
    set to NULL now, since `_bulk_delete` skips Django's collector: a group's member
    introduction keeps its record of the promise it made in the owner's troth
    (`troth group demo`), and must not be left pointing at a deleted one."""
    for rel in _reverse(qs.model):
        if rel.on_delete is models.SET_NULL:
            rel.related_model._base_manager.filter(
                **{f"{rel.field.name}__in": qs.values("id")}
            ).update(**{rel.field.name: None})


def _delete_people(owner: Owner) -> None:
    """The owner's people but "me", and every row that points at them, read from the
    models' own relations (a new model pointing at Person needs no change here)."""
    ids = Person.objects.filter(owner=owner, is_me=False).values("id")
    for rel in _reverse(Person):
        rows = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids})
        if rel.on_delete is models.SET_NULL:
            rows.update(**{rel.field.name: None})
        elif rel.on_delete is models.CASCADE and not _referred_to(rel.related_model):
            _bulk_delete(rows)
        else:  # rows others point at: Django's cascades, for the few there are
            rows.delete()
    _bulk_delete(Person.objects.filter(owner=owner, is_me=False))


def do_wipe_demo(owner: Owner) -> None:
    """Remove an earlier demo entirely, including the owner's own simulated needs; the
    owner's cached trust scores are dropped once (the next read recomputes them)."""
    # the search index: its rows of the deleted people removed once, not row by row
    with transaction.atomic(), bulk_writes(deletes=True):
        # The owner's whole tables first, each in one statement, in an order that leaves
        # nothing pointing at a deleted row (an introduction's steps, then it; its favour).
        for model in (IntroStep, Introduction, Interaction, Commitment, Knows, Favor):
            rows = model.objects.filter(owner=owner)
            _let_go(rows)
            _bulk_delete(rows)
        Need.objects.filter(owner=owner).delete()  # their tags go with them
        _delete_people(owner)
        Organization.objects.filter(owner=owner).delete()
        Tag.objects.filter(owner=owner).delete()
    # the per-row signals that would have told the trust cache were skipped: tell it
    # once, as rows that went away (the links' next pass recounts, their graph is stale)
    rows_rewritten.send(Person, owner=owner, person_ids=None, removed=True)
