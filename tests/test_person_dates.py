"""Birthdays and other dates (issue 18, item 10): read from vCards, Google and your
own CSV (dropped silently before), filled in but never overwritten, kept through
merges, backups and exports, shown, set by hand with `troth date`, and, when the
owner turns it on, reminded of on the agenda a few days ahead."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import vobject
from django.db import transaction
from django.test import Client
from django.utils import timezone

from troth.agenda.queries import agenda
from troth.backup.restore import do_restore
from troth.backup.tables import tables
from troth.errors import TrothError
from troth.identity.actions import do_merge, do_unmerge
from troth.importers.apply import do_import
from troth.importers.google import PARSER as GOOGLE
from troth.importers.records import ImportFileError, PersonRecord, Problem
from troth.importers.vcard import PARSER as VCARD
from troth.lib.keydates import KeyDate, KeyDateError, parse_key_date, slash_order
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.dates import do_set_date, do_set_reminders, upcoming
from troth.people.models import DateReminders, Person, PersonDate

if TYPE_CHECKING:
    from conftest import Cli


def dates_of(person: Person) -> list[tuple[str, str, int, int, int | None]]:
    return sorted(
        PersonDate.objects.filter(person=person).values_list(
            "kind", "label", "month", "day", "year"
        )
    )


# ---------------------------------------------------------------- reading dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980-03-14", (3, 14, 1980)),
        ("19800314", (3, 14, 1980)),
        ("--0314", (3, 14, None)),
        ("--03-14", (3, 14, None)),
        ("03-14", (3, 14, None)),
        ("20090808T1430-0500", (8, 8, 2009)),
        ("1604-03-14", (3, 14, None)),  # Apple's "year not known"
        ("14 March 1980", (3, 14, 1980)),
        ("Mar 14", (3, 14, None)),
        ("3/14/1980", (3, 14, 1980)),
        ("14.3.1980", (3, 14, 1980)),
        ("1980/03/14", (3, 14, 1980)),
        ("--0229", (2, 29, None)),
    ],
)
def test_dates_as_exports_and_people_write_them(
    text: str, expected: tuple[int, int, int | None]
) -> None:
    assert parse_key_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-32", "2026-02-30", "3/4/1980", "soon", "", "--1301"])
def test_what_is_not_a_date_or_could_be_two(text: str) -> None:
    with pytest.raises(KeyDateError):
        parse_key_date(text)


def test_a_files_other_dates_decide_an_ambiguous_one() -> None:
    assert slash_order(["3/4/1980", "12/31/1970"]) == "mdy"
    assert slash_order(["3/4/1980", "31/12/1970"]) == "dmy"
    assert slash_order(["3/4/1980"]) is None
    assert slash_order(["12/31/1970", "31/12/1970"]) is None  # a mixed file decides nothing
    assert parse_key_date("3/4/1980", "dmy") == (4, 3, 1980)


def test_the_next_time_a_date_comes_round() -> None:
    leap = KeyDate("birthday", 2, 29, 1980)
    assert leap.next_on(dt.date(2027, 1, 10)) == dt.date(2027, 2, 28)
    assert leap.next_on(dt.date(2028, 2, 29)) == dt.date(2028, 2, 29)
    assert KeyDate("birthday", 1, 5).next_on(dt.date(2026, 12, 6)) == dt.date(2027, 1, 5)


def test_every_real_vcard_with_a_date_gives_it(realdata: Path) -> None:
    found: dict[str, list[tuple[str, str, int, int, int | None]]] = {}
    problems = []
    for path in sorted((realdata / "vcard").rglob("*.vcf")):
        try:
            records = list(VCARD.parse(path))
        except ImportFileError:  # files that are not vCards at all (the validator's samples)
            continue
        for rec in records:
            if isinstance(rec, PersonRecord) and rec.dates:
                found[path.name] = [(d.kind, d.label, d.month, d.day, d.year) for d in rec.dates]
            elif isinstance(rec, Problem) and "date" in rec.reason:
                problems.append(rec)
    assert not problems
    # RFC 6350's own example: a birthday without a year, an anniversary with a time
    assert found["ezvcard_rfc6350-example.vcf"] == [
        ("birthday", "", 2, 3, None),
        ("anniversary", "", 8, 8, 2009),
    ]
    # Apple's labelled dates: _$!<Anniversary>!$_, one without a label, a custom label
    assert found["ezvcard_gmail-single2.vcf"] == [
        ("birthday", "", 6, 23, 1912),
        ("anniversary", "", 3, 20, 1930),
        ("other", "date", 7, 4, 1776),
        ("other", "CustomDateCategory", 9, 12, 2000),
    ]
    assert found["ezvcard_John_Doe_MS_OUTLOOK.vcf"] == [
        ("birthday", "", 3, 22, 1980),
        ("anniversary", "", 1, 13, 2011),  # X-MS-ANNIVERSARY
    ]
    assert found["ezvcard_John_Doe_EVOLUTION.vcf"][1] == ("anniversary", "", 3, 22, 1980)
    assert found["v21_winmo_65.vcf"] == [("anniversary", "", 10, 10, 2009)]
    assert len(found) >= 15


def google_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["First Name", "Last Name", "Birthday", "Labels", "E-mail 1 - Value",
             "Event 1 - Label", "Event 1 - Value", "Event 2 - Label", "Event 2 - Value"]
        )  # fmt: skip
        out.writerows(rows)
    return path


def test_google_birthdays_and_events_are_imported_and_a_bad_one_reported(
    alice: Owner, tmp_path: Path
) -> None:
    path = google_csv(
        tmp_path / "contacts.csv",
        [
            ["Dana", "Kang", " --03-14", "* myContacts", "dana@example.org",
             "Anniversary", "2015-06-20", "Name day", "--12-06"],
            ["Raj", "Iyer", "32/13/2026", "", "raj@example.org", "", "", "", ""],
        ],
    )  # fmt: skip
    summary = do_import(alice, GOOGLE, path)
    assert summary.people_created == 2
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    assert dates_of(dana) == [
        ("anniversary", "", 6, 20, 2015),
        ("birthday", "", 3, 14, None),
        ("other", "Name day", 12, 6, None),
    ]
    raj = Person.objects.get(owner=alice, full_name="Raj Iyer")
    assert dates_of(raj) == []
    assert summary.reasons() == {
        "birthday is not a date: '32/13/2026' ('32/13/2026' is not a date; write it as"
        " YYYY-MM-DD or MM-DD; contact kept without it)": 1
    }


VCARD_TEXT = """BEGIN:VCARD
VERSION:3.0
FN:Dana Kang
EMAIL:dana@example.org
BDAY:1980-01-02
ANNIVERSARY:--0701
item1.X-ABDATE:2001-09-01
item1.X-ABLabel:Started at Acme
END:VCARD
"""


def test_an_import_fills_dates_in_and_never_overwrites_one(alice: Owner, tmp_path: Path) -> None:
    dana = do_add_person(alice, "Dana Kang", emails=["dana@example.org"])
    do_set_date(alice, dana, "birthday", "03-14", year=1981)  # what the owner typed
    path = tmp_path / "dana.vcf"
    path.write_text(VCARD_TEXT, encoding="utf-8")
    summary = do_import(alice, VCARD, path)
    # only dates were new about her, and that counts as an update
    assert (summary.people_created, summary.people_updated) == (0, 1)
    assert summary.updated_ids == [dana.id]
    assert dates_of(dana) == [
        ("anniversary", "", 7, 1, None),
        ("birthday", "", 3, 14, 1981),  # kept: never overwritten
        ("other", "Started at Acme", 9, 1, 2001),
    ]
    assert set(PersonDate.objects.filter(person=dana).values_list("source", flat=True)) == {
        "manual",
        "vcard",
    }
    again = do_import(alice, VCARD, path)
    assert (again.people_created, again.people_updated) == (0, 0)
    assert PersonDate.objects.filter(person=dana).count() == 3


def test_dates_follow_a_merge_and_come_back_on_unmerge(alice: Owner) -> None:
    keep = do_add_person(alice, "Dana Kang")
    other = do_add_person(alice, "Dana K.")
    do_set_date(alice, keep, "birthday", "1980-03-14")
    do_set_date(alice, other, "birthday", "1980-03-15")  # a conflicting one: theirs wins
    do_set_date(alice, other, "anniversary", "06-20")
    do_set_date(alice, other, "name day", "12-06")
    before = dates_of(keep) + dates_of(other)
    with transaction.atomic():
        record = do_merge(alice, keep, other)
    assert dates_of(keep) == [
        ("anniversary", "", 6, 20, None),
        ("birthday", "", 3, 14, 1980),
        ("other", "name day", 12, 6, None),
    ]
    with transaction.atomic():
        back = do_unmerge(alice, record)
    assert sorted(dates_of(keep) + dates_of(back)) == sorted(before)
    assert dates_of(back) == [
        ("anniversary", "", 6, 20, None),
        ("birthday", "", 3, 15, 1980),
        ("other", "name day", 12, 6, None),
    ]


def test_dates_and_the_reminder_setting_are_in_backups(cli: Cli, tmp_path: Path) -> None:
    cli("add", "Dana Kang")
    cli("date", "Dana", "birthday", "03-14", "--year", "1980")
    cli("dates", "--remind", "3d")
    labels = [t.label for t in tables()]
    assert "people.persondate" in labels and "people.datereminders" in labels
    path = tmp_path / "troth.json"
    cli("export", "json", str(path))
    data = json.loads(path.read_text("utf-8"))
    (table,) = [t for t in data["tables"] if t["model"] == "people.persondate"]
    assert len(table["rows"]) == 1
    owner = local_owner()
    for t in reversed(tables(include_derived=True)):
        if t.owned:
            t.rows_of(owner).delete()
    assert not PersonDate.objects.exists()
    counts = do_restore(owner, path)
    assert counts["people.persondate"] == 1
    dana = Person.objects.get(owner=owner, full_name="Dana Kang")
    assert dates_of(dana) == [("birthday", "", 3, 14, 1980)]
    assert DateReminders.objects.get(owner=owner).days_before == 3


# ---------------------------------------------------------------- the command line


def test_troth_date_sets_changes_and_forgets_a_date(cli: Cli) -> None:
    cli("add", "Dana Kang")
    out = cli("date", "Dana", "birthday", "03-14").stdout
    assert out.strip() == "Added Dana Kang's birthday 14 March"
    out = cli("date", "Dana", "birthday", "03-14", "--year", "1980").stdout
    assert out.strip() == "Changed Dana Kang's birthday 14 March 1980"
    cli("date", "Dana", "name day", "1980-12-06")
    data = cli.json("show", "Dana")
    assert data["dates"] == [
        {"kind": "birthday", "label": None, "month": 3, "day": 14, "year": 1980},
        {"kind": "other", "label": "name day", "month": 12, "day": 6, "year": 1980},
    ]
    shown = cli("show", "Dana").stdout
    assert "Dates: birthday 14 March 1980; name day 6 December 1980" in shown
    out = cli("date", "Dana", "name day", "--forget").stdout
    assert out.strip() == "Forgot Dana Kang's name day 6 December 1980"
    assert cli.json("show", "Dana")["dates"] == [
        {"kind": "birthday", "label": None, "month": 3, "day": 14, "year": 1980}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("birthday", "3/4"), "date: '3/4' can be read two ways"),
        (("birthday", "02-30"), "date: there is no day 02-30"),
        (("birthday",), "which day? e.g. troth date 'Dana' birthday 03-14"),
        (("birthday", "1980-03-14", "--year", "1981"), "1980-03-14 says 1980 but --year says 1981"),
        (("other", "03-14"), "an 'other' date needs --label"),
        (("anniversary", "--forget"), "Dana Kang has no anniversary date (they have: none)"),
        (("birthday", "03-14", "--forget"), "--forget takes no date"),
    ],
)
def test_troth_date_mistakes_are_one_line(cli: Cli, args: tuple[str, ...], message: str) -> None:
    cli("add", "Dana Kang")
    result = cli("date", "Dana", *args, code=2)
    assert result.stderr.startswith(f"troth: error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert not PersonDate.objects.exists()


def test_vcard_and_csv_exports_carry_the_dates(cli: Cli, tmp_path: Path) -> None:
    cli("add", "Dana Kang")
    cli("date", "Dana", "birthday", "03-14")
    cli("date", "Dana", "anniversary", "2015-06-20")
    cli("date", "Dana", "name day", "12-06")
    out = tmp_path / "people.vcf"
    cli("export", "vcard", str(out))
    text = out.read_text("utf-8")
    assert "BDAY:--0314" in text and "ANNIVERSARY:20150620" in text
    card = vobject.readOne(text)
    assert card.contents["x-ablabel"][0].value == "name day"
    # and troth's own importer reads all three back
    (rec,) = [r for r in VCARD.parse(out) if isinstance(r, PersonRecord)]
    assert sorted((d.kind, d.label, d.month, d.day, d.year) for d in rec.dates) == [
        ("anniversary", "", 6, 20, 2015),
        ("birthday", "", 3, 14, None),
        ("other", "name day", 12, 6, None),
    ]
    folder = tmp_path / "csv"
    cli("export", "csv", str(folder))
    with (folder / "people.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    # a cell starting with "-" is a formula to a spreadsheet: csvsafe writes it as text
    assert row["birthday"] == "'--03-14"
    with (folder / "dates.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [
        (r["person"], r["kind"], r["label"], r["month"], r["day"], r["year"]) for r in rows
    ] == [
        ("Dana Kang", "birthday", "", "3", "14", ""),
        ("Dana Kang", "anniversary", "", "6", "20", "2015"),
        ("Dana Kang", "other", "name day", "12", "6", ""),
    ]


def test_a_csv_of_your_own_brings_birthdays_too(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "friends.csv"
    path.write_text("Name,Birthday,Anniversary\nDana Kang,14 March,2015-06-20\n", encoding="utf-8")
    cli("import", str(path))
    dana = Person.objects.get(full_name="Dana Kang")
    assert dates_of(dana) == [("anniversary", "", 6, 20, 2015), ("birthday", "", 3, 14, None)]


# ---------------------------------------------------------------- reminders


def test_reminders_are_off_until_turned_on_then_come_a_few_days_ahead(cli: Cli) -> None:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=2)
    later = today + dt.timedelta(days=10)
    cli("add", "Dana Kang")
    cli("add", "Raj Iyer")
    cli("date", "Dana", "birthday", f"{soon:%m-%d}", "--year", str(soon.year - 40))
    cli("date", "Raj", "birthday", f"{later:%m-%d}")
    owner = local_owner()
    assert not [i for i in agenda(owner, today).items if i.candidate.kind == "date"]
    assert "Agenda reminders are off" in cli("dates").stdout

    cli("dates", "--remind", "3d")
    items = [i for i in agenda(owner, today).items if i.candidate.kind == "date"]
    assert len(items) == 1
    dana = Person.objects.get(full_name="Dana Kang")
    (item,) = items
    assert item.candidate.person_id == dana.id and item.candidate.due == soon
    assert item.candidate.reason.startswith("Dana Kang's birthday (turns 40) is in 2 days, on ")
    listed = cli("agenda").stdout
    assert f"{item.id}  remember the day" in listed
    # the --json listing and the 30-day view of troth dates
    data = cli.json("dates")
    assert data["remind_days_before"] == 3
    assert [(u["person"]["name"], u["in_days"]) for u in data["upcoming"]] == [
        ("Dana Kang", 2),
        ("Raj Iyer", 10),
    ]
    # its draft: an early happy birthday
    draft = cli("draft", item.id).stdout
    assert "Subject: Happy birthday" in draft and "An early happy birthday!" in draft
    result = cli("draft", "Raj", "--kind", "wishes")
    assert "Happy birthday" in result.stdout
    cli("add", "Lee Park")
    result = cli("draft", "Lee", "--kind", "wishes", code=2)
    assert "no wishes draft: no birthday or other date of Lee Park's is kept" in result.stderr
    # done: wishes sent (logged as contact), and it does not come back this year
    out = cli("done", item.id).stdout
    assert "Logged interaction" in out
    assert not [i for i in agenda(owner, today).items if i.candidate.kind == "date"]
    # ten days later Raj's comes up; turned off, nothing does
    assert [
        i.candidate.person for i in agenda(owner, later).items if i.candidate.kind == "date"
    ] == ["Raj Iyer"]
    cli("dates", "--remind", "off")
    assert not [i for i in agenda(owner, later).items if i.candidate.kind == "date"]


def test_reminder_setting_mistakes(cli: Cli, alice: Owner) -> None:
    result = cli("dates", "--remind", "90d", code=2)
    assert result.stderr.startswith("troth: error: reminders can look 0 to 60 days ahead")
    result = cli("dates", "--remind", "soon", code=2)
    assert result.stderr.startswith("troth: error: --remind:")
    with pytest.raises(TrothError, match="not -1"):
        do_set_reminders(alice, -1)
    assert upcoming(alice, timezone.localdate(), 30) == []


def test_the_person_page_lists_their_dates(client: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    today = timezone.localdate()
    soon = today + dt.timedelta(days=3)
    do_set_date(alice, dana, "birthday", f"{soon:%m-%d}")
    client.force_login(alice)
    page = client.get(f"/people/{dana.id}/").content.decode()
    assert f"birthday {soon.day} {soon:%B}" in page and "(in 3 days)" in page
    other = do_add_person(alice, "Raj Iyer")
    page = client.get(f"/people/{other.id}/").content.decode()
    assert 'id="person-dates"' not in page


def test_a_date_on_today_has_a_draft_done_and_undo(client: Client, alice: Owner) -> None:
    import re

    from troth.interactions.models import Interaction

    today = timezone.localdate()
    dana = do_add_person(alice, "Dana Kang")
    do_set_date(alice, dana, "birthday", f"{today:%m-%d}")
    do_set_reminders(alice, 2)
    client.force_login(alice)
    (row,) = PersonDate.objects.filter(person=dana)
    page = client.get("/").content.decode()
    assert "Dana Kang&#x27;s birthday is today" in page and "Sent my wishes" in page
    draft = client.get(f"/today/d{row.id}/draft").content.decode()
    assert "Happy birthday!" in draft
    r = client.post(f"/today/d{row.id}/done", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Good wishes sent." in r.content.decode()
    assert Interaction.objects.filter(owner=alice, person=dana).count() == 1
    token = re.search(r'name="undo" value="([^"]+)"', r.content.decode())
    assert token is not None
    r = client.post("/today/undo", {"undo": token.group(1)}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert not Interaction.objects.filter(owner=alice, person=dana).exists()
    assert "Dana Kang&#x27;s birthday is today" in client.get("/").content.decode()
