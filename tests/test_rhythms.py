"""troth rhythms: each tier's check-in rhythm from the command line, the same the web's
Settings edits (troth.agenda.actions.do_set_tier_cadence)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from troth.agenda.queries import default_tier_cadences, tier_cadences
from troth.owned import Owner
from troth.owners import local_owner

if TYPE_CHECKING:
    from conftest import Cli


def test_rhythms_show_set_default_and_reset(cli: Cli) -> None:
    defaults = default_tier_cadences()
    rows = cli.json("rhythms")
    assert {r["tier"]: r["days"] for r in rows} == defaults
    assert not any(r["yours"] for r in rows)

    out = cli("rhythms", "close", "6w").stdout
    assert "every 42 days" in out
    assert tier_cadences(local_owner())["close"] == 42
    shown = cli("rhythms").stdout
    assert "42 days (yours)" in shown

    cli("rhythms", "close", "default")
    assert tier_cadences(local_owner()) == defaults
    cli("rhythms", "inner", "10d")
    assert "1 tier had your own" in cli("rhythms", "--reset").stdout
    assert tier_cadences(local_owner()) == defaults


def test_rhythms_refuse_bad_input_in_one_line(cli: Cli) -> None:
    assert "has no check-in rhythm" in cli("rhythms", "stranger", "30d", code=2).stderr
    assert "out of range" in cli("rhythms", "close", "1000d", code=2).stderr
    assert "how often" in cli("rhythms", "close", code=2).stderr
    assert "--reset takes no tier" in cli("rhythms", "close", "--reset", code=2).stderr
    assert tier_cadences(local_owner()) == default_tier_cadences()


def test_why_a_tie_is_cooling_follows_the_owners_rhythm(alice: Owner, fixed_day: dt.date) -> None:
    from django.utils import timezone

    from troth.agenda.actions import do_set_tier_cadence
    from troth.people.models import Person
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network
    from troth.trust.queries import trust_detail

    load_network(alice, generate_network(people=80, seed=7, today=timezone.localdate()))
    cooling = [
        (p, d)
        for p in Person.objects.filter(owner=alice, is_me=False)
        for d in [trust_detail(alice, p)]
        if any("due a check-in" in r for r in d["reasons"])
    ]
    assert cooling, "the simulated network has cooling ties"
    person, detail = cooling[0]
    # a slower rhythm for that tier: the same silence is no longer due a check-in
    do_set_tier_cadence(alice, detail["tier"], 730)
    again = trust_detail(alice, person)
    assert again["tier"] == detail["tier"]
    assert not any("due a check-in" in r for r in again["reasons"])
