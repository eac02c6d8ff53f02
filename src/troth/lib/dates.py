"""Dates as people type them: ISO dates and plain words (pure, no Django).

parse_date("friday", today)            -> the coming Friday (or today if it is Friday)
parse_date("friday", today, past=True) -> the last Friday (or today)
parse_date("in 2 weeks", today)        -> today + 14 days
parse_date("3 days ago", today)        -> today - 3 days
parse_span("45d") -> 45 days;  "6w", "3m", "1y", "2 weeks" work too
read_date("03/04/2026", today, order="DMY") -> 2026-04-03 and a note saying so

Slash (or dot) dates are read month first or day first: 12/31/2026 and 31/12/2026
can only mean one day; 03/04/2026 follows `order` (MDY or DMY, see date_order) and
the note says which reading was used, so that the command can tell the user.
"""

from __future__ import annotations

import contextlib
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
_NUMERIC = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")
MDY, DMY = "MDY", "DMY"
# Where month/day/year is the custom (CLDR's short date patterns); every other place
# that writes day and month in numbers puts the day first (or the year first, which
# is never ambiguous).
_MONTH_FIRST_TERRITORIES = frozenset({"US", "PH", "PR", "GU", "AS", "MP", "UM", "VI", "FM", "MH"})
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")


def date_order(environ: dict[str, str] | None = None) -> str:
    """MDY or DMY for numeric dates: TROTH_DATE_ORDER when set, else the locale's
    territory (LC_ALL, LC_TIME, LANG: en_GB -> DMY, en_US -> MDY), else US-style MDY."""
    import os

    env = os.environ if environ is None else environ
    chosen = env.get("TROTH_DATE_ORDER", "").strip().upper()
    if chosen in {MDY, DMY}:
        return chosen
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        m = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", value)
        if m is None:  # C, POSIX, or a bare language: nothing to say where
            return MDY
        return MDY if m.group(1).upper() in _MONTH_FIRST_TERRITORIES else DMY
    return MDY


