"""iCalendar (.ics) files -> meetings with the people in them (pure: no Django).

Each VEVENT with attendees becomes, for every occurrence that has happened, one
"meeting" InteractionRecord per counterpart (each attendee, and the organizer
when it is not the owner), lasting the event's duration; each counterpart also
becomes a PersonRecord (name + email) so that apply can create them.

Left out, because they are not relationships:

* rooms and resources (CUTYPE=ROOM/RESOURCE/GROUP, Google resource calendars,
  names such as "Meeting Room 4");
* bots: subscribed holiday calendars, Google's contacts' birthdays (a
  ``...@virtual`` or ``#contacts@group.v.calendar.google.com`` address) and
  no-reply organizers; an event organized by a bot is skipped whole;
* declined attendees (PARTSTAT=DECLINED) and non-participants (ROLE);
* the owner (see below);
* cancelled events (STATUS:CANCELLED, or a calendar with METHOD:CANCEL) and
  occurrences that have not begun yet: after `now` (an option, for tests), else
  after the end of `today` or the present moment, whichever is earlier (apply
  refuses interactions dated in the future, and a meeting later today has not
  happened).

The owner: the `me` option, their email addresses (the CLI's --me values and
the addresses remembered from earlier imports; phones and profile URLs among
them are ignored). The owner is left out, and decides the direction: a meeting
the owner organised is one "I started", anyone else's one "they started".
Without an address in `me` the owner is worked out from the calendar when it
says so unambiguously (`_inferred_owner`): a Google Calendar export names the
calendar after its owner's address (X-WR-CALNAME:someone@example.com); else
the one address listed in every meeting that lists two or more, when those
come from at least two events. When it cannot be worked out, and the file has
meetings with anyone, the file is refused whole (ImportFileError: "FILE:
calendar import needs your own address ...: pass --me ADDRESS"): without it
the owner would become a contact and every meeting would look started by the
other side. A file with no meeting with anyone needs no owner.

What is left out is counted by reason, each event once however often it repeats
(a yearly birthday is one birthday, a cancelled weekly meeting one meeting).

Recurring events count each occurrence that happened: RRULE and RDATE expanded
with python-dateutil, minus EXDATE, an overridden occurrence (RECURRENCE-ID)
replacing the one it moves (an override without attendees keeps the series'
attendees). Expansion is bounded: a series counts its last `RECURRENCE_YEARS`
years (back from its last occurrence that has begun), at most `MAX_OCCURRENCES` per
event, and rules more frequent than hourly are refused as a Problem.

Times: TZID (IANA or the file's own VTIMEZONE) as icalendar resolves it;
floating times are local (the `tz` option, else this machine's zone); all-day
events start at local midnight and have no duration. The external id of an
occurrence is the event UID plus the occurrence's original start, so moving
one occurrence or importing again changes nothing.

The file is split into VCALENDAR blocks by their BEGIN/END lines (several per
file, a bare VEVENT, a BOM, text after the end are all fine); a block that
icalendar refuses is retried one event at a time, so one bad event is a
Problem naming its line and the rest is kept. A file with no calendar at all,
or none icalendar can read, is an ImportFileError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar
from icalendar.prop import vBroken

from troth.importers.ics_people import _address, _is_bot, _param, _Party, _party, _refused
from troth.importers.ics_time import (
    MAX_OCCURRENCES,
    RECURRENCE_YEARS,
    _aware,
    _key,
    _list,
    _local_zone,
    _minutes,
    _one_line,
    occurrences,
)
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    LeftOut,
    PersonRecord,
    Problem,
    Record,
)
from troth.lib.contact import ContactError, normalize_email

SOURCE = "ics"
# A meeting with more people than this besides you (an all-hands, a conference session)
# says nothing about your tie with each of them: left out, as folk skips events with
# more than 20 recipients (../shared/research/paths-and-groups-anchors.md [S36]). A
# newcomer's all-hands of 42 gave each colleague a meeting and the trust of a lunch.
MAX_ATTENDEES = 20
_BIRTHDAY_UID = re.compile(r"^(\d+_)?BIRTHDAY_", re.I)
_BEGIN = re.compile(r"^BEGIN\s*:\s*(\S+)\s*$", re.I)
_END = re.compile(r"^END\s*:\s*(\S+)\s*$", re.I)
# iTIP methods whose VEVENTs are messages about an event, not the event itself.
_MESSAGES = {"REPLY", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}


@dataclass
class _Block:
    line: int
    name: str  # VCALENDAR or VEVENT (a bare event)
    lines: list[tuple[int, str]] = field(default_factory=list)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded lines with the number of the physical line each begins on.
    Blank lines inside a fold (some Mozilla exports) are skipped."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if not line.strip():
            continue
        if line[0] in " \t" and found:
            found[-1] = (found[-1][0], found[-1][1] + line[1:])
        else:
            found.append((number, line.lstrip(" \t")))
    return found


def split_blocks(text: str) -> list[_Block]:
    """Top-level VCALENDARs (and bare VEVENTs) by their BEGIN/END lines."""
    blocks: list[_Block] = []
    current: _Block | None = None
    depth = 0
    for number, line in _logical_lines(text):
        begin, end = _BEGIN.match(line), _END.match(line)
        if current is None:
            if begin and begin.group(1).upper() in ("VCALENDAR", "VEVENT"):
                current = _Block(number, begin.group(1).upper(), [(number, line)])
                depth = 1
            continue
        current.lines.append((number, line))
        if begin:
            depth += 1
        elif end:
            depth -= 1
            if depth == 0:
                blocks.append(current)
                current = None
    if current is not None:  # cut short: icalendar decides what it can read
        current.lines.append((current.lines[-1][0], f"END:{current.name}"))
        blocks.append(current)
    return blocks


@dataclass
class _Event:
    component: Any  # icalendar.Event
    where: str
    method: str = ""
    calname: str = ""  # the calendar's X-WR-CALNAME


def _parse(lines: list[tuple[int, str]]) -> Any:
    return icalendar.Calendar.from_ical("\r\n".join(line for _, line in lines) + "\r\n")


def _events_of(block: _Block, path: Path) -> tuple[list[_Event], list[Problem], bool]:
    """The VEVENTs of one block, problems, and whether icalendar read the block
    whole; a block it refuses is retried event by event (with its time zones,
    then without them)."""
    events: list[_Event] = []
    problems: list[Problem] = []
    # Where each top-level VEVENT begins, and the block's other parts.
    starts: list[int] = []
    header: list[tuple[int, str]] = []
    zones: list[tuple[int, str]] = []
    pieces: list[list[tuple[int, str]]] = []
    depth = 0
    kind = ""
    body = block.lines if block.name == "VEVENT" else block.lines[1:-1]
    for number, line in body:
        begin, end = _BEGIN.match(line), _END.match(line)
        if depth == 0 and begin:
            kind = begin.group(1).upper()
            if kind == "VEVENT":
                starts.append(number)
                pieces.append([])
        if begin:
            depth += 1
        if depth == 0:
            header.append((number, line))
        elif kind == "VEVENT":
            pieces[-1].append((number, line))
        elif kind == "VTIMEZONE":
            zones.append((number, line))
        if end and depth > 0:
            depth -= 1
    method = calname = ""
    for _, line in header:
        if line.upper().replace(" ", "").startswith("METHOD:"):
            method = line.split(":", 1)[1].strip().upper()
        if re.match(r"X-WR-CALNAME\s*[;:]", line, re.I):
            calname = line.split(":", 1)[1].strip() if ":" in line else ""
    try:
        parsed = _parse(block.lines)
        found = [parsed] if parsed.name == "VEVENT" else list(parsed.walk("VEVENT"))
        found = [c for c in found if c.name == "VEVENT"]
        if len(found) != len(starts):
            raise ValueError("events and BEGIN:VEVENT lines disagree")
        return (
            [_Event(c, f"{path}:{n}", method, calname) for c, n in zip(found, starts, strict=True)],
            problems,
            True,
        )
    except Exception:  # icalendar raises many kinds on bad input; retry per event
        pass
    head = [(block.line, "BEGIN:VCALENDAR"), *header]
    for number, piece in zip(starts, pieces, strict=True):
        where = f"{path}:{number}"
        error: Exception | None = None
        for attempt in (zones, []):
            cleaned = piece if attempt else [(n, _drop_tzid(x)) for n, x in piece]
            try:
                parsed = _parse([*head, *attempt, *cleaned, (number, "END:VCALENDAR")])
                component = next(iter(parsed.walk("VEVENT")))
            except Exception as exc:
                error = exc
                continue
            events.append(_Event(component, where, method, calname))
            error = None
            break
        if error is not None:
            problems.append(Problem(where, f"unreadable event: {_one_line(error)}"))
    return events, problems, False


def _drop_tzid(line: str) -> str:
    """Without a time zone it cannot resolve, an event still has a (floating) time."""
    return re.sub(r';TZID=(?:"[^"]*"|[^;:]*)', "", line, flags=re.I)


# --- the parser -----------------------------------------------------------------


@dataclass
class _Occurrence:
    event: _Event
    start: dt.date | dt.datetime
    original: str  # the key of the start it was scheduled for
    override: bool
    sequence: int


class IcsParser:
    name = "ics"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        if path.suffix.lower() in (".ics", ".ical", ".icalendar", ".ifb"):
            return True
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            return False
        return re.search(rb"^\s*BEGIN\s*:\s*VCALENDAR", head, re.I | re.M) is not None

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        me = _owner(options.get("me"))
        tz = options.get("tz")
        if not isinstance(tz, dt.tzinfo):
            tz = _local_zone()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImportFileError(f"{path}: cannot read ({error.strerror})") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        blocks = split_blocks(text)
        if not blocks:
            raise ImportFileError(f"{path}: not an iCalendar file (no BEGIN:VCALENDAR line)")
        events: list[_Event] = []
        problems: list[Problem] = []
        readable = False
        for block in blocks:
            found, bad, whole = _events_of(block, path)
            events.extend(found)
            problems.extend(bad)
            readable = readable or whole or bool(found)
        if not readable:
            raise ImportFileError(f"{path}: icalendar cannot read it (not a usable calendar)")
        # Everything is read before anything is given: a file whose owner is
        # unknown is refused whole.
        # the owner's addresses all come from earlier imports (none given to this one)
        remembered = "me_given" in options and not options["me_given"]
        records = self._records(path, events, me, _now(options, tz), tz, remembered=remembered)
        yield from problems
        yield from records

    def _records(
        self,
        path: Path,
        events: list[_Event],
        me: set[str],
        now: dt.datetime,
        tz: dt.tzinfo,
        *,
        remembered: bool = False,
    ) -> list[Record]:
        problems: list[Problem] = []
        chosen: dict[tuple[str, str], _Occurrence] = {}
        masters: dict[str, _Event] = {}
        # iTIP messages about events (a file of invitations): replies say who
        # declined, cancellations remove the event or one occurrence of it.
        answers: dict[tuple[str, str], str] = {}
        answered: dict[tuple[str, str], tuple[int, str]] = {}  # each answer's (SEQUENCE, DTSTAMP)
        cancelled: set[tuple[str, str]] = set()
        for event in events:
            component = event.component
            uid = str(component.get("UID", "")).strip()
            if event.method in _MESSAGES:
                if event.method == "REPLY":
                    # the latest answer counts, by SEQUENCE then DTSTAMP (RFC 5546), not
                    # the last in the file (the attacker's review: an older "declined"
                    # after a newer "accepted" dropped the meeting)
                    stamp = component.get("DTSTAMP")
                    when = getattr(stamp, "dt", None)
                    order = (
                        _int(component.get("SEQUENCE")),
                        _aware(when, tz).astimezone(dt.UTC).isoformat()
                        if isinstance(when, dt.datetime)
                        else "",
                    )
                    for prop in _list(component.get("ATTENDEE")):
                        email = _address(prop)
                        if email and order >= answered.get((uid, email), (-1, "")):
                            answered[(uid, email)] = order
                            answers[(uid, email)] = _param(prop, "PARTSTAT").upper()
                if event.method == "CANCEL":
                    recurrence = component.get("RECURRENCE-ID")
                    moment = getattr(recurrence, "dt", None)
                    which = _key(moment, tz) if isinstance(moment, dt.date) else "*"
                    cancelled.add((uid, which))
                continue
            start = component.get("DTSTART")
            if start is None:
                problems.append(Problem(event.where, "event has no start time"))
                continue
            if isinstance(start, vBroken) or not isinstance(start.dt, dt.date):
                problems.append(Problem(event.where, f"unreadable start time {str(start)!r}"))
                continue
            uid = uid or _made_up_uid(component)
            sequence = _int(component.get("SEQUENCE"))
            recurrence = component.get("RECURRENCE-ID")
            try:
                if recurrence is not None and not isinstance(recurrence, vBroken):
                    found = [(start.dt, _key(recurrence.dt, tz), True)]
                else:
                    masters.setdefault(uid, event)
                    starts, problem = occurrences(component, now, tz)
                    if problem:
                        problems.append(Problem(event.where, problem))
                    found = [(one, _key(one, tz), False) for one in starts]
            except Exception as error:  # a value icalendar kept but cannot give
                problems.append(Problem(event.where, f"unreadable event: {_one_line(error)}"))
                continue
            for start, original, override in found:
                key = (uid, original)
                before = chosen.get(key)
                candidate = _Occurrence(event, start, original, override, sequence)
                if before is None or (override, sequence) >= (before.override, before.sequence):
                    chosen[key] = candidate
        held: list[tuple[str, str, _Occurrence, dt.datetime, _Meeting]] = []
        # what is left out on purpose, by reason: each event once (its UID), however
        # often it repeats (a yearly birthday over five years is one birthday, not five)
        left: defaultdict[str, set[str]] = defaultdict(set)

        def one_event(uid: str, original: object) -> str:
            # a series (RRULE or RDATE on its master) is one event, whatever it repeats;
            # anything else is one event per start, so that distinct events sharing a
            # UID (a careless or hostile file) are not counted as one (the second
            # attacker's review: ten cancelled meetings of one UID counted 1)
            master = masters.get(uid)
            if master is not None and (
                master.component.get("RRULE") or master.component.get("RDATE")
            ):
                return uid
            return f"{uid}\x00{original}"

        for (uid, original), occurrence in chosen.items():
            event = occurrence.event
            component = event.component
            when = _aware(occurrence.start, tz)
            if when > now:
                continue
            if str(component.get("STATUS", "")).upper() == "CANCELLED" or (
                (uid, "*") in cancelled or (uid, original) in cancelled
            ):
                left["cancelled meetings"].add(one_event(uid, original))
                continue
            if _BIRTHDAY_UID.match(uid):
                left["birthdays and holidays"].add(one_event(uid, original))
                continue
            master = masters[uid].component if uid in masters else None
            try:
                meeting = _meeting(component, occurrence, uid, master, answers)
            except Exception as error:  # a value icalendar kept but cannot give
                problems.append(Problem(event.where, f"unreadable event: {_one_line(error)}"))
                continue
            if meeting is not None:
                held.append((uid, original, occurrence, when, meeting))
            else:
                left["events with nobody to meet (rooms, bots, declined, or none)"].add(
                    one_event(uid, original)
                )
        if not me and held:
            me = _inferred_owner(events, [(uid, meeting) for uid, _o, _c, _w, meeting in held])
            if not me:
                raise ImportFileError(
                    f"{path}: calendar import needs your own address to leave you out and "
                    "tell who organised each meeting: pass --me ADDRESS"
                )
        elif remembered and held:
            # The owner's addresses are all remembered from earlier imports, and the
            # calendar says whose it is (its name, or the one address on every meeting):
            # an address troth does not know as the owner's, on more of its meetings than
            # any of the owner's. It is the owner's under that address (a newcomer's
            # review: an address remembered from a mail import was taken for the owner,
            # and the calendar's own owner became their own closest tie; the attacker's:
            # one meeting with the remembered address let the rest through). An address
            # given with --me is trusted, and a file that names nobody (an invitation, a
            # shared calendar) is read as before.
            listings = [meeting.listed for _u, _o, _c, _w, meeting in held]
            seems = _inferred_owner(events, [(uid, meeting) for uid, _o, _c, _w, meeting in held])
            theirs = sum(bool(listed & seems) for listed in listings)
            mine = sum(bool(listed & me) for listed in listings)
            if seems and not seems & me and theirs > mine:
                raise ImportFileError(
                    f"{path}: this calendar looks like {', '.join(sorted(seems))}'s, on"
                    f" {theirs} of its {len(held)} meetings, and your addresses"
                    f" ({', '.join(sorted(me)[:3])}) on {mine}; if that address is yours,"
                    f" pass --me {sorted(seems)[0]} (troth remembers it)"
                )
        people: dict[str, PersonRecord] = {}
        interactions: list[InteractionRecord] = []
        for uid, original, occurrence, when, meeting in held:
            event = occurrence.event
            component = event.component
            if meeting.absent & me:
                # you declined it (or were not a participant): you did not meet them
                left["meetings you declined or were not part of"].add(one_event(uid, original))
                continue
            parties = [p for p in meeting.parties if p.email not in me]
            if not parties:
                left["meetings with only you"].add(one_event(uid, original))
                continue
            if len({p.email for p in parties}) > MAX_ATTENDEES:
                left[f"meetings with more than {MAX_ATTENDEES} people"].add(
                    one_event(uid, original)
                )
                continue
            they_started = bool(meeting.organizer) and meeting.organizer not in me
            minutes = _minutes(component, occurrence.start)
            summary = " ".join(str(component.get("SUMMARY", "")).split())
            seen: set[str] = set()
            for party in parties:
                if party.email in seen:
                    continue
                seen.add(party.email)
                interactions.append(
                    InteractionRecord(
                        source=SOURCE,
                        external_id=f"{uid}/{original}",
                        when=when,
                        channel="meeting",
                        emails=[party.email],
                        names=[party.name] if party.name else [],
                        they_started=they_started,
                        minutes=minutes,
                        summary=summary,
                        where=event.where,
                    )
                )
                known = people.get(party.email)
                if known is None:
                    people[party.email] = PersonRecord(
                        source=SOURCE,
                        external_id=party.email,
                        full_name=party.name or party.email,
                        emails=[party.email],
                        where=event.where,
                    )
                elif party.name and known.full_name == party.email:
                    known.full_name = party.name
        interactions.sort(key=lambda record: (record.when, record.external_id))
        out: list[Record] = [
            *problems,
            *(LeftOut(reason, len(uids)) for reason, uids in sorted(left.items())),
        ]
        return [*out, *people.values(), *interactions]


def _now(options: dict[str, object], tz: dt.tzinfo) -> dt.datetime:
    """The moment up to which occurrences have happened (see the module doc)."""
    now = options.get("now")
    if isinstance(now, dt.datetime):
        return now if now.tzinfo is not None else now.replace(tzinfo=tz)
    present = dt.datetime.now(tz)
    today = options.get("today")
    if not isinstance(today, dt.date):
        return present
    return min(present, _aware(today + dt.timedelta(days=1), tz) - dt.timedelta(microseconds=1))


def _owner(value: object) -> set[str]:
    """The `me` option: the owner's email addresses, normalised. The importer core
    passes all the owner's contact points; phones and profile URLs never appear
    in a calendar, so they are dropped."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, set | frozenset | list | tuple):
        return set()
    found: set[str] = set()
    for item in value:
        try:
            found.add(normalize_email(str(item)))
        except ContactError:
            continue
    return found


