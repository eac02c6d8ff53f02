"""One count of days in one output (a newcomer's review): `troth trust NAME` said "No
two-way contact for 25 days" beside the activity's "the last 24 days ago" (the agenda said
24): the trust reasons rounded the silence, everything else counts whole days back."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owners import local_owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def test_trust_counts_the_silence_as_the_activity_and_the_facts_do(
    fixed_day: dt.date, cli: Cli
) -> None:
    # at several times of day back: rounding and flooring part ways on some of them
    for tier in ("inner", "close", "active", "network"):
        cli("rhythms", tier, "10d")  # so that three weeks of silence is "cooling" in any tier
    seen: set[int] = set()
    for k, hours in enumerate((24 * 24 + 2, 24 * 24 + 14, 24 * 24 + 20, 30 * 24 + 16)):
        name = f"Kevin Quiet{'I' * (k + 1)}"
        cli("add", name)
        kevin = Person.objects.get(owner=local_owner(), full_name=name)
        when = timezone.now() - dt.timedelta(hours=hours)
        do_log_interaction(local_owner(), kevin, "meeting", minutes=30, when=when)
        out = " ".join(cli("trust", name).stdout.split())
        silent = re.search(r"No two-way contact for (\d+) days", out)
        last = re.search(r"the last (\d+) days ago|A single contact, (\d+) days ago", out)
        assert silent and last, out
        days = int(silent.group(1))
        assert days == int(last.group(1) or last.group(2)), out
        facts = cli.json("trust", name)["facts"]
        assert facts["days_since_contact"] == days, (facts, out)
        seen.add(days)
    assert len(seen) >= 2, seen