def spoken(day: dt.date) -> str:
    """12 March 2026: a date nobody can misread."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


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


def parse_date(text: str, today: dt.date, past: bool = False, order: str | None = None) -> dt.date:
    """Parse a typed date. `past` decides which way a bare weekday points. Without an
    `order`, a numeric date that reads two ways is refused, naming both readings."""
    return read_date(text, today, past, order)[0]


def read_date(
    text: str, today: dt.date, past: bool = False, order: str | None = MDY
) -> tuple[dt.date, str | None]:
    """`parse_date` and, for a numeric date that could be read two ways, a note saying
    how it was read ("03/04/2026 read as 4 March 2026 (day first)")."""
    note = None
    try:
        numeric = _numeric_date(text.strip(), order)
        if numeric is not None:
            day, note = numeric
        else:
            day = _parse_date(text, today, past)
            if day.year != today.year and _names_a_month(text) and not re.search(r"\d{4}", text):
                # "Dec 25" in December after the 25th, for a day logged: last year's.
                # Said, as a numeric date's reading is (a newcomer's review)
                note = f"{text.strip()!r} read as {spoken(day)} (write the year for another)"
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"date {text!r} is out of range") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DateError(f"date {text!r} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return day, note


def _numeric_date(s: str, order: str | None) -> tuple[dt.date, str | None] | None:
    """12/31/2026, 31/12/2026, 31.12.2026 or 2026/12/31; None when `s` is not one."""
    m = _YEAR_FIRST.match(s)
    if m:
        return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))), None
    m = _NUMERIC.match(s)
    if m is None:
        return None
    first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    readings = []
    for month, day, how in ((first, second, MDY), (second, first, DMY)):
        with contextlib.suppress(ValueError):  # no 13th month, no 31 April
            readings.append((dt.date(year, month, day), how))
    if not readings:
        raise DateError(
            f"cannot read date {s!r}: neither month/day/year nor day/month/year (try 2026-12-31)"
        )
    dates = {d for d, _how in readings}
    if len(dates) == 1:  # 12/31/2026, 31/12/2026, 05/05/2026: one day whichever way
        return readings[0][0], None
    if order is None:
        first_way, second_way = (d for d, _how in readings)
        raise DateError(
            f"{s} could be {spoken(first_way)} or {spoken(second_way)}: write "
            f"{first_way.isoformat()} or {second_way.isoformat()}"
        )
    chosen = next(d for d, how in readings if how == order)
    way = "month first" if order == MDY else "day first"
    other = "DMY" if order == MDY else "MDY"
    return chosen, (
        f"{s} read as {spoken(chosen)} ({way}; TROTH_DATE_ORDER={other} reads it the other way, "
        f"or write {chosen.isoformat()})"
    )


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
    named = _month_named(s, today, past)  # before spans: "25 dec" is no unit
    if named is not None:
        return named
    m = _SPAN.match(s)
    if m:  # "2w" as a date means "in 2 weeks" (or "2 weeks ago" when looking back)
        delta = _delta(int(m.group(1)), m.group(2))
        return today - delta if past else today + delta
    raise DateError(
        f"cannot read date {text!r} (try 2026-12-01, 1 Dec 2026, today, yesterday, friday,"
        " 'in 2 weeks')"
    )


# English month names and their usual short forms ("sept" too)
_MONTH_NAMES = [
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
]
_MONTH_WORDS = {
    word: number
    for number, name in enumerate(_MONTH_NAMES, start=1)
    for word in (name, name[:3], "sept" if number == 9 else name[:3])
}
_FILLERS = {"of", "the", "st", "nd", "rd", "th"}


def _names_a_month(text: str) -> bool:
    return any(w in _MONTH_WORDS for w in re.findall(r"[a-z]+", text.lower().replace(".", " ")))


def _month_named(s: str, today: dt.date, past: bool) -> dt.date | None:
    """ "1 Dec 2026", "December 1, 2026", "1st of December", "Dec 1" (None when `s` names
    no month). Without a year, the nearest such day that way (`past`: the latest on or
    before today, else the next on or after it). A newcomer's "1 Dec 2026" was refused
    although a LinkedIn export's "03 Feb 2022" is read (a newcomer's review). Read by
    hand, not by dateutil's parser: it takes "Dec" alone for 1 December and "May 2026"
    for a day, where a typed date that names no day is better refused."""
    if not all((c.isascii() and c.isalpha()) or c.isdecimal() or c in " ,." for c in s):
        return None  # "dec 1 ²⁰²⁶": a year in superscripts was passed over (the attacker's)
    words = re.findall(r"[a-z]+", s.replace(".", " "))
    months = [w for w in words if w in _MONTH_WORDS]
    if len(months) != 1 or any(w not in _MONTH_WORDS and w not in _FILLERS for w in words):
        return None
    numbers = re.findall(r"\d+", s)
    days = [n for n in numbers if len(n) <= 2]
    years = [n for n in numbers if len(n) == 4]
    if len(days) != 1 or len(years) > 1 or len(days) + len(years) != len(numbers):
        return None  # "Dec 2026" (which day?), "Dec 1 2 2026"
    month, day = _MONTH_WORDS[months[0]], int(days[0])
    if years and not MIN_YEAR <= int(years[0]) <= MAX_YEAR:
        raise DateError(f"date {s!r} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    if years:
        try:
            return dt.date(int(years[0]), month, day)
        except ValueError:
            raise DateError(
                f"{_MONTH_NAMES[month - 1].title()} {years[0]} has no day {day}"
            ) from None
    # the nearest such day that way (29 February: the nearest leap year's)
    candidates = []
    for year in range(today.year - 4, today.year + 5):
        with contextlib.suppress(ValueError):
            candidates.append(dt.date(year, month, day))
    if not candidates:
        raise DateError(f"{_MONTH_NAMES[month - 1].title()} has no day {day}")
    if past:
        return max(c for c in candidates if c <= today)
    return min(c for c in candidates if c >= today)


def parse_span(text: str, today: dt.date | None = None) -> int:
    """A length of time in days: "45d", "6w", "3 months", "1y" (months/years from `today`)."""
    s = " ".join(text.strip().lower().split())
    if is_number(s):
        return int(s)
    m = _SPAN.match(s)
    if not m:
        raise DateError(f"cannot read time span {text!r} (try 45d, 6w, 3m, 1y)")
    if len(m.group(1)) > 9:  # (int() refuses 4,300 digits: a traceback, not an error)
        raise DateError(f"time span {text[:40]!r} is too long")
    n, unit = int(m.group(1)), m.group(2)
    start = today or dt.date(2000, 1, 1)
    step = _delta(n, unit)  # an unknown unit says so ("2x" was "too long")
    try:
        return ((start + step) - start).days
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
