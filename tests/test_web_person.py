"""A person's page reads its own plain rows (not person_profile's model instances):
it must list what `troth show` lists, only the owner's rows, and its quick-add forms
must follow what changed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_note, do_add_person, do_set_job
from troth.people.models import ContactPoint, Note, Tag
from troth.profile import person_profile
from troth.web.views.person import TIMELINE_ROWS, records

if TYPE_CHECKING:
    from troth.people.models import Person

TODAY = timezone.localdate


@pytest.fixture
def busy(alice: Owner) -> Person:
    """Someone with more interactions than the page shows, the other entries of their
    timeline (favours, promises, needs, notes, an introduction) dated among them."""
    kit = do_add_person(
        alice,
        "Kit Marlowe",
        emails=["kit@example.org", "k.marlowe@example.com"],
        phones=["+1 312 555 0101"],
        urls=["https://kit.example.org"],
        company="Old Co",
        title="Analyst",
        met_how="PyCon",
        met_on=TODAY() - dt.timedelta(days=900),
        tags=["python", "chicago"],
    )
    do_set_job(alice, kit, "Acme", "CTO")  # the old job ends, the new one is current
    other = do_add_person(alice, "Lee Chen")
    me = me_person(alice)
    now = timezone.now()
    for k in range(TIMELINE_ROWS + 3):  # one a day, the newest yesterday
        do_log_interaction(
            alice, kit, ("email", "call", "meeting")[k % 3], when=now - dt.timedelta(days=k + 1)
        )
    # dated inside the last 100 interactions: each takes a place and pushes one out
    do_record_favor(alice, me, kit, "advice", "on pricing", on=TODAY() - dt.timedelta(days=10))
    do_record_favor(alice, kit, me, "intro", "to her CFO", on=TODAY() - dt.timedelta(days=20))
    do_make_promise(
        alice, kit, me, "send the deck", made_on=TODAY() - dt.timedelta(days=30), due=TODAY()
    )
    do_make_promise(
        alice,
        me,
        kit,
        "an intro",
        made_on=TODAY() - dt.timedelta(days=40),
        due=TODAY() - dt.timedelta(days=2),
    )
    do_add_need(alice, kit, "a data lead", days=30, tags=["data", "hiring"])
    do_add_need(alice, kit, "a CPA", days=60, noted_on=TODAY() - dt.timedelta(days=50))
    do_add_note(alice, kit, "prefers mornings", when=now - dt.timedelta(days=60))
    do_propose(alice, kit, other, "both build data teams", anyway="they asked me to")
    return kit


def test_the_page_lists_what_troth_show_lists(alice: Owner, busy: Person) -> None:
    today = TODAY()
    shown = records(alice, busy)
    full = person_profile(alice, busy, limit=TIMELINE_ROWS)
    page = shown["profile"]
    for key in ("company", "title", "emails", "phones", "urls", "tags", "met"):
        assert page[key] == full[key], key
    assert (page["company"], page["title"]) == ("Acme", "CTO")
    assert page["met"]["how"] == "PyCon"
    assert page["interaction_count"] == full["interaction_count"] == TIMELINE_ROWS + 3
    assert page["last_contact"] == full["last_contact"]
    assert [(n["id"], n["what"], n["expires_on"], n["tags"]) for n in page["open_needs"]] == [
        (n["id"], n["what"], n["expires_on"], n["tags"]) for n in full["open_needs"]
    ]
    assert page["open_needs"][1]["tags"] == ["data", "hiring"]
    # the interactions among the 100 newest entries of the whole timeline, in its order
    theirs = [r for r in full["timeline"] if r["type"] == "interaction"]
    fields = ("id", "when", "channel", "started_by", "minutes", "summary")
    assert [[r[f] for f in fields] for r in shown["interactions"]] == [
        [r[f] for f in fields] for r in theirs
    ]
    assert len(shown["interactions"]) == TIMELINE_ROWS - 8  # eight other entries took places
    assert shown["interactions_hidden"] == 11
    # the other lists: the same rows as present's, in the same order
    gave = [f for f in full["timeline"] if f["type"] == "favor" and f["direction"] == "gave"]
    assert [f["what"] for f in shown["gave"]] == [f["what"] for f in gave] == ["on pricing"]
    assert [f["what"] for f in shown["got"]] == ["to her CFO"]
    mine = [(c["what"], c["overdue"], c["status"]) for c in shown["my_promises"]]
    assert mine == [("an intro", True, "open")]
    assert [(c["what"], c["overdue"]) for c in shown["their_promises"]] == [
        ("send the deck", False)
    ]
    assert [n["text"] for n in shown["notes"]] == ["prefers mornings"]
    assert [(i["a"]["name"], i["b"]["name"]) for i in shown["intros"]] == [
        ("Kit Marlowe", "Lee Chen")
    ]
    assert shown["known"]["need_choices"] == [
        (n["id"], n["what"]) for n in full["open_needs"] if n["expires_on"] >= today.isoformat()
    ]
    everything = records(alice, busy, limit=5000)
    assert len(everything["interactions"]) == TIMELINE_ROWS + 3
    assert everything["interactions_hidden"] == 0


def test_the_page_shows_only_the_owners_rows(
    web: Client, alice: Owner, bob: Owner, busy: Person
) -> None:
    """Rows of another owner pointing at this person (only a bug could make them) stay
    off the page: every read of it is scoped to the owner."""
    bobs_me = me_person(bob)
    secret = "bob-only"
    Note.objects.create(owner=bob, person=busy, text=f"{secret} note", created_at=timezone.now())
    Need.objects.create(
        owner=bob,
        person=busy,
        what=f"{secret} need",
        noted_on=TODAY(),
        expires_on=TODAY() + dt.timedelta(days=9),
    )
    Favor.objects.create(
        owner=bob,
        giver=bobs_me,
        receiver=busy,
        kind="advice",
        what=f"{secret} favour",
        given_on=TODAY(),
    )
    Commitment.objects.create(
        owner=bob, debtor=bobs_me, creditor=busy, what=f"{secret} promise", made_on=TODAY()
    )
    Interaction.objects.create(
        owner=bob, person=busy, channel="call", occurred_at=timezone.now(), summary=secret
    )
    ContactPoint.objects.create(owner=bob, person=busy, kind="email", value=f"{secret}@x.org")
    busy.tags.add(Tag.objects.create(owner=bob, name=f"{secret}-tag"))
    body = web.get(f"/people/{busy.id}/").content.decode()
    assert "Kit Marlowe" in body and "a data lead" in body and "prefers mornings" in body
    assert secret not in body
    assert "The latest 92 of 103 interactions." in body  # bob's interaction not counted


def test_the_quick_add_forms_follow_what_changed(web: Client, alice: Owner, busy: Person) -> None:
    page = web.get(f"/people/{busy.id}/").content.decode()
    assert page.count('<option value="') > 0 and "a data lead" in page
    need = do_add_need(alice, busy, "a designer", days=20)
    page = web.get(f"/people/{busy.id}/").content.decode()
    assert f'<option value="{need.id}">a designer</option>' in page  # the favour form
    r = web.post(f"/people/{busy.id}/needs/{need.id}/withdraw")
    assert r.status_code == 302
    page = web.get(f"/people/{busy.id}/").content.decode()
    assert f'<option value="{need.id}">a designer' not in page
    cpa = Need.objects.get(owner=alice, what="a CPA")
    selected = web.get(f"/people/{busy.id}/", {"need": cpa.id}).content.decode()
    assert f'<option value="{cpa.id}" selected>a CPA</option>' in selected
    # a form sent back with its errors is its own, never the kept blank one
    r = web.post(f"/people/{busy.id}/add/log", {"log-channel": "carrier-pigeon"})
    assert r.status_code == 400 and "has-error" in r.content.decode()
    assert "has-error" not in web.get(f"/people/{busy.id}/").content.decode()
