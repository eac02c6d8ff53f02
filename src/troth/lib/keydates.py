"""Birthdays and other dates people keep about each other (pure: no Django).

A kept date is a month and a day, the year only when known: vCard writes a
birthday without a year as ``--0314`` (RFC 6350) and Google Contacts as
``--03-14``, and Apple Contacts stands in 1604 for a year it was not told.

parse_key_date("1980-03-14")  -> (3, 14, 1980)
parse_key_date("--0314")      -> (3, 14, None)
parse_key_date("14 March")    -> (3, 14, None)
parse_key_date("3/14/1980")   -> (3, 14, 1980)   (14 cannot be a month)
parse_key_date("3/4/1980")    -> KeyDateError    (March 4 or 3 April?)
parse_key_date("3/4/1980", order="mdy") -> (3, 4, 1980)   (the file's other dates said so)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

BIRTHDAY, ANNIVERSARY, OTHER = "birthday", "anniversary", "other"
KINDS = (BIRTHDAY, ANNIVERSARY, OTHER)
MAX_LABEL = 60
# Apple Contacts writes a birthday whose year it does not know in year 1604.
NO_YEAR = {1604}
MIN_YEAR = 1000

_ISO = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$")
_YEAR_FIRST_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
# Two different defaults: a field dateutil filled in differs between them.
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2004, 2, 2)


class KeyDateError(ValueError):
    """A date that cannot be read (the message says what was expected)."""


@dataclass(frozen=True)
class KeyDate:
    """One kept date: a birthday, an anniversary, or another with a label."""

    kind: str
    month: int
    day: int
    year: int | None = None
    label: str = ""

    def text(self) -> str:
        """ISO when the year is known ("1980-03-14"), else vCard's "--03-14"."""
        if self.year:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"--{self.month:02d}-{self.day:02d}"

    def name(self) -> str:
        return self.label or self.kind

    def next_on(self, today: dt.date) -> dt.date:
        """The next time this date comes round, today included (29 February: the
        28th in other years)."""
        for year in (today.year, today.year + 1):
            day = _in_year(self.month, self.day, year)
            if day >= today:
                return day
        raise AssertionError("unreachable")  # next year's is always after today

    def age_on(self, day: dt.date) -> int | None:
        """Years since the first one on `day` (an age, years married), when known."""
        return day.year - self.year if self.year else None


def _in_year(month: int, day: int, year: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, 2, 28)  # 29 February outside a leap year


def check(month: int, day: int, year: int | None) -> tuple[int, int, int | None]:
    """The same, or KeyDateError when there is no such day."""
    if year in NO_YEAR:
        year = None
    if year is not None and not MIN_YEAR <= year <= 9999:
        raise KeyDateError(f"year {year} is out of range")
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February is fine
    except ValueError:
        raise KeyDateError(f"there is no day {month:02d}-{day:02d}") from None
    return month, day, year


def is_blank(value: str) -> bool:
    """No date at all: empty, or Outlook's "0/0/00" for a birthday it was not told."""
    return re.fullmatch(r"[\s0/.\-]*", value) is not None


def slash_order(values: Iterable[str]) -> str | None:
    """ "mdy" or "dmy" when a file's numeric dates show their order (12/31/1980 can
    only be month first, 31/12/1980 only day first), None when they do not (or
    when they show both)."""
    seen = set()
    for value in values:
        if m := _NUMERIC.match(value.strip()):
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                seen.add("dmy")
            elif b > 12 >= a:
                seen.add("mdy")
    return seen.pop() if len(seen) == 1 else None


def parse_key_date(text: str, order: str | None = None) -> tuple[int, int, int | None]:
    """(month, day, year or None) from what exports and people write; KeyDateError if
    it cannot be read, or if it can be read two ways (3/4: March 4 or 3 April) and
    `order` ("mdy" or "dmy", see slash_order) does not say which."""
    value = text.strip()
    if not value:
        raise KeyDateError("empty date")
    if m := _ISO.match(value):
        return check(int(m.group(2)), int(m.group(3)), int(m.group(1)))
    if m := _NO_YEAR.match(value) or _MONTH_DAY.match(value):
        return check(int(m.group(1)), int(m.group(2)), None)
    if m := _YEAR_FIRST_SLASH.match(value):
        return check(int(m.group(2)), int(m.group(3)), int(m.group(1)))
    if m := _NUMERIC.match(value):
        a, b = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        if a > 12 and b > 12:
            raise KeyDateError(f"{value!r} is not a date; write it as YYYY-MM-DD or MM-DD")
        if a != b and a <= 12 and b <= 12 and order in ("mdy", "dmy"):
            return check(a, b, year) if order == "mdy" else check(b, a, year)
        if a != b and a <= 12 and b <= 12:
            raise KeyDateError(
                f"{value!r} can be read two ways (month {a} day {b}, or day {a} month {b});"
                " write it as YYYY-MM-DD or MM-DD"
            )
        month, day = (a, b) if b > 12 or a == b else (b, a)
        return check(month, day, year)
    if not re.search(r"[A-Za-z]", value):
        raise KeyDateError(f"{value!r} is not a date; write it as YYYY-MM-DD or MM-DD")
    # Month names in English ("14 March 1980", "Mar 14"): dateutil reads them; a
    # year it filled in itself differs between two defaults, a year it read does not.
    # dateutil's parser (a few milliseconds to import) only for month names: the
    # agenda imports this module on every start (issue 18 item 6).
    from dateutil import parser as dateparser

    try:
        one = dateparser.parse(value, default=_DEFAULT_A)
        two = dateparser.parse(value, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        raise KeyDateError(f"{value!r} is not a date; write it as YYYY-MM-DD or MM-DD") from None
    if one.month != two.month or one.day != two.day:
        raise KeyDateError(f"{value!r} has no month and day; write it as YYYY-MM-DD or MM-DD")
    return check(one.month, one.day, one.year if one.year == two.year else None)


_APPLE_LABEL = re.compile(r"_\$!<(.+)>!\$_")


def kind_of(label: str) -> tuple[str, str]:
    """(kind, label) from the label an address book gives a date: Apple's
    "_$!<Anniversary>!$_", Google's "Anniversary" or "* Other", a custom one."""
    text = " ".join(label.strip().lstrip("*").split())
    if m := _APPLE_LABEL.fullmatch(text):
        text = m.group(1)
    key = text.casefold()
    if key in ("birthday", "bday", "birth date", "date of birth"):
        return BIRTHDAY, ""
    if key in ("anniversary", "wedding anniversary", "wedding"):
        return ANNIVERSARY, ""
    return OTHER, text[:MAX_LABEL] or "date"


def read_date(kind: str, label: str, value: str, order: str | None = None) -> KeyDate:
    """A KeyDate of this kind from an export's value; KeyDateError if unreadable."""
    month, day, year = parse_key_date(value, order)
    return KeyDate(kind, month, day, year, label if kind == OTHER else "")
