"""The Needs page through Django's test client (real database): mine and my
contacts' open needs, who could help and why, what I could meet, a need of my own
added and withdrawn, and another owner's needs as 404s."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.ledger.actions import do_add_need, do_close_need
from troth.ledger.models import Need
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person, do_tag
from troth.people.models import Person

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def text(response: Response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(alice, "Dana Whitfield", company="Acme", title="CTO")


@pytest.fixture
def pat(alice: Owner) -> Person:
    pat = do_add_person(alice, "Pat Numbers", company="Ledgerly", title="CPA")
    do_tag(alice, pat, ["accounting", "tax"])
    return pat


@pytest.fixture
def cpa_need(alice: Owner, dana: Person) -> Need:
    return do_add_need(alice, dana, "a CPA who knows startups", tags=["accounting"])


def test_needs_page_lists_mine_and_my_contacts(
    web: Client, alice: Owner, dana: Person, cpa_need: Need
) -> None:
    mine = do_add_need(alice, me_person(alice), "intro to hiring managers at Larkspur")
    closed = do_add_need(alice, dana, "an old need")
    do_close_need(alice, closed, Need.WITHDRAWN)
    expired = do_add_need(
        alice, dana, "a need gone by", days=5, noted_on=timezone.localdate() - dt.timedelta(30)
    )
    r = web.get("/needs/")
    assert r.status_code == 200
    page = text(r)
    assert 'aria-current="page">Needs' in page
    assert "Yours (1)" in page and "intro to hiring managers at Larkspur" in page
    assert "Your contacts' (1)" in page and "a CPA who knows startups" in page
    assert "an old need" not in page and expired.what not in page
    # record the favour that meets it: the person's page with the form open on this need
    assert f"/people/{dana.id}/?need={cpa_need.id}#quick-gave" in page
    assert f"/people/{dana.id}/?need={mine.id}" not in page
    # who could help and what I could meet are asked for when shown
    assert f'hx-get="/needs/{cpa_need.id}/helpers"' in page
    assert 'hx-get="/needs/i-can-help"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3


def test_empty_needs_page(web: Client) -> None:
    page = text(web.get("/needs/"))
    assert "No open need of a contact matches" in text(web.get("/needs/i-can-help", **HTMX))
    assert "Nothing open" in page and "None of your contacts has an open need" in page


def test_who_could_help_and_why(
    web: Client, alice: Owner, dana: Person, pat: Person, cpa_need: Need
) -> None:
    r = web.get(f"/needs/{cpa_need.id}/helpers", **HTMX)
    assert r.status_code == 200
    page = text(r)
    assert f'href="/people/{pat.id}/"' in page and "Pat Numbers" in page
    assert "Dana Whitfield</a>" not in page  # never the person with the need
    assert "no two-way contact yet" in page  # a stranger who fits is marked
    assert "pass a need on only with Dana Whitfield's blessing" in page
    r = web.get(f"/needs/{cpa_need.id}/helpers")
    assert r.status_code == 200 and "<h1>Who could help" in text(r)


def test_helpers_for_my_own_need_point_to_recording_what_i_got(
    web: Client, alice: Owner, pat: Person
) -> None:
    mine = do_add_need(alice, me_person(alice), "a CPA for my taxes", tags=["tax"])
    page = text(web.get(f"/needs/{mine.id}/helpers", **HTMX))
    assert f'href="/people/{pat.id}/#quick-got"' in page
    assert "record what you got" in page


def test_i_can_help(web: Client, alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    do_edit_person(alice, me, company="Ledgerly", title="CPA")
    do_tag(alice, me, ["accounting"])
    need = do_add_need(alice, dana, "a CPA who knows startups", tags=["accounting"])
    r = web.get("/needs/i-can-help", **HTMX)
    assert r.status_code == 200
    page = text(r)
    assert "a CPA who knows startups" in page and f"/people/{dana.id}/?need={need.id}" in page
    assert "why you:" in page
    assert web.get("/needs/i-can-help").status_code == 200


def test_add_my_need(web: Client, alice: Owner) -> None:
    r = web.post(
        "/needs/add",
        {
            "need-what": "intro to hiring managers at Larkspur",
            "need-span": "6w",
            "need-tags": "hiring",
        },
        **HTMX,
    )
    assert r.status_code == 200
    page = text(r)
    assert "Recorded your need, open until" in page
    assert '<div id="needs-lists" hx-swap-oob="true">' in page and "Yours (1)" in page
    need = Need.objects.get(owner=alice)
    assert need.person.is_me and (need.expires_on - need.noted_on).days == 42
    assert [t.name for t in need.tags.all()] == ["hiring"]
    r = web.post("/needs/add", {"need-what": "a second one"}, follow=True)
    assert r.status_code == 200 and "Recorded your need" in text(r)
    assert Need.objects.filter(owner=alice).count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"need-what": ""}, "This field is required."),
        ({"need-what": "x", "need-span": "forever"}, "span"),
        ({"need-what": "x", "need-span": "20y"}, "between 1 day and 10 years"),
    ],
)
def test_add_need_errors_are_400_and_write_nothing(
    web: Client, alice: Owner, data: dict[str, str], message: str
) -> None:
    r = web.post("/needs/add", data, **HTMX)
    assert r.status_code == 400
    assert message.lower() in text(r).lower()
    assert not Need.objects.exists()


def test_withdraw(web: Client, alice: Owner, dana: Person, cpa_need: Need) -> None:
    r = web.post(f"/needs/{cpa_need.id}/withdraw", **HTMX)
    assert r.status_code == 200
    page = text(r)
    assert "Withdrawn: a CPA who knows startups" in page and "Your contacts' (0)" in page
    cpa_need.refresh_from_db()
    assert cpa_need.status == Need.WITHDRAWN
    r = web.post(f"/needs/{cpa_need.id}/withdraw", **HTMX)
    assert r.status_code == 400 and "is already withdrawn" in text(r)
    r = web.post(f"/needs/{cpa_need.id}/withdraw", follow=True)
    assert r.status_code == 200 and "is already withdrawn" in text(r)


def test_forms_need_csrf(alice: Owner, cpa_need: Need) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/needs/{cpa_need.id}/withdraw").status_code == 403
    assert strict.post("/needs/add", {"need-what": "x"}).status_code == 403
    cpa_need.refresh_from_db()
    assert cpa_need.status == Need.OPEN and Need.objects.count() == 1


def test_bob_gets_404_for_alices_needs(
    client: Client, alice: Owner, bob: Owner, cpa_need: Need
) -> None:
    client.force_login(bob)
    page = text(client.get("/needs/"))
    assert "a CPA who knows startups" not in page
    assert client.get(f"/needs/{cpa_need.id}/helpers").status_code == 404
    assert client.post(f"/needs/{cpa_need.id}/withdraw").status_code == 404
    cpa_need.refresh_from_db()
    assert cpa_need.status == Need.OPEN
    # bob's own need goes to bob
    client.post("/needs/add", {"need-what": "bob's need"})
    assert Need.objects.get(what="bob's need").owner_id == bob.id
    client.force_login(alice)
    assert "bob's need" not in text(client.get("/needs/"))
