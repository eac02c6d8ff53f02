"""Computing and caching trust scores. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from troth.dbstats import BULK_ROWS, analyze
from troth.owned import Owner
from troth.people.models import Person
from troth.trust.engine import (
    ENGINE_VERSION,
    TIER_CAPS,
    TIERS,
    TrustParams,
    TrustResult,
    compute,
    summarize,
)
from troth.trust.history import day_number, load_history
from troth.trust.locking import lock_trust
from troth.trust.models import TrustScore
from troth.trust.summary import TREND_DAYS, co_last_days, load_scores

# person ids per DELETE: well under SQLite's and PostgreSQL's limits on a statement
CHUNK = 5000


def last_contact_dates(result: TrustResult) -> list[dt.date | None]:
    """Each person's day of last contact (any kind), for the cache: its local date,
    the floor of its engine day (engine days count local time, `troth.trust.days`)."""
    days = result.features.last_day
    known = ~np.isnan(days)
    # datetime64[D] counts days from 1970-01-01 too; tolist() gives datetime.date.
    dates = np.floor(np.where(known, days, 0)).astype(np.int64).astype("datetime64[D]")
    return [d if k else None for d, k in zip(dates.tolist(), known.tolist(), strict=True)]


def _stored_dates(result: TrustResult) -> list[Any]:
    """`last_contact_dates` adapted for the database. SQLite keeps a date as its
    ISO text, which is what its adapter makes of one (str): numpy writes 30,000
    of them at once, where a date object and an adapter call each cost 0.05 s."""
    if connection.vendor != "sqlite":
        return list(map(connection.ops.adapt_datefield_value, last_contact_dates(result)))
    days = result.features.last_day
    known = ~np.isnan(days)
    dates = np.floor(np.where(known, days, 0)).astype(np.int64).astype("datetime64[D]")
    text = np.datetime_as_string(dates, unit="D").tolist()
    return [d if k else None for d, k in zip(text, known.tolist(), strict=True)]


def do_recompute_trust(
    owner: Owner, today: dt.date | None = None, *, keep_past: bool = True
) -> int:
    """Score every relationship as of today (with 30- and 90-day trends) and cache it.
    `keep_past`: read the owner's summed past (troth.trust.past), summing it first
    when it is missing or does not fit today; False sums every row (the benchmark's
    "before")."""
    today = today or timezone.localdate()
    with transaction.atomic():
        lock_trust(owner.id)
        return _recompute(owner, today, keep_past)


# What a cached score is made of, after owner and person: a row whose values are all
# as computed stays as it is (computed_at aside, which says when it was last written).
VALUES = (
    "score",
    "tier",
    "trend_30",
    "trend_90",
    "activity",
    "activity_trend_30",
    "last_contact",
    "as_of",
    "engine_version",
)
Values = tuple[Any, ...]  # one row's VALUES, dates adapted for the database


def _recompute(owner: Owner, today: dt.date, keep_past: bool) -> int:
    ids, (now, d30, d90) = load_scores(owner, today, keep_past=keep_past)
    adapt_date = connection.ops.adapt_datefield_value
    n = len(ids)
    # Column lists, not per-row numpy indexing: 30,000 rows in a few milliseconds.
    rows = dict(
        zip(
            ids.tolist(),
            zip(
                now.score.tolist(),
                [TIERS[t] for t in now.tier.tolist()],
                (now.score - d30.score).tolist(),
                (now.score - d90.score).tolist(),
                now.activity.tolist(),
                (now.activity - d30.activity).tolist(),
                _stored_dates(now),
                [adapt_date(today)] * n,
                [ENGINE_VERSION] * n,
                strict=True,
            ),
            strict=True,
        )
    )
    write_scores(owner, rows)
    return n


def _cached(owner: Owner, day: Any) -> dict[int, Values] | None:
    """The owner's cached scores as `write_scores` takes them (dates adapted); None
    when none is of `day` (adapted), so all will change: the first recompute of a day
    rewrites every row and need not read them."""
    adapt_date = connection.ops.adapt_datefield_value
    dated = [VALUES.index("last_contact"), VALUES.index("as_of")]
    table = TrustScore._meta.db_table
    with connection.cursor() as cursor:
        # one probe of the owner's (owner, as_of) index
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE owner_id = %s AND as_of = %s LIMIT 1", [owner.id, day]
        )
        if cursor.fetchone() is None:
            return None
        if connection.vendor == "sqlite":
            # the dates as the stored ISO text, which is what their adapter makes
            # (str): parsing 60,000 of them to adapt them back cost 0.1-0.2 s
            columns = ", ".join(
                f"CAST({name} AS TEXT)" if k in dated else name for k, name in enumerate(VALUES)
            )
            cursor.execute(
                f"SELECT person_id, {columns} FROM {table} WHERE owner_id = %s", [owner.id]
            )
            return {pid: tuple(values) for pid, *values in cursor.fetchall()}
        cursor.execute(
            f"SELECT person_id, {', '.join(VALUES)} FROM {table} WHERE owner_id = %s",
            [owner.id],
        )
        got = cursor.fetchall()
    out = {}
    for pid, *values in got:
        for k in dated:
            values[k] = adapt_date(values[k])
        out[pid] = tuple(values)
    return out


def write_scores(owner: Owner, rows: dict[int, Values]) -> None:
    """Make the owner's cached scores these (person id -> VALUES, dates adapted for
    the database), writing only the rows that differ: removing the scores of people
    no longer scored, adding the new ones, rewriting the changed. A recompute on the
    day of the last one finds most scores as they were; the write was most of its
    cost (a DELETE and a 30,000-row INSERT into nine indexes, ~0.6 CPU-s of 1.5)."""
    # the caller holds it already (do_recompute_trust); taken again in case a new
    # caller does not: two writers' deletes and inserts would interleave otherwise
    lock_trust(owner.id)
    at = VALUES.index("as_of")
    days = {values[at] for values in rows.values()}
    old = _cached(owner, days.pop()) if len(days) == 1 else None
    table = TrustScore._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    if old is None and connection.vendor == "sqlite":
        _rewrite(owner, rows, stamp)
        return
    if old is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE owner_id = %s", [owner.id])
        _insert(owner, rows, list(rows), stamp)
        _analyze(len(rows))
        return
    gone = [pid for pid in old if pid not in rows]
    changed = [pid for pid, values in rows.items() if old.get(pid) != values]
    stale = gone + [pid for pid in changed if pid in old]
    with connection.cursor() as cursor:
        if old and len(stale) == len(old):
            # every row goes: one range of the owner's index, not a probe per row
            cursor.execute(f"DELETE FROM {table} WHERE owner_id = %s", [owner.id])
        else:
            for at in range(0, len(stale), CHUNK):
                listed = ",".join(str(int(pid)) for pid in stale[at : at + CHUNK])
                cursor.execute(
                    f"DELETE FROM {table} WHERE owner_id = %s AND person_id IN ({listed})",
                    [owner.id],
                )
        if not changed and rows:
            _touch(cursor, owner, stamp)  # nothing changed, but the scores are of now
    # Rewritten rows are deleted and inserted, not updated: an UPDATE runs the
    # agenda's per-row trigger (troth.agenda.snapshot) twice as often on SQLite and
    # cost 1.7 times the DELETE and INSERT.
    _insert(owner, rows, changed, stamp)
    _analyze(len(changed))


# SQLite: a new day's scores, staged for `_rewrite` (a temporary table: this
# connection's own, emptied after each use)
STAGED = "trust_new_scores"


def _rewrite(owner: Owner, rows: dict[int, Values], stamp: Any) -> None:
    """Every cached score rewritten (a new day: each row's as_of changes), on SQLite.
    The rows are staged in a temporary table and the kept ones UPDATEd from it in one
    statement, which changes only the indexes whose columns change (four of seven);
    a DELETE and INSERT of every row changed all seven twice. (An UPDATE a row, by
    executemany, cost more: each statement of a table with triggers opens its own
    statement journal.) Then the new people's rows are inserted and the gone removed."""
    table = TrustScore._meta.db_table
    staged = f"temp.{STAGED}"
    columns = ", ".join(VALUES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGED} (person_id INTEGER PRIMARY KEY, {columns})"
        )
        cursor.execute(f"DELETE FROM {staged}")
        cursor.executemany(
            f"INSERT INTO {staged} (person_id, {columns})"
            f" VALUES ({', '.join(['%s'] * (len(VALUES) + 1))})",
            [(pid, *values) for pid, values in rows.items()],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE owner_id = %s"
            f" AND person_id NOT IN (SELECT person_id FROM {staged})",
            [owner.id],
        )
        # Only the columns a day changes, each index on another column left alone:
        # computed_at is read only as the owner's latest (the staleness check), so
        # one row says now, as after a recompute that changed nothing; the engine's
        # version is set apart, on the rows of another (none, but after an upgrade).
        cursor.execute(
            f"UPDATE {table} AS t SET "
            + ", ".join(f"{name} = n.{name}" for name in VALUES if name != "engine_version")
            + f" FROM {staged} AS n WHERE t.owner_id = %s AND t.person_id = n.person_id",
            [owner.id],
        )
        cursor.execute(
            f"UPDATE {table} SET engine_version = %s WHERE owner_id = %s AND engine_version <> %s",
            [ENGINE_VERSION, owner.id, ENGINE_VERSION],
        )
        # a person's score row is theirs alone (person_id is unique): one not found
        # is one to add
        cursor.execute(
            f"INSERT INTO {table} (owner_id, person_id, {columns}, computed_at)"
            f" SELECT %s, n.person_id, {', '.join(f'n.{name}' for name in VALUES)}, %s"
            f" FROM {staged} AS n WHERE NOT EXISTS"
            f" (SELECT 1 FROM {table} AS t WHERE t.person_id = n.person_id)",
            [owner.id, stamp],
        )
        cursor.execute(f"DELETE FROM {staged}")
        _touch(cursor, owner, stamp)


