"""The web app through Django's test client (real database), and `troth serve` as a
real process answering HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from module_data import migrated_home
from troth.agenda.models import AgendaMark
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner
from troth.owners import LOCAL_USERNAME, me_person
from troth.people.actions import do_add_person, do_tag
from troth.people.models import Note, Person

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from conftest import Cli

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(
        alice, "Dana Whitfield", emails=["dana@example.org"], company="Acme", title="CTO"
    )


@pytest.fixture
def sam(alice: Owner) -> Person:
    return do_add_person(alice, "Sam Okafor", company="Larkspur")


@pytest.fixture
def late_promise(alice: Owner, dana: Person) -> Commitment:
    today = TODAY()
    return do_make_promise(
        alice,
        me_person(alice),
        dana,
        "send the deck",
        made_on=today - dt.timedelta(days=20),
        due=today - dt.timedelta(days=3),
    )


@pytest.fixture
def favour_got(alice: Owner, sam: Person) -> Favor:
    return do_record_favor(
        alice, sam, me_person(alice), "lead", "the Acme opening", on=TODAY() - dt.timedelta(days=4)
    )


def text(response: Response) -> str:
    return response.content.decode()


# -- Today -------------------------------------------------------------------------


def test_today_lists_the_agenda_in_order_with_reasons(
    web: Client, late_promise: Commitment, favour_got: Favor
) -> None:
    r = web.get("/")
    assert r.status_code == 200
    body = text(r)
    p, t = f"p{late_promise.id}", f"t{favour_got.id}"
    assert body.index(f'id="item-{p}"') < body.index(f'id="item-{t}"')  # your word first
    assert "send the deck" in body and "3 days late" in body
    assert "Sam Okafor gave you a lead" in body
    assert 'name="csrfmiddlewaretoken"' in body and "htmx.min.js" in body


def test_today_is_empty_politely(web: Client, alice: Owner) -> None:
    # a first day with nobody in the book says how to begin
    body = text(web.get("/"))
    assert "troth knows nobody yet" in body and "Nothing needs you today" not in body
    do_add_person(alice, "Dana Whitfield")
    body = text(web.get("/"))
    assert "Nothing needs you today" in body and "knows nobody yet" not in body


def test_done_in_place_keeps_the_promise(web: Client, late_promise: Commitment) -> None:
    r = web.post(f"/today/p{late_promise.id}/done", **HTMX)
    assert r.status_code == 200
    assert "Promise kept." in text(r) and "<html" not in text(r)  # only the item
    late_promise.refresh_from_db()
    assert late_promise.status == Commitment.KEPT
    assert f"item-p{late_promise.id}" not in text(web.get("/"))


def test_done_without_htmx_redirects_back_with_a_message(web: Client, favour_got: Favor) -> None:
    r = web.post(f"/today/t{favour_got.id}/done", follow=True)
    assert r.status_code == 200 and "Thanked." in text(r)
    favour_got.refresh_from_db()
    assert favour_got.thanked_on == TODAY()
    assert Interaction.objects.filter(person=favour_got.giver).count() == 1  # logged


def test_snooze_needs_a_day_after_today(web: Client, favour_got: Favor) -> None:
    item = f"t{favour_got.id}"
    for bad in (
        "not a date",
        TODAY().isoformat(),
        (TODAY() - dt.timedelta(days=2)).isoformat(),
    ):
        r = web.post(f"/today/{item}/snooze", {"until": bad}, **HTMX)
        assert r.status_code == 400, bad
        assert 'class="error"' in text(r) and "Snooze until" in text(r)
    assert "not after today" in text(web.post(f"/today/{item}/snooze", {"until": TODAY()}, **HTMX))
    assert not AgendaMark.objects.exists()
    # without htmx: the whole page again, the message beside the item
    r = web.post(f"/today/{item}/snooze", {"until": "yesterday"})
    assert r.status_code == 400 and "<html" in text(r) and f'id="error-{item}"' in text(r)
    later = TODAY() + dt.timedelta(days=3)
    r = web.post(f"/today/{item}/snooze", {"until": later.isoformat()}, **HTMX)
    assert r.status_code == 200 and "Snoozed until" in text(r)
    assert AgendaMark.objects.get().until == later
    assert f"item-{item}" not in text(web.get("/"))


def test_snooze_offers_quick_choices_with_a_week_by_default(
    web: Client, alice: Owner, favour_got: Favor, late_promise: Commitment
) -> None:
    item = f"t{favour_got.id}"
    page = text(web.get("/"))
    week = TODAY() + dt.timedelta(days=7)
    assert f'<option value="week" selected>next week ({week:%a %-d %b})</option>' in page
    assert '<option value="tomorrow">' in page and '<option value="month">' in page
    assert f'<label for="span-{item}">Snooze until</label>' in page
    assert " required" not in page.split(f'id="until-{item}"')[1].split(">")[0]
    # nothing chosen: a week; a quick choice; a typed day wins over the choice
    r = web.post(f"/today/{item}/snooze", {"span": "", "until": ""}, **HTMX)
    assert r.status_code == 200 and f"Snoozed until {week:%A %-d %B}." in text(r)
    assert AgendaMark.objects.get().until == week
    AgendaMark.objects.all().delete()
    web.post(f"/today/{item}/snooze", {"span": "tomorrow"}, **HTMX)
    assert AgendaMark.objects.get().until == TODAY() + dt.timedelta(days=1)
    AgendaMark.objects.all().delete()
    day = TODAY() + dt.timedelta(days=40)
    web.post(f"/today/{item}/snooze", {"span": "tomorrow", "until": day.isoformat()}, **HTMX)
    assert AgendaMark.objects.get().until == day
    AgendaMark.objects.all().delete()
    r = web.post(f"/today/{item}/snooze", {"span": "forever"}, **HTMX)
    assert r.status_code == 400 and "Select a valid choice" in text(r)
    assert not AgendaMark.objects.exists()


def test_the_count_drops_in_place_after_acting(
    web: Client, alice: Owner, favour_got: Favor, late_promise: Commitment
) -> None:
    page = text(web.get("/"))
    assert '<span id="agenda-count">2</span> things worth doing' in page
    assert '<input type="hidden" id="agenda-left" name="left" value="2">' in page
    assert page.count('hx-include="#agenda-left"') == 6  # done, skip, snooze of each item
    r = web.post(f"/today/t{favour_got.id}/skip", {"left": "2"}, **HTMX)
    body = text(r)
    assert '<p class="lede" id="agenda-lede" hx-swap-oob="true">' in body
    assert '<span id="agenda-count">1</span> thing worth doing' in body
    r = web.post(f"/today/p{late_promise.id}/done", {"left": "1"}, **HTMX)
    assert "Nothing left on this list" in text(r)
    r = web.post("/today/undo", {"undo": _undo_of(r), "left": "0"}, **HTMX)
    assert '<span id="agenda-count">1</span> thing worth doing' in text(r)
    # an error changes nothing, so no count is sent; nor without one to change
    r = web.post(f"/today/t{favour_got.id}/done", {"left": "1"}, **HTMX)
    assert r.status_code == 400 and "agenda-lede" not in text(r)
    r = web.post(f"/today/p{late_promise.id}/done", {"left": "lots"}, **HTMX)
    assert r.status_code == 200 and "agenda-lede" not in text(r)


def _undo_of(response: Response) -> str:
    m = re.search(r'name="undo" value="([^"]+)"', text(response))
    assert m, text(response)
    return m.group(1)


def test_undo_a_kept_promise_on_today_restores_it_exactly(
    web: Client, alice: Owner, late_promise: Commitment
) -> None:
    item = f"p{late_promise.id}"
    r = web.post(f"/today/{item}/done", **HTMX)
    body = text(r)
    assert 'role="status"' in body and "Promise kept." in body
    assert 'action="/today/undo"' in body and ">Undo</button>" in body
    assert 'aria-label="Undo: Promise kept."' in body
    token = _undo_of(r)
    assert web.post("/today/undo", {"undo": token}).status_code == 302  # CSRF aside, it works
    late_promise.refresh_from_db()
    assert (late_promise.status, late_promise.status_changed_at) == (Commitment.OPEN, None)
    assert not AgendaMark.objects.exists()
    assert f'id="item-{item}"' in text(web.get("/"))
    # a second undo of the same thing is refused, changing nothing
    r = web.post("/today/undo", {"undo": token}, **HTMX)
    assert r.status_code == 400 and "nothing to undo" in text(r)


def test_undo_thanks_deletes_the_logged_contact_and_restores_a_snooze(
    web: Client, alice: Owner, favour_got: Favor
) -> None:
    item = f"t{favour_got.id}"
    web.post(f"/today/{item}/snooze", {"span": "tomorrow"}, **HTMX)
    mark = AgendaMark.objects.get()
    before = (mark.status, mark.until, mark.marked_at)
    # the snooze is over: it is back and gets done
    AgendaMark.objects.filter(id=mark.id).update(until=TODAY())
    mark.refresh_from_db()
    before = (mark.status, mark.until, mark.marked_at)
    r = web.post(f"/today/{item}/done", {"channel": "call", "notes": "thanked her"}, **HTMX)
    assert r.status_code == 200, text(r)
    assert Interaction.objects.count() == 1
    r = web.post("/today/undo", {"undo": _undo_of(r)}, **HTMX)
    assert r.status_code == 200 and "Undone: it is back on your list." in text(r)
    assert f'id="item-{item}"' in text(r)
    favour_got.refresh_from_db()
    assert favour_got.thanked_on is None and Interaction.objects.count() == 0
    mark = AgendaMark.objects.get()
    assert (mark.status, mark.until, mark.marked_at) == before


def test_an_old_undo_never_undoes_a_later_done(
    web: Client, alice: Owner, favour_got: Favor
) -> None:
    """Done, Undo, Done again: the first Undo (another tab, the back button) is stale
    and must not take back the second Done, whose logged contact it does not know."""
    item = f"t{favour_got.id}"
    first = web.post(f"/today/{item}/done", {"channel": "call", "notes": "first"}, **HTMX)
    stale = _undo_of(first)
    assert web.post("/today/undo", {"undo": stale}, **HTMX).status_code == 200
    second = web.post(f"/today/{item}/done", {"channel": "call", "notes": "second"}, **HTMX)
    assert second.status_code == 200
    r = web.post("/today/undo", {"undo": stale}, **HTMX)
    assert r.status_code == 400 and "nothing to undo" in text(r)
    favour_got.refresh_from_db()
    assert favour_got.thanked_on is not None
    assert list(Interaction.objects.values_list("summary", flat=True)) == ["second"]
    # the second Done's own Undo still works, and takes its contact with it
    assert web.post("/today/undo", {"undo": _undo_of(second)}, **HTMX).status_code == 200
    assert not Interaction.objects.exists()


def test_undo_skip_and_snooze(web: Client, alice: Owner, dana: Person) -> None:
    need = do_add_need(alice, dana, "a CPA who knows startups", days=30)
    item = f"n{need.id}"
    for action, data in (("skip", {}), ("snooze", {"span": "month"})):
        r = web.post(f"/today/{item}/{action}", data, **HTMX)
        r = web.post("/today/undo", {"undo": _undo_of(r)}, **HTMX)
        assert r.status_code == 200 and not AgendaMark.objects.exists()
    assert f'id="item-{item}"' in text(web.get("/"))


def test_undo_is_the_owners_and_needs_a_real_token(
    web: Client, alice: Owner, bob: Owner, late_promise: Commitment
) -> None:
    from django.test import Client

    r = web.post(f"/today/p{late_promise.id}/done", **HTMX)
    token = _undo_of(r)
    r = web.post("/today/undo", {"undo": token[:-3] + "abc"}, **HTMX)
    assert r.status_code == 400 and "not an undo troth offered" in text(r)
    assert web.post("/today/undo", {}, **HTMX).status_code == 400
    other = Client()
    other.force_login(bob)
    assert other.post("/today/undo", {"undo": token}, **HTMX).status_code == 404
    late_promise.refresh_from_db()
    assert late_promise.status == Commitment.KEPT


def test_undo_needs_csrf(alice: Owner, late_promise: Commitment) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(alice)
    assert c.post("/today/undo", {"undo": "x"}, **HTMX).status_code == 403
    assert (
        c.post(f"/people/{late_promise.creditor_id}/promises/{late_promise.id}/undo").status_code
        == 403
    )


def test_an_intro_step_on_today_can_be_undone(
    web: Client, alice: Owner, dana: Person, sam: Person
) -> None:
    from troth.intros.actions import do_propose

    do_propose(alice, dana, sam, "both hiring", anyway="testing")
    page = text(web.get("/"))
    # a proposed introduction waits on the owner (ask the other side first): on Today
    m = re.search(r'id="item-(i[^"]+)"', page)
    assert m is not None, "the proposed introduction is not on Today"
    r = web.post(f"/today/{m.group(1)}/done", **HTMX)
    assert r.status_code == 200, text(r)
    # done on an introduction step logs the contact; its Undo puts both back (issue 18)
    assert "cannot be undone here" not in text(r) and 'name="undo"' in text(r)


def test_skip_drops_the_item_and_a_second_action_is_refused(
    web: Client, alice: Owner, dana: Person
) -> None:
    need = do_add_need(alice, dana, "a CPA who knows startups", days=30)
    item = f"n{need.id}"
    assert f"item-{item}" in text(web.get("/"))
    r = web.post(f"/today/{item}/skip", **HTMX)
    assert r.status_code == 200 and "Skipped" in text(r)
    assert f"item-{item}" not in text(web.get("/"))
    r = web.post(f"/today/{item}/done", **HTMX)
    assert r.status_code == 400 and "already skipped" in text(r)


def test_done_on_a_need_leads_to_recording_the_favour(
    web: Client, alice: Owner, dana: Person
) -> None:
    need = do_add_need(alice, dana, "a CPA who knows startups", days=30)
    r = web.post(f"/today/n{need.id}/done", **HTMX)
    link = f"/people/{dana.id}/?need={need.id}#quick-gave"
    assert r.status_code == 200 and link in text(r)
    page = text(web.get(f"/people/{dana.id}/", {"need": need.id}))
    assert f'<option value="{need.id}" selected>' in page
    r = web.post(
        f"/people/{dana.id}/add/gave",
        {"gave-kind": "intro", "gave-what": "to Pat, a CPA", "gave-need": need.id},
        **HTMX,
    )
    assert r.status_code == 200 and "It closes their need." in text(r)
    need.refresh_from_db()
    assert need.status == Need.MET


def test_unknown_item_ids_are_404(web: Client) -> None:
    for url in ("/today/p999/done", "/today/zz/skip", "/today/p1/snooze"):
        assert web.post(url, {"until": "2099-01-01"}).status_code == 404
    assert web.get("/today/c999/draft").status_code == 404
    assert web.get("/today/p1/done").status_code == 405  # actions are POST only


def test_draft_is_one_click_away_with_mailto(web: Client, late_promise: Commitment) -> None:
    item = f"p{late_promise.id}"
    assert f'hx-get="/today/{item}/draft"' in text(web.get("/"))
    r = web.get(f"/today/{item}/draft", **HTMX)
    body = text(r)
    assert r.status_code == 200 and "<html" not in body
    assert "Hi Dana" in body and "Copy to clipboard" in body
    assert 'href="mailto:dana@example.org?subject=' in body
    full = web.get(f"/today/{item}/draft")
    assert "<html" in text(full) and "Hi Dana" in text(full)


def test_draft_without_an_email_offers_copy_only(web: Client, favour_got: Favor) -> None:
    body = text(web.get(f"/today/t{favour_got.id}/draft", **HTMX))
    assert "Hi Sam" in body and "mailto:" not in body and "No e-mail address" in body


# -- People ------------------------------------------------------------------------


def test_people_lists_and_searches(web: Client, alice: Owner, dana: Person, sam: Person) -> None:
    r = web.get("/people/")
    assert r.status_code == 200
    assert "Dana Whitfield" in text(r) and "Sam Okafor" in text(r) and 'type="search"' in text(r)
    r = web.get("/people/", {"q": "acme"}, **HTMX)  # company matches too
    body = text(r)
    assert r.status_code == 200 and "<html" not in body and 'id="people-results"' in body
    assert "Dana Whitfield" in body and "Sam Okafor" not in body
    assert "Nobody matches" in text(web.get("/people/", {"q": "zzzz"}))


def test_people_table_says_it_scrolls_sideways_on_a_phone(web: Client, dana: Person) -> None:
    page = text(web.get("/people/"))
    assert 'class="scroll-hint"' in page and "swipe the table sideways" in page
    # the scrolling box takes keyboard focus, so it scrolls without a mouse too
    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="People' in page
    css = (Path(__file__).parents[1] / "src/troth/web/static/web/troth.css").read_text()
    assert ".scroll-hint { display: none; }" in css


def test_people_filters_and_sorts(web: Client, alice: Owner, dana: Person, sam: Person) -> None:
    do_tag(alice, sam, add=["python"])
    body = text(web.get("/people/", {"tag": "python"}))
    assert "Sam Okafor" in body and "Dana Whitfield" not in body
    body = text(web.get("/people/", {"company": "lark"}))
    assert "Sam Okafor" in body and "Dana Whitfield" not in body
    body = text(web.get("/people/", {"sort": "-name"}))
    assert body.index("Sam Okafor") < body.index("Dana Whitfield")
    do_record_favor(alice, me_person(alice), dana, "advice", "on pricing")
    body = text(web.get("/people/", {"owes": "owes-you"}))
    assert "Dana Whitfield" in body and "Sam Okafor" not in body
    for params in (
        {"sort": "score"},
        {"sort": "-last"},
        {"sort": "company"},
        {"tier": "inner"},
        {"cooling": "1"},
        {"sort": "bogus"},  # a sort falls back to names
    ):
        assert web.get("/people/", params).status_code == 200, params
    # a filter or page the list cannot apply is a 400 naming it, never the whole list
    # (tests/test_web_people_bad_filter.py, tests/test_web_people_switches.py)
    for params in ({"tier": "bogus"}, {"owes": "bogus"}, {"page": "x"}, {"cooling": "maybe"}):
        assert web.get("/people/", params).status_code == 400, params


def test_people_pages_without_per_row_queries(
    web: Client, alice: Owner, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(120):
        do_add_person(alice, f"Person {i:03d}", emails=[f"p{i}@example.org"], company=f"Co {i % 7}")
    web.get("/people/")  # the first look brings the trust cache up to date
    # a fixed cost (session, filters, the trust cache's staleness probes), never one per row
    with django_assert_max_num_queries(25):
        r = web.get("/people/")
    assert "Person 000" in text(r) and "Person 050" not in text(r) and "page 1 of 3" in text(r)
    r = web.get("/people/", {"page": 3})
    assert "Person 119" in text(r) and 'rel="prev"' in text(r)
    with django_assert_max_num_queries(25):
        web.get("/people/", {"sort": "-score", "page": "2"})


def test_bulk_tag_adds_and_removes_on_the_ticked_people(
    web: Client, alice: Owner, dana: Person, sam: Person
) -> None:
    r = web.post(
        "/people/tag",
        {"ids": [dana.id, sam.id], "bulk_tag": "PyCon 2026", "action": "add", "q": "a"},
        **HTMX,
    )
    assert r.status_code == 200 and "Tagged 2 people: pycon-2026." in text(r)
    assert 'id="people-results"' in text(r) and "<html" not in text(r)
    assert sorted(p.full_name for p in Person.objects.filter(tags__name="pycon-2026")) == [
        "Dana Whitfield",
        "Sam Okafor",
    ]
    r = web.post(
        "/people/tag",
        {"ids": [sam.id], "bulk_tag": "pycon-2026", "action": "remove", "tag": "pycon-2026"},
    )
    assert r.status_code == 302 and r["Location"] == "/people/?tag=pycon-2026"  # the same list
    assert [p.full_name for p in Person.objects.filter(tags__name="pycon-2026")] == [
        "Dana Whitfield"
    ]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"bulk_tag": "x", "action": "add"}, "Tick the people"),
        ({"ids": ["1", "abc"], "bulk_tag": "x", "action": "add"}, "not people from this list"),
        ({"ids": ["1"], "bulk_tag": "", "action": "add"}, "Type the tag"),
        ({"ids": ["1"], "bulk_tag": "x" * 65, "action": "add"}, "1-64 characters"),
        ({"ids": ["1"], "bulk_tag": "x", "action": "burn"}, "add or to remove"),
    ],
)
def test_bulk_tag_refuses_bad_input_and_writes_nothing(
    web: Client, alice: Owner, dana: Person, data: dict[str, list[str] | str], message: str
) -> None:
    data = {k: [str(dana.id)] if k == "ids" and v == ["1"] else v for k, v in data.items()}
    r = web.post("/people/tag", data, **HTMX)
    assert r.status_code == 400 and message in text(r)
    assert web.post("/people/tag", data).status_code == 400
    assert not dana.tags.exists()


def test_bulk_tag_on_someone_elses_people_is_404(
    client: Client, alice: Owner, bob: Owner, dana: Person
) -> None:
    mine = do_add_person(bob, "Bob's Friend")
    client.force_login(bob)
    r = client.post("/people/tag", {"ids": [mine.id, dana.id], "bulk_tag": "x", "action": "add"})
    assert r.status_code == 404
    assert not mine.tags.exists() and not dana.tags.exists()


# -- Person ------------------------------------------------------------------------


def test_person_page_shows_everything(
    web: Client, alice: Owner, dana: Person, sam: Person, late_promise: Commitment
) -> None:
    me = me_person(alice)
    do_record_favor(alice, me, dana, "advice", "on pricing")
    do_record_favor(alice, dana, me, "intro", "to her CFO")
    do_make_promise(alice, dana, me, "intro to the CFO", due=TODAY() + dt.timedelta(days=5))
    do_add_need(alice, dana, "a data lead", days=30)
    from troth.interactions.actions import do_log_interaction
    from troth.people.actions import do_add_note

    do_log_interaction(alice, dana, "meeting", minutes=45, summary="coffee at the corner")
    do_add_note(alice, dana, "prefers morning calls")
    r = web.get(f"/people/{dana.id}/")
    body = text(r)
    assert r.status_code == 200
    for expected in (
        "Dana Whitfield",
        "CTO at Acme",
        "dana@example.org",
        "on pricing",
        "to her CFO",
        "send the deck",
        "intro to the CFO",
        "a data lead",
        "coffee at the corner",
        "prefers morning calls",
        ">DW<",  # initials without a photo
        'id="quick-log"',
        'id="quick-note"',
    ):
        assert expected in body, expected


def test_trust_score_and_reasons_load_after_the_page(
    web: Client, alice: Owner, dana: Person
) -> None:
    from troth.interactions.actions import do_log_interaction

    do_log_interaction(alice, dana, "meeting", minutes=60)
    assert f'hx-get="/people/{dana.id}/trust"' in text(web.get(f"/people/{dana.id}/"))
    r = web.get(f"/people/{dana.id}/trust", **HTMX)
    assert r.status_code == 200 and "/100" in text(r) and "<html" not in text(r)
    assert 'class="reasons"' in text(r)
    assert '<svg class="spark' in text(r) and "today" in text(r)  # the 90-day trend
    assert "/100" in text(web.get(f"/people/{dana.id}/trust"))  # without htmx: a page


def test_photo_is_served_to_its_owner_only(
    web: Client, client: Client, alice: Owner, bob: Owner, dana: Person
) -> None:
    dana.photo, dana.photo_type = b"\x89PNG fake", "image/png"
    dana.save()
    assert f'src="/people/{dana.id}/photo"' in text(web.get(f"/people/{dana.id}/"))
    r = web.get(f"/people/{dana.id}/photo")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r.content == b"\x89PNG fake"
    dana.photo_type = "image/svg+xml"  # never handed to a browser
    dana.save()
    assert web.get(f"/people/{dana.id}/photo").status_code == 404
    client.force_login(bob)
    assert client.get(f"/people/{dana.id}/photo").status_code == 404


QUICK_OK = [
    ("log", {"log-channel": "call", "log-minutes": "30", "log-summary": "caught up"}),
    ("gave", {"gave-kind": "lead", "gave-what": "two candidates"}),
    ("got", {"got-kind": "advice", "got-what": "on the offer", "got-when": "yesterday"}),
    (
        "promise",
        {"promise-direction": "mine", "promise-what": "send the survey", "promise-due": "friday"},
    ),
    ("need", {"need-what": "a CPA", "need-span": "45d", "need-tags": "cpa, tax"}),
    ("note", {"note-text": "likes hiking"}),
]


def test_keep_in_touch_sets_the_rhythm_and_archives(
    web: Client, alice: Owner, dana: Person
) -> None:
    from troth.people.models import Relationship

    r = web.post(f"/people/{dana.id}/add/keep", {"keep-cadence": "14"}, **HTMX)
    assert r.status_code == 200 and "Check in: every two weeks." in text(r)
    rel = Relationship.objects.get(person=dana)
    assert (rel.cadence_days, rel.archived) == (14, False)
    assert '<option value="14" selected>' in text(web.get(f"/people/{dana.id}/"))
    r = web.post(
        f"/people/{dana.id}/add/keep", {"keep-cadence": "0", "keep-archived": "on"}, **HTMX
    )
    assert "never remind me. Archived." in text(r)
    rel.refresh_from_db()
    assert (rel.cadence_days, rel.archived) == (0, True)
    web.post(f"/people/{dana.id}/add/keep", {"keep-cadence": ""}, **HTMX)
    rel.refresh_from_db()
    assert (rel.cadence_days, rel.archived) == (None, False)
    r = web.post(f"/people/{dana.id}/add/keep", {"keep-cadence": "-3"}, **HTMX)
    assert r.status_code == 400 and "Select a valid choice" in text(r)


def _counts() -> tuple[int, ...]:
    return (
        Interaction.objects.count(),
        Favor.objects.count(),
        Commitment.objects.count(),
        Need.objects.count(),
        Note.objects.count(),
    )


@pytest.mark.parametrize("kind,data", QUICK_OK, ids=[k for k, _ in QUICK_OK])
def test_quick_add_creates_the_row_in_place(
    web: Client, alice: Owner, dana: Person, kind: str, data: dict[str, str]
) -> None:
    before = _counts()
    r = web.post(f"/people/{dana.id}/add/{kind}", data, **HTMX)
    body = text(r)
    assert r.status_code == 200, body
    assert 'class="ok"' in body and f'id="quick-{kind}"' in body
    assert 'id="person-records" class="records" hx-swap-oob="true"' in body  # lists refreshed
    after = _counts()
    assert sum(after) == sum(before) + 1
    if kind == "log":
        i = Interaction.objects.get()
        assert (i.channel, i.duration_minutes, i.summary) == ("call", 30, "caught up")
        assert "caught up" in body
    if kind == "got":
        f = Favor.objects.get()
        assert f.giver_id == dana.id and f.given_on == TODAY() - dt.timedelta(days=1)
    if kind == "need":
        n = Need.objects.get()
        assert n.expires_on == TODAY() + dt.timedelta(days=45)
        assert sorted(t.name for t in n.tags.all()) == ["cpa", "tax"]
    if kind == "promise":
        assert Commitment.objects.get().debtor.is_me


def test_a_bad_date_gets_one_hint_not_two(web: Client, dana: Person) -> None:
    r = web.post(f"/people/{dana.id}/add/log", {"log-channel": "call", "log-when": "someday"})
    assert r.status_code == 400
    assert text(r).count("(try ") == 1 and "cannot read date" in text(r)


def test_logging_a_meeting_updates_the_header_in_place(
    web: Client, alice: Owner, dana: Person
) -> None:
    page = text(web.get(f"/people/{dana.id}/"))
    assert '<span id="person-contact">0 interactions; last contact never.</span>' in page
    r = web.post(f"/people/{dana.id}/add/log", {"log-channel": "meeting"}, **HTMX)
    assert r.status_code == 200
    assert (
        f'<span id="person-contact" hx-swap-oob="true">1 interaction; last contact {TODAY()}.'
        in text(r)
    )
    r = web.post(f"/people/{dana.id}/add/log", {"log-channel": "carrier-pigeon"}, **HTMX)
    assert r.status_code == 400 and "person-contact" not in text(r)


def test_quick_add_without_htmx_redirects_to_the_person(web: Client, dana: Person) -> None:
    r = web.post(f"/people/{dana.id}/add/note", {"note-text": "met at PyCon"}, follow=True)
    assert r.status_code == 200 and "Note added." in text(r) and "met at PyCon" in text(r)


QUICK_BAD = [
    ("log", {"log-channel": "carrier-pigeon"}, "Select a valid choice"),
    ("log", {"log-channel": "call", "log-minutes": "0"}, "greater than or equal to 1"),
    ("log", {"log-channel": "call", "log-minutes": "ten"}, "Enter a whole number"),
    ("log", {"log-channel": "call", "log-when": "in 2 weeks"}, "in the future"),
    ("log", {"log-channel": "call", "log-when": "2999-01-01"}, "out of range"),
    (
        "log",
        {"log-channel": "call", "log-when": "someday"},
        "(try 2026-12-01, 1 Dec 2026, today, yesterday",
    ),
    ("gave", {"gave-kind": "bribe"}, "Select a valid choice"),
    ("gave", {"gave-kind": "lead", "gave-need": "99999"}, "Select a valid choice"),
    # a favour with no description is no record of what was done
    ("gave", {"gave-kind": "intro", "gave-what": ""}, "This field is required"),
    ("got", {"got-kind": "intro", "got-what": "   "}, "This field is required"),
    ("promise", {"promise-direction": "mine", "promise-what": ""}, "This field is required"),
    ("promise", {"promise-direction": "sideways", "promise-what": "x"}, "Select a valid choice"),
    # the service's own rule, shown as a form error
    (
        "promise",
        {"promise-direction": "theirs", "promise-what": "x", "promise-due": "2000-01-01"},
        "before the promise was made",
    ),
    ("need", {"need-what": "a CPA", "need-span": "forever"}, "span"),
    ("need", {"need-what": "a CPA", "need-span": "20y"}, "between 1 day and 10 years"),
    ("note", {"note-text": "   "}, "This field is required"),
    ("note", {"note-text": "x" * 10_001}, "at most 10000 characters"),
]


@pytest.mark.parametrize("kind,data,message", QUICK_BAD)
def test_quick_add_rejects_bad_input_and_writes_nothing(
    web: Client, dana: Person, kind: str, data: dict[str, str], message: str
) -> None:
    before = _counts()
    r = web.post(f"/people/{dana.id}/add/{kind}", data, **HTMX)
    assert r.status_code == 400
    assert message in text(r)
    assert "hx-swap-oob" not in text(r)
    assert _counts() == before
    # without htmx the whole page comes back with the form and its error
    r = web.post(f"/people/{dana.id}/add/{kind}", data)
    assert r.status_code == 400 and "<html" in text(r) and message in text(r)
    assert _counts() == before


def test_keep_break_or_release_a_promise_from_the_page(
    web: Client, alice: Owner, dana: Person, sam: Person, late_promise: Commitment
) -> None:
    theirs = do_make_promise(alice, dana, me_person(alice), "intro to the CFO")
    url = f"/people/{dana.id}/promises"
    assert f"{url}/{late_promise.id}/kept" in text(web.get(f"/people/{dana.id}/"))
    r = web.post(f"{url}/{late_promise.id}/kept", **HTMX)
    assert r.status_code == 200 and "Promise kept: send the deck" in text(r)
    assert 'id="person-records"' in text(r)
    late_promise.refresh_from_db()
    assert late_promise.status == Commitment.KEPT
    r = web.post(f"{url}/{late_promise.id}/broken", **HTMX)  # only open promises change
    assert r.status_code == 400 and "already kept" in text(r)
    r = web.post(f"{url}/{theirs.id}/released", follow=True)
    assert "Promise released" in text(r)
    theirs.refresh_from_db()
    assert theirs.status == Commitment.RELEASED
    assert web.post(f"{url}/{theirs.id}/forgotten").status_code == 404
    assert web.post(f"/people/{sam.id}/promises/{theirs.id}/kept").status_code == 404


def test_undo_a_promise_marked_on_the_person_page(
    web: Client, alice: Owner, bob: Owner, dana: Person, late_promise: Commitment
) -> None:
    from django.test import Client

    url = f"/people/{dana.id}/promises/{late_promise.id}"
    for status in ("kept", "broken", "released"):
        r = web.post(f"{url}/{status}", **HTMX)
        body = text(r)
        assert r.status_code == 200 and f'action="{url}/undo"' in body
        assert 'role="status"' in body and ">Undo</button>" in body
        found = re.search(r'name="undo" value="([^"]+)"', body)
        assert found is not None
        token = found.group(1)
        if status == "released":  # someone else's token is not theirs to use
            other = Client()
            other.force_login(bob)
            assert other.post(f"{url}/undo", {"undo": token}, **HTMX).status_code == 404
        r = web.post(f"{url}/undo", {"undo": token}, **HTMX)
        assert r.status_code == 200 and "the promise is open again" in text(r)
        late_promise.refresh_from_db()
        assert (late_promise.status, late_promise.status_changed_at) == (Commitment.OPEN, None)
        # used once: the second time it is refused and nothing changes
        r = web.post(f"{url}/undo", {"undo": token}, **HTMX)
        assert r.status_code == 400 and "nothing to undo" in text(r)
    r = web.post(f"{url}/undo", {"undo": "forged"}, **HTMX)
    assert r.status_code == 400 and "not valid any more" in text(r)


def test_withdraw_a_need_that_no_longer_matters(
    web: Client, alice: Owner, dana: Person, sam: Person
) -> None:
    need = do_add_need(alice, dana, "a data lead", days=30)
    url = f"/people/{dana.id}/needs/{need.id}/withdraw"
    assert url in text(web.get(f"/people/{dana.id}/"))
    r = web.post(url, **HTMX)
    assert r.status_code == 200 and "Need withdrawn: a data lead" in text(r)
    need.refresh_from_db()
    assert need.status == Need.WITHDRAWN
    r = web.post(url, **HTMX)
    assert r.status_code == 400 and "already withdrawn" in text(r)
    assert web.post(f"/people/{sam.id}/needs/{need.id}/withdraw").status_code == 404


def test_add_a_person_from_the_browser(web: Client, alice: Owner, dana: Person) -> None:
    assert web.get("/people/add").status_code == 200
    r = web.post(
        "/people/add",
        {
            "name": "Wren Halvorsen",
            "email": "Wren@Example.org",
            "company": "Larkspur Labs",
            "title": "VP Engineering",
            "met_how": "Chicago networking night",
            "met_on": "2026-01-15",
            "tags": "fintech, python",
            "closeness": "3",
        },
    )
    wren = Person.objects.get(full_name="Wren Halvorsen")
    assert r.status_code == 302 and r["Location"] == f"/people/{wren.id}/"
    page = text(web.get(r["Location"]))
    assert "wren@example.org" in page and "VP Engineering at Larkspur Labs" in page
    assert "Chicago networking night" in page
    for data, message in (
        ({"name": ""}, "This field is required"),
        ({"name": "Dana Whitfield"}, "already in your network"),
        ({"name": "X", "email": "not-an-email"}, "not-an-email"),
        ({"name": "\u200b\u200b"}, "has no visible characters"),  # a title alone is allowed
        ({"name": "X", "closeness": "9"}, "Select a valid choice"),
        ({"name": "X", "met_on": "in 3 days"}, "in the future"),
    ):
        before = Person.objects.count()
        r = web.post("/people/add", data)
        assert r.status_code == 400 and message in text(r), data
        assert Person.objects.count() == before
    r = web.post("/people/add", {"name": "Dana Whitfield", "duplicate": "on"})
    assert r.status_code == 302 and Person.objects.filter(full_name="Dana Whitfield").count() == 2


def test_unknown_quick_add_and_me_are_404(web: Client, alice: Owner, dana: Person) -> None:
    assert web.post(f"/people/{dana.id}/add/bogus", {}).status_code == 404
    assert web.get(f"/people/{me_person(alice).id}/").status_code == 404


# -- Owners and bad URLs -------------------------------------------------------------


def test_bob_never_sees_alice(
    client: Client,
    alice: Owner,
    bob: Owner,
    dana: Person,
    late_promise: Commitment,
    favour_got: Favor,
) -> None:
    need = do_add_need(alice, dana, "a CPA who knows startups", days=30)
    client.force_login(bob)
    for url in (
        f"/people/{dana.id}/",
        f"/people/{dana.id}/photo",
        f"/people/{dana.id}/trust",
        f"/today/p{late_promise.id}/draft",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "Dana" not in text(r) and "send the deck" not in text(r)
    for url, data in (
        (f"/today/p{late_promise.id}/done", {}),
        (f"/today/t{favour_got.id}/skip", {}),
        (f"/today/t{favour_got.id}/snooze", {"until": "2099-01-01"}),
        (f"/people/{dana.id}/add/note", {"note-text": "mine now"}),
        (f"/people/{dana.id}/promises/{late_promise.id}/kept", {}),
        (f"/people/{dana.id}/needs/{need.id}/withdraw", {}),
        ("/people/tag", {"ids": [dana.id], "bulk_tag": "x", "action": "add"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert not Note.objects.exists() and not AgendaMark.objects.exists()
    need.refresh_from_db()
    assert need.status == Need.OPEN, "bob could not withdraw alice's need"
    late_promise.refresh_from_db()
    assert late_promise.status == Commitment.OPEN
    body = text(client.get("/people/"))
    assert "Dana" not in body and "Sam" not in body
    assert "send the deck" not in text(client.get("/"))


def test_a_need_that_does_not_exist_is_a_404_apart_from_isolation(
    web: Client, dana: Person
) -> None:
    """ "Not yours" (test_bob_never_sees_alice) and "no such row" are separate cases."""
    assert web.post(f"/people/{dana.id}/needs/999999/withdraw", {}).status_code == 404
    assert web.post("/people/999999/needs/1/withdraw", {}).status_code == 404


def test_unknown_urls_are_a_404_page(web: Client) -> None:
    r = web.get("/no/such/page")
    assert r.status_code == 404 and "Not found" in text(r)
    assert web.get("/people/999999/").status_code == 404


# -- Signing in ------------------------------------------------------------------------


def test_without_local_mode_every_page_asks_to_sign_in(client: Client, alice: Owner) -> None:
    r = client.get("/people/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert client.get("/login/").status_code == 200
    r = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert r.status_code == 200 and "error" in text(r)
    r = client.post("/login/", {"username": "alice", "password": "password"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_new_account_gets_its_own_me_on_sign_in(client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model

    carol = get_user_model().objects.create_user("carol", password="s3cret-enough")
    assert (
        client.post("/login/", {"username": "carol", "password": "s3cret-enough"}).status_code
        == 302
    )
    assert Person.objects.filter(owner=carol, is_me=True).exists()
    wren = do_add_person(carol, "Wren Halvorsen")
    r = client.post(
        f"/people/{wren.id}/add/got", {"got-kind": "advice", "got-what": "on the offer"}, **HTMX
    )
    assert r.status_code == 200 and Favor.objects.get().receiver.is_me


@override_settings(TROTH_LOCAL_LOGIN=True)
def test_local_mode_signs_in_the_local_owner_on_loopback_only(client: Client, db: None) -> None:
    from django.contrib.auth import get_user_model

    r = client.get("/", REMOTE_ADDR="127.0.0.1")
    assert r.status_code == 200 and "Sign out" not in text(r)
    local = get_user_model().objects.get(username=LOCAL_USERNAME)
    assert Person.objects.filter(owner=local, is_me=True).exists()
    assert client.get("/people/", REMOTE_ADDR="::1").status_code == 200
    for remote in ("192.0.2.10", "10.0.0.2", ""):
        r = client.get("/", REMOTE_ADDR=remote)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), remote
    # a write from loopback is the local owner's
    p = do_add_person(local, "Wren Halvorsen")
    r = client.post(f"/people/{p.id}/add/note", {"note-text": "hello"}, REMOTE_ADDR="127.0.0.1")
    assert r.status_code == 302 and Note.objects.get().owner_id == local.id


@override_settings(TROTH_LOCAL_LOGIN=True)
def test_local_mode_never_reaches_another_owners_data(
    client: Client, alice: Owner, dana: Person
) -> None:
    assert client.get(f"/people/{dana.id}/", REMOTE_ADDR="127.0.0.1").status_code == 404


# -- troth serve, for real ---------------------------------------------------------------


def test_serve_checks_before_opening_to_the_network(
    cli: Cli, alice: Owner, settings: Settings
) -> None:
    from troth.cli.web import is_loopback_host

    assert all(is_loopback_host(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback_host(h) for h in ("0.0.0.0", "192.168.1.5", "example.org", "::"))
    for bad in (["--port", "0"], ["--port", "70000"], ["--threads", "0"]):
        assert "troth: error:" in cli("serve", "--no-open", *bad, code=2).stderr
    from troth.cli.web import _url, allowed_hosts

    assert allowed_hosts("::1", "127.0.0.1") == "127.0.0.1,[::1]"
    assert allowed_hosts("192.168.1.5", "127.0.0.1,localhost") == "127.0.0.1,localhost,192.168.1.5"
    assert allowed_hosts("0.0.0.0", "troth.example.org") == "troth.example.org"
    assert allowed_hosts("127.0.0.1", "127.0.0.1,localhost") == "127.0.0.1,localhost"
    assert (
        _url("::1", 8000) == "http://[::1]:8000/" and _url("0.0.0.0", 80) == "http://localhost:80/"
    )
    # alice has a password, but the shipped secret key is public: refused
    result = cli("serve", "--host", "0.0.0.0", "--no-open", code=2)
    assert "TROTH_SECRET_KEY" in result.stderr


TROTH = shutil.which("troth") or str(Path(sys.executable).parent / "troth")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [TROTH, "serve", "--port", str(port), "--no-open", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, port


def _get(proc: subprocess.Popen[str], url: str) -> tuple[str, str]:
    """The page's final address and body, once the server answers (90 s at most)."""
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read() if proc.stdout else "serve exited")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.geturl(), r.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a slow first answer
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out: str
    out, _ = proc.communicate(timeout=20)
    return out


