"""When an iCalendar event happened, for troth.importers.ics (pure: no Django).

Time zones (TZID, a floating time as local), RRULE/RDATE/EXDATE expansion with
python-dateutil within the bounds below (see troth.importers.ics's docstring), an
occurrence's key (its original start) and an event's duration; with two small helpers
the rest of the importer shares (`_list` for properties given once or many times,
`_one_line` for an error's message).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from itertools import chain
from typing import Any

from dateutil import rrule
from icalendar.prop import vBroken

RECURRENCE_YEARS = 5
MAX_OCCURRENCES = 1000
# Steps through a rule before giving up (an hourly rule over decades).
MAX_STEPS = 500_000
# A duration longer than this is a multi-day block (a conference, a holiday),
# not a meeting length.
MAX_MINUTES = 12 * 60
_SUB_DAILY = {"SECONDLY", "MINUTELY"}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _local_zone() -> dt.tzinfo:
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:
        return dt.UTC


def _aware(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A start as an aware datetime: floating times and all-day dates are local."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return dt.datetime.combine(value, dt.time(), tzinfo=tz)


def _key(value: dt.date | dt.datetime, tz: dt.tzinfo) -> str:
    """A stable spelling of an occurrence's start for ids and matching."""
    if not isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    return _aware(value, tz).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _values(prop: Any) -> list[dt.date | dt.datetime]:
    """The dates of an RDATE/EXDATE property (one or several lines); a value
    icalendar could not read ("20131210Z") is read here if it can be."""
    found: list[dt.date | dt.datetime] = []
    for item in _list(prop):
        if isinstance(item, vBroken):
            found.extend(_raw_dates(str(item)))
            continue
        for one in getattr(item, "dts", []):
            value = one.dt
            if isinstance(value, tuple):  # a PERIOD: its start
                value = value[0]
            if isinstance(value, dt.date):
                found.append(value)
    return found


def _raw_dates(text: str) -> list[dt.date | dt.datetime]:
    found: list[dt.date | dt.datetime] = []
    for match in re.finditer(r"(\d{8})(?:T(\d{6}))?(Z?)", text):
        try:
            day = dt.datetime.strptime(match.group(1), "%Y%m%d")
            if match.group(2):
                moment = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
                found.append(moment.replace(tzinfo=dt.UTC) if match.group(3) else moment)
            else:
                found.append(day.date())
        except ValueError:
            continue
    return found


def _rule_text(prop: Any) -> str:
    text = str(prop) if isinstance(prop, vBroken) else prop.to_ical().decode()
    return re.sub(r"[\s\\]+", "", text)


def _until_for(rule_text: str, start: dt.date | dt.datetime, tz: dt.tzinfo) -> str:
    """dateutil wants UNTIL in UTC when the start is aware and floating when it
    is not; files get this wrong both ways (and give bare dates)."""
    found = re.search(r"UNTIL=(\d{8})(T(\d{6})(Z?))?", rule_text, re.I)
    if not found or not isinstance(start, dt.datetime):
        return rule_text
    day = dt.datetime.strptime(found.group(1), "%Y%m%d")
    if found.group(2):
        until = day.replace(
            hour=int(found.group(3)[:2]),
            minute=int(found.group(3)[2:4]),
            second=int(found.group(3)[4:]),
        )
        zone = dt.UTC if found.group(4) else (start.tzinfo or tz)
    else:
        until = day.replace(hour=23, minute=59, second=59)
        zone = start.tzinfo or tz
    moment = until.replace(tzinfo=zone)
    if start.tzinfo is not None:
        spelled = moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    else:
        spelled = moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return rule_text[: found.start()] + "UNTIL=" + spelled + rule_text[found.end() :]