def _inferred_owner(events: list[_Event], meetings: list[tuple[str, _Meeting]]) -> set[str]:
    """The owner when the calendar says who it is unambiguously, else an empty set.

    1. A Google Calendar export names the primary calendar after its owner's
       address (X-WR-CALNAME:someone@gmail.com): when the file's calendars name
       exactly one address, and it is not a shared or group calendar's, it is
       the owner's.
    2. Otherwise the owner is in every meeting of their calendar: the one address
       listed (organizer or attendee, declined or not) in every occurrence that
       lists two or more, when those come from at least two events and exactly
       one address is in all of them. One event (an invitation file) cannot
       tell its organizer from its guest.
    """
    named: set[str] = set()
    for event in events:
        try:
            address = normalize_email(re.sub(r"^mailto:", "", event.calname, flags=re.I))
        except ContactError:
            continue
        if not _is_bot(address):
            named.add(address)
    if len(named) == 1:
        return named
    common: set[str] | None = None
    uids: set[str] = set()
    for uid, meeting in meetings:
        if len(meeting.listed) < 2:
            continue  # perhaps the owner alone, perhaps someone without the owner
        uids.add(uid)
        common = set(meeting.listed) if common is None else common & meeting.listed
    if common is not None and len(uids) >= 2 and len(common) == 1:
        return common
    return set()


