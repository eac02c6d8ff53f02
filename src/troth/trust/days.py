"""Engine days: the trust engine's clock, counted in the local calendar.

An engine day is a float number of days since 1970-01-01 00:00 *local* time: a moment's
local date and time (troth's one clock, TROTH_TIMEZONE, Django's current time zone)
read as if they were UTC. So whole engine days are local midnights, the floor of a
moment's engine day is its local date, and `day_number(timezone.localdate())` ends the
same "today" the rest of troth shows. Counted from the UTC epoch instead, a contact
this morning in Auckland (UTC+13) fell on yesterday's engine day ("1 day ago"), and an
evening in Los Angeles (UTC-8) on tomorrow's, after "today" had ended.

The offset is the one at each moment (daylight saving time moves it twice a year), so
every conversion of a stored instant goes through here, in SQL or in Python, and they
agree: `sql_days` (a column in SQL), `engine_day` (a datetime in Python) and, the other
way, `instant` (an engine day as the UTC moment a column is compared with, as stored, so
a bound still uses the column's index). In UTC nothing is converted at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
import zoneinfo
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from troth.errors import TrothError

EPOCH = dt.date(1970, 1, 1)
_WALL_EPOCH = dt.datetime(1970, 1, 1)  # naive: local wall-clock time, read as UTC
_ONE_DAY = dt.timedelta(days=1)
# A zone's name is written into SQL (as a literal: the callers mix both parameter
# styles); IANA names are letters, digits and these marks.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-/]+")
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})


def day_number(day: dt.date) -> float:
    """The end of the local date `day` as engine days (everything on that date counts)."""
    return float((day - EPOCH).days + 1)


def zone_name() -> str | None:
    """The current time zone's IANA name, None when it is UTC (nothing to convert)."""
    zone = timezone.get_current_timezone()
    name = getattr(zone, "key", None) or str(zone)
    if name in _UTC_NAMES or zone is dt.UTC:
        return None
    if not _ZONE_NAME.fullmatch(name):
        raise ValueError(f"time zone {name!r} cannot be named in SQL")
    return name


def engine_day(moment: dt.datetime) -> float:
    """An aware datetime as engine days (its local wall-clock time since the epoch)."""
    wall = timezone.localtime(moment).replace(tzinfo=None)
    return (wall - _WALL_EPOCH) / _ONE_DAY


def instant(day: float) -> dt.datetime:
    """The UTC moment at which engine day `day` (local wall-clock time) happens: a bound
    to compare stored instants with. A local time that occurs twice (the hour clocks go
    back) is its first; one that never occurs (the hour they skip) is read with the
    offset before the change, as zoneinfo does for fold=0."""
    wall = _WALL_EPOCH + dt.timedelta(days=day)
    name = zone_name()
    if name is None:
        return wall.replace(tzinfo=dt.UTC)
    return wall.replace(tzinfo=timezone.get_current_timezone()).astimezone(dt.UTC)


def db_instant(day: float) -> Any:
    """`instant` as the database stores instants (on SQLite: text in one fixed
    format), for comparing a column as stored, as Django's own filters do."""
    return connection.ops.adapt_datetimefield_value(instant(day))


def sql_days(column: str) -> str:
    """SQL giving a datetime column (or an expression of one) as engine days."""
    name = zone_name()
    if connection.vendor == "postgresql":
        if name is None:
            return f"EXTRACT(EPOCH FROM {column}) / 86400.0"
        _check_postgresql_zone(name)
        # AT TIME ZONE turns the instant into the zone's wall-clock time (a timestamp
        # without zone, whose EPOCH counts from 1970-01-01 00:00 of the same clock)
        return f"EXTRACT(EPOCH FROM ({column}) AT TIME ZONE '{name}') / 86400.0"
    if name is None:
        return f"(julianday({column}) - 2440587.5)"
    if _sqlite_local_is(name, os.environ.get("TZ")):
        # SQLite's 'localtime' asks the C library, per value, for the offset at that
        # moment: the process's zone, which Django sets to TIME_ZONE (os.environ["TZ"]
        # and tzset); checked above, as a zone switched some other way would not be.
        return f"(julianday({column}, 'localtime') - 2440587.5)"
    # The process runs in another zone (Windows, where Django cannot set it): the
    # conversion in Python, row by row, slower but right.
    _register_local_days()
    return f"troth_local_days({column}, '{name}')"


@functools.lru_cache(maxsize=8)
def _check_postgresql_zone(name: str) -> None:
    """Refuse a zone PostgreSQL reads otherwise than Python: CET, EET, WET and MET are
    also abbreviations, which PostgreSQL looks up first, as fixed offsets without
    summer time (a reviewer's finding: a contact at 00:30 in a CET summer was
    yesterday's), and a server's older tzdata may not know a newer zone. Compared at
    the middle of January and of July, once per zone and process."""
    moments = [dt.datetime(2025, month, 15, 12, tzinfo=dt.UTC) for month in (1, 7)]
    try:  # (in a savepoint: a zone PostgreSQL lacks is an error there)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["EXTRACT(EPOCH FROM %s::timestamptz AT TIME ZONE %s)"] * 2),
                [x for moment in moments for x in (moment, name)],
            )
            theirs = [float(v) / 86400.0 for v in cursor.fetchone()]
    except DatabaseError:
        theirs = []
    zone = zoneinfo.ZoneInfo(name)
    ours = [(m.astimezone(zone).replace(tzinfo=None) - _WALL_EPOCH) / _ONE_DAY for m in moments]
    if len(theirs) != 2 or any(abs(a - b) > 1e-6 for a, b in zip(theirs, ours, strict=True)):
        raise TrothError(
            f"PostgreSQL reads the time zone {name!r} otherwise than troth does (an "
            "abbreviation, or a zone its tzdata lacks): set TROTH_TIMEZONE to a region "
            "and city, such as Europe/Paris"
        )


@functools.lru_cache(maxsize=8)
def _sqlite_local_is(name: str, tz_variable: str | None) -> bool:
    """Whether the C library's local time (SQLite's 'localtime') is the zone `name`:
    the same offset at the start and middle of every fifth year from 1970 to 2040
    (both sides of daylight saving time, where the zone has it). Cached per TZ
    variable, which is how the zone of the process changes (`tz_variable`: a key)."""
    zone = zoneinfo.ZoneInfo(name)
    for year in range(1970, 2041, 5):
        for month in (1, 7):
            moment = dt.datetime(year, month, 1, 12, tzinfo=dt.UTC)
            offset = moment.astimezone(zone).utcoffset()
            if offset is None or time.localtime(moment.timestamp()).tm_gmtoff != int(
                offset.total_seconds()
            ):
                return False
    return True


def _local_days(stored: str | None, name: str) -> float | None:
    """The SQL function `troth_local_days`: SQLite's stored instant (UTC text) in
    engine days of the zone `name`."""
    if stored is None:
        return None
    moment = dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC)
    wall = moment.astimezone(zoneinfo.ZoneInfo(name)).replace(tzinfo=None)
    return (wall - _WALL_EPOCH) / _ONE_DAY


def _register_local_days() -> None:
    connection.ensure_connection()
    connection.connection.create_function("troth_local_days", 2, _local_days, deterministic=True)