def _touch(cursor: Any, owner: Owner, stamp: Any) -> None:
    """The staleness check (troth.trust.queries.is_stale) asks when scores were last
    computed: MAX(computed_at). One row saying now is enough."""
    table = TrustScore._meta.db_table
    cursor.execute(
        f"UPDATE {table} SET computed_at = %s WHERE id = (SELECT id FROM {table}"
        " WHERE owner_id = %s ORDER BY computed_at DESC LIMIT 1)",
        [stamp, owner.id],
    )


def _analyze(written: int) -> None:
    # Many score rows are new: without fresh statistics PostgreSQL planned the agenda's
    # reads of the scores as if the table held a few dozen rows (troth.dbstats; only
    # past its bulk threshold, and never on SQLite). After the commit: ANALYZE's lock
    # on the table every member shares would otherwise be held until this transaction
    # ends (a digest builds a whole agenda in one), and another member's recompute
    # waited for it (3 s in the attacker's review).
    if connection.vendor == "postgresql" and written >= BULK_ROWS:
        transaction.on_commit(lambda: analyze([TrustScore], written))


def _insert(owner: Owner, rows: dict[int, Values], ids: list[int], stamp: Any) -> None:
    if not ids:
        return
    # Raw executemany: Django's bulk_create spends most of a second building 30,000 models.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TrustScore._meta.db_table} (owner_id, person_id, "
            f"{', '.join(VALUES)}, computed_at) VALUES ({', '.join(['%s'] * (len(VALUES) + 3))})",
            [(owner.id, pid, *rows[pid], stamp) for pid in ids],
        )


