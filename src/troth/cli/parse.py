"""Turning typed words into values, with errors that name the option."""

from __future__ import annotations

import datetime as dt

import typer
from django.utils import timezone

from troth.errors import TrothError
from troth.lib.dates import DateError, date_order, parse_span, read_date


def date_option(value: str | None, option: str, *, past: bool = False) -> dt.date | None:
    """A typed date; a numeric one that reads two ways (03/04/2026) follows TROTH_DATE_ORDER
    or the locale, and the command says which reading it used (on stderr, so that --json
    output stays clean)."""
    if value is None:
        return None
    try:
        day, note = read_date(value, timezone.localdate(), past=past, order=date_order())
    except DateError as exc:
        raise TrothError(f"{option}: {exc}") from None
    if note:
        typer.echo(f"troth: {option} {note}", err=True)
    return day


def when_option(value: str | None, option: str = "--when") -> dt.datetime | None:
    """A moment in the past: "today"/"now" is now; another day is noon that day, local time."""
    day = date_option(value, option, past=True)
    if day is None:
        return None
    now = timezone.localtime()
    if day == now.date():
        return now
    if day > now.date():
        raise TrothError(f"{option} {day} is in the future; log what has happened")
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def span_option(value: str, option: str, start: dt.date | None = None) -> int:
    """A span ("90d", "6w", "1y") in days, counted from `start` (today unless given:
    an evaluation's horizon counts from its --as-of day, so "1y" is not 366 days
    because the current year holds a leap day)."""
    try:
        return parse_span(value, start or timezone.localdate())
    except DateError as exc:
        raise TrothError(f"{option}: {exc}") from None
