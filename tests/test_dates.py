from __future__ import annotations

import datetime as dt

import pytest

from troth.lib.dates import DateError, parse_date, parse_span

SUNDAY = dt.date(2026, 11, 22)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "past", "expected"),
    [
        ("2026-12-01", False, dt.date(2026, 12, 1)),
        ("today", False, SUNDAY),
        ("Yesterday", False, dt.date(2026, 11, 21)),
        ("tomorrow", False, dt.date(2026, 11, 23)),
        ("friday", False, dt.date(2026, 11, 27)),
        ("friday", True, dt.date(2026, 11, 20)),
        ("Fri", False, dt.date(2026, 11, 27)),
        ("sunday", False, SUNDAY),
        ("sunday", True, SUNDAY),
        ("next sunday", False, dt.date(2026, 11, 29)),
        ("last sunday", False, dt.date(2026, 11, 15)),
        ("in 2 weeks", False, dt.date(2026, 12, 6)),
        ("in a month", False, dt.date(2026, 12, 22)),
        ("3 days ago", False, dt.date(2026, 11, 19)),
        ("2w", False, dt.date(2026, 12, 6)),
        ("2w", True, dt.date(2026, 11, 8)),
        ("next week", False, dt.date(2026, 11, 29)),
    ],
)
def test_parse_date(text: str, past: bool, expected: dt.date) -> None:
    assert parse_date(text, SUNDAY, past=past) == expected


def test_weekday_from_midweek() -> None:
    assert parse_date("monday", WEDNESDAY) == dt.date(2026, 11, 30)
    assert parse_date("monday", WEDNESDAY, past=True) == dt.date(2026, 11, 23)


@pytest.mark.parametrize("text", ["", "someday", "in 2 fortnights", "2026-13-45", "next blursday"])
def test_bad_dates_are_refused_with_the_text(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text, SUNDAY)
    if text.strip():
        assert text.split()[-1] in str(exc.value)


def test_parse_span() -> None:
    assert parse_span("45d") == 45
    assert parse_span("6w") == 42
    assert parse_span("30") == 30
    assert parse_span("1y", SUNDAY) == 365
    assert parse_span("2 months", SUNDAY) == 61
    with pytest.raises(DateError):
        parse_span("soon")


@pytest.mark.parametrize(
    ("text", "past", "expected"),
    [
        # a newcomer's "1 Dec 2026" was refused, though LinkedIn's "03 Feb 2022" is read
        ("1 Dec 2026", False, dt.date(2026, 12, 1)),
        ("December 1, 2026", True, dt.date(2026, 12, 1)),
        ("Sep. 9, 2025", True, dt.date(2025, 9, 9)),
        ("1st of December 2025", True, dt.date(2025, 12, 1)),
        # no year: the nearest such day that way (today is SUNDAY, 22 November 2026)
        ("Dec 1", False, dt.date(2026, 12, 1)),
        ("Dec 1", True, dt.date(2025, 12, 1)),
        ("22 nov", True, SUNDAY),
        ("22 nov", False, SUNDAY),
        ("sept 9", True, dt.date(2026, 9, 9)),
        ("25 dec", False, dt.date(2026, 12, 25)),  # a month, not a unit of time
        ("Feb 29", True, dt.date(2024, 2, 29)),
        ("Feb 29", False, dt.date(2028, 2, 29)),
    ],
)
def test_dates_with_a_month_named(text: str, past: bool, expected: dt.date) -> None:
    assert parse_date(text, SUNDAY, past=past) == expected


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("31 April 2026", "April 2026 has no day 31"),
        ("April 31", "April has no day 31"),
        ("May 2026", "cannot read date"),  # which day?
        ("Dec", "cannot read date"),
        ("1 Dec 2 2026", "cannot read date"),
        ("1 Dec and 2026", "cannot read date"),
        ("Dec 1 Jan", "cannot read date"),
        # the attacker's review: a year in superscripts was passed over, year 0 "had no day"
        ("dec 1 ²⁰²⁶", "cannot read date"),
        ("1 Dec 0000", "out of range"),
    ],
)
def test_month_named_dates_that_are_no_day(text: str, said: str) -> None:
    with pytest.raises(DateError, match=said):
        parse_date(text, SUNDAY)


def test_a_month_named_without_a_year_says_which_year_when_not_this_one() -> None:
    from troth.lib.dates import read_date

    day, note = read_date("Dec 1", SUNDAY, past=True)
    assert (
        day == dt.date(2025, 12, 1)
        and note == "'Dec 1' read as 1 December 2025 (write the year for another)"
    )
    assert read_date("Nov 1", SUNDAY, past=True) == (dt.date(2026, 11, 1), None)
    assert read_date("1 Dec 2025", SUNDAY, past=True) == (dt.date(2025, 12, 1), None)
