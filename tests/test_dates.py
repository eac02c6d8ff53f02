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
