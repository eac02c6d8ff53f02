"""Interactions summed by the database: the engine's `Contacts` without the rows.

Fetching a million interactions cost most of two seconds, nearly all of it Python
turning rows into tuples and arrays; the database reads them in a fraction of
that. So scoring everyone asks for one GROUP BY per period (the cuts are today,
today-30 and today-90) and gets a few numbers per person back; favours, promises
and the rest still come from `load_history`. With a summed past (`troth.trust.past`)
only the rows since its day are read, 15-20% of them, and those are few enough
to fetch as numbers and sum in numpy, which beat the GROUP BYs' per-row date parsing. `summarize` in the engine does the
same from event arrays, and the tests hold the two equal on both back ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection

from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.people.models import ContactPoint, Person
from troth.trust.activity import MASK_SPANS, MONTH_DAYS, SPAN_BITS, SPAN_DAYS
from troth.trust.days import db_instant, zone_name
from troth.trust.engine import (
    ACTIVITY_HALF_LIFE,
    ACTIVITY_LONG_HALF_LIFE,
    CALL,
    CHANNELS,
    EMAIL,
    EVENT,
    INITIATORS,
    MESSAGE,
    THEM,
    UNKNOWN,
    Contacts,
    Floats,
    TrustParams,
    TrustResult,
    as_cuts,
    compute,
    memory_of,
    summarize_periods,
)
from troth.trust.history import _code, _days, _fetch, day_number, load_history

if TYPE_CHECKING:
    from troth.trust.past import Past

# (in UTC, engine days count from it: the tests' and the simulator's instants)
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
TREND_DAYS = (0, 30, 90)  # a score and its 30- and 90-day trends


def _float(sql: str) -> str:
    """PostgreSQL's day arithmetic is exact numeric; the decayed sums want floats."""
    return f"CAST({sql} AS DOUBLE PRECISION)" if connection.vendor == "postgresql" else sql


def _instant(day: float) -> Any:
    """An engine day (local time) as the database stores instants (UTC). occurred_at
    is compared as stored, as Django's own filters do (on SQLite: text in one fixed
    format), and bounded so by the moment its local day starts or ends."""
    return db_instant(day)


# What `_contacts_sql` returns after the person id, in order.
SUMS = (
    "total",
    "calls",
    "events",
    "written",
    "them",
    "unknown",
    "minutes",
    "frequency",
    "history",
    "recent",
    "months",
    "lasting",
    "spans",
    "days",
)
DAYS = ("first", "last", "two_way")