def _expand(
    text: str, start: dt.date | dt.datetime, now: dt.datetime, tz: dt.tzinfo
) -> list[dt.date | dt.datetime]:
    """The starts an RRULE gives up to `now`: the last RECURRENCE_YEARS years
    of them (counted back from the last one that happened), at most
    MAX_OCCURRENCES. Raises ValueError for a rule that cannot be read."""
    all_day = not isinstance(start, dt.datetime)
    first = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    rule = rrule.rrulestr(_until_for(text, first, tz), dtstart=first)
    recent: deque[dt.datetime] = deque(maxlen=MAX_OCCURRENCES)
    given = iter(rule)
    head = next(given, None)
    # DTSTART is the first occurrence even when the rule would not give it.
    values = chain([first], given) if head in (None, first) else chain([first, head], given)
    for steps, value in enumerate(values):
        if _aware(value, tz) > now or steps >= MAX_STEPS:
            break
        recent.append(value)
    if not recent:
        return []
    since = _aware(recent[-1], tz) - dt.timedelta(days=365 * RECURRENCE_YEARS)
    return [v.date() if all_day else v for v in recent if _aware(v, tz) > since]


def occurrences(
    event: Any, now: dt.datetime, tz: dt.tzinfo
) -> tuple[list[dt.date | dt.datetime], str]:
    """Starts of the occurrences of `event` up to `now`, and a problem ("" if
    none): DTSTART, the RRULE's (bounded, see _expand) and RDATE's, minus EXDATE."""
    start = event["DTSTART"].dt
    dates: list[dt.date | dt.datetime] = []
    problem = ""
    rules = _list(event.get("RRULE"))
    for prop in rules:
        text = _rule_text(prop)
        freq = re.search(r"FREQ=([A-Z]+)", text, re.I)
        if freq and freq.group(1).upper() in _SUB_DAILY:
            problem = f"recurrence {freq.group(1).upper()} is too frequent to be meetings"
            continue
        try:
            dates.extend(_expand(text, start, now, tz))
        except (ValueError, TypeError, OverflowError) as error:
            problem = f"unreadable recurrence rule {text!r}: {_one_line(error)}"
    if not dates:  # no rule, or none readable: the event itself
        dates.append(start)
    for value in _values(event.get("RDATE", [])):
        if not isinstance(start, dt.datetime) and isinstance(value, dt.datetime):
            value = value.date()
        dates.append(value)
    exdates = _values(event.get("EXDATE", []))
    excluded = {_key(v, tz) for v in exdates}
    excluded_days = {v.strftime("%Y%m%d") for v in exdates if not isinstance(v, dt.datetime)}
    seen: set[str] = set()
    kept: list[dt.date | dt.datetime] = []
    for value in dates:
        key = _key(value, tz)
        day = _aware(value, tz).astimezone(tz).strftime("%Y%m%d")
        if key in seen or key in excluded or day in excluded_days:
            continue
        if _aware(value, tz) > now:
            continue
        seen.add(key)
        kept.append(value)
    return kept, problem


def _minutes(event: Any, start: dt.date | dt.datetime) -> int | None:
    """How long the meeting lasted: DTEND - DTSTART, else DURATION; None for
    all-day events and lengths that are not a meeting's."""
    if not isinstance(start, dt.datetime):
        return None  # all-day
    length: dt.timedelta | None = None
    try:
        end = event.get("DTEND")
        first = event["DTSTART"].dt
        if (
            end is not None
            and isinstance(end.dt, dt.datetime)
            and (first.tzinfo is None) == (end.dt.tzinfo is None)
        ):
            length = end.dt - first
    except (AttributeError, TypeError, ValueError):  # a DTEND icalendar could not read
        length = None
    if length is None:
        try:
            duration = event.get("DURATION")
            length = duration.dt if duration is not None else None
        except (AttributeError, TypeError, ValueError):
            return None
    if not isinstance(length, dt.timedelta):
        return None
    minutes = round(length.total_seconds() / 60)
    return minutes if 0 < minutes <= MAX_MINUTES else None