def tier_among(owner: Owner, score: float, one: TrustResult, exclude: int) -> int:
    """A single relationship's tier, ranked against the others' cached scores."""
    tier = int(one.tier[0])
    if TIERS[tier] in ("dormant", "stranger"):
        return tier
    # Only ranks inside the last Dunbar layer matter: stop counting there. Plain SQL:
    # building the queryset cost more than the count (a one-tie update's budget).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {TrustScore._meta.db_table}"
            " WHERE owner_id = %s AND score > %s AND person_id <> %s"
            f" AND tier NOT IN (%s, %s) LIMIT {int(TIER_CAPS[-1])}) AS better",
            [owner.id, score, exclude, "dormant", "stranger"],
        )
        rank = int(cursor.fetchone()[0])
    by_rank = int(np.searchsorted(np.asarray(TIER_CAPS), rank, side="right"))
    return max(tier, by_rank)


def do_update_trust(owner: Owner, person: Person | int, today: dt.date | None = None) -> None:
    """Re-score one relationship after something happened (cheap: one person's history)."""
    today = today or timezone.localdate()
    person_id = person if isinstance(person, int) else person.id
    history, ids = load_history(owner, [person_id])
    params = TrustParams()
    # The same summary as a full recompute, from this one person's rows.
    as_of = [day_number(today - dt.timedelta(days=d)) for d in TREND_DAYS]
    # the copies (activity's co_since_contact) are not in a history: asked apart
    contacts = summarize(history, sorted(as_of), params, co_last_days(owner, ids, sorted(as_of)))
    scores = [compute(history, d, params, contacts) for d in as_of]
    now = scores[0]
    score = float(now.score[0])
    last_contact = last_contact_dates(now)[0]
    computed_at = timezone.now()
    fields: dict[str, Any] = {
        "score": score,
        "tier": TIERS[tier_among(owner, score, now, person_id)],
        "trend_30": score - float(scores[1].score[0]),
        "trend_90": score - float(scores[2].score[0]),
        "activity": float(now.activity[0]),
        "activity_trend_30": float(now.activity[0] - scores[1].activity[0]),
        "last_contact": last_contact,
        "as_of": today,
        "computed_at": computed_at,
        "engine_version": ENGINE_VERSION,
    }
    # UPDATE then create(): one statement in the common case; the lock keeps two
    # updates of a new tie from both creating it (troth.trust.locking). The UPDATE in
    # plain SQL: Django's queryset update cost a twentieth of the 10 ms budget.
    ops = connection.ops
    stored = {
        **fields,
        "last_contact": ops.adapt_datefield_value(last_contact),
        "as_of": ops.adapt_datefield_value(today),
        "computed_at": ops.adapt_datetimefield_value(computed_at),
    }
    with transaction.atomic():
        lock_trust(owner.id)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TrustScore._meta.db_table} SET "
                + ", ".join(f"{name} = %s" for name in stored)
                + " WHERE owner_id = %s AND person_id = %s",
                [*stored.values(), owner.id, person_id],
            )
            written = cursor.rowcount
        if not written:
            TrustScore.objects.create(owner=owner, person_id=person_id, **fields)


def do_invalidate(owner: Owner, person_ids: Iterable[int] | None = None) -> None:
    """Drop the cached scores of these people (None: all the owner's) after a write
    the per-row signals do not see (troth.trust.signals). The next read finds rows
    missing (`troth.trust.queries.is_stale`) and recomputes everyone: a bulk change
    can move every tier, which are ranks among all the owner's ties."""
    rows = TrustScore.objects.filter(owner=owner)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    rows.delete()
