"""The one place the trust cache learns that something behind a score changed.

Every model the score is computed from (`troth.trust.history.load_history`) is
listed in FEEDS with the people a row concerns (a model of an app above trust, an
introduction's steps, is added by that app through `feed`). Saving or deleting one re-scores
those people at once, in the writer's own transaction, as a cheap one-tie update
(`do_update_trust`, about 10 ms at 30,000 people): the apps that write need not
know that trust exists. Writers that go past the ORM's per-row signals (imports,
their undo, merges) send `troth.owned.rows_rewritten` instead, which drops the
scores concerned; `troth.trust.queries.fresh_scores` then recomputes on the next
read, and its staleness check also catches rows written by anything else.

The summed past of a full recompute (`troth.trust.past`: each tie's interactions
before a base day) is kept here too: an interaction saved, edited or deleted on
or before that day re-sums its tie (an edit also the tie it was moved from), a
rewrite naming people re-sums theirs, one naming no one drops the past unless
it only added rows.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor
from troth.owned import being_rewritten, rows_rewritten
from troth.people.models import ContactPoint, Knows, Person, Relationship
from troth.trust.models import TrustScore


def _address_holders(r: ContactPoint) -> Iterable[int | None]:
    """An email address decides whose a copy of a message is (activity's
    co_since_contact, troth.trust.summary.co_last_days), and a shared address counts
    for no one: a new, changed, moved or removed one concerns its person and whoever
    else holds it only while at most one other does. With two or more others it was
    shared before and is after: nobody's copies change (re-scoring them all dropped a
    whole network's scores for one address of 25 holders: the attacker's review).
    After an edit the same holds of the address it was, and of its person then."""
    was = getattr(r, "_trust_was", None)
    r._trust_was = None  # type: ignore[attr-defined]
    held = []
    if r.kind == ContactPoint.EMAIL:
        held.append((r.value, r.person_id))
    if was is not None and was[0] == ContactPoint.EMAIL:
        held.append((was[1], was[2]))
    concerned: set[int | None] = set()
    for value, person_id in held:
        others = set(
            ContactPoint.objects.filter(owner_id=r.owner_id, kind=ContactPoint.EMAIL, value=value)
            .exclude(pk=r.pk)
            .exclude(person_id=person_id)
            .values_list("person_id", flat=True)
            .distinct()[:2]
        )
        if len(others) <= 1:
            concerned |= {person_id, *others}
    return concerned


def _address_was(sender: Any, instance: ContactPoint, raw: bool = False, **_: Any) -> None:
    """Remember an edited contact point's kind, value and person before the edit."""
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._trust_was = (  # type: ignore[attr-defined]
        ContactPoint.objects.filter(pk=instance.pk)
        .values_list("kind", "value", "person_id")
        .first()
    )


# model -> the people one of its rows concerns
FEEDS: dict[type[models.Model], Callable[[Any], Iterable[int | None]]] = {
    Interaction: lambda r: (r.person_id,),
    Favor: lambda r: (r.giver_id, r.receiver_id),
    Commitment: lambda r: (r.debtor_id, r.creditor_id),
    Relationship: lambda r: (r.person_id,),  # the owner's closeness rating
    Knows: lambda r: (r.person_a_id, r.person_b_id),
    ContactPoint: _address_holders,
}
# One deletion (its `origin`) can take a million rows with it (`troth demo --reset`
# empties the interactions table): past this many people, the owner's scores are
# dropped once and recomputed on the next read instead of re-scored one by one.
ONE_BY_ONE = 20
_ALL = frozenset({0})  # this deletion has dropped the owner's scores already
_deleting: weakref.WeakKeyDictionary[Any, set[int] | frozenset[int]] = weakref.WeakKeyDictionary()
_past_deleting: weakref.WeakKeyDictionary[Any, set[int] | frozenset[int]] = (
    weakref.WeakKeyDictionary()
)


def note_change(owner, person_ids: Iterable[int]) -> None:
    """Re-score these people now, if the owner uses the cache at all (a full
    recompute happens anyway on the first read of a day)."""
    if not TrustScore.objects.filter(owner=owner).exists():
        return
    from troth.trust.actions import do_update_trust  # numpy: only when a score changes

    people = Person.objects.filter(owner=owner, id__in=list(person_ids), is_me=False)
    for pid in people.values_list("id", flat=True):
        do_update_trust(owner, pid)


def _past_ids(owner_id: int, rows: Iterable[tuple[int | None, Any]]) -> set[int]:
    """The people of these (person id, when) rows that lie in the owner's summed past."""
    from troth.trust.days import instant
    from troth.trust.past import past_day  # numpy: only when an interaction changes

    base = past_day(owner_id)
    if base is None:
        return set()
    # the base day is a local midnight (engine days count local time): the moment it
    # happens, as the past's own bounds (`summary._instant`) compare the rows
    until = instant(base)

    def before(at: Any) -> bool:
        # a time given as text or without a zone (saved as is, read back later):
        # re-sum the tie rather than guess
        if not isinstance(at, dt.datetime) or at.tzinfo is None:
            return True
        return at <= until

    return {pid for pid, at in rows if pid is not None and before(at)}


def _interaction_was(sender: Any, instance: Interaction, raw: bool = False, **_: Any) -> None:
    """Remember an edited interaction's person and time before the edit: moving a row
    out of the summed past (a later date, another person) changes that tie's past."""
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._trust_was = (  # type: ignore[attr-defined]
        Interaction.objects.filter(pk=instance.pk).values_list("person_id", "occurred_at").first()
    )


