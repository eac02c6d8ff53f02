"""The trust engine counts days in troth's own time zone, not in UTC.

Engine days were float days since 1970-01-01 UTC while "today" was the local date, so far
from UTC the day boundaries were wrong: in Auckland (UTC+13) a contact this morning lies on
yesterday's UTC date ("1 day ago", the agenda one day more silent), and in Los Angeles
(UTC-8) one this evening on tomorrow's, after the end of "today": left out of the score
altogether. Each test runs in both zones, its clock pinned where the local date is not
the UTC date, through every path that turns a stored time into an engine day: the SQL of
a full recompute (on SQLite and, in the PostgreSQL pass, PostgreSQL), the summed past and
the signals that keep it, one tie's update, and a troth process started with
TROTH_TIMEZONE as a user starts it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from pytest_django.fixtures import Settings

from module_data import migrated_home
from test_import_concurrency import env_for
from troth.agenda import actions as agenda_actions
from troth.agenda.queries import agenda
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.actions import VALUES, do_recompute_trust, do_update_trust
from troth.trust.engine import TrustParams
from troth.trust.history import day_number, load_history
from troth.trust.models import TiePast, TrustScore
from troth.trust.past import past_day
from troth.trust.queries import trust_detail

ZONES = ("Pacific/Auckland", "America/Los_Angeles")
# Per zone, a "now" whose local date is not the UTC date, and a contact earlier that
# local day that lies on another UTC date: Auckland's morning is still yesterday in UTC,
# Los Angeles' evening already tomorrow.
NOW = {
    "Pacific/Auckland": dt.datetime(2026, 12, 8, 9, 0),  # 2026-12-07 20:00 UTC
    "America/Los_Angeles": dt.datetime(2026, 12, 7, 22, 0),  # 2026-12-08 06:00 UTC
}
CONTACT = {
    "Pacific/Auckland": dt.time(7, 30),  # 18:30 UTC the day before
    "America/Los_Angeles": dt.time(20, 30),  # 04:30 UTC the day after
}


def local(zone: str, day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, zoneinfo.ZoneInfo(zone))


def local_days(moment: dt.datetime) -> float:
    """What an engine day is meant to be: local wall-clock time, in days since 1970."""
    wall = timezone.localtime(moment).replace(tzinfo=None)
    return (wall - dt.datetime(1970, 1, 1)) / dt.timedelta(days=1)


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """troth's clock in this zone (Django's TIME_ZONE: the process's TZ follows it, as at
    start-up) and pinned to the zone's NOW; the local date is checked to differ from UTC's."""
    name: str = request.param
    settings.TIME_ZONE = name
    moment = NOW[name].replace(tzinfo=zoneinfo.ZoneInfo(name))
    with time_machine.travel(moment, tick=False):
        assert timezone.localdate() == NOW[name].date()
        assert timezone.now().astimezone(dt.UTC).date() != NOW[name].date()
        yield name


def cached(owner: Owner) -> dict[int, tuple[object, ...]]:
    rows = TrustScore.objects.filter(owner=owner).values_list("person_id", *VALUES)
    return {row[0]: row[1:] for row in rows}


def test_a_contact_today_is_today_in_every_path(alice: Owner, zone: str) -> None:
    today = timezone.localdate()
    dana = do_add_person(alice, "Dana Whitfield")
    sam = do_add_person(alice, "Sam Okafor")  # someone else, so that ranks are ranks
    do_log_interaction(alice, sam, "meeting", when=timezone.now() - dt.timedelta(days=20))
    when = local(zone, today, CONTACT[zone])
    do_log_interaction(alice, dana, "call", when=when, minutes=20, they_started=True)

    # the SQL and the Python conversions give the same engine day, on today's date
    history, ids = load_history(alice)
    row = list(ids).index(dana.id)
    day = float(history.ix_day[list(history.ix_person).index(row)])
    assert day == pytest.approx(local_days(when), abs=1e-6)
    assert day_number(today) - 1 <= day < day_number(today)

    facts = trust_detail(alice, dana)["facts"]
    assert facts["interactions"] == 1  # not left out as tomorrow's (Los Angeles)
    assert facts["days_since_contact"] == 0  # not "1 day ago" (Auckland)

    do_recompute_trust(alice, today)
    full = cached(alice)
    assert TrustScore.objects.get(owner=alice, person=dana).last_contact == today
    # one tie's update writes what the full recompute wrote
    do_update_trust(alice, dana, today)
    assert cached(alice)[dana.id] == full[dana.id]


def test_the_agenda_counts_silence_in_local_days(alice: Owner, zone: str) -> None:
    today = timezone.localdate()
    dana = do_add_person(alice, "Dana Whitfield")
    when = local(zone, today - dt.timedelta(days=10), CONTACT[zone])
    do_log_interaction(alice, dana, "meeting", when=when, minutes=30)
    agenda_actions.do_set_cadence(alice, dana, 10)
    items = [i for i in agenda(alice).items if i.candidate.kind == "checkin"]
    # ten local days of silence on a ten-day rhythm: due today, not 11 days (Auckland)
    # nor 9 and not yet due (Los Angeles)
    assert [i.id for i in items] == [f"c{dana.id}"]
    assert "No contact with Dana Whitfield for 10 days" in items[0].candidate.reason


@pytest.mark.parametrize("at", [dt.time(0, 30), dt.time(23, 30)])
def test_each_contact_has_the_offset_of_its_own_moment(
    alice: Owner, zone: str, at: dt.time
) -> None:
    """Daylight saving time: a contact in the other half of the year had another offset
    than now (Auckland: +12 in July, +13 now; Los Angeles: -7, -8 now). Half an hour
    from midnight, a fixed offset (today's) would put one of these on the wrong date."""
    today = timezone.localdate()
    then = dt.date(today.year, 7, 14)
    dana = do_add_person(alice, "Dana Whitfield")
    do_log_interaction(alice, dana, "meeting", when=local(zone, then, at), minutes=30)
    do_recompute_trust(alice, today)
    assert TrustScore.objects.get(owner=alice, person=dana).last_contact == then
    assert trust_detail(alice, dana)["facts"]["days_since_contact"] == (today - then).days
    full = cached(alice)
    do_update_trust(alice, dana, today)
    assert cached(alice) == full


def test_the_summed_past_ends_at_a_local_midnight_its_signals_agree(
    alice: Owner, zone: str
) -> None:
    """The summed past holds the rows up to a base midnight, now a local one: the bound
    it sums with, the signal that re-sums a tie when a row lands in it and the engine's
    days must all put a row half an hour either side of that midnight on the same side."""
    today = timezone.localdate()
    people = [do_add_person(alice, f"Person {k}") for k in range(4)]
    for k, person in enumerate(people):
        for back in (3, 40, 100, 150):
            when = local(zone, today - dt.timedelta(days=back + k), CONTACT[zone])
            do_log_interaction(alice, person, "meeting", when=when, minutes=30)
    do_recompute_trust(alice, today)  # sums the past
    base = past_day(alice)
    assert base is not None
    # the base day, a whole engine day, is a local midnight
    midnight = local(zone, dt.date(1970, 1, 1) + dt.timedelta(days=base), dt.time(0))
    before, after = midnight - dt.timedelta(minutes=30), midnight + dt.timedelta(minutes=30)
    do_log_interaction(alice, people[0], "call", when=before, minutes=10)
    do_log_interaction(alice, people[1], "call", when=after, minutes=10)
    # the signal re-summed the tie whose row fell in the past (and the other's past
    # still holds only its rows up to the midnight)
    held = dict(TiePast.objects.filter(owner=alice).values_list("person_id", "total"))
    for person in people:
        up_to = Interaction.objects.filter(person=person, occurred_at__lte=midnight).count()
        assert held.get(person.id, 0) == up_to, person
    # over the kept past, from every row, and one tie at a time: the same scores
    do_recompute_trust(alice, today)
    kept = cached(alice)
    do_recompute_trust(alice, today, keep_past=False)
    assert cached(alice) == kept
    for person in people:
        do_update_trust(alice, person, today)
    assert cached(alice) == kept


def test_the_databases_sums_equal_the_engines_in_local_days(alice: Owner, zone: str) -> None:
    """A recompute's GROUP BYs (every row, per period) sum what the engine sums from the
    rows' days: the same local day for each row, and the same cuts (local midnights)."""
    import dataclasses

    import numpy as np

    from troth.trust.engine import summarize
    from troth.trust.summary import co_last_days, load_contacts

    today = timezone.localdate()
    people = [do_add_person(alice, f"Person {k}") for k in range(3)]
    for k, person in enumerate(people):
        for back in (0, 1, 29, 30, 31, 89, 90, 91, 200):
            for at in (dt.time(0, 20), CONTACT[zone], dt.time(23, 40)):
                when = local(zone, today - dt.timedelta(days=back + k), at)
                if when <= timezone.now():
                    channel = ("call", "email", "meeting")[back % 3]
                    do_log_interaction(alice, person, channel, when=when, minutes=10)
    history, ids = load_history(alice)
    cuts = sorted(day_number(today - dt.timedelta(days=d)) for d in (0, 30, 90))
    mine = summarize(history, cuts, TrustParams(), co_last_days(alice, ids, cuts))
    theirs = load_contacts(alice, ids, cuts)
    for field in dataclasses.fields(mine):
        a, b = getattr(mine, field.name), getattr(theirs, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9, err_msg=field.name)
        else:
            assert a == b, field.name
    # every row counts in a period up to the last cut (today's end): none is the future
    assert theirs.n_total.sum() == Interaction.objects.filter(owner=alice).count()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own 'localtime'")
def test_sqlite_in_a_process_of_another_zone_converts_in_python(
    alice: Owner, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's 'localtime' is the process's zone (TZ), which Django sets to troth's; where
    it is another (Windows, where Django cannot set it) the conversion is done in Python."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()  # the zone's own fixture sets TZ back (and calls tzset) afterwards
    from troth.trust.days import sql_days

    assert "troth_local_days(" in sql_days("occurred_at")
    dana = do_add_person(alice, "Dana Whitfield")
    today = timezone.localdate()
    moments = [local(zone, today - dt.timedelta(days=d), CONTACT[zone]) for d in (0, 100, 200)]
    for when in moments:
        do_log_interaction(alice, dana, "call", when=when, minutes=5)
    history, _ids = load_history(alice)
    assert sorted(history.ix_day.tolist()) == pytest.approx(
        sorted(local_days(m) for m in moments), abs=1e-6
    )


# In a troth process of its own, started as a user starts it: TROTH_TIMEZONE read at
# start-up (Django sets the process's TZ from it, which SQLite's 'localtime' reads), the
# clock pinned by time-machine around the console script's main.
PINNED = (
    "import datetime as dt, sys, time_machine\n"
    "from troth.cli import main\n"
    "moment = dt.datetime.fromisoformat(sys.argv.pop(1))\n"
    "sys.argv[0] = 'troth'\n"
    "with time_machine.travel(moment, tick=True):\n"
    "    main()\n"
)


@pytest.mark.own_process
@pytest.mark.parametrize("name", ZONES)
def test_troth_started_in_a_zone_says_today(tmp_path: Path, migrated_db: Path, name: str) -> None:
    home = migrated_home(migrated_db, tmp_path / "troth-home")
    moment = NOW[name].replace(tzinfo=zoneinfo.ZoneInfo(name)).isoformat()
    # the contact earlier today, local time (the command takes a date, not a time: "now"
    # is the pinned moment, and the hour before it lies on the same sides of midnight)
    earlier = (
        NOW[name].replace(tzinfo=zoneinfo.ZoneInfo(name)) - dt.timedelta(hours=1)
    ).isoformat()

    def troth(*args: str, at: str = moment) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PINNED, at, *args],
            env=env_for(home, TROTH_TIMEZONE=name),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    troth("add", "Dana Whitfield")
    troth("log", "Dana", "call", "--minutes", "20", at=earlier)
    facts = json.loads(troth("trust", "Dana", "--json"))["facts"]
    assert facts["interactions"] == 1 and facts["days_since_contact"] == 0
    text = " ".join(troth("trust", "Dana").split())
    assert "today" in text and "1 day ago" not in text, text


def test_a_past_summed_in_another_zone_is_summed_again(alice: Owner, settings: Settings) -> None:
    """The summed past counted its days with contact and ended at a midnight of the zone
    it was summed in: troth moved to another zone (or a past from before engine days
    were local) sums it again rather than mix two calendars."""
    from troth.trust.past import current_past

    dana = do_add_person(alice, "Dana Whitfield")
    today = timezone.localdate()
    for back in (5, 120, 200):
        when = timezone.now() - dt.timedelta(days=back)
        do_log_interaction(alice, dana, "call", when=when, minutes=5)
    do_recompute_trust(alice, today)
    first_cut = day_number(today - dt.timedelta(days=90))
    assert current_past(alice, first_cut, TrustParams(), build=False) is not None
    settings.TIME_ZONE = "Pacific/Auckland"
    assert current_past(alice, first_cut, TrustParams(), build=False) is None
    do_recompute_trust(alice, today)  # sums it again, in this zone
    assert current_past(alice, first_cut, TrustParams(), build=False) is not None


def test_a_promise_kept_today_is_kept_today_in_follow_through(alice: Owner, zone: str) -> None:
    """`troth reliability` dates a kept promise by the local date (it took the UTC date:
    one kept this evening in Los Angeles was still open today and late tomorrow)."""
    from troth.ledger.actions import do_make_promise, do_set_promise_status
    from troth.ledger.queries import follow_through
    from troth.owners import me_person

    today = timezone.localdate()
    dana = do_add_person(alice, "Dana Kang")
    promise = do_make_promise(alice, me_person(alice), dana, "send the deck", due=today)
    do_set_promise_status(alice, promise, "kept")
    for day in (today, today + dt.timedelta(days=1)):
        mine = follow_through(alice, day)["mine"]
        assert mine["kept"] == 1 and mine["late"] == 0 and mine["open"] == 0, (zone, day)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's reading of a zone")
@pytest.mark.parametrize("name", ["CET", "EET", "WET"])
def test_a_zone_postgresql_reads_as_an_abbreviation_is_refused(
    alice: Owner, settings: Settings, name: str
) -> None:
    """PostgreSQL takes CET for the fixed offset, not the zone with summer time that
    Python knows: troth says so instead of counting summer days an hour off."""
    from troth.errors import TrothError
    from troth.trust.days import _check_postgresql_zone, sql_days

    settings.TIME_ZONE = name
    _check_postgresql_zone.cache_clear()
    with pytest.raises(TrothError, match="region and city, such as Europe/Paris"):
        sql_days("occurred_at")
    settings.TIME_ZONE = "Europe/Paris"
    assert "AT TIME ZONE 'Europe/Paris'" in sql_days("occurred_at")
