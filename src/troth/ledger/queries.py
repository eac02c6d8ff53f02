"""Reads from the ledger, always scoped to one owner."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from troth.errors import NotFound
from troth.ledger.models import Commitment, Favor, Need
from troth.people.models import Person


def access_promise(owner, promise_id: int) -> Commitment:
    try:
        return Commitment.objects.select_related("debtor", "creditor").get(
            owner=owner, id=promise_id
        )
    except Commitment.DoesNotExist:
        raise NotFound(
            f"no promise with id {promise_id} (list them with: troth promises)"
        ) from None


def access_need(owner, need_id: int) -> Need:
    try:
        return Need.objects.select_related("person", "met_by").get(owner=owner, id=need_id)
    except Need.DoesNotExist:
        raise NotFound(f"no need with id {need_id} (list them with: troth needs)") from None


def open_needs(owner, today: dt.date, person: Person | None = None) -> QuerySet[Need]:
    """Open needs still within their horizon; a need past it has expired, whatever its row says."""
    qs = Need.objects.filter(owner=owner, status=Need.OPEN, expires_on__gte=today)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.select_related("person").prefetch_related("tags").order_by("expires_on", "id")


def need_status(need: Need, today: dt.date) -> str:
    if need.status == Need.OPEN and need.expires_on < today:
        return Need.EXPIRED
    return need.status


def promises(
    owner,
    *,
    mine: bool | None = None,
    status: str | None = Commitment.OPEN,
    person: Person | None = None,
) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(owner=owner).select_related("debtor", "creditor")
    if mine is True:
        qs = qs.filter(debtor__is_me=True)
    elif mine is False:
        qs = qs.filter(creditor__is_me=True)
    if status:
        qs = qs.filter(status=status)
    if person is not None:
        qs = qs.filter(Q(debtor=person) | Q(creditor=person))
    return qs.order_by(F("due_on").asc(nulls_last=True), "id")


def favors_with(owner, person: Person) -> QuerySet[Favor]:
    return (
        Favor.objects.filter(owner=owner)
        .filter(Q(giver=person) | Q(receiver=person))
        .select_related("giver", "receiver")
        .order_by("-given_on", "-id")
    )
