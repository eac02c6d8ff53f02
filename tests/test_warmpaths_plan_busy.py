"""`troth path --plan` says a check-in with the cooling connector is on the agenda: when
the connector already has an item of their own (a need of theirs), the planned
check-in stays beside it, where an ordinary check-in gives way (a newcomer's review,
2026-12-07, found it dropped without a word). Dates are built from today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from troth.agenda.plan import Candidate, rank
from troth.agenda.queries import agenda
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.warmpaths.models import PlannedAsk


@pytest.fixture
def me(db: None) -> Owner:
    from troth.owners import local_owner

    return local_owner()


def test_the_ask_stays_on_the_connectors_own_item(me: Owner) -> None:
    cleo, tess = do_add_person(me, "Cleo Cole"), do_add_person(me, "Tess Target")
    now = timezone.now()
    for i in range(12):  # a tie that went quiet 50 days ago
        do_log_interaction(me, cleo, "meeting", when=now - dt.timedelta(days=50 + 9 * i))
    do_add_need(me, cleo, "a designer for her team")
    PlannedAsk.objects.create(
        owner=me, connector=cleo, target=tess, why="said by a test", created_at=now
    )
    items = [i.candidate for i in agenda(me, limit=50).items if i.candidate.person_id == cleo.id]
    assert sorted(c.kind for c in items) == ["checkin", "need"]
    checkin = next(c for c in items if c.kind == "checkin")
    assert "introduce you to Tess Target" in checkin.reason and "the ask waits" in checkin.reason
    # in touch again: the plan is done, the note goes
    do_log_interaction(me, cleo, "call", when=timezone.now(), minutes=20)
    assert not any("the ask waits" in i.candidate.reason for i in agenda(me, limit=50).items)


def _c(kind: str, ref: int, pid: int, then: str = "") -> Candidate:
    return Candidate(
        kind, ref, pid, f"P{pid}", f"{kind} {ref}.", f"{kind}:{ref}", 0.5, 0.0, then=then
    )


def test_rank_keeps_a_planned_check_in_beside_the_persons_other_items() -> None:
    note = "Then ask them to introduce you to T: the ask waits until you have been in touch."
    ranked = rank(
        [
            _c("need", 1, 7),
            _c("checkin", 7, 7, then=note),
            _c("need", 2, 9),
            _c("checkin", 9, 9),  # an ordinary check-in gives way to the need
            _c("reconnect", 8, 8),
            _c("checkin", 8, 8, then=note),  # one contact item per person: the planned
        ]
    )
    kinds = sorted((i.candidate.person_id, i.candidate.kind) for i in ranked)
    assert kinds == [(7, "checkin"), (7, "need"), (8, "checkin"), (9, "need")]