def _contacts_sql(first_period: bool, only: Sequence[int] | None = None) -> str:
    """One period's interactions summed per person, as the engine's `summarize` does.

    Unknown channel or initiator strings count as a meeting or as "me", as `_code`
    maps them. Every test is spelled as ORs of equalities: with `IN (...)` lists
    SQLite took about a tenth longer over the whole query.

    On SQLite people drive the join (CROSS JOIN fixes the loop order), so each
    person's rows are one range of the covering index: the GROUP BY streams without
    a sort, a recent period reads only its own rows, and the last two-way contact is
    one backward probe per person instead of a test on every row. PostgreSQL plans
    by table statistics, stale right after a bulk import, and then ran that same
    shape through the time index once per person (8 s for 100,000 rows); a plain
    scan grouped by person is linear whatever the statistics say.

    `only`: these people alone (one tie's summed past, `troth.trust.past`)."""
    ix = Interaction._meta.db_table
    listed = ",".join(str(int(i)) for i in only or ()) or "NULL"

    def channel_is(t: str, *codes: int) -> str:
        return "(" + " OR ".join(f"{t}.channel = '{CHANNELS[c]}'" for c in codes) + ")"

    def period(t: str) -> str:
        since = "" if first_period else f" AND {t}.occurred_at > %(lo)s"
        return f"{t}.owner_id = %(owner)s AND {t}.occurred_at <= %(hi)s{since}"

    them, unknown = f"'{INITIATORS[THEM]}'", f"'{INITIATORS[UNKNOWN]}'"

    def two_way(t: str) -> str:
        return f"({t}.initiated_by = {them} OR NOT {channel_is(t, EMAIL, MESSAGE)})"

    row_day = _days("i.occurred_at")
    if connection.vendor == "sqlite":
        person = "p.id"
        source = (
            f"{Person._meta.db_table} AS p CROSS JOIN {ix} AS i "
            f"WHERE p.owner_id = %(owner)s AND i.person_id = p.id AND {period('i')}"
        )
        if only is not None:
            source += f" AND p.id IN ({listed})"
        if zone_name() is not None:
            # Each row's local day once, in a subquery (LIMIT -1 keeps SQLite from
            # flattening it back into every use): julianday(x, 'localtime') costs twice
            # julianday(x), and the sums use the day seven times a row (300,000 rows,
            # Pacific/Auckland: 0.60 s against 0.74 inline; in UTC, with no conversion,
            # the subquery's 0.57 did not beat 0.55 inline, so UTC keeps that shape).
            source = (
                f"(SELECT p.id AS person_id, i.channel AS channel, i.initiated_by AS"
                " initiated_by, i.duration_minutes AS duration_minutes, i.occurred_at AS"
                f" occurred_at, {row_day} AS day FROM {source} LIMIT -1) AS i"
            )
            person, row_day = "i.person_id", "i.day"
        last_two_way = (
            f"(SELECT MAX(t.occurred_at) FROM {ix} AS t"
            f" WHERE t.person_id = {person} AND {period('t')} AND {two_way('t')})"
        )
    else:
        person = "i.person_id"
        last_two_way = f"MAX(i.occurred_at) FILTER (WHERE {two_way('i')})"
        source = f"{ix} AS i WHERE {period('i')}"
        if only is not None:
            source += f" AND i.person_id IN ({listed})"
    # Channel weights are parameters; anything unknown weighs as a meeting.
    weight = (
        "CASE i.channel "
        + " ".join(f"WHEN '{c}' THEN {_float(f'%(w{k})s')}" for k, c in enumerate(CHANNELS) if k)
        + f" ELSE {_float('%(w0)s')} END"
    )
    ago = f"({_float(row_day)} - {_float('%(ref)s')})"

    def span_of(days: float) -> str:
        back = f"(-{ago} / {days})"
        return (
            f"CAST(FLOOR({back}) AS INTEGER)"
            if connection.vendor == "postgresql"
            else f"CAST({back} AS INTEGER)"  # never negative: truncation is floor
        )

    span, five, day = span_of(MONTH_DAYS), span_of(SPAN_DAYS), span_of(1.0)
    # 36 bits of 5-day spans overflow PostgreSQL's 32-bit integer: shift a BIGINT
    # (SQLite's integers are 64-bit already).
    one = "CAST(1 AS BIGINT)" if connection.vendor == "postgresql" else "1"
    return (
        f"SELECT {person}, COUNT(*), "
        f"COUNT(*) FILTER (WHERE {channel_is('i', CALL)}), "
        f"COUNT(*) FILTER (WHERE {channel_is('i', EVENT)}), "
        f"COUNT(*) FILTER (WHERE {channel_is('i', EMAIL, MESSAGE)}), "
        f"COUNT(*) FILTER (WHERE i.initiated_by = {them}), "
        f"COUNT(*) FILTER (WHERE i.initiated_by = {unknown}), "
        "COALESCE(SUM(i.duration_minutes) FILTER "
        f"(WHERE NOT {channel_is('i', EMAIL, MESSAGE, EVENT)}), 0), "
        f"SUM(({weight}) * POWER(2, {ago} / {_float('%(short)s')})), "
        f"SUM(({weight}) * POWER(2, {ago} / {_float('%(long)s')})), "
        # activity: unweighted contacts with a 30-day half-life, and the 30-day spans
        # back from the reference day with contact as bits (a SUM of DISTINCT bits is
        # their OR; activity.month_bits does the same in numpy)
        f"SUM(POWER(2, {ago} / {_float('%(recent)s')})), "
        f"SUM(DISTINCT CASE WHEN {span} < {MASK_SPANS} THEN 1 << {span} ELSE 0 END), "
        # the long memory (365-day half-life) and the 5-day spans, likewise
        f"SUM(POWER(2, {ago} / {_float('%(lasting)s')})), "
        f"SUM(DISTINCT CASE WHEN {five} < {SPAN_BITS} THEN {one} << {five} ELSE 0 END), "
        # distinct days with contact, whole days back from the reference day as
        # `summarize` counts them: what the activity rhythm counts (issue 16)
        f"COUNT(DISTINCT {day}), "
        f"{_days('MIN(i.occurred_at)')}, {_days('MAX(i.occurred_at)')}, {_days(last_two_way)} "
        f"FROM {source} GROUP BY {person}"
    )