def _interaction_saved(instance: Interaction) -> None:
    rows: list[tuple[int | None, Any]] = [(instance.person_id, instance.occurred_at)]
    was = getattr(instance, "_trust_was", None)
    if was is not None:
        rows.append(was)
        instance._trust_was = None  # type: ignore[attr-defined]
    ids = _past_ids(instance.owner_id, rows) - being_rewritten()
    if ids:
        from troth.trust.past import refresh_past

        refresh_past(instance.owner_id, ids)


def _people(sender: type[models.Model], row: Any) -> set[int]:
    # people a merge is rewriting are left out: its rows_rewritten drops their scores
    # (and re-sums their past) once, after all its rows (troth.owned.rewriting)
    return {pid for pid in FEEDS[sender](row) if pid is not None} - being_rewritten()


def _saved(sender: type[models.Model], instance: Any, raw: bool = False, **_: Any) -> None:
    if raw:  # loaddata: rows as stored, nothing happened
        return
    if sender is Interaction:
        _interaction_saved(instance)
    ids = _people(sender, instance)
    if ids:
        note_change(instance.owner, ids)


def _model_of(origin: Any) -> type[models.Model] | None:
    if isinstance(origin, models.Model):
        return type(origin)
    return getattr(origin, "model", None)


def _past_deleted(instance: Interaction, origin: Any) -> None:
    """A deleted interaction in the summed past re-sums its tie, once per deletion
    (its other rows are gone already: Django sends post_delete after the DELETEs);
    past ONE_BY_ONE ties the past is dropped. With the people themselves going
    (or their owner) there is nothing to do: their rows of the past go by cascade."""
    if _model_of(origin) in (Person, get_user_model()):
        return
    ids = _past_ids(instance.owner_id, [(instance.person_id, instance.occurred_at)])
    ids -= being_rewritten()
    if not ids:
        return
    from troth.trust.past import drop_past, refresh_past

    try:
        done = _past_deleting.setdefault(origin, set())
    except TypeError:
        done = set()
    if done is _ALL or ids <= done:
        return
    if len(done | ids) > ONE_BY_ONE:
        drop_past(instance.owner_id)
        _past_deleting[origin] = _ALL
        return
    done |= ids
    refresh_past(instance.owner_id, ids)


def _deleted(sender: type[models.Model], instance: Any, origin: Any = None, **_: Any) -> None:
    if sender is Interaction:
        _past_deleted(instance, origin)
    going = _model_of(origin)
    if going is get_user_model():
        return  # the owner goes, and every score of theirs with them (cascade)
    try:
        done = _deleting.setdefault(origin, set())
    except TypeError:  # no origin (or one that cannot be weakly referenced)
        done = set()
    if done is _ALL:
        return  # before asking whom the row concerns: that may be a query a row
    ids = _people(sender, instance) - done
    if not ids:
        return
    if len(done) + len(ids) > ONE_BY_ONE:
        # (people going too: deleting 3,000 asked each contact point's holders and
        # dropped scores row by row, 6,000 queries; the attacker's review)
        do_invalidate(instance.owner_id)
        _deleting[origin] = _ALL
        return
    done |= ids
    if going is Person:
        # People are going: re-scoring now could write a score for a person about to
        # be deleted. Drop the scores; the next read recomputes.
        do_invalidate(instance.owner_id, ids)
        return
    note_change(instance.owner, ids)


def do_invalidate(owner, person_ids: Iterable[int] | None = None) -> None:
    # Imported here: the app registry loads this module at every start, and a read
    # command must not pay for numpy (tests/test_cli_startup.py).
    from troth.trust.actions import do_invalidate as invalidate

    invalidate(owner, person_ids)


def _rewritten(
    sender: Any,
    owner: Any,
    person_ids: Iterable[int] | None = None,
    added: bool = False,
    **_: Any,
) -> None:
    from troth.trust.past import drop_past, refresh_past

    if person_ids is None:
        # Interactions only added in bulk (an import, a sync) are found by the next
        # recompute (troth.trust.past._added_since); rows changed or removed for no
        # one in particular (an import's undo, the demo's wipe): sum the past again.
        if not added:
            drop_past(owner)
    else:
        person_ids = list(person_ids)
        if not added:  # interactions only added: found as above, nothing to re-sum
            refresh_past(owner, person_ids)
    do_invalidate(owner, person_ids)


def _connect(model: type[models.Model]) -> None:
    post_save.connect(_saved, sender=model, dispatch_uid=f"trust-saved-{model.__name__}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"trust-deleted-{model.__name__}")


def feed(model: type[models.Model], people: Callable[[Any], Iterable[int | None]]) -> None:
    """A model of an app above trust that scores are computed from (its rows reach the
    engine through a reader registered in trust.history): its writes re-score the
    people `people(row)` names, as FEEDS' do. Called from that app's ready()."""
    FEEDS[model] = people
    _connect(model)


def connect() -> None:
    """Called once from TrustConfig.ready()."""
    for model in FEEDS:
        _connect(model)
    rows_rewritten.connect(_rewritten, dispatch_uid="trust-rewritten")
    pre_save.connect(_interaction_was, sender=Interaction, dispatch_uid="trust-interaction-was")
    pre_save.connect(_address_was, sender=ContactPoint, dispatch_uid="trust-address-was")