@pytest.mark.own_process
def test_troth_serve_answers_http_on_loopback(tmp_path: Path, migrated_db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(migrated_home(migrated_db, tmp_path / "home"))
    # beyond loopback: refused until an account with a password exists
    refused = subprocess.run(
        [TROTH, "serve", "--host", "0.0.0.0", "--no-open", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "createsuperuser" in refused.stderr and "127.0.0.1" in refused.stderr
    proc, port = _start(env)
    try:
        url, body = _get(proc, f"http://127.0.0.1:{port}/")
        assert url == f"http://127.0.0.1:{port}/"  # local mode: no sign-in
        assert "troth knows nobody yet" in body  # an empty home: how to begin
        _url, js = _get(proc, f"http://127.0.0.1:{port}/static/web/htmx.min.js")
        assert "htmx" in js[:200]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page")
        assert missing.value.code == 404
        missing.value.close()  # the error holds the response's socket
    finally:
        out = _stop(proc)
    assert f"http://127.0.0.1:{port}/" in out

    # with an account and a secret key of one's own it serves the network, behind sign-in
    env.update(DJANGO_SUPERUSER_PASSWORD="a long enough password", TROTH_SECRET_KEY="k" * 50)
    subprocess.run(
        [sys.executable, "-m", "troth.manage", "createsuperuser", "--noinput",
         "--username", "dana", "--email", "dana@example.org"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    proc, port = _start(env, "--host", "0.0.0.0")
    try:
        url, body = _get(proc, f"http://127.0.0.1:{port}/people/")
        assert url.endswith("/login/?next=/people/") and "Sign in" in body
    finally:
        _stop(proc)


def test_people_shows_and_sorts_by_trust_before_any_other_page_computed_it(
    web: Client, alice: Owner, dana: Person, sam: Person
) -> None:
    from troth.trust.models import TrustScore

    for k in range(4):
        do_log_interaction(
            alice, sam, "meeting", when=timezone.now() - dt.timedelta(days=3 + 20 * k), minutes=60
        )
    TrustScore.objects.filter(owner=alice).delete()  # as on a fresh demo: nothing cached
    body = text(web.get("/people/", {"sort": "score"}))  # strongest first
    assert body.index("Sam Okafor") < body.index("Dana Whitfield")
    scores = dict(TrustScore.objects.filter(owner=alice).values_list("person_id", "score"))
    from troth.present import whole

    assert f">{whole(scores[sam.id])}" in body  # the same whole number as on Sam's page


def test_a_long_timeline_says_what_it_leaves_out_and_shows_all_on_request(
    web: Client, alice: Owner, sam: Person
) -> None:
    start = timezone.now() - dt.timedelta(days=400)
    for k in range(105):
        do_log_interaction(alice, sam, "email", when=start + dt.timedelta(days=k))
    body = text(web.get(f"/people/{sam.id}/"))
    assert "The latest 100 of 105 interactions." in body and "?timeline=all" in body
    body = text(web.get(f"/people/{sam.id}/", {"timeline": "all"}))
    assert "The latest" not in body and body.count('<span class="badge">email</span>') == 105
