"""What every API read and every token shares: cursor pagination, ETags, the rate
limit (429 with Retry-After), the docs page under the app's CSP, busy SQLite (503)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from api_helpers import Api
from troth.api.models import RateWindow
from troth.owned import Owner
from troth.people.actions import do_add_person

pytestmark = pytest.mark.django_db


def test_cursor_pages_cover_the_list_once(alice: Owner) -> None:
    for n in range(23):
        do_add_person(alice, f"Person {n:02d}")
    api = Api(alice)
    seen: list[str] = []
    r = api.get("/people", limit=10)
    pages = 0
    while True:
        body = r.json()
        seen += [p["name"] for p in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        r = api.get("/people", limit=10, cursor=body["next"])
    assert pages == 3 and seen == [f"Person {n:02d}" for n in range(23)]


def test_a_cursor_is_opaque_signed_and_bound_to_its_filters(alice: Owner) -> None:
    for n in range(5):
        do_add_person(alice, f"Person {n}")
    api = Api(alice)
    cursor = api.get("/people", limit=2).json()["next"]
    assert cursor and "2" not in cursor.split(":")[0][:1]  # not a bare offset
    forged = cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb")
    for bad in (forged, "0", "x" * 40):
        r = api.get("/people", limit=2, cursor=bad)
        assert r.status_code == 400 and r.json()["error"].startswith("cursor:")
    # the same cursor with other filters, or on another list, is refused
    assert api.get("/people", limit=2, cursor=cursor, q="Person").status_code == 400
    assert api.get("/promises", limit=2, cursor=cursor).status_code == 400
    assert api.get("/people", limit=2, cursor=cursor).status_code == 200


def test_etag_and_if_none_match(alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    api = Api(alice)
    first = api.get(f"/people/{dana.id}")
    tag = first["ETag"]
    assert tag.startswith('"') and "Authorization" in first["Vary"]
    again = api("GET", f"/people/{dana.id}", None, **{"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    api("POST", f"/people/{dana.id}/notes", {"text": "changed"})
    changed = api("GET", f"/people/{dana.id}", None, **{"If-None-Match": tag})
    assert changed.status_code == 200 and changed["ETag"] != tag
    # writes carry no ETag
    assert "ETag" not in api("POST", f"/people/{dana.id}/notes", {"text": "x"})


def test_a_page_with_a_next_page_keeps_its_etag_over_time(
    alice: Owner, time_machine: TimeMachineFixture
) -> None:
    """`next` is the same cursor a minute later (it carried a time stamp: a list of more
    than one page answered 200 with a new ETag every second, a newcomer's review)."""
    for n in range(5):
        do_add_person(alice, f"Person {n}")
    api = Api(alice)
    time_machine.move_to("2027-05-04 10:00:00+00:00", tick=False)
    first = api.get("/people", limit=2)
    assert first.json()["next"]
    time_machine.move_to("2027-05-04 10:01:00+00:00", tick=False)
    again = api("GET", "/people?limit=2", None, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    r = api.get("/people", limit=2, cursor=first.json()["next"])
    assert [p["name"] for p in r.json()["items"]] == ["Person 2", "Person 3"]


def test_rate_limit_per_account_then_429(alice: Owner, bob: Owner, settings: Settings) -> None:
    settings.TROTH_API_RATE_LIMIT = 5
    api, other = Api(alice), Api(bob)
    codes = [api.get("/people").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    r = api.get("/people")
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 60
    assert "error" in r.json()
    assert other.get("/people").status_code == 200  # per token, not per server
    # counted in the database, where every server process sees it
    assert RateWindow.objects.get(account_id=alice.id).count == 8
    settings.TROTH_API_RATE_LIMIT = 0
    assert api.get("/people").status_code == 200


def test_rate_limit_counts_hold_across_a_new_minute(
    alice: Owner, settings: Settings, time_machine: TimeMachineFixture
) -> None:
    import datetime as dt

    settings.TROTH_API_RATE_LIMIT = 2
    api = Api(alice)
    start = dt.datetime(2030, 1, 1, 12, 0, 30, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    assert [api.get("/people").status_code for _ in range(3)] == [200, 200, 429]
    time_machine.move_to(start + dt.timedelta(seconds=31), tick=False)
    assert api.get("/people").status_code == 200
    assert RateWindow.objects.filter(account_id=alice.id).count() == 1  # old minute gone


def test_docs_and_document_need_no_token_and_load_nothing_from_elsewhere() -> None:
    client = Client()
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200 and doc.json()["info"]["title"] == "troth"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    # the page's scripts and style are our own static files, served here
    import re

    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200, asset
        r.close()  # WhiteNoise streams the file: close it
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    assert "<script>" not in html.replace(" ", "")  # no inline script for the CSP to refuse


def test_busy_database_is_503_not_500(alice: Owner) -> None:
    """SQLite's lock past the busy timeout reaches the client as 503 + Retry-After."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from troth.api.core import api as ninja_api

    request = RequestFactory().get("/api/v1/people")
    r = ninja_api.on_exception(request, OperationalError("database is locked"))
    assert r.status_code == 503 and r["Retry-After"] == "5"


def test_writes_need_no_csrf_token_only_a_bearer_token(alice: Owner) -> None:
    """CSRF protects cookies a browser sends on its own; a bearer token it never
    attaches by itself, so the API's writes do not ask for a CSRF token."""
    api = Api(alice)
    api.client = Client(enforce_csrf_checks=True)
    r = api("POST", "/people", {"name": "Dana Kang"})
    assert r.status_code == 201, r.content
