"""Dates as people type them: ISO dates and plain words (pure, no Django).

parse_date("friday", today)            -> the coming Friday (or today if it is Friday)
parse_date("friday", today, past=True) -> the last Friday (or today)
parse_date("in 2 weeks", today)        -> today + 14 days
parse_date("3 days ago", today)        -> today - 3 days
parse_span("45d") -> 45 days;  "6w", "3m", "1y", "2 weeks" work too
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

from troth.lib.text import is_number

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mo": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "yr": "years",
    "year": "years",
    "years": "years",
}
_STEP = {
    "days": relativedelta(days=1),
    "weeks": relativedelta(weeks=1),
    "months": relativedelta(months=1),
    "years": relativedelta(years=1),
}
_SPAN = re.compile(r"^(\d+)\s*([a-z]+)$")
_IN = re.compile(r"^in\s+(\d+|a|an|one)\s+([a-z]+)$")
_AGO = re.compile(r"^(\d+|a|an|one)\s+([a-z]+)\s+ago$")


class DateError(ValueError):
    pass


def _count(word: str) -> int:
    return 1 if word in {"a", "an", "one"} else int(word)


def _delta(n: int, unit_word: str) -> relativedelta:
    unit = _UNITS.get(unit_word)
    if unit is None:
        raise DateError(f"unknown time unit {unit_word!r} (use days, weeks, months or years)")
    return _STEP[unit] * n


# Outside these years a date is a typo, not a plan or a memory.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_date(text: str, today: dt.date, past: bool = False) -> dt.date:
    """Parse a typed date. `past` decides which way a bare weekday points."""
    try:
        day = _parse_date(text, today, past)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"date {text!r} is out of range") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DateError(f"date {text!r} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return day


def _parse_date(text: str, today: dt.date, past: bool) -> dt.date:
    s = " ".join(text.strip().lower().split())
    if not s:
        raise DateError("empty date")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        pass
    simple = {"today": 0, "now": 0, "yesterday": -1, "tomorrow": 1}
    if s in simple:
        return today + dt.timedelta(days=simple[s])
    words = s.split()
    if words[0] in {"next", "last", "this"} and len(words) == 2:
        if words[1] in {"week", "month", "year"}:
            sign = -1 if words[0] == "last" else (0 if words[0] == "this" else 1)
            return today + _delta(sign, words[1])
        if words[1] in WEEKDAYS:
            target = WEEKDAYS.index(words[1])
            if words[0] == "last":  # strictly before today
                return today - dt.timedelta(days=(today.weekday() - target) % 7 or 7)
            ahead = (target - today.weekday()) % 7
            if words[0] == "next":  # strictly after today
                ahead = ahead or 7
            return today + dt.timedelta(days=ahead)
    for i, name in enumerate(WEEKDAYS):
        if s == name or (len(s) >= 3 and name.startswith(s)):  # "fri", "thurs"
            if past:
                return today - dt.timedelta(days=(today.weekday() - i) % 7)
            return today + dt.timedelta(days=(i - today.weekday()) % 7)
    m = _IN.match(s)
    if m:
        return today + _delta(_count(m.group(1)), m.group(2))
    m = _AGO.match(s)
    if m:
        return today - _delta(_count(m.group(1)), m.group(2))
    m = _SPAN.match(s)
    if m:  # "2w" as a date means "in 2 weeks" (or "2 weeks ago" when looking back)
        delta = _delta(int(m.group(1)), m.group(2))
        return today - delta if past else today + delta
    raise DateError(
        f"cannot read date {text!r} (try 2026-12-01, today, yesterday, friday, 'in 2 weeks')"
    )


def parse_span(text: str, today: dt.date | None = None) -> int:
    """A length of time in days: "45d", "6w", "3 months", "1y" (months/years from `today`)."""
    s = " ".join(text.strip().lower().split())
    if is_number(s):
        return int(s)
    m = _SPAN.match(s)
    if not m:
        raise DateError(f"cannot read time span {text!r} (try 45d, 6w, 3m, 1y)")
    n, unit = int(m.group(1)), m.group(2)
    start = today or dt.date(2000, 1, 1)
    try:
        return ((start + _delta(n, unit)) - start).days
    except (OverflowError, ValueError):
        raise DateError(f"time span {text!r} is too long") from None


def iso(value: dt.date | dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """ISO 8601 as the --json contract writes it: a date as is, a moment in `zone` (the
    caller passes troth's zone; this module stays free of Django) to the second."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    return value.isoformat()
