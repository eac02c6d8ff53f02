"""A newcomer's findings of 2026-12-07 (the fourth review): `troth knows A B` said
again is no second piece of evidence and says so; `troth path --plan --ask` refused
prints nothing first; a CSV of a header row alone is one line naming it; a calendar's
repeating events left out count once each; `troth agenda --all --limit N` is refused,
not half ignored; a company whose people are all my own ties is refused as a person
who is one is ("just ask them"), exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import time_machine
from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros.models import Introduction
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths.actions import links_as_of
from troth.warmpaths.models import InferencePass, Link, PlannedAsk

if TYPE_CHECKING:
    from conftest import Cli


def _me() -> Owner:
    from troth.owners import local_owner

    return local_owner()


def _said(text: str) -> str:
    return " ".join(text.split())


def _link(a: Person, b: Person) -> Link:
    low, high = sorted((a.id, b.id))
    return Link.objects.get(person_a_id=low, person_b_id=high)


def test_knows_said_again_changes_nothing_and_says_so(cli: Cli, fixed_day: dt.date) -> None:
    me = _me()
    ann, ben = do_add_person(me, "Ann Ames"), do_add_person(me, "Ben Bell")
    first = _said(cli("knows", "Ann Ames", "Ben Bell").stdout)
    assert first == "Noted: Ann Ames and Ben Bell know each other (strength 0.50)"
    stated = _link(ann, ben)
    again = _said(cli("knows", "Ann Ames", "Ben Bell").stdout)
    assert "You had already said Ann Ames and Ben Bell know each other" in again
    assert "nothing changed" in again and "Noted" not in again
    data = cli.json("knows", "Ann Ames", "Ben Bell")
    assert (data["strength"], data["changed"]) == (0.5, False)
    kept = _link(ann, ben)  # nothing written: not even the moment it was said
    assert (kept.manual_at, kept.updated_at) == (stated.manual_at, stated.updated_at)
    # an explicit --strength sets it, and says what it was
    changed = _said(cli("knows", "Ann Ames", "Ben Bell", "--strength", "4").stdout)
    assert changed == (
        "Updated: you had already said Ann Ames and Ben Bell know each other;"
        " strength 0.80 from your 4/5, was 0.50"
    )
    assert _link(ann, ben).manual_at == stated.manual_at  # first said then, still
    same = cli.json("knows", "Ann Ames", "Ben Bell", "--strength", "4")
    assert (same["strength"], same["changed"]) == (0.8, False)
    # forgetting twice: the second says so
    cli("knows", "--forget", "Ann Ames", "Ben Bell")
    twice = _said(cli("knows", "--forget", "Ann Ames", "Ben Bell").stdout)
    assert twice == "The link between Ann Ames and Ben Bell was already forgotten: nothing changed"


def test_knows_said_again_later_keeps_the_day_it_was_first_said(
    cli: Cli, fixed_day: dt.date
) -> None:
    """Said on the 1st and again on the 10th: on the 5th the link was known (--as-of)."""
    me = _me()
    ann, ben = do_add_person(me, "Ann Ames"), do_add_person(me, "Ben Bell")
    cli("knows", "Ann Ames", "Ben Bell")
    later = dt.datetime.combine(fixed_day + dt.timedelta(days=10), dt.time(12))
    with time_machine.travel(later, tick=True):
        cli("knows", "Ann Ames", "Ben Bell")
    key = tuple(sorted((ann.id, ben.id)))
    assert key in links_as_of(me, fixed_day + dt.timedelta(days=5))


def _cleo_knows_tess(me: Owner, company: str | None = None) -> tuple[Person, Person]:
    """Cleo, a close tie in touch last week (not cooling), on six small messages with Tess."""
    cleo = do_add_person(me, "Cleo Cole", company=company)
    tess = do_add_person(me, "Tess Target")
    now = timezone.now()
    for i in range(12):
        do_log_interaction(me, cleo, "meeting", when=now - dt.timedelta(days=3 + 9 * i))
    for i in range(6):
        for p in (cleo, tess):
            do_log_interaction(
                me,
                p,
                "email",
                when=now - dt.timedelta(days=5 + i),
                source="mail",
                external_id=f"m{i}",
            )
    return cleo, tess


def test_plan_and_ask_refused_print_nothing_first(cli: Cli, fixed_day: dt.date) -> None:
    _cleo_knows_tess(_me())
    for extra in ((), ("--json",)):
        # Cleo is not cooling, so the ask goes ahead, and the workflow refuses it (nothing
        # given to Cleo yet): one line on stderr, no "not cooling" line before it
        refused = cli("path", "Tess Target", "--plan", "--ask", "--why", "design", *extra, code=2)
        assert refused.stdout == ""
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "not ready to ask Cleo Cole for an introduction" in refused.stderr
    assert not Introduction.objects.exists() and not PlannedAsk.objects.exists()
    asked = _said(
        cli(
            "path", "Tess Target", "--plan", "--ask", "--why", "design", "--anyway", "a test"
        ).stdout
    )
    assert asked.startswith("Cleo Cole is not cooling: no check-in needed first. Asked Cleo Cole")


def test_a_csv_of_a_header_row_alone_is_one_line_naming_it(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "people.csv"
    empty.write_text("name,email\n")
    out = cli("import", str(empty)).stdout
    assert "Imported" not in out and "Columns" not in out
    assert _said(out) == f"Nothing imported: there are no records in {empty} (only a header row)."
    dry = cli("import", str(empty), "--dry-run").stdout
    assert _said(dry) == (
        f"Nothing would be imported: there are no records in {empty} (only a header row)."
    )
    data = cli.json("import", str(empty))  # --json: the same figures, valid JSON
    assert data["records"] == 0 and data["nothing_new"].startswith("Nothing imported")


def _event(uid: str, start: str, *lines: str) -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{start}\r\n{body}END:VEVENT\r\n"


def test_a_repeating_event_left_out_counts_once(
    cli: Cli, tmp_path: Path, fixed_day: dt.date
) -> None:
    """Before the fixed day: a yearly birthday seen three times, a weekly meeting
    cancelled whole (five weeks), a weekly meeting with nobody but me (four weeks)."""
    me = "ORGANIZER:mailto:owner@example.org"
    year = fixed_day.year
    ics = tmp_path / "cal.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + _event("BIRTHDAY_bea", f"{year - 2}0301", "RRULE:FREQ=YEARLY", "SUMMARY:Bea's birthday")
        + _event(
            "off@x",
            f"{year - 1}0105T100000Z",
            "DURATION:PT30M",
            "RRULE:FREQ=WEEKLY;COUNT=5",
            "STATUS:CANCELLED",
            me,
            "ATTENDEE:mailto:bea@example.org",
        )
        + _event(
            "solo@x",
            f"{year - 1}0205T100000Z",
            "DURATION:PT30M",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            me,
            "ATTENDEE:mailto:owner@example.org",
        )
        + _event(
            "met@x",
            f"{year - 1}0305T100000Z",
            "DURATION:PT30M",
            me,
            "ATTENDEE:mailto:bea@example.org",
        )
        + "END:VCALENDAR\r\n"
    )
    data = cli.json("import", str(ics), "--me", "owner@example.org")
    assert data["interactions_added"] == 1
    assert data["left_out"] == {
        "birthdays and holidays": 1,
        "cancelled meetings": 1,
        "meetings with only you": 1,
    }


def test_agenda_refuses_all_with_a_limit(cli: Cli, fixed_day: dt.date) -> None:
    me = _me()
    for n in range(9):
        do_add_need(me, do_add_person(me, f"Nia Need{n}"), f"a designer, take {n}")
    assert len(cli.json("agenda", "--all")["items"]) > 3
    for extra in ((), ("--json",)):
        refused = cli("agenda", "--all", "--limit", "3", *extra, code=2)
        assert refused.stdout == ""
        assert refused.stderr.strip() == (
            "troth: error: --all shows everything: give --all or --limit 3, not both"
        )
    # --limit 0 is --all; --limit alone still limits
    assert cli.json("agenda", "--all", "--limit", "0") == cli.json("agenda", "--all")
    assert len(cli.json("agenda", "--limit", "3")["items"]) == 3


def test_a_company_of_my_own_ties_is_refused_as_a_close_tie_is(
    cli: Cli, fixed_day: dt.date
) -> None:
    me = _me()
    _cleo_knows_tess(me, company="Acme")
    for args in (("Cleo Cole",), ("--company", "Acme")):
        for extra in ((), ("--json",), ("--plan",)):
            refused = cli("path", *args, *extra, code=2)
            assert refused.stdout == "", (args, extra)  # no half-written JSON either
            line = refused.stderr.strip()
            assert len(line.splitlines()) == 1 and line.endswith(": just ask them"), line
    said = cli("path", "--company", "Acme", code=2).stderr.strip()
    assert said == "troth: error: you know Cleo Cole at Acme yourself (active): just ask them"
    assert not InferencePass.objects.exists() and not PlannedAsk.objects.exists()  # no pass ran
    # someone else there to reach: the paths, my own tie listed apart, valid JSON
    cli("edit", "Tess Target", "--company", "Acme")
    data = cli.json("path", "--company", "Acme")
    assert [row["name"] for row in data["target"]["direct"]] == ["Cleo Cole"]
    assert data["paths"][0]["hops"][-1]["name"] == "Tess Target"


def test_the_company_page_says_just_ask_them(fixed_day: dt.date, web: Client, alice: Owner) -> None:
    cleo = do_add_person(alice, "Cleo Cole", company="Acme")
    now = timezone.now()
    for i in range(12):
        do_log_interaction(alice, cleo, "meeting", when=now - dt.timedelta(days=3 + 9 * i))
    page = web.get("/paths/?company=Acme")
    assert page.status_code == 200
    assert "you know Cleo Cole at Acme yourself (active): just ask them" in page.content.decode()
