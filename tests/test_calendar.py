"""`troth calendar export`: a real .ics file, read back with icalendar and vobject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vobject
from django.utils import timezone
from icalendar import Calendar

from troth.agenda import actions
from troth.agenda.calendar import agenda_calendar, uid
from troth.agenda.queries import access_item
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def _today() -> dt.date:
    return timezone.localdate()


def _days(n: int) -> dt.date:
    return _today() + dt.timedelta(days=n)


def network(owner: Owner) -> dict[str, str]:
    """One of each dated item, made through the real services; agenda id -> date expected."""
    me = me_person(owner)
    dana = do_add_person(owner, "Dana Whitfield")
    sam = do_add_person(owner, "Sam Okafor")
    lee = do_add_person(owner, "Lee Park")
    deck = do_make_promise(owner, me, dana, "send the deck", made_on=_days(-5), due=_days(2))
    late = do_make_promise(owner, me, sam, "review his CV", made_on=_days(-10), due=_days(-3))
    far = do_make_promise(owner, me, lee, "book the dinner", made_on=_days(-1), due=_days(40))
    intro = do_record_favor(owner, sam, me, "intro", "to Pat at Acme", on=_days(-3))
    need = do_add_need(owner, dana, "a CPA who knows startups", days=10)
    theirs = do_make_promise(
        owner, lee, me, "an intro to his CFO", made_on=_days(-20), due=_days(-8)
    )
    return {
        "deck": f"p{deck.id}",
        "late": f"p{late.id}",
        "far": f"p{far.id}",
        "thanks": f"t{intro.id}",
        "need": f"n{need.id}",
        "nudge": f"u{theirs.id}",
    }


def export(cli: Cli, path: Path, *args: str) -> bytes:
    result = cli("calendar", "export", str(path), *args)
    assert f"to {path}" in result.stdout
    return path.read_bytes()


def by_summary(cal: Calendar, name: str = "VEVENT") -> dict[str, Any]:
    return {str(c["SUMMARY"]): c for c in cal.walk(name)}


def test_export_is_a_calendar_both_parsers_accept(cli: Cli, tmp_path: Path) -> None:
    ids = network(local_owner())
    path = tmp_path / "troth.ics"
    data = export(cli, path)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")

    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//troth//")
    events = by_summary(cal)
    today = _today()
    expected = {
        "Keep your word: review his CV (Sam Okafor)": (today, ids["late"]),  # late: today
        "Say thanks: to Pat at Acme (Sam Okafor)": (today, ids["thanks"]),
        "Nudge: an intro to his CFO (Lee Park)": (today, ids["nudge"]),
        "Keep your word: send the deck (Dana Whitfield)": (_days(2), ids["deck"]),
        "Give first: a CPA who knows startups (Dana Whitfield)": (_days(10), ids["need"]),
    }
    assert set(events) == set(expected)  # the promise due in 40 days is beyond --days 14
    for summary, (day, item_id) in expected.items():
        event = events[summary]
        start = event.decoded("DTSTART")
        assert type(start) is dt.date and start == day  # all-day: a DATE, not a DATE-TIME
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert event.decoded("DTEND") == day + dt.timedelta(days=1)
        stamp = event.decoded("DTSTAMP")
        assert isinstance(stamp, dt.datetime) and stamp.utcoffset() == dt.timedelta(0)
        assert abs(timezone.now() - stamp) < dt.timedelta(minutes=5)
        assert f"troth done {item_id}" in str(event["DESCRIPTION"])
    assert "You promised Sam Okafor “review his CV” (3 days late)" in str(
        events["Keep your word: review his CV (Sam Okafor)"]["DESCRIPTION"]
    )
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == len(uids) == 5
    assert all(u.endswith("@troth") for u in uids)
    starts = [e.decoded("DTSTART") for e in cal.walk("VEVENT")]
    assert starts == sorted(starts)

    parsed = vobject.readOne(data.decode("utf-8"))
    assert parsed.prodid.value == str(cal["PRODID"]) and parsed.version.value == "2.0"
    assert {e.summary.value: e.dtstart.value for e in parsed.vevent_list} == {
        s: day for s, (day, _) in expected.items()
    }
    assert sorted(e.uid.value for e in parsed.vevent_list) == sorted(uids)
    for e in parsed.vevent_list:
        assert e.dtend.value - e.dtstart.value == dt.timedelta(days=1)
        assert e.dtstamp.value.utcoffset() == dt.timedelta(0)
        assert "troth done " in e.description.value


def test_uids_are_stable_so_reimporting_updates(
    cli: Cli, tmp_path: Path, alice: Owner, bob: Owner
) -> None:
    owner = local_owner()
    ids = network(owner)
    first = by_summary(Calendar.from_ical(export(cli, tmp_path / "a.ics")))
    second = by_summary(Calendar.from_ical(export(cli, tmp_path / "b.ics")))
    assert {s: str(e["UID"]) for s, e in first.items()} == {
        s: str(e["UID"]) for s, e in second.items()
    }
    # a handled item leaves the calendar; the others keep their UIDs
    with_deck = {str(e["UID"]) for e in second.values()}
    actions.do_done(owner, access_item(owner, ids["deck"]))
    third = by_summary(Calendar.from_ical(export(cli, tmp_path / "a.ics")))
    assert "Keep your word: send the deck (Dana Whitfield)" not in third
    assert {str(e["UID"]) for e in third.values()} < with_deck
    # the same item key of two owners never shares a UID
    assert uid(alice, "promise:1:2026-12-01") != uid(bob, "promise:1:2026-12-01")
    assert uid(alice, "promise:1:2026-12-01") == uid(alice, "promise:1:2026-12-01")


def test_days_sets_how_far_ahead(cli: Cli, tmp_path: Path) -> None:
    network(local_owner())
    near = by_summary(Calendar.from_ical(export(cli, tmp_path / "near.ics", "--days", "3")))
    assert "Keep your word: send the deck (Dana Whitfield)" in near
    assert "Give first: a CPA who knows startups (Dana Whitfield)" not in near
    far = by_summary(Calendar.from_ical(export(cli, tmp_path / "far.ics", "--days", "60")))
    assert "Keep your word: book the dinner (Lee Park)" in far
    assert len(far) == 6
    result = cli("calendar", "export", str(tmp_path / "x.ics"), "--days", "-1", code=2)
    assert result.stderr.startswith("troth: error: --days must be between 0 and 366")
    assert not (tmp_path / "x.ics").exists()


def test_todos_have_a_due_date_and_their_own_uids(cli: Cli, tmp_path: Path) -> None:
    network(local_owner())
    events = Calendar.from_ical(export(cli, tmp_path / "events.ics"))
    data = export(cli, tmp_path / "todos.ics", "--todos")
    cal = Calendar.from_ical(data)
    assert cal.walk("VEVENT") == []
    todos = by_summary(cal, "VTODO")
    assert set(todos) == set(by_summary(events))
    deck = todos["Keep your word: send the deck (Dana Whitfield)"]
    assert deck.decoded("DUE") == _days(2) and type(deck.decoded("DUE")) is dt.date
    assert str(deck["STATUS"]) == "NEEDS-ACTION"
    assert "DTSTART" not in deck
    todo_uids = {str(t["UID"]) for t in todos.values()}
    assert len(todo_uids) == 5
    assert not todo_uids & {str(e["UID"]) for e in events.walk("VEVENT")}

    parsed = vobject.readOne(data.decode("utf-8"))
    assert not hasattr(parsed, "vevent")
    assert {t.summary.value: t.due.value for t in parsed.vtodo_list}[
        "Say thanks: to Pat at Acme (Sam Okafor)"
    ] == _today()


def test_bad_path_is_one_line_and_leaves_no_partial_file(cli: Cli, tmp_path: Path) -> None:
    network(local_owner())
    missing = tmp_path / "no-such-dir" / "troth.ics"
    result = cli("calendar", "export", str(missing), code=2)
    assert result.stderr.count("\n") == 1
    assert result.stderr == (
        f"troth: error: cannot write {missing}: the directory {missing.parent} does not exist\n"
    )
    assert list(tmp_path.iterdir()) == []

    # the target is a directory: the temporary file is written, the rename fails, and
    # nothing is left behind
    (tmp_path / "cal.ics").mkdir()
    result = cli("calendar", "export", str(tmp_path / "cal.ics"), code=2)
    assert result.stderr == (
        f"troth: error: cannot write {tmp_path / 'cal.ics'}: it is a directory; name a file\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["cal.ics"]
    assert list((tmp_path / "cal.ics").iterdir()) == []

    # replacing an earlier export leaves exactly the new file
    good = tmp_path / "good.ics"
    good.write_bytes(b"old")
    good.chmod(0o640)
    export(cli, good)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.ics", "good.ics"]
    assert good.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert good.stat().st_mode & 0o777 == 0o640


def test_only_the_owners_items_and_nothing_on_an_empty_day(alice: Owner, bob: Owner) -> None:
    network(bob)
    cal = Calendar.from_ical(agenda_calendar(alice, _today(), 14, False))
    assert cal.walk("VEVENT") == [] and str(cal["VERSION"]) == "2.0"
    ids = network(alice)
    mine = Calendar.from_ical(agenda_calendar(alice, _today(), 14, False))
    assert len(mine.walk("VEVENT")) == 5
    assert any(f"troth done {ids['deck']}" in str(e["DESCRIPTION"]) for e in mine.walk("VEVENT"))
    theirs = Calendar.from_ical(agenda_calendar(bob, _today(), 14, False))
    assert not {str(e["UID"]) for e in mine.walk("VEVENT")} & {
        str(e["UID"]) for e in theirs.walk("VEVENT")
    }


def test_export_to_standard_output(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    cli("promise", "send the deck", "--to", "Dana", "--due", "tomorrow")
    out = cli("calendar", "export", "-").stdout
    assert out.startswith("BEGIN:VCALENDAR") and "send the deck" in out
    assert not Path("-").exists()
