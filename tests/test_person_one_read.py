"""`troth show` and the person page render one read (profile.person_timeline): for the
same person they list the same things, and its plain rows are exactly the `--json`
contract's rows that present.py builds from model instances."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from troth import present
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.intros.actions import do_propose
from troth.intros.models import Introduction
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.ledger.models import Favor, Need
from troth.ledger.queries import promises
from troth.owned import Owner
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Note
from troth.profile import person_profile, person_timeline
from troth.web.views.person import TIMELINE_ROWS, records

if TYPE_CHECKING:
    from conftest import Cli
    from troth.people.models import Person

ROWS = 12  # interactions logged


@pytest.fixture
def local(db: None) -> Owner:
    return local_owner()


@pytest.fixture
def kit(local: Owner) -> Person:
    """Someone with a bit of everything, dated among their interactions."""
    today = timezone.localdate()
    now = timezone.now()
    kit = do_add_person(
        local, "Kit Marlowe", emails=["kit@example.org"], company="Acme", title="CTO", tags=["x"]
    )
    other = do_add_person(local, "Lee Chen")
    me = me_person(local)
    for k in range(ROWS):
        do_log_interaction(
            local, kit, ("email", "call")[k % 2], summary=f"talk {k}", when=now - dt.timedelta(k)
        )
    do_record_favor(local, me, kit, "advice", "on pricing", on=today - dt.timedelta(days=3))
    do_record_favor(local, kit, me, "intro", "to her CFO", on=today - dt.timedelta(days=30))
    do_make_promise(local, kit, me, "send the deck", made_on=today - dt.timedelta(days=4))
    do_make_promise(
        local,
        me,
        kit,
        "an intro",
        made_on=today - dt.timedelta(days=5),
        due=today - dt.timedelta(1),
    )
    do_add_need(local, kit, "a data lead", days=30, tags=["data", "hiring"])
    do_add_need(local, kit, "a CPA", days=5, noted_on=today - dt.timedelta(days=20))  # expired
    do_add_note(local, kit, "prefers mornings", when=now - dt.timedelta(days=2))
    do_propose(local, kit, other, "both build data teams", anyway="they asked me to")
    return kit


def test_show_and_the_page_list_the_same_things(
    cli: Cli, client: Client, local: Owner, kit: Person
) -> None:
    shown = cli.json("show", "Kit Marlowe", "--limit", str(TIMELINE_ROWS))
    client.force_login(local)
    response = client.get(f"/people/{kit.id}/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    # the interactions the page lists are the CLI's, newest first
    theirs = [r["when"] for r in shown["timeline"] if r["type"] == "interaction"]
    listed = re.findall(r'<ol class="timeline">(.*?)</ol>', page, re.S)[0]
    assert re.findall(r'<time datetime="([^"]+)"', listed) == theirs
    assert len(theirs) == shown["interaction_count"] == ROWS
    # everything else the CLI lists is on the page (needs: the open ones; an expired
    # need is history, which the page does not list)
    others = {r["type"] for r in shown["timeline"]} - {"interaction"}
    assert others == {"favor", "promise", "need", "note", "introduction"}
    for row in shown["timeline"]:
        if row["type"] != "interaction" and row.get("status") not in ("expired", "met"):
            assert (row.get("what") or row.get("text") or row.get("why")) in page, row
    assert [n["what"] for n in shown["open_needs"]] == ["a data lead"]
    assert [p["what"] for p in shown["open_promises"]] == ["an intro", "send the deck"]  # by due
    # the CLI's text output says what the page says
    text = cli("show", "Kit Marlowe").stdout
    for needle in ("send the deck", "an intro", "a data lead", "CTO", "Acme"):
        assert needle in text and needle in page, needle
    assert f"{ROWS} interactions" in text and "OVERDUE" in text and "overdue" in page.lower()


def test_a_short_cut_is_the_same_cut(cli: Cli, local: Owner, kit: Person) -> None:
    """Cut to ten entries, the other entries take places among the interactions: the
    page's list and `troth show --limit 10` keep the same ones."""
    shown = cli.json("show", "Kit Marlowe", "--limit", "10")
    page = records(local, kit, limit=10)
    theirs = [(r["id"], r["when"]) for r in shown["timeline"] if r["type"] == "interaction"]
    assert [(r["id"], r["when"]) for r in page["interactions"]] == theirs
    assert 0 < len(theirs) < 10
    assert page["interactions_hidden"] == ROWS - len(theirs)
    assert page["profile"]["interaction_count"] == shown["interaction_count"] == ROWS


def test_the_plain_rows_are_the_json_contracts_rows(local: Owner, kit: Person) -> None:
    """Each row of the one read equals present's row for the same model instance, so
    `troth show --json` did not change when it stopped reading model instances."""
    today = timezone.localdate()
    read = person_timeline(local, kit, limit=None)
    assert read["interactions"] == [
        present.interaction_row(i)
        for i in Interaction.objects.filter(owner=local, person=kit).select_related("person")
    ]
    assert read["favours"] == [
        present.favor_row(f)
        for f in Favor.objects.filter(owner=local).select_related("giver", "receiver")
    ]
    # in the order `troth show` always listed them (due first, no due last)
    listed = promises(local, status=None, person=kit)
    assert read["promises"] == [present.promise_row(c, today) for c in listed]
    needs = Need.objects.filter(owner=local, person=kit).select_related("person", "met_by")
    assert read["needs"] == [present.need_row(n, today) for n in needs]
    assert [n["status"] for n in read["needs"]] == ["expired", "open"]
    assert read["notes"] == [present.note_row(n) for n in Note.objects.filter(owner=local)]
    intros = Introduction.objects.filter(owner=local).select_related(
        "introducer", "person_a", "person_b"
    )
    assert [{k: v for k, v in r.items() if k not in ("when", "next")} for r in read["intros"]] == [
        present.intro_row(i) for i in intros
    ]
    profile = person_profile(local, kit, limit=None)
    whole = present.person_row(kit)
    for key in ("id", "name", "nickname", "company", "title", "emails", "tags", "archived"):
        assert profile[key] == whole[key], key
    assert len(profile["timeline"]) == ROWS + 2 + 2 + 2 + 1 + 1
    assert all("next" not in row for row in profile["timeline"])


def test_another_owners_person_is_not_read(local: Owner, kit: Person, bob: Owner) -> None:
    from troth.errors import NotFound

    with pytest.raises(NotFound, match="no person with id"):
        person_timeline(bob, kit, limit=10)