def sql_params(owner: Any, ref: float, p: TrustParams) -> dict[str, Any]:
    """`_contacts_sql`'s parameters but the period's bounds (hi, lo)."""
    return {
        "owner": None if owner is None else owner.id,
        "ref": float(ref),
        "short": float(p.half_life_days),
        "long": float(p.long_half_life_days),
        "recent": ACTIVITY_HALF_LIFE,
        "lasting": ACTIVITY_LONG_HALF_LIFE,
        **{f"w{k}": float(w) for k, w in enumerate(p.channel_weight)},
    }


def load_contacts(
    owner,
    ids: np.ndarray,
    cuts: Sequence[float],
    p: TrustParams | None = None,
    past: Past | None = None,
) -> Contacts:
    """The engine's `Contacts` for the people `ids` (ascending Person ids, as
    `load_history` returns them), summed by the database: one GROUP BY per period.
    With `past` (the owner's summed past, `troth.trust.past`, ending on or before
    the first cut) only the rows after the past's day are read, once, and summed
    by the engine (`_recent_rows`), and the past's sums are added to the first period.

    Equal to `summarize` on the same rows but for one corner: SQLite's julianday()
    rounds to the millisecond, so a row less than half a millisecond after a cut
    counts on the cut in `summarize` and after it here."""
    p = p or TrustParams()
    cuts_arr = as_cuts(cuts)
    n, m = len(ids), len(cuts_arr)
    params = sql_params(owner, float(cuts_arr[-1]), p)
    # A person without contact in a period: zero sums, no days.
    sums = np.zeros((len(SUMS), n, m))
    days = np.full((len(DAYS), n, m), np.nan)
    if past is not None:
        _recent_rows(owner, ids, cuts_arr, float(past.day), p, sums, days)
    for k in range(m if past is None else 0):
        params["hi"] = _instant(float(cuts_arr[k]))
        if k:
            params["lo"] = _instant(float(cuts_arr[k - 1]))
        elif past is not None:
            params["lo"] = _instant(float(past.day))
        first_period = k == 0 and past is None
        rows = _fetch(_contacts_sql(first_period), params, 1 + len(SUMS) + len(DAYS))
        pid = rows[:, 0].astype(np.int64)
        keep = np.isin(pid, ids)  # not "me", nor anyone left out of `ids`
        at = np.searchsorted(ids, pid[keep])
        sums[:, at, k] = rows[keep, 1 : 1 + len(SUMS)].T
        days[:, at, k] = rows[keep, 1 + len(SUMS) :].T
    if past is not None:
        from troth.trust.past import add_past  # a cycle: the past is summed by this module

        add_past(sums, days, ids, past, float(cuts_arr[-1]), p)
    got = dict(zip(SUMS, sums, strict=True)) | dict(zip(DAYS, days, strict=True))
    return Contacts(
        cuts=cuts_arr,
        ref_day=float(cuts_arr[-1]),
        memory=memory_of(p),
        n_meetings=got["total"] - got["calls"] - got["events"] - got["written"],
        n_calls=got["calls"],
        n_written=got["written"],
        n_events=got["events"],
        n_total=got["total"],
        them_started=got["them"],
        me_started=got["total"] - got["them"] - got["unknown"],
        minutes=got["minutes"],
        first_day=got["first"],
        last_day=got["last"],
        last_two_way_day=got["two_way"],
        frequency=got["frequency"],
        history=got["history"],
        recent=got["recent"],
        months=got["months"].astype(np.int64),
        lasting=got["lasting"],
        spans=got["spans"].astype(np.int64),
        days=got["days"],
        co_last_day=co_last_days(owner, ids, cuts_arr),
    )


CODE = 8  # above every channel's and initiator's code: `_recent_rows` packs them


