"""Am I ready to ask this person for something? (the service behind `troth ready`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from troth.errors import TrothError
from troth.ledger.queries import open_needs, promises
from troth.people.models import Person
from troth.trust.queries import trust_detail
from troth.trust.ready import ASKS, readiness


def ready_to_ask(owner, person: Person, ask: str, day: dt.date | None = None) -> dict[str, Any]:
    """The verdict (`ready`, `why`, `first`) plus the tie's `score` and `tier`."""
    if ask not in ASKS:
        raise TrothError(f"unknown ask {ask!r}; use one of {', '.join(ASKS)}")
    day = day or timezone.localdate()
    detail = trust_detail(owner, person, day)
    needs = [n.what for n in open_needs(owner, day, person)]
    mine = [
        (c.what, c.due_on is not None and c.due_on < day)
        for c in promises(owner, mine=True, person=person)
    ]
    verdict = readiness(ask, person.given_name or person.full_name, detail, needs, mine)
    return {**verdict, "score": detail["score"], "tier": detail["tier"]}
