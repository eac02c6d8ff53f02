"""`troth demo --reset` after `troth group demo` (a newcomer's review: refused with
"would delete 2 people you added yourself"): the Demo Job Club members the group demo
put into your troth are demo rows too, so the reset goes ahead; a person you added
yourself still stops it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from troth.groups.models import MemberContact
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def test_the_reset_treats_group_demo_members_as_demo_rows(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo", "--people", "40")
    cli("group", "demo")
    me = local_owner()
    added = Person.objects.filter(owner=me, is_me=False, sim_truth__isnull=True)
    assert added.exists(), "the group demo put its members into my troth"
    assert all(p.relationship.met_how == "member of Demo Job Club" for p in added)
    out = cli("demo", "--reset", "--people", "30")
    assert "you added yourself" not in out.stdout + out.stderr
    assert Person.objects.filter(owner=me, is_me=False).count() == 30
    assert not MemberContact.objects.filter(holder=me).exists()
    # the group itself stays, its introductions without my deleted promises
    cli("group", "demo")


def test_a_person_added_by_hand_still_stops_the_reset(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo", "--people", "40")
    cli("group", "demo")
    do_add_person(local_owner(), "Pat Real")
    err = cli("demo", "--reset", "--people", "30", code=2).stderr
    assert "would delete 1 person you added yourself" in err
