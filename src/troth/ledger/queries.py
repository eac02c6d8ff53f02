"""Reads from the ledger, always scoped to one owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet, Subquery
from django.utils import timezone

from troth.errors import NotFound
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner
from troth.people.models import Person
from troth.people.queries import owned_rows


def access_promise(owner: Owner, promise_id: int) -> Commitment:
    try:
        return Commitment.objects.select_related("debtor", "creditor").get(
            owner=owner, id=promise_id
        )
    except Commitment.DoesNotExist:
        raise NotFound(
            f"no promise with id {promise_id} (list them with: troth promises)"
        ) from None


def access_need(owner: Owner, need_id: int) -> Need:
    try:
        return Need.objects.select_related("person", "met_by").get(owner=owner, id=need_id)
    except Need.DoesNotExist:
        raise NotFound(f"no need with id {need_id} (list them with: troth needs)") from None


def open_needs(owner: Owner, today: dt.date, person: Person | None = None) -> QuerySet[Need]:
    """Open needs still within their horizon; a need past it has expired, whatever its row says."""
    qs = Need.objects.filter(status=Need.OPEN, expires_on__gte=today)
    # one person's: through the person index, not every open need of the owner
    qs = qs.filter(owner=owner) if person is None else owned_rows(qs.filter(person=person), owner)
    return qs.select_related("person").prefetch_related("tags").order_by("expires_on", "id")


def needs_of(owner: Owner | int, person: Person | int | Subquery) -> QuerySet[Need]:
    """One person's needs, whatever their status, through the person index (a
    person's page lists the open ones and dates the rest on its timeline). `person`
    may be an id or a subquery naming one (the owner's own row)."""
    return owned_rows(Need.objects.filter(person=person), owner)


def need_tags(owner: Owner, need_ids: list[int]) -> dict[int, list[str]]:
    """The tags of a few needs by name, as plain strings (a need row shows them)."""
    tags: dict[int, list[str]] = {i: [] for i in need_ids}
    # 900 ids a query: `troth needs --i-can-help` asks for thousands, more than a
    # SQLite statement may bind in older versions
    for start in range(0, len(need_ids), 900):
        rows = (
            Need.tags.through.objects.filter(
                need_id__in=need_ids[start : start + 900], tag__owner=owner
            )
            .order_by("tag__name", "tag_id")
            .values_list("need_id", "tag__name")
        )
        for need_id, name in rows:
            tags[need_id].append(name)
    return tags


def need_status(need: Need, today: dt.date) -> str:
    if need.status == Need.OPEN and need.expires_on < today:
        return Need.EXPIRED
    return need.status


def promises(
    owner: Owner,
    *,
    mine: bool | None = None,
    status: str | None = Commitment.OPEN,
    person: Person | None = None,
) -> QuerySet[Commitment]:
    qs = Commitment.objects.select_related("debtor", "creditor")
    if person is None:
        qs = qs.filter(owner=owner)
    else:  # one person's: through the debtor and creditor indexes
        qs = owned_rows(qs.filter(Q(debtor=person) | Q(creditor=person)), owner)
    if mine is True:
        qs = qs.filter(debtor__is_me=True)
    elif mine is False:
        qs = qs.filter(creditor__is_me=True)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(F("due_on").asc(nulls_last=True), "id")


def favors_with(owner: Owner, person: Person) -> QuerySet[Favor]:
    # through the giver and receiver indexes, not every favour of the owner
    return (
        owned_rows(Favor.objects.filter(Q(giver=person) | Q(receiver=person)), owner)
        .select_related("giver", "receiver")
        .order_by("-given_on", "-id")
    )


def balance(owner: Owner, as_of: dt.date) -> list[dict[str, Any]]:
    """Favours given and received per person up to `as_of`, most out of balance first."""
    from collections import Counter

    given: Counter[int] = Counter()
    received: Counter[int] = Counter()
    names: dict[int, str] = {}
    # Plain values, not model instances: every favour of the owner is read.
    rows = Favor.objects.filter(owner=owner, given_on__lte=as_of).values_list(
        "giver_id",
        "giver__is_me",
        "giver__full_name",
        "receiver_id",
        "receiver__is_me",
        "receiver__full_name",
    )
    for giver, giver_is_me, giver_name, receiver, receiver_is_me, receiver_name in rows:
        if giver_is_me and not receiver_is_me:
            given[receiver] += 1
            names[receiver] = receiver_name
        elif receiver_is_me:
            received[giver] += 1
            names[giver] = giver_name
    out = [
        {
            "id": pid,
            "name": names[pid],
            "given": given[pid],
            "received": received[pid],
            "balance": given[pid] - received[pid],
        }
        for pid in names
    ]
    out.sort(key=lambda r: (r["balance"], r["name"]))
    return out


def follow_through(owner: Owner, as_of: dt.date) -> dict[str, Any]:
    """Promises kept, broken, late and overdue, mine overall and each contact's to me."""
    mine = {"kept": 0, "broken": 0, "late": 0, "open": 0, "overdue": 0}
    theirs: dict[int, dict[str, Any]] = {}
    rows = Commitment.objects.filter(owner=owner, made_on__lte=as_of).select_related(
        "debtor", "creditor"
    )
    for c in rows:
        # the local date, as `as_of` and `due_on` are (the UTC date put a promise kept
        # this evening in Los Angeles on tomorrow: late, a reviewer's finding)
        changed = timezone.localdate(c.status_changed_at) if c.status_changed_at else None
        status = c.status if changed and changed <= as_of else Commitment.OPEN
        if c.debtor.is_me:
            bucket = mine
        else:
            bucket = theirs.setdefault(
                c.debtor_id,
                {
                    "id": c.debtor_id,
                    "name": c.debtor.full_name,
                    "kept": 0,
                    "broken": 0,
                    "late": 0,
                    "open": 0,
                    "overdue": 0,
                },
            )
        if status == Commitment.KEPT:
            bucket["kept"] += 1
            if c.due_on and changed and changed > c.due_on:
                bucket["late"] += 1
        elif status == Commitment.BROKEN:
            bucket["broken"] += 1
        elif status == Commitment.OPEN:
            bucket["open"] += 1
            if c.due_on and c.due_on < as_of:
                bucket["overdue"] += 1
    for b in [mine, *theirs.values()]:
        settled = b["kept"] + b["broken"]
        b["rate"] = round(b["kept"] / settled, 3) if settled else None
    return {
        "mine": mine,
        "theirs": sorted(
            theirs.values(), key=lambda r: (r["rate"] is None, r["rate"] or 0, r["name"])
        ),
    }
