"""The API's ?history= is the caller's number: a composed read kept for every value
asked for would grow the server's memory without bound (the attacker's review of
troth.prepared). Only the limits the app itself uses are kept; any other limit still
reads the right rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth import profile
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person


def test_a_callers_limits_are_not_kept(alice: Owner) -> None:
    person = do_add_person(alice, "Ana Duarte")
    start = timezone.now() - dt.timedelta(days=40)
    for day in range(12):
        do_log_interaction(alice, person, "email", when=start + dt.timedelta(days=day))
    kept_before = set(profile._INTERACTIONS)
    for limit in range(1, 12):
        read = profile.person_timeline(alice, person, limit=limit)
        assert len(read["interactions"]) == limit
        assert read["interaction_count"] == 12
    for limit in (30, 50, 100):
        profile.person_timeline(alice, person, limit=limit)
    assert set(profile._INTERACTIONS) - kept_before <= {None, 30, 50, 100, 5000}
    assert not set(profile._INTERACTIONS) & set(range(1, 12))
