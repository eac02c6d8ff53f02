"""iCalendar importer: every real file in ../shared/realdata/ics, plus synthetic ones.

Pure: the parser yields records; no database is involved (except the CLI tests
at the end). `today` and the local zone are fixed so that what "has happened"
does not move with the clock. Unless a test says otherwise the owner is
OUTSIDER, someone in none of the files: the calendar import needs an owner.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from troth.importers import ics
from troth.importers.ics import MAX_OCCURRENCES, PARSER, occurrences
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    LeftOut,
    PersonRecord,
    Problem,
)

if TYPE_CHECKING:
    from conftest import Cli
    from troth.importers.records import Record
    from troth.owned import Owner

_ICS = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "ics"
FILES = sorted(str(p.relative_to(_ICS)) for p in _ICS.rglob("*") if p.is_file()) or [
    "(realdata absent)"
]
TODAY = dt.date(2026, 11, 30)
END_OF_TODAY = dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC)

OUTSIDER = "owner@elsewhere.example"
NEEDS_ME = (
    "calendar import needs your own address to leave you out and tell who organised"
    " each meeting: pass --me ADDRESS"
)

ERROR = "error"
# What each real file yields when the owner is not in it (OUTSIDER): (people,
# meetings, problems), or ERROR for a file icalendar cannot read at all. Most
# real test calendars have no attendees (nothing to import) or are bots; see the
# tests below.
EXPECTED: dict[str, tuple[int, int, int] | str] = {
    "ical4j_apple_ical1_ozmovies_invalid.ics": (0, 0, 0),  # "attendees" without addresses
    "ical4j_evolution.ics": (0, 0, 0),
    "ical4j_exchange2010_organizer_is_attendee.ics": (2, 2, 0),
    "ical4j_exchange_cdo_quoted_email_cn.ics": (3, 3, 0),
    "ical4j_google_aus_holidays.ics": (0, 0, 0),  # a bot organizer
    "ical4j_groupwise7_room_space_in_address.ics": (0, 0, 0),  # only a room invited
    "ical4j_incoming_itip.ics": (4, 12, 0),
    "ical4j_korganizer31_name_colon_fold.ics": (0, 0, 0),
    "ical4j_lotus_notes6_calconnect4.ics": (2, 10, 0),  # 5 daily occurrences x 2
    "ical4j_multiple_calendars.ics": (4, 8, 0),
    "ical4j_nextcloud_calendar.ics": (0, 0, 0),
    "ical4j_oracle_calendar.ics": (1, 1, 0),
    "ical4j_outlook11_standup.ics": (0, 0, 0),
    "ical4j_zidestore_quoted_params.ics": (1, 1, 0),
    "icalendar_attendee_empty_param.ics": (0, 0, 1),  # no DTSTART
    "icalendar_attendee_multivalue_params.ics": (0, 0, 2),
    "icalendar_big_bad_calendar.ics": (0, 0, 20),  # 20 empty VEVENTs
    "icalendar_bom_calendar.ics": (0, 0, 0),
    "icalendar_broken_ical.ics": (0, 0, 1),
    "icalendar_davmail_freebusy.ics": (0, 0, 0),  # VFREEBUSY is not a meeting
    "icalendar_event_with_rsvp.ics": (0, 0, 1),
    "icalendar_exchange2010_tzid.ics": (0, 0, 0),
    "icalendar_exchange_cdo.ics": (0, 0, 0),
    "icalendar_google_apple_location.ics": (0, 0, 0),
    "icalendar_google_calendar_alarm.ics": (0, 0, 0),  # the ATTENDEE is in a VALARM
    "icalendar_lotus_notes_attendee_folded.ics": (1, 1, 0),
    "icalendar_lotus_notes_khal.ics": (1, 1, 0),
    "icalendar_multiple_vcalendars.ics": (0, 0, 0),
    "icalendar_organizer_escaped_chars.ics": (0, 0, 1),
    "icalendar_podio_tab_folding.ics": (0, 0, 0),
    "icalendar_property_params_blackberry.ics": (3, 3, 0),
    "icalendar_rfc6868_attendee_caret.ics": (0, 0, 1),
    "icalendar_rfc7986_conferences.ics": (0, 0, 1),
    "icalendar_sixt_organizer_no_value.ics": (0, 0, 0),
    "icalendar_thunderbird_export.ics": (0, 0, 0),
    "icalendar_tutorial_example.ics": (3, 3, 0),
    "icalendar_umlaut_organizer.ics": (0, 0, 0),
    "icalendar_unicode_organizer.ics": (0, 0, 1),
    "icalendar_whitespace_in_property.ics": (0, 0, 0),
    "icaljs_attendee_property_params.ics": (0, 0, 0),  # attendees outside any event
    "icaljs_attendee_unfold.ics": (0, 0, 0),
    "icaljs_google_birthday.ics": (0, 0, 0),  # the contacts' birthdays bot
    "icaljs_zimbra_parserv2.ics": (2, 2 * MAX_OCCURRENCES, 0),  # a daily rule without end
    "icaljs_zimbra_recur_instances.ics": (4, 4 * 66, 0),
    "libical_incoming.ics": (4, 7, 0),
    "libical_rfc2446_itip.ics": (4, 1850, 0),
    "libical_stresstest.ics": ERROR,  # garbage from end to end
    "vobject_0050.ics": (0, 0, 0),
    "vobject_ms_tzid.ics": (0, 0, 0),
    "vobject_tzid_8bit.ics": (0, 0, 0),
}
# With no owner given: files with meetings need one (NEEDS_ME), unless the owner
# can be worked out (the address found); the others yield as in EXPECTED. No
# real file names its calendar after an address, and in most every meeting
# lists the same two or more people, or there is only one event.
WITHOUT_ME: dict[str, str] = {
    "ical4j_exchange2010_organizer_is_attendee.ics": NEEDS_ME,
    "ical4j_exchange_cdo_quoted_email_cn.ics": NEEDS_ME,
    "ical4j_incoming_itip.ics": NEEDS_ME,  # one event, five people in every occurrence
    "ical4j_lotus_notes6_calconnect4.ics": NEEDS_ME,
    "ical4j_multiple_calendars.ics": NEEDS_ME,  # two events, the same five people
    "ical4j_oracle_calendar.ics": NEEDS_ME,
    "ical4j_zidestore_quoted_params.ics": NEEDS_ME,
    "icalendar_lotus_notes_attendee_folded.ics": NEEDS_ME,
    "icalendar_lotus_notes_khal.ics": NEEDS_ME,
    "icalendar_property_params_blackberry.ics": NEEDS_ME,
    "icalendar_tutorial_example.ics": NEEDS_ME,  # one event: its me@example.com is not sure
    "icaljs_zimbra_parserv2.ics": NEEDS_ME,
    "icaljs_zimbra_recur_instances.ics": NEEDS_ME,
    "libical_incoming.ics": NEEDS_ME,  # a, b and c in both events
    "libical_rfc2446_itip.ics": "b@example.com",  # the one address in all five events
}


def kept(records: list[Any]) -> list[Any]:
    """The records but the counts of what was left out on purpose."""
    return [r for r in records if not isinstance(r, LeftOut)]


def parse(path: Path, **options: object) -> list[Any]:  # records of every kind, picked by position
    options.setdefault("me", {OUTSIDER})
    if "today" not in options:  # the moment, not the clock, decides what has happened
        options.setdefault("now", END_OF_TODAY)
    options.setdefault("tz", dt.UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # icalendar warns about guessed TZIDs
        return list(PARSER.parse(path, **options))


def meetings(records: list[Record]) -> list[InteractionRecord]:
    return [r for r in records if isinstance(r, InteractionRecord)]


def people(records: list[Record]) -> list[PersonRecord]:
    return [r for r in records if isinstance(r, PersonRecord)]


@pytest.mark.parametrize("name", FILES)
def test_every_real_ics_file(realdata: Path, name: str) -> None:
    path = realdata / "ics" / name
    assert name in EXPECTED, f"{name} is new in realdata: say what it should yield"
    expected = EXPECTED[name]
    assert PARSER.detect(path)
    if expected == ERROR:
        with pytest.raises(ImportFileError) as caught:
            parse(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and "\n" not in message
        return
    records = parse(path)
    found, met = people(records), meetings(records)
    problems = [r for r in records if isinstance(r, Problem)]
    left = [r for r in records if isinstance(r, LeftOut)]
    assert len(records) == len(found) + len(met) + len(problems) + len(left)
    assert all(r.count > 0 for r in left)
    assert (len(found), len(met), len(problems)) == expected, records
    emails = {p.emails[0] for p in found}
    for person in found:
        assert person.source == "ics" and person.emails == [person.external_id]
        assert person.full_name and person.where.startswith(f"{path}:")
    for meeting in met:
        assert meeting.source == "ics" and meeting.channel == "meeting"
        assert meeting.when.tzinfo is not None and meeting.when.date() <= TODAY
        assert len(meeting.emails) == 1 and meeting.emails[0] in emails
        assert meeting.minutes is None or 0 < meeting.minutes <= 12 * 60
        assert meeting.where.startswith(f"{path}:")
    # One meeting per person per occurrence, and the same ids every time.
    keys = [(m.external_id, m.emails[0]) for m in met]
    assert len(set(keys)) == len(keys)
    assert [(m.external_id, m.emails[0]) for m in meetings(parse(path))] == keys
    for problem in problems:
        assert problem.where.startswith(f"{path}:") and "\n" not in problem.reason
    # With no owner given: the documented error, the owner worked out, or (no
    # meeting with anyone) the same as with an owner.
    without = WITHOUT_ME.get(name)
    if without == NEEDS_ME:
        with pytest.raises(ImportFileError) as caught:
            parse(path, me=set())
        assert str(caught.value) == f"{path}: {NEEDS_ME}"
    elif without is not None:
        inferred = parse(path, me=set())
        assert inferred == parse(path, me={without})
        assert without not in {p.emails[0] for p in people(inferred)}
    else:
        assert not met and parse(path, me=set()) == records


def test_bot_calendars_yield_nothing(realdata: Path) -> None:
    root = realdata / "ics"
    for name in (
        "ical4j_google_aus_holidays.ics",
        "icaljs_google_birthday.ics",
        "icalendar_google_calendar_alarm.ics",
    ):
        assert kept(parse(root / name, now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))) == [], name


def test_rooms_and_declined_attendees_are_not_people(realdata: Path) -> None:
    root = realdata / "ics"
    # GroupWise: the only attendee is a room (CUTYPE=RESOURCE, a space in its address).
    assert kept(parse(root / "ical4j_groupwise7_room_space_in_address.ics")) == []
    # RFC 2446: E declines (and a room, CUTYPE=ROOM, is invited); neither is anyone.
    records = parse(root / "libical_rfc2446_itip.ics")
    everyone = {e for r in meetings(records) for e in r.emails}
    assert everyone == {"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
    assert not any("conf" in p.full_name.lower() for p in people(records))


def test_organizer_listed_as_attendee_counts_once(realdata: Path) -> None:
    records = parse(realdata / "ics" / "ical4j_exchange2010_organizer_is_attendee.ics")
    assert sorted((p.full_name, p.emails[0]) for p in people(records)) == [
        ("Bruce Roberts", "roberts@company.com"),  # CN folded mid-name
        ("Sam Peter", "sam@company.com"),
    ]
    for meeting in meetings(records):
        assert meeting.minutes == 60 and meeting.they_started
        assert meeting.external_id == "t21ocubdt9jagerldbkak7uhcg@google.com/20150826T090000Z"


def test_quoted_email_names_are_not_names(realdata: Path) -> None:
    records = parse(realdata / "ics" / "ical4j_exchange_cdo_quoted_email_cn.ics")
    names = {p.emails[0]: p.full_name for p in people(records)}
    assert names == {
        "tendjoukian@yahoo.de": "tendjoukian@yahoo.de",  # uppercase MAILTO:, CN "'...'"
        "meher.t@gmail.com": "meher.t@gmail.com",
        "meher.tendjoukian@verdisoft.com": "Meher Tendjoukian",
    }
    (when,) = {m.when for m in meetings(records)}
    assert when == dt.datetime(2004, 10, 12, 5, 30, tzinfo=dt.UTC)  # Windows TZID resolved
    assert {m.minutes for m in meetings(records)} == {90}


def test_recurring_real_events_count_each_occurrence(realdata: Path) -> None:
    root = realdata / "ics"
    lotus = meetings(parse(root / "ical4j_lotus_notes6_calconnect4.ics"))
    days = sorted({m.when.date() for m in lotus})
    assert days == [dt.date(2005, 4, d) for d in range(18, 23)]
    assert {p.full_name for p in people(parse(root / "ical4j_lotus_notes6_calconnect4.ics"))} == {
        "iCal Chair",  # Notes "iCal Chair/CoffeeBean"
        "iCal Participant",
    }
    # BYDAY with spaces (Exchange CDO), UNTIL in UTC: weekdays 3-22 July 2015.
    calendar = icalendar.Calendar.from_ical((root / "icalendar_exchange_cdo.ics").read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    starts, problem = occurrences(event, END_OF_TODAY, dt.UTC)
    assert problem == "" and len(starts) == 14
    assert {s.weekday() for s in starts} <= {0, 1, 2, 3, 4}
    # Zimbra: RDATEs, EXDATEs and moved occurrences of a monthly series.
    zimbra = [
        m
        for m in meetings(parse(root / "icaljs_zimbra_recur_instances.ics"))
        if m.emails == ["jlal@mozilla.com"]
    ]
    by_id = {m.external_id.split("/")[1]: m for m in zimbra}
    moved = by_id["20121002T170000Z"]  # RECURRENCE-ID: keeps its id, takes its new time
    assert moved.when == dt.datetime(2012, 10, 2, 22, 0, tzinfo=dt.UTC)
    assert by_id["20121105T180000Z"].when == dt.datetime(2012, 11, 7, 4, 0, tzinfo=dt.UTC)
    assert "20121110T180000Z" in by_id and "20121130T180000Z" in by_id  # RDATEs
    assert "20121204T180000Z" not in by_id  # EXDATE
    assert "20231123T090000Z" in by_id  # a UTC RDATE
    # A never-ending daily rule is bounded.
    parser2 = Counter(m.emails[0] for m in meetings(parse(root / "icaljs_zimbra_parserv2.ics")))
    assert set(parser2.values()) == {MAX_OCCURRENCES}


def test_the_owner_is_left_out(realdata: Path) -> None:
    path = realdata / "ics" / "icalendar_tutorial_example.ics"
    records = parse(path, me={"me@example.com"})
    assert sorted(p.emails[0] for p in people(records)) == [
        "another_friend@example.com",
        "late_joiner@example.com",
    ]
    # Tomorrow's events have not happened yet.
    assert kept(parse(path, today=dt.date(2020, 1, 1))) == []


# --- synthetic files ---------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "cal.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


def calendar(*events: str, method: str = "PUBLISH") -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//troth tests//EN\n"
        f"METHOD:{method}\n" + "".join(events) + "END:VCALENDAR\n"
    )


WEEKLY = """BEGIN:VEVENT
UID:weekly-1@example.org
SUMMARY:Weekly sync
DTSTART;TZID=Europe/Berlin:20261005T100000
DTEND;TZID=Europe/Berlin:20261005T103000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20261019T100000
ORGANIZER;CN=Owner:mailto:owner@example.org
ATTENDEE;CN=Owner;PARTSTAT=ACCEPTED:mailto:owner@example.org
ATTENDEE;CN=Bea Kim;PARTSTAT=ACCEPTED:mailto:Bea.Kim@Example.org
ATTENDEE;CN=Carl Declined;PARTSTAT=DECLINED:mailto:carl@example.org
ATTENDEE;CUTYPE=ROOM;CN=Room Spree:mailto:spree@rooms.example.org
ATTENDEE;CN=Boardroom 4:mailto:board4@example.org
ATTENDEE;CN=Projector:mailto:resource-77@resource.calendar.google.com
END:VEVENT
"""


def test_what_a_calendar_leaves_out_is_counted_by_reason(tmp_path: Path) -> None:
    def event(uid: str, start: str, *lines: str) -> str:
        body = "".join(line + "\n" for line in lines)
        return (
            f"BEGIN:VEVENT\nUID:{uid}\nDTSTART:{start}\nDTEND:{start[:-3]}30Z\n{body}END:VEVENT\n"
        )

    me = "ORGANIZER:mailto:owner@example.org"
    bea = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bea@example.org"
    path = write(
        tmp_path,
        calendar(
            event("met@x", "20261102T100000Z", me, bea),
            event("later@x", "20261210T100000Z", me, bea),  # to come: not left out, not yet
            event("off@x", "20261103T100000Z", me, bea, "STATUS:CANCELLED"),
            event("room@x", "20261104T100000Z", me, "ATTENDEE;CUTYPE=ROOM:mailto:r@x.org"),
            event("solo@x", "20261105T100000Z", me, "ATTENDEE:mailto:owner@example.org"),
        ),
    )
    records = parse(path, me={"owner@example.org"})
    left = {r.reason: r.count for r in records if isinstance(r, LeftOut)}
    assert left == {
        "cancelled meetings": 1,
        "events with nobody to meet (rooms, bots, declined, or none)": 1,
        "meetings with only you": 1,
    }
    assert [m.external_id for m in meetings(records)] == ["met@x/20261102T100000Z"]


def test_weekly_meeting_with_an_exdate_a_room_and_the_owner(tmp_path: Path) -> None:
    path = write(tmp_path, calendar(WEEKLY))
    records = parse(path, me={"owner@example.org"}, today=dt.date(2026, 11, 10))
    (bea,) = people(records)
    assert (bea.full_name, bea.emails, bea.external_id) == (
        "Bea Kim",
        ["bea.kim@example.org"],
        "bea.kim@example.org",
    )
    met = meetings(records)
    berlin = ZoneInfo("Europe/Berlin")
    # Mondays 5 Oct - 9 Nov, less the 19 Oct EXDATE; the 16 Nov one is to come.
    assert [m.when.astimezone(berlin).date() for m in met] == [
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
    ]
    assert all(m.when.astimezone(berlin).hour == 10 for m in met)  # across the DST change
    assert all(m.emails == ["bea.kim@example.org"] and m.names == ["Bea Kim"] for m in met)
    assert all(m.minutes == 30 and not m.they_started for m in met)
    assert met[0].external_id == "weekly-1@example.org/20261005T080000Z"
    assert met[-1].external_id == "weekly-1@example.org/20261109T090000Z"
    assert all(m.summary == "Weekly sync" and m.where == f"{path}:5" for m in met)
    # Importing again (a day later) keeps every id.
    later = meetings(parse(path, me={"owner@example.org"}, today=dt.date(2026, 11, 11)))
    assert [m.external_id for m in later] == [m.external_id for m in met]


def test_someone_elses_invitation_counts_the_organizer(tmp_path: Path) -> None:
    event = """BEGIN:VEVENT