@dataclass
class _Meeting:
    parties: list[_Party]  # who took part: present attendees, then the organizer
    organizer: str  # the organizer's address, "" when none is given
    listed: frozenset[str]  # every address listed, declined or not (for _inferred_owner)
    # listed but not there: declined, or not a participant (the owner among them
    # means the owner was not at this meeting either)
    absent: frozenset[str] = frozenset()


def _meeting(
    component: Any,
    occurrence: _Occurrence,
    uid: str,
    master: Any,
    answers: dict[tuple[str, str], str],
) -> _Meeting | None:
    """Who took part in one occurrence (the owner among them, if listed), or
    None when it is not a meeting with anyone."""
    organizer_prop = component.get("ORGANIZER")
    organizer = _address(organizer_prop) if organizer_prop is not None else ""
    if organizer and _is_bot(organizer):
        return None
    attendees = _list(component.get("ATTENDEE"))
    if not attendees and occurrence.override and master is not None:
        attendees = _list(master.get("ATTENDEE"))
    present: list[_Party] = []
    listed: set[str] = set()
    absent: set[str] = set()
    for prop in attendees:
        party = _party(prop)
        if party is None:
            continue
        listed.add(party.email)
        if not _refused(prop) and answers.get((uid, party.email)) != "DECLINED":
            present.append(party)
        else:
            absent.add(party.email)
    if not present:
        return None  # nobody invited, or only rooms, bots and refusals
    parties = list(present)
    if organizer_prop is not None:
        party = _party(organizer_prop)
        if party is not None:
            parties.append(party)
            listed.add(party.email)
    return _Meeting(
        parties, organizer, frozenset(listed), frozenset(absent - {p.email for p in present})
    )


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def _made_up_uid(component: Any) -> str:
    """An event without a UID is known by what it says: same event, same id."""
    parts = [
        str(component.get("SUMMARY", "")),
        component["DTSTART"].to_ical().decode() if "DTSTART" in component else "",
        str(component.get("ORGANIZER", "")),
    ]
    return "hash:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


PARSER = IcsParser()

# the parser, and the bounds and expansion the docstring names (from ics_time)
__all__ = [
    "MAX_OCCURRENCES",
    "PARSER",
    "RECURRENCE_YEARS",
    "IcsParser",
    "occurrences",
    "split_blocks",
]
