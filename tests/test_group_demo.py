"""The demo group (`troth group demo`, `troth serve --group`): 30 simulated members
with networks of their own, and every page of the group renders for its organiser."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.test import Client, override_settings

from troth.groups.models import Group, MemberIntro, Membership
from troth.owned import Owner
from troth.people.models import Person
from troth.sim.group_demo import DEMO_NAME, do_load_demo_group

if TYPE_CHECKING:
    from conftest import Cli


def test_the_demo_group_has_members_with_networks_needs_and_introductions(
    fixed_day: dt.date, alice: Owner
) -> None:
    group = do_load_demo_group(alice, members=12, people_each=25)
    assert do_load_demo_group(alice) == group  # made once
    members = Membership.objects.filter(group=group).select_related("user")
    assert members.count() == 12
    assert members.get(user=alice).role == "organiser"
    for m in members.exclude(user=alice):
        assert not m.user.has_usable_password()  # nobody signs in as a simulated member
        assert m.user.email.endswith("@demo.invalid")
        assert Person.objects.filter(owner=m.user, is_me=False).count() >= 25
        assert m.profile.companies or m.profile.fields
    states = set(MemberIntro.objects.filter(group=group).values_list("state", flat=True))
    assert {"asked", "agreed", "introduced", "thanked"} <= states
    assert group.needs.count() >= 5 and group.meetings.count() == 4
    # the organiser has asks waiting on them
    assert MemberIntro.objects.filter(group=group, connector=alice, state="asked").exists()


def test_every_page_of_the_demo_group_renders_for_its_organiser(
    fixed_day: dt.date, cli: Cli
) -> None:
    out = cli("group", "demo", "--json")
    assert '"members": 30' in out.stdout
    group = Group.objects.get(name=DEMO_NAME)
    organiser = Membership.objects.get(group=group, role="organiser").user
    with override_settings(TROTH_LOCAL_LOGIN=True):
        client = Client(REMOTE_ADDR="127.0.0.1")  # local mode: the local owner organises it
        assert ">Groups</a>" in client.get("/").content.decode()
        for url in ("", "needs/", "intros/", "dashboard", "profile"):
            page = client.get(f"/groups/{group.slug}/{url}")
            assert page.status_code == 200, url
    assert organiser.username == "local"


def test_the_demo_group_is_not_added_beside_real_accounts_unasked(
    fixed_day: dt.date, alice: Owner, cli: Cli
) -> None:
    err = cli("group", "demo", code=2)
    assert "1 account of real people" in err.stderr and "TROTH_HOME" in err.stderr
    assert not Group.objects.exists()