UID:lunch-7
DTSTART:20260301T120000Z
DURATION:PT1H30M
ORGANIZER;CN=Dana Ortiz:mailto:dana@example.org
ATTENDEE;CN=Owner;PARTSTAT=ACCEPTED:mailto:owner@example.org
END:VEVENT
"""
    records = parse(write(tmp_path, calendar(event)), me={"owner@example.org"})
    (meeting,) = meetings(records)
    assert meeting.emails == ["dana@example.org"] and meeting.they_started
    assert meeting.minutes == 90
    assert [p.full_name for p in people(records)] == ["Dana Ortiz"]


def test_skipped_events(tmp_path: Path) -> None:
    template = """BEGIN:VEVENT
UID:{uid}
DTSTART{start}
{extra}
ATTENDEE;CN=Eve Stone:mailto:eve@example.org
END:VEVENT
"""
    events = [
        template.format(uid="cancelled", start=":20260101T100000Z", extra="STATUS:CANCELLED"),
        template.format(uid="future", start=":20270101T100000Z", extra="SUMMARY:later"),
        template.format(
            uid="bot", start=":20260101T100000Z", extra="ORGANIZER:mailto:no-reply@example.org"
        ),
        template.format(
            uid="holiday",
            start=";VALUE=DATE:20260101",
            extra="ORGANIZER:mailto:en.usa#holiday@group.v.calendar.google.com",
        ),
        template.format(uid="kept", start=";VALUE=DATE:20260102", extra="SUMMARY:offsite"),
    ]
    records = parse(write(tmp_path, calendar(*events)), tz=ZoneInfo("America/New_York"))
    (kept,) = meetings(records)
    # All day: local midnight, no minutes.
    assert kept.external_id == "kept/20260102" and kept.minutes is None
    assert kept.when == dt.datetime(2026, 1, 2, tzinfo=ZoneInfo("America/New_York"))
    assert not kept.they_started  # no organizer


def test_floating_times_are_local(tmp_path: Path) -> None:
    event = """BEGIN:VEVENT
