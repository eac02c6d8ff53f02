"""Am I ready to ask this person for something? (the service behind `troth ready`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from troth.errors import TrothError
from troth.ledger.models import Commitment, Need
from troth.ledger.queries import open_needs, promises
from troth.people.models import Person
from troth.trust.queries import tie_history, trust_detail
from troth.trust.ready import ASKS, readiness


def _date(when: dt.datetime) -> dt.date:
    return timezone.localdate(when)


def _needs_as_of(owner, person: Person, day: dt.date) -> list[Need]:
    """Needs open on `day` (closed later counts as open then), within their horizon."""
    if day >= timezone.localdate():
        return list(open_needs(owner, day, person))
    return list(
        Need.objects.filter(
            owner=owner, person=person, expires_on__gte=day, noted_on__lte=day
        ).order_by("expires_on", "id")
    )


def ready_to_ask(owner, person: Person, ask: str, day: dt.date | None = None) -> dict[str, Any]:
    """The verdict (`ready`, `why`, `first`) plus the tie's `score` and `tier`."""
    if ask not in ASKS:
        raise TrothError(f"unknown ask {ask!r}; use one of {', '.join(ASKS)}")
    day = day or timezone.localdate()
    detail = trust_detail(owner, person, day)
    # As of a past day, only what was known then: needs noted by that day and not yet
    # closed on it, promises made by then and still open then.
    needs = [
        n.what
        for n in _needs_as_of(owner, person, day)
        if n.noted_on <= day and (n.closed_at is None or _date(n.closed_at) > day)
    ]
    mine = [
        (c.what, c.due_on is not None and c.due_on < day)
        for c in promises(owner, mine=True, person=person, status=None)
        if c.made_on <= day
        and (
            c.status == Commitment.OPEN
            or (c.status_changed_at is not None and _date(c.status_changed_at) > day)
        )
    ]
    history = tie_history(owner, [person.id], day)[person.id]
    verdict = readiness(ask, person.given_name or person.full_name, detail, needs, mine, history)
    return {**verdict, "score": detail["score"], "tier": detail["tier"]}
