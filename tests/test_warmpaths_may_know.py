"""No warm path, but one that an employer overlap alone stands in the way of: troth
names the chain and the `troth knows` that would confirm the "may know" hop, never
routes through it on its own word, and finds the path once the user confirms."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Employment, Organization, Person
from troth.warmpaths.queries import find_paths

if TYPE_CHECKING:
    from conftest import Cli


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def me(db: None) -> Owner:
    from troth.owners import local_owner

    return local_owner()


@pytest.fixture
def net(me: Owner) -> dict[str, Person]:
    return build(me)


def build(me: Owner) -> dict[str, Person]:
    """Cleo is a close tie, Ben a lighter one; Cleo and Ben are on six messages of mine together; Ben
    and Tess worked at Acme together (nothing else links Tess to anyone); Sam, a
    stranger to me, worked there with Tess too."""
    cleo, ben = do_add_person(me, "Cleo Cole"), do_add_person(me, "Ben Baker")
    tess, sam = do_add_person(me, "Tess Target"), do_add_person(me, "Sam Stranger")
    for i in range(12):
        do_log_interaction(me, cleo, "meeting", when=_ago(3 + 9 * i), minutes=60)
    for i in range(4):  # Ben: someone I know, not a stranger (so a hop may pass him)
        do_log_interaction(me, ben, "meeting", when=_ago(4 + 20 * i), minutes=45)
    for i in range(6):
        for p in (cleo, ben):
            do_log_interaction(
                me, p, "email", when=_ago(5 + i), source="mail", external_id=f"cb{i}"
            )
    acme = Organization.objects.create(owner=me, name="Acme", name_key="acme")
    for person, start, end in (
        (ben, dt.date(2018, 3, 1), dt.date(2021, 6, 30)),
        (tess, dt.date(2019, 1, 1), dt.date(2022, 1, 31)),
        (sam, dt.date(2019, 1, 1), dt.date(2022, 1, 31)),
    ):
        Employment.objects.create(
            owner=me,
            person=person,
            organization=acme,
            started_on=start,
            ended_on=end,
            is_current=False,
        )
    return {"cleo": cleo, "ben": ben, "tess": tess, "sam": sam}


def test_an_employer_overlap_alone_is_suggested_not_walked(
    me: Owner, net: dict[str, Person]
) -> None:
    found = find_paths(me, net["tess"])
    assert found["paths"] == []  # the overlap is no hop on its own word
    (row,) = found["may_know"]  # never Sam: a stranger to me carries no path
    assert [h["id"] for h in row["via"]] == [net["cleo"].id, net["ben"].id]
    assert row["target"] == {"id": net["tess"].id, "name": "Tess Target"}
    assert len(row["evidence"]) == 1 and "Acme" in row["evidence"][0]
    assert "may know" not in row["evidence"][0]
    assert row["confirm"] == f"troth knows #{net['ben'].id} #{net['tess'].id}"


def test_confirming_the_suggestion_opens_the_path(
    me: Owner, net: dict[str, Person], cli: Cli
) -> None:
    text = cli("path", "Tess Target").stdout
    assert "No warm path to Tess Target" in text
    assert "Ben Baker may know Tess Target" in text
    assert f"troth knows #{net['ben'].id} #{net['tess'].id}" in text
    cli("knows", f"#{net['ben'].id}", f"#{net['tess'].id}")
    data = cli.json("path", "Tess Target")
    assert [h["id"] for h in data["paths"][0]["hops"]] == [
        net["cleo"].id,
        net["ben"].id,
        net["tess"].id,
    ]
    assert "may_know" not in data


def test_no_suggestion_within_one_hop(me: Owner, net: dict[str, Person]) -> None:
    # with one edge only my own ties reach anyone: a colleague of the target's would
    # need a second
    assert find_paths(me, net["tess"], hops=1)["may_know"] == []


def test_no_suggestion_at_a_big_organisation(me: Owner, net: dict[str, Person]) -> None:
    # eleven of my people at Acme: two of them there together say too little to ask
    acme = Organization.objects.get(owner=me, name="Acme")
    for i in range(8):
        Employment.objects.create(
            owner=me, person=do_add_person(me, f"Acme Hand {i}"), organization=acme
        )
    assert find_paths(me, net["tess"])["may_know"] == []


def test_the_page_asks_the_same(web: Client, alice: Owner) -> None:
    net = build(alice)
    panel = web.get(f"/people/{net['tess'].id}/paths?panel=1").content.decode()
    assert "No warm path to Tess Target" in panel
    assert f'<a href="/people/{net["ben"].id}/">Ben Baker</a> may know Tess Target' in panel
    assert f"<code>troth knows #{net['ben'].id} #{net['tess'].id}</code>" in panel