UID:floating
DTSTART:20260310T090000
DTEND:20260310T094500
ATTENDEE:mailto:fay@example.org
END:VEVENT
"""
    tokyo = ZoneInfo("Asia/Tokyo")
    (person, meeting) = parse(write(tmp_path, calendar(event)), tz=tokyo)
    assert person.full_name == "fay@example.org"
    assert meeting.when == dt.datetime(2026, 3, 10, 9, 0, tzinfo=tokyo)
    assert meeting.minutes == 45 and meeting.external_id == "floating/20260310T000000Z"


def test_a_moved_occurrence_replaces_the_one_it_moves(tmp_path: Path) -> None:
    master = """BEGIN:VEVENT
UID:standup
DTSTART:20260105T090000Z
DTEND:20260105T091500Z
RRULE:FREQ=DAILY;COUNT=3
ATTENDEE:mailto:gus@example.org
END:VEVENT
"""
    moved = """BEGIN:VEVENT
UID:standup
RECURRENCE-ID:20260106T090000Z
DTSTART:20260106T150000Z
DTEND:20260106T160000Z
SEQUENCE:2
END:VEVENT
"""
    cancelled = """BEGIN:VEVENT
UID:standup
RECURRENCE-ID:20260107T090000Z
DTSTART:20260107T090000Z
STATUS:CANCELLED
END:VEVENT
"""
    met = meetings(parse(write(tmp_path, calendar(master, moved, cancelled))))
    assert [(m.external_id, m.when.hour, m.minutes) for m in met] == [
        ("standup/20260105T090000Z", 9, 15),
        ("standup/20260106T090000Z", 15, 60),  # attendees kept from the series
    ]


def test_replies_and_cancellations_in_a_file_of_invitations(tmp_path: Path) -> None:
    request = """BEGIN:VEVENT
