"""Wording a newcomer tripped on (issue 18, a newcomer's review): "in touch in 1 week
since", `ready` and `trust` counting the days since the first contact differently,
"Silent for 1 days", and the agenda's "91 more: troth agenda --limit 17"."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owners import local_owner
from troth.people.models import Person
from troth.trust.activity import reasons as activity_reasons
from troth.trust.warmth import why_not_warm

if TYPE_CHECKING:
    from conftest import Cli


def test_a_tie_too_new_says_weeks_plainly() -> None:
    why = why_not_warm("network", 9, 1)
    assert "you first had contact 9 days ago and have been in touch in 1 different week" in why
    assert "since:" not in why


def test_ready_and_trust_count_the_same_days(cli: Cli) -> None:
    # at several times of day back: rounding and flooring part ways on some of them
    for k, hours in enumerate((20, 28, 34, 40, 46, 52)):
        name = f"Olly Lately{'I' * (k + 1)}"
        cli("add", name)
        olly = Person.objects.get(owner=local_owner(), full_name=name)
        when = timezone.now() - dt.timedelta(hours=hours)
        do_log_interaction(local_owner(), olly, "meeting", minutes=30, when=when)
        ready = " ".join(cli("ready", name, "--ask", "referral").stdout.split())
        trust = " ".join(cli("trust", name).stdout.split())
        days = re.search(r"first had contact (\d+) days? ago", ready)
        if days is None:
            assert "first had contact today" in ready and "first had contact today" in trust
            continue
        n = int(days.group(1))
        said = f"{n} day{'' if n == 1 else 's'}"
        assert f"known each other {said}" in trust, (ready, trust)
        assert "One contact so far" not in trust or f"One contact so far, {said} ago" in trust


def test_silent_for_one_day_is_singular() -> None:
    lines = activity_reasons(2, 100.0, 109.0, 1.0, 1.0, 1.0, 1.0, 110.0, days=2)
    assert not any("1 days" in line for line in lines)
    assert any("Silent for 1 day against a usual gap of 9 days" in line for line in lines)


def test_the_agenda_offers_the_command_that_shows_everything(cli: Cli) -> None:
    cli("demo")
    out = " ".join(cli("agenda", "--limit", "2").stdout.split())
    assert "more: troth agenda --all shows all" in out
    assert "--limit 12" not in out
