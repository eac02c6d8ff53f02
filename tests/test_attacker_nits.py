"""The second attacker's review of the newcomer fixes (2026-12-07): a NUL character in
a page's query or form is a 400 on both databases (PostgreSQL's DataError was a 500);
a company is refused as "just ask them" when everyone there is a close tie, whatever
--floor says; distinct calendar events that share a UID are counted apart when left
out; the same --strength said again gets no hint to give one."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from test_newcomer4_fixes import _event
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def _me() -> Owner:
    from troth.owners import local_owner

    return local_owner()


@pytest.mark.parametrize(
    "url",
    [
        "/people/?q=%00",
        "/people/?tag=a%00b",
        "/paths/?company=Ac%00me",
        "/paths/?company=%00",
        "/people/?q%00=x",
    ],
)
def test_a_nul_in_a_query_is_a_400_naming_the_parameter(web: Client, url: str) -> None:
    page = web.get(url)
    assert page.status_code == 400
    assert "contains a NUL character" in page.content.decode()


def test_a_nul_in_a_form_field_is_a_400(web: Client, alice: Owner) -> None:
    ann = do_add_person(alice, "Ann Ames")
    page = web.post(
        f"/people/{ann.id}/edit",
        "full_name=Ann%00Ames",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert "form field 'full_name': contains a NUL character" in text
    # a multipart body is the view's to read: its form refuses the NUL, a 400 too
    multipart = web.post(f"/people/{ann.id}/edit", {"full_name": "Ann\x00Ames"})
    assert multipart.status_code == 400
    ann.refresh_from_db()
    assert ann.full_name == "Ann Ames"


def test_the_api_still_answers_a_nul_in_json(web: Client) -> None:
    # /api/ keeps its own JSON refusal (troth.api.core), not the page
    page = web.get("/api/v1/people?q=%00")
    assert page.status_code in (400, 401)
    assert page["Content-Type"].startswith("application/json")


def _active(me: Owner, name: str, company: str) -> None:
    person = do_add_person(me, name, company=company)
    now = timezone.now()
    for i in range(12):
        do_log_interaction(me, person, "meeting", when=now - dt.timedelta(days=3 + 9 * i))


def test_a_company_of_close_ties_is_refused_whatever_the_floor(
    cli: Cli, fixed_day: dt.date
) -> None:
    me = _me()
    _active(me, "Cleo Cole", "Acme")
    for floor in ("inner", "close", "active", "network", "dormant"):
        refused = cli("path", "--company", "Acme", "--floor", floor, code=2)
        assert refused.stderr.strip().endswith("(active): just ask them"), floor
    # someone there who is no close tie of mine: never refused, whatever the floor
    do_add_person(me, "Olga Old", company="Dusty")
    for floor in ("active", "dormant"):
        answered = cli("path", "--company", "Dusty", "--floor", floor)
        assert "just ask them" not in answered.stdout + answered.stderr


def test_distinct_events_sharing_a_uid_are_counted_apart(
    cli: Cli, tmp_path: Path, fixed_day: dt.date
) -> None:
    year = fixed_day.year - 1
    me = "ORGANIZER:mailto:owner@example.org"
    cancelled = [
        _event(
            "dup@x",
            f"{year}03{day:02d}T100000Z",
            "DURATION:PT30M",
            "STATUS:CANCELLED",
            me,
            "ATTENDEE:mailto:bea@example.org",
        )
        for day in range(1, 11)
    ]
    series = _event(
        "weekly@x",
        f"{year}0105T100000Z",
        "DURATION:PT30M",
        "RRULE:FREQ=WEEKLY;COUNT=5",
        "STATUS:CANCELLED",
        me,
        "ATTENDEE:mailto:bea@example.org",
    )
    ics = tmp_path / "cal.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "".join(cancelled)
        + series
        + "END:VCALENDAR\r\n"
    )
    data = cli.json("import", str(ics), "--me", "owner@example.org", "--dry-run")
    # ten one-off meetings (one UID between them) and one weekly series of five
    assert data["left_out"] == {"cancelled meetings": 11}


def test_the_same_strength_again_gets_no_hint_to_give_one(cli: Cli, fixed_day: dt.date) -> None:
    me = _me()
    do_add_person(me, "Ann Ames")
    do_add_person(me, "Ben Bell")
    cli("knows", "Ann Ames", "Ben Bell", "--strength", "4")
    again = " ".join(cli("knows", "Ann Ames", "Ben Bell", "--strength", "4").stdout.split())
    assert "nothing changed" in again and "--strength" not in again
    plain = " ".join(cli("knows", "Ann Ames", "Ben Bell").stdout.split())
    assert plain.endswith("nothing changed; --strength 1-5 sets how well")


@pytest.mark.parametrize(
    ("url", "field"), [("/people/tag", "bulk_tag"), ("/settings/tokens/add", "name")]
)
def test_a_nul_in_a_multipart_form_is_a_400(web: Client, url: str, field: str) -> None:
    """Views that read request.POST themselves passed it on to PostgreSQL (a 500)."""
    page = web.post(url, {field: "t\x00k", "ids": "1"})
    assert page.status_code == 400
    assert f"form field '{field}': contains a NUL character" in html.unescape(page.content.decode())


def test_a_nul_in_the_session_cookie_is_no_500(client: Client, alice: Owner) -> None:
    # Django unescapes \\000 in a cookie's value to a NUL; PostgreSQL refused it
    page = client.get("/people/", HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"')
    assert page.status_code in (200, 302)