def _recent_rows(
    owner: Any,
    ids: np.ndarray,
    cuts: Floats,
    since: float,
    p: TrustParams,
    sums: np.ndarray,
    days: np.ndarray,
) -> None:
    """The rows after the summed past's day `since` summed into `sums` and `days`
    (`load_contacts`' arrays, in place) by the engine's own `summarize_periods`:
    one query reads them with their period, where a GROUP BY per period parsed
    each row's date seven times (julianday() on SQLite: 0.5 s of a 1.5 s recompute
    at 30,000 people, when 15-20% of a million rows are newer than the past).
    The period is found by comparing the instants as stored, as the GROUP BYs'
    bounds did; unknown channel and initiator strings count as a meeting and as
    "me", as `_contacts_sql` counts them."""
    ix = Interaction._meta.db_table
    m = len(cuts)
    params: dict[str, Any] = {
        "owner": None if owner is None else owner.id,
        "lo": _instant(since),
        **{f"c{k}": _instant(float(c)) for k, c in enumerate(cuts)},
    }
    period = (
        "CASE "
        + " ".join(f"WHEN i.occurred_at <= %(c{k})s THEN {k}" for k in range(m - 1))
        + f" ELSE {m - 1} END"
    )
    bounds = f"i.owner_id = %(owner)s AND i.occurred_at > %(lo)s AND i.occurred_at <= %(c{m - 1})s"
    if connection.vendor == "sqlite":
        # People drive the join, as in `_contacts_sql`: each person's recent rows are
        # one range of the covering index, not a scan of all the owner's rows.
        source = (
            f"{Person._meta.db_table} AS p CROSS JOIN {ix} AS i"
            f" WHERE p.owner_id = %(owner)s AND i.person_id = p.id AND {bounds}"
        )
    else:
        source = f"{ix} AS i WHERE {bounds}"
    # Three numbers a row, not six: Python's row tuples were most of the fetch (a
    # fifth less CPU at 150,000 rows). The person with the period, the channel with
    # the initiator and the minutes, each packed into one exact integer.
    minutes = "CAST(COALESCE(i.duration_minutes, 0) AS BIGINT)"  # 32 * 2**31 > int4
    rows = _fetch(
        f"SELECT i.person_id * {m} + {period}, {_days('i.occurred_at')}, "
        f"{_code('i.channel', CHANNELS)} + {CODE} * ({_code('i.initiated_by', INITIATORS)})"
        f" + {CODE * CODE} * {minutes} FROM {source}",
        params,
        3,
    )
    person_period = rows[:, 0].astype(np.int64)
    pid = person_period // m
    keep = np.isin(pid, ids)  # not "me", nor anyone left out of `ids`
    code = rows[keep, 2].astype(np.int64)
    c = summarize_periods(
        len(ids),
        cuts,
        np.searchsorted(ids, pid[keep]),
        rows[keep, 1],
        person_period[keep] % m,
        code % CODE,
        code // CODE % CODE,
        (code // (CODE * CODE)).astype(np.float64),
        p,
    )
    got = {
        "total": c.n_total,
        "calls": c.n_calls,
        "events": c.n_events,
        "written": c.n_written,
        "them": c.them_started,
        "unknown": c.n_total - c.them_started - c.me_started,
        "minutes": c.minutes,
        "frequency": c.frequency,
        "history": c.history,
        "recent": c.recent,
        "months": c.months,
        "lasting": c.lasting,
        "spans": c.spans,
        "days": c.days,
        "first": c.first_day,
        "last": c.last_day,
        "two_way": c.last_two_way_day,
    }
    for k, name in enumerate(SUMS):
        sums[k] = got[name]
    for k, name in enumerate(DAYS):
        days[k] = got[name]


def load_scores(
    owner,
    day: dt.date,
    known_on: dt.date | None = None,
    p: TrustParams | None = None,
    keep_past: bool = False,
) -> tuple[np.ndarray, list[TrustResult]]:
    """Everyone scored as of `day` and TREND_DAYS before it, from one summary of the
    interactions summed by the database; returns the Person ids and one result per
    TREND_DAYS entry. `known_on` as in `load_history`. The owner's summed past is
    used when it fits the day; `keep_past` (today's recompute) builds it again when
    it does not (`troth.trust.past.current_past`)."""
    from troth.trust.past import current_past  # a cycle: the past is summed by this module

    p = p or TrustParams()
    history, ids = load_history(owner, known_on=known_on, interactions=False)
    as_of = [day_number(day - dt.timedelta(days=d)) for d in TREND_DAYS]
    past = current_past(owner, min(as_of), p, build=keep_past)
    contacts = load_contacts(owner, ids, sorted(as_of), p, past)
    return ids, [compute(history, d, p, contacts) for d in as_of]


def co_last_days(owner: Any, ids: np.ndarray, cuts: Sequence[float] | Floats) -> Floats:
    """Per person of `ids` (ascending) and cut, the last engine day, at or before the
    cut, that they were on a message someone else sent to the owner and them: the
    owner and they both To or Cc, as the mail import keeps such messages
    (importers.MessageParticipant: 2 to 10 people besides the owner); nan when never.
    The activity feature `co_since_contact` (issue 16) reads it; a message log gives
    the same through `persistence.co_recipients_last_day`. An address that several
    of the owner's people share says nothing of which one was there: left out (as
    the warm paths' inference does). One GROUP BY for every cut; few ids (one tie's
    update) are asked for by id, as the indexes on (owner, address) serve them."""
    cuts_arr = as_cuts(cuts)
    out = np.full((len(ids), len(cuts_arr)), np.nan)
    if not len(ids):
        return out
    mp, cp = MessageParticipant._meta.db_table, ContactPoint._meta.db_table
    params: dict[str, Any] = {
        "owner": None if owner is None else owner.id,
        "email": ContactPoint.EMAIL,
        "to": MessageParticipant.TO,
        "cc": MessageParticipant.CC,
        **{f"c{k}": _instant(float(c)) for k, c in enumerate(cuts_arr)},
    }
    last = len(cuts_arr) - 1
    # the instants compared as stored (as `_instant`'s bounds are), turned into days
    # once per person, not once per row (a third of the query's time on SQLite)
    per_cut = ", ".join(
        [
            f"MAX(CASE WHEN mp.occurred_at <= %(c{k})s THEN mp.occurred_at END) AS c{k}"
            for k in range(last)
        ]
        + [f"MAX(mp.occurred_at) AS c{last}"]  # the WHERE bounds it by the last cut
    )
    only, mine = "", ""
    if len(ids) <= 100:  # a tie's update: only its addresses' rows (the address index)
        listed = ", ".join(str(int(i)) for i in ids)
        only = f" AND cp.person_id IN ({listed})"
        mine = (
            # (+owner_id: through the person's own contact points, not every e-mail
            # address of the owner's, which SQLite chose once the person_id index
            # alone went, issue 20: 5 -> 13 ms a tie's update at 30,000 people)
            f" AND mp.address IN (SELECT value FROM {cp} WHERE +owner_id = %(owner)s"
            f" AND kind = %(email)s AND person_id IN ({listed}))"
        )
    # the owner's copies summed per address first, then the addresses to people: a
    # join the other way round probed the copies once per address book entry
    # (a third more CPU for a full recompute at 30,000 people with no mail at all)
    sql = (
        f"SELECT cp.person_id, {', '.join(_days(f'MAX(a.c{k})') for k in range(len(cuts_arr)))}"
        f" FROM (SELECT mp.address AS address, {per_cut} FROM {mp} mp"
        " WHERE mp.owner_id = %(owner)s AND mp.role IN (%(to)s, %(cc)s)"
        f" AND mp.owner_role IN (%(to)s, %(cc)s) AND mp.occurred_at <= %(c{last})s{mine}"
        " GROUP BY mp.address) a"
        # CROSS JOIN: SQLite keeps the copies' addresses the outer loop. With a plain
        # JOIN it ran over every email address of the book instead, asking each the
        # NOT EXISTS below: 35-50 ms of a full recompute with no copies at all.
        f" CROSS JOIN {cp} cp WHERE cp.owner_id = %(owner)s AND cp.kind = %(email)s"
        f" AND cp.value = a.address{only}"
        f" AND NOT EXISTS (SELECT 1 FROM {cp} other WHERE other.owner_id = cp.owner_id"
        " AND other.kind = cp.kind AND other.value = cp.value AND other.person_id <> cp.person_id)"
        " GROUP BY cp.person_id"
    )
    rows = _fetch(sql, params, 1 + len(cuts_arr))
    pid = rows[:, 0].astype(np.int64)
    keep = np.isin(pid, ids)
    out[np.searchsorted(ids, pid[keep])] = rows[keep, 1:]
    return out