UID:plan-1
DTSTART:20260201T100000Z
ORGANIZER:mailto:owner@example.org
ATTENDEE:mailto:hal@example.org
ATTENDEE:mailto:ida@example.org
END:VEVENT
"""
    reply = """BEGIN:VEVENT
UID:plan-1
ORGANIZER:mailto:owner@example.org
ATTENDEE;PARTSTAT=DECLINED:mailto:ida@example.org
END:VEVENT
"""
    other = request.replace("plan-1", "plan-2")
    cancel = "BEGIN:VEVENT\nUID:plan-2\nSEQUENCE:1\nEND:VEVENT\n"
    text = (
        calendar(request, other, method="REQUEST")
        + calendar(reply, method="REPLY")
        + calendar(cancel, method="CANCEL")
    )
    met = meetings(parse(write(tmp_path, text), me={"owner@example.org"}))
    assert [(m.external_id, m.emails) for m in met] == [
        ("plan-1/20260201T100000Z", ["hal@example.org"])
    ]


def test_the_latest_reply_counts_not_the_last_in_the_file(tmp_path: Path) -> None:
    """Ida declined, then accepted: her newer answer (DTSTAMP) counts wherever the file
    puts it (the attacker's review: an older "declined" placed last dropped her)."""
    request = (
        "BEGIN:VEVENT\nUID:plan-1\nDTSTART:20260201T100000Z\n"
        "ORGANIZER:mailto:owner@example.org\nATTENDEE:mailto:ida@example.org\nEND:VEVENT\n"
    )

    def reply(stamp: str, answer: str) -> str:
        return (
            f"BEGIN:VEVENT\nUID:plan-1\nDTSTAMP:{stamp}\nORGANIZER:mailto:owner@example.org\n"
            f"ATTENDEE;PARTSTAT={answer}:mailto:ida@example.org\nEND:VEVENT\n"
        )

    newer_first = calendar(reply("20260110T090000Z", "ACCEPTED"), method="REPLY")
    older_last = calendar(reply("20260105T090000Z", "DECLINED"), method="REPLY")
    text = calendar(request, method="REQUEST") + newer_first + older_last
    met = meetings(parse(write(tmp_path, text), me={"owner@example.org"}))
    assert [m.emails for m in met] == [["ida@example.org"]]
    text = (
        calendar(request, method="REQUEST")
        + older_last
        + newer_first.replace("ACCEPTED", "DECLINED")
    )
    assert meetings(parse(write(tmp_path, text, "b.ics"), me={"owner@example.org"})) == []


def test_a_bad_event_is_a_problem_and_the_rest_imports(tmp_path: Path) -> None:
    good = "BEGIN:VEVENT\nUID:ok\nDTSTART:20260105T090000Z\nATTENDEE:mailto:jo@example.org\nEND:VEVENT\n"
    bad = "BEGIN:VEVENT\nUID:bad\nDTSTART:2026-99-99\nATTENDEE:mailto:jo@example.org\nEND:VEVENT\n"
    never = (
        "BEGIN:VEVENT\nUID:often\nDTSTART:20260105T090000Z\nRRULE:FREQ=SECONDLY\n"
        "ATTENDEE:mailto:kai@example.org\nEND:VEVENT\n"
    )
    path = tmp_path / "mixed.ics"
    # A BOM, two calendars, text after the end.
    path.write_bytes(
        b"\xef\xbb\xbf" + (calendar(good, bad) + calendar(never) + "trailing words\n").encode()
    )
    records = parse(path)
    problems = [r for r in records if isinstance(r, Problem)]
    assert [p.where for p in problems] == [f"{path}:10", f"{path}:20"]
    assert problems[0].reason == "unreadable start time '2026-99-99'"
    assert "too frequent" in problems[1].reason
    assert {m.external_id for m in meetings(records)} == {
        "ok/20260105T090000Z",
        "often/20260105T090000Z",  # the rule refused, the event itself kept
    }


def test_a_long_series_is_bounded(tmp_path: Path) -> None:
    event = (
        "BEGIN:VEVENT\nUID:daily\nDTSTART:20000103T090000Z\nRRULE:FREQ=DAILY\n"
        "ATTENDEE:mailto:lee@example.org\nEND:VEVENT\n"
    )
    met = meetings(parse(write(tmp_path, calendar(event))))
    assert len(met) == MAX_OCCURRENCES
    assert met[-1].when.date() == TODAY
    weekly = event.replace("DAILY", "WEEKLY")
    met = meetings(parse(write(tmp_path, calendar(weekly), "weekly.ics")))
    first = met[0].when.date()
    assert TODAY - first <= dt.timedelta(days=365 * ics.RECURRENCE_YEARS)
    assert len(met) in (260, 261)  # five years of Mondays


def test_files_that_are_not_calendars(tmp_path: Path) -> None:
    path = tmp_path / "x.ics"
    path.write_text("hello\n")
    with pytest.raises(ImportFileError) as caught:
        parse(path)
    assert str(caught.value) == f"{path}: not an iCalendar file (no BEGIN:VCALENDAR line)"
    garbage = tmp_path / "garbage.ics"
    garbage.write_text("BEGIN:VCALENDAR\nthese words are no property\nEND:VCALENDAR\n")
    with pytest.raises(ImportFileError) as caught:
        parse(garbage)
    assert str(caught.value).startswith(f"{garbage}: ")
    assert not PARSER.detect(tmp_path)
    sniffed = tmp_path / "export.txt"
    sniffed.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    assert PARSER.detect(sniffed) and kept(parse(sniffed)) == []


def test_people_whose_names_only_sound_like_rooms_are_people(tmp_path: Path) -> None:
    event = """BEGIN:VEVENT
UID:names
DTSTART:20260105T090000Z
ORGANIZER:mailto:owner@example.org
ATTENDEE;CN=Maria Sala:mailto:maria.sala@example.org
ATTENDEE;CN=Rooney Park:mailto:rooney@example.org
ATTENDEE;CN=Conf Rm 12 (8):mailto:confrm12@example.org
END:VEVENT
"""
    records = parse(write(tmp_path, calendar(event)), me="owner@example.org")
    assert sorted(p.full_name for p in people(records)) == ["Maria Sala", "Rooney Park"]


def test_a_meeting_later_today_has_not_happened(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    event = "BEGIN:VEVENT\nUID:{uid}\nDTSTART:{start:%Y%m%dT%H%M%SZ}\nATTENDEE:mailto:mo@example.org\nEND:VEVENT\n"
    text = calendar(
        event.format(uid="before", start=now - dt.timedelta(hours=1)),
        event.format(uid="after", start=now + dt.timedelta(hours=1)),
    )
    path = write(tmp_path, text)
    for options in ({}, {"today": now.date()}):
        records = list(PARSER.parse(path, me={OUTSIDER}, tz=dt.UTC, **options))
        assert [m.external_id.split("/")[0] for m in meetings(records)] == ["before"]


def test_duration_when_dtend_is_unreadable(tmp_path: Path) -> None:
    # Salesforce writes "DTEND: 2024..." (a space), and a DURATION beside it.
    event = (
        "BEGIN:VEVENT\nUID:sf\nDTSTART:20260105T090000Z\nDTEND: 20260105T094500Z\n"
        "DURATION:PT45M\nATTENDEE:mailto:nia@example.org\nEND:VEVENT\n"
    )
    (meeting,) = meetings(parse(write(tmp_path, calendar(event))))
    assert meeting.minutes == 45


# --- whose calendar it is ------------------------------------------------------

ME = "me@mine.example"


def meeting(uid: str, start: str, organizer: str, *attendees: str, extra: str = "") -> str:
    """One VEVENT; each address is also its CN's source ("bea@x" -> "Bea")."""
    lines = [f"BEGIN:VEVENT\nUID:{uid}\nSUMMARY:{uid}\nDTSTART:{start}\nDURATION:PT30M\n", extra]
    lines.append(f"ORGANIZER;CN={organizer.split('@')[0].title()}:mailto:{organizer}\n")
    for address in attendees:
        lines.append(f"ATTENDEE;CN={address.split('@')[0].title()}:mailto:{address}\n")
    return "".join(lines) + "END:VEVENT\n"


# The newcomer's calendar: the owner organises a weekly series with Bea and is
# invited to Carl's, 14 meetings in all; the owner is an attendee of both.
OWN_SERIES = meeting(
    "mine", "20250106T090000Z", ME, ME, "bea@example.org", extra="RRULE:FREQ=WEEKLY;COUNT=7\n"
)
CARLS_SERIES = meeting(
    "carls",
    "20250107T090000Z",
    "carl@example.org",
    "carl@example.org",
    ME,
    extra="RRULE:FREQ=WEEKLY;COUNT=7\n",
)


def check_owner_left_out(records: list[Record]) -> None:
    """Only Bea and Carl are people; the owner started the owner's meetings."""
    assert sorted(p.emails[0] for p in people(records)) == ["bea@example.org", "carl@example.org"]
    met = meetings(records)
    assert len(met) == 14 and all(ME not in m.emails for m in met)
    assert {m.emails[0]: m.they_started for m in met} == {
        "bea@example.org": False,  # the owner organised: "I started"
        "carl@example.org": True,
    }


def test_the_owner_from_a_google_calendar_name(tmp_path: Path) -> None:
    """Google names a primary calendar after its owner's address; then even one
    meeting is enough."""
    event = meeting("one", "20260105T090000Z", ME, ME, "bea@example.org")
    text = calendar(event).replace("METHOD:PUBLISH\n", f"METHOD:PUBLISH\nX-WR-CALNAME:{ME}\n")
    records = parse(write(tmp_path, text), me=set())
    assert [p.emails for p in people(records)] == [["bea@example.org"]]
    (met,) = meetings(records)
    assert met.emails == ["bea@example.org"] and not met.they_started
    # A folded name in capitals, with the two series: the same as with --me.
    named = calendar(OWN_SERIES, CARLS_SERIES).replace(
        "METHOD:PUBLISH\n", "METHOD:PUBLISH\nX-WR-CALNAME:Me@Mine.\n example\n"
    )
    path = write(tmp_path, named, "named.ics")
    check_owner_left_out(parse(path, me=set()))
    assert parse(path, me=set()) == parse(path, me={ME})


def test_calendar_names_that_are_no_owner(tmp_path: Path) -> None:
    event = meeting("one", "20260105T090000Z", ME, ME, "bea@example.org")
    for name in (
        "Work",  # not an address
        "c_1a2b3c@group.calendar.google.com",  # a shared calendar, not a person's
    ):
        text = calendar(event).replace("METHOD:PUBLISH\n", f"METHOD:PUBLISH\nX-WR-CALNAME:{name}\n")
        path = write(tmp_path, text)
        with pytest.raises(ImportFileError, match="pass --me ADDRESS"):
            parse(path, me=set())
    # Two calendars named after two people: whose is it?
    text = calendar(event).replace("METHOD:PUBLISH\n", f"METHOD:PUBLISH\nX-WR-CALNAME:{ME}\n")
    other = text.replace(f"X-WR-CALNAME:{ME}", "X-WR-CALNAME:bea@example.org")
    with pytest.raises(ImportFileError, match="pass --me ADDRESS"):
        parse(write(tmp_path, text + other.replace("UID:one", "UID:two")), me=set())


def test_the_owner_is_the_one_address_in_every_meeting(tmp_path: Path) -> None:
    path = write(tmp_path, calendar(OWN_SERIES, CARLS_SERIES))
    check_owner_left_out(parse(path, me=set()))
    assert parse(path, me=set()) == parse(path, me={ME})
    # Meetings listing one address do not count against anyone: the owner alone
    # (a reminder), or someone the owner is not listed beside.
    solo = meeting("solo", "20250301T090000Z", ME, ME)
    dana = "BEGIN:VEVENT\nUID:dana\nDTSTART:20250302T090000Z\nATTENDEE:mailto:dana@example.org\nEND:VEVENT\n"
    records = parse(write(tmp_path, calendar(OWN_SERIES, CARLS_SERIES, solo, dana)), me=set())
    assert sorted(p.emails[0] for p in people(records)) == [
        "bea@example.org",
        "carl@example.org",
        "dana@example.org",
    ]
    # An owner who declined a series is still listed in it, so still worked out; the
    # meetings declined are left out (the owner was not there)
    declined = CARLS_SERIES.replace(
        f"ATTENDEE;CN=Me:mailto:{ME}", f"ATTENDEE;CN=Me;PARTSTAT=DECLINED:mailto:{ME}"
    )
    records = parse(write(tmp_path, calendar(OWN_SERIES, declined)), me=set())
    assert [p.emails[0] for p in people(records)] == ["bea@example.org"]
    assert len(meetings(records)) == 7
    left = {r.reason: r.count for r in records if isinstance(r, LeftOut)}
    assert left == {"meetings you declined or were not part of": 1}  # one series


def test_a_meeting_the_owner_declined_is_no_meeting(tmp_path: Path) -> None:
    """The README: declined invitations are left out. Val accepted the pitch, the
    owner declined it: they did not meet (a newcomer's review: Val got a meeting
    and a trust score from it, with --me given)."""
    pitch = meeting("pitch", "20260105T090000Z", "val@example.org", "val@example.org").replace(
        "END:VEVENT", f"ATTENDEE;CN=Me;PARTSTAT=DECLINED:mailto:{ME}\nEND:VEVENT"
    )
    lunch = meeting("lunch", "20260106T120000Z", ME, ME, "val@example.org")
    # not a participant (ROLE=NON-PARTICIPANT: copied for information) is no meeting either
    memo = meeting("memo", "20260107T120000Z", "val@example.org", "val@example.org").replace(
        "END:VEVENT", f"ATTENDEE;ROLE=NON-PARTICIPANT:mailto:{ME}\nEND:VEVENT"
    )
    records = parse(write(tmp_path, calendar(pitch, lunch, memo)), me={ME})
    assert [m.external_id.split("/")[0] for m in meetings(records)] == ["lunch"]
    left = {r.reason: r.count for r in records if isinstance(r, LeftOut)}
    assert left == {"meetings you declined or were not part of": 2}


def test_the_owner_cannot_always_be_worked_out(tmp_path: Path) -> None:
    cases = {
        # Bea is in every meeting too: the owner and Bea cannot be told apart.
        "two-in-all.ics": calendar(
            OWN_SERIES, meeting("lunch", "20250110T120000Z", "bea@example.org", ME)
        ),
        # One meeting (an invitation file): its organizer or its guest?
        "one.ics": calendar(meeting("one", "20260105T090000Z", ME, ME, "bea@example.org")),
        # One series, however long: everyone in it is in every occurrence.
        "series.ics": calendar(OWN_SERIES),
        # Only meetings with one address each: the owner alone, or without the owner?
        "single.ics": calendar(
            "BEGIN:VEVENT\nUID:a\nDTSTART:20250105T090000Z\nATTENDEE:mailto:bea@example.org\nEND:VEVENT\n",
            "BEGIN:VEVENT\nUID:b\nDTSTART:20250106T090000Z\nATTENDEE:mailto:bea@example.org\nEND:VEVENT\n",
        ),
    }
    for name, text in cases.items():
        path = write(tmp_path, text, name)
        with pytest.raises(ImportFileError) as caught:
            parse(path, me=set())
        assert str(caught.value) == f"{path}: {NEEDS_ME}", name
        # Told, it imports. Phones and profile URLs (the core passes all the
        # owner's contact points) are no address.
        assert meetings(parse(path, me={ME})), name
        with pytest.raises(ImportFileError):
            parse(path, me=["+1 415 555 0100", "https://www.linkedin.com/in/me"])


def test_a_calendar_without_meetings_needs_no_owner(tmp_path: Path, realdata: Path) -> None:
    # Nothing would be imported whoever the owner is: nothing to ask.
    holiday = "BEGIN:VEVENT\nUID:h\nDTSTART;VALUE=DATE:20260101\nSUMMARY:New Year\nEND:VEVENT\n"
    assert kept(parse(write(tmp_path, calendar(holiday)), me=set())) == []
    assert kept(parse(realdata / "ics" / "icaljs_google_birthday.ics", me=set())) == []


def test_a_given_owner_is_trusted(tmp_path: Path) -> None:
    """With `me`, nothing is worked out: the calendar's name and the meetings'
    people do not override it, and an owner the file never mentions is fine."""
    text = calendar(OWN_SERIES, CARLS_SERIES).replace(
        "METHOD:PUBLISH\n", "METHOD:PUBLISH\nX-WR-CALNAME:bea@example.org\n"
    )
    path = write(tmp_path, text)
    check_owner_left_out(parse(path, me=[ME.upper(), "+1 415 555 0100"]))
    records = parse(path, me={OUTSIDER})
    assert sorted(p.emails[0] for p in people(records)) == [
        "bea@example.org",
        "carl@example.org",
        ME,
    ]
    assert all(m.they_started for m in meetings(records))  # none organised by OUTSIDER


# --- through the command line ----------------------------------------------------


def test_a_remembered_address_on_no_meeting_of_an_owned_calendar(cli: Cli, tmp_path: Path) -> None:
    """An address remembered from a mail import (--me work@...) is on none of this
    calendar's meetings, which are all ME's: the calendar is refused, naming ME, never
    read with ME as the owner's own closest contact (a newcomer's review). Given with
    --me, it imports, and the two addresses are both the owner's from then on."""
    from troth.interactions.models import Interaction
    from troth.people.models import Person

    dana = meeting("d", "20250201T090000Z", OUTSIDER, OUTSIDER, "dana@example.org")
    cli("import", str(write(tmp_path, calendar(dana), "work.ics")), "--me", OUTSIDER)
    mine = write(tmp_path, calendar(OWN_SERIES, CARLS_SERIES), "mine.ics")
    result = cli("import", str(mine), code=2)
    assert f"looks like {ME}'s, on 14 of its 14 meetings" in result.stderr
    assert f"--me {ME}" in result.stderr
    assert not Person.objects.filter(is_me=False, contact_points__value=ME).exists()
    cli("import", str(mine), "--me", ME)
    assert not Person.objects.filter(is_me=False, contact_points__value=ME).exists()
    assert Interaction.objects.filter(person__full_name="Bea").count() == 7
    cli("import", str(mine))  # both remembered now: nothing new, nothing refused


def test_one_meeting_with_a_remembered_address_does_not_make_a_calendar_yours(
    tmp_path: Path,
) -> None:
    """The attacker's review: the calendar names ME and ME is on 14 meetings; one of
    them also lists the remembered address. Still ME's calendar: refused, naming ME. A
    remembered address given again (the web's form fills them in) is remembered, not
    given; an address new to troth is given, and trusted."""
    with_old = OWN_SERIES.replace(
        "END:VEVENT", "ATTENDEE;CN=Old:mailto:old@work.example\nEND:VEVENT", 1
    )
    text = calendar(with_old, CARLS_SERIES).replace(
        "METHOD:PUBLISH\n", f"METHOD:PUBLISH\nX-WR-CALNAME:{ME}\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(ImportFileError, match=f"looks like {ME}'s, on 14 of its 14"):
        parse(path, me={"old@work.example"}, me_given=[])
    assert meetings(parse(path, me={"old@work.example"}, me_given=["old@work.example"]))


def test_the_web_form_filled_with_remembered_addresses_is_checked_too(
    alice: Owner, tmp_path: Path
) -> None:
    from django.db import transaction

    from troth.errors import TrothError
    from troth.importers.apply import do_import

    dana = meeting("d", "20250201T090000Z", OUTSIDER, OUTSIDER, "dana@example.org")
    with transaction.atomic():
        do_import(
            alice, PARSER, write(tmp_path, calendar(dana), "w.ics"), options={"me": [OUTSIDER]}
        )
    mine = write(tmp_path, calendar(OWN_SERIES, CARLS_SERIES), "mine.ics")
    with pytest.raises(TrothError, match=f"looks like {ME}'s"), transaction.atomic():
        do_import(alice, PARSER, mine, options={"me": [OUTSIDER]})  # as the form sends it back


def test_import_without_me_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    from troth.importers.models import ImportRun
    from troth.interactions.models import Interaction
    from troth.people.models import Person

    unsure = write(tmp_path, calendar(OWN_SERIES), "unsure.ics")
    result = cli("import", str(unsure), code=2)
    assert result.stderr == f"troth: error: {unsure}: {NEEDS_ME}\n"
    assert not Person.objects.filter(is_me=False).exists()
    assert not Interaction.objects.exists() and not ImportRun.objects.exists()
    # The newcomer's calendar: the owner is worked out, never a contact.
    cli("import", str(write(tmp_path, calendar(OWN_SERIES, CARLS_SERIES))))
    assert sorted(Person.objects.filter(is_me=False).values_list("full_name", flat=True)) == [
        "Bea",
        "Carl",
    ]
    assert Counter(Interaction.objects.values_list("person__full_name", "initiated_by")) == {
        ("Bea", Interaction.ME): 7,  # the owner organised these
        ("Carl", Interaction.THEM): 7,
    }
    # Told once with --me, troth remembers: the unsure file then imports alone.
    cli("import", str(unsure), code=2)
    cli("import", str(unsure), "--me", ME)
    other = write(tmp_path, calendar(meeting("x", "20250301T090000Z", ME, ME, "eve@example.org")))
    cli("import", str(other))
    eve = Interaction.objects.get(person__full_name="Eve")
    assert eve.initiated_by == Interaction.ME
    assert not Person.objects.filter(is_me=False, contact_points__value=ME).exists()


def test_a_meeting_of_more_than_twenty_people_is_left_out(tmp_path: Path) -> None:
    """An all-hands says nothing about each tie (a newcomer's review: 42 colleagues
    each got a meeting and the trust of a lunch); folk draws the line at 20."""
    crowd = [f"person{i:02d}@example.org" for i in range(21)]
    all_hands = meeting("all-hands", "20260105T090000Z", ME, ME, *crowd)
    team = meeting("team", "20260106T090000Z", ME, ME, *crowd[:20])
    records = parse(write(tmp_path, calendar(all_hands, team)), me={ME})
    met = meetings(records)
    assert {m.external_id.split("/")[0] for m in met} == {"team"} and len(met) == 20
    left = {r.reason: r.count for r in records if isinstance(r, LeftOut)}
    assert left == {f"meetings with more than {ics.MAX_ATTENDEES} people": 1}
    assert ics.MAX_ATTENDEES == 20
