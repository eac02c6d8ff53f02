"""Loading what troth knows into the engine's column arrays, fast.

Raw SQL with a little vendor-specific date arithmetic: interactions come back as
five numbers each, with no model instances on the way. Scoring everyone skips
them (`interactions=False`) and has the database sum them instead
(`troth.trust.summary`); one person's update and the checks still read them here.
"""

from __future__ import annotations

import datetime as dt
from itertools import chain

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection

from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor
from troth.people.models import Knows, Person, Relationship
from troth.trust.days import day_number as day_number  # where the callers read it
from troth.trust.days import engine_day, sql_days
from troth.trust.engine import CHANNELS, INITIATORS, PROMISE_STATUSES, History
from troth.trust.sources import CONDUCT


def _days(column: str) -> str:
    """SQL giving a datetime column as engine days: local days (`troth.trust.days`)."""
    return sql_days(column)


def _date_days(column: str) -> str:
    """SQL giving a date column (a local date already) as engine days: its start."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')::float"
    return f"(julianday({column}) - 2440587.5)"


def _code(column: str, names: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(names))
    return f"CASE {column} {whens} ELSE 0 END"


def _fetch(sql: str, params: list | dict, columns: int) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return np.zeros((0, columns))
    if len(rows[0]) != columns:
        raise ValueError(f"{columns} columns asked, {len(rows[0])} read")
    try:
        # the cells one after another: np.array(rows) discovers the shape of each
        # tuple first, a tenth of a new day's full recompute at 30,000 people (issue
        # 20: 150,000 recent rows, 2.3 against 5.5 ns a cell)
        flat = np.fromiter(chain.from_iterable(rows), np.float64, len(rows) * columns)
    except TypeError:  # a NULL (no due date, never changed): np.array makes it nan
        return np.array(rows, dtype=np.float64)
    return flat.reshape(len(rows), columns)


def _people(owner_id: int, person_ids: list[int] | None) -> tuple[np.ndarray, int]:
    """The owner's people (all, or these), ascending, and the id of their "me": one
    query in raw SQL, as the rest of this module's reads (Django building two
    querysets was a tenth of a one-tie update)."""
    table = Person._meta.db_table
    sql = f"SELECT id, is_me FROM {table} WHERE owner_id = %s"
    params = [owner_id]
    if person_ids is not None:
        # "me" by the partial index one_me_per_owner (its condition spelled as it is),
        # the others by id: an OR of the two scanned all the owner's people
        listed = ",".join(str(int(i)) for i in person_ids) or "NULL"
        sql = (
            f"SELECT id, is_me FROM {table} WHERE owner_id = %s AND is_me UNION ALL"
            f" SELECT id, is_me FROM {table} WHERE id IN ({listed}) AND owner_id = %s"
            " AND NOT is_me"
        )
        params = [owner_id, owner_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall())
    mine = [pid for pid, is_me in rows if is_me]
    if len(mine) != 1:
        # as Person.objects.get(owner=owner, is_me=True) did: every owner has one
        raise Person.DoesNotExist if not mine else Person.MultipleObjectsReturned
    return np.array([pid for pid, is_me in rows if not is_me], dtype=np.int64), int(mine[0])


def _linked(owner, ids: np.ndarray | None, known_on: dt.date | None) -> list[np.ndarray]:
    """Both ends of the owner's "knows" links (of these people, or all), one array a
    side: each side seeks its own (owner, person_a/b) index, where "a IN (..) OR b IN
    (..)" scanned all the owner's links (half of a 9 ms update)."""
    table = Knows._meta.db_table
    if ids is not None and known_on is None:
        # one tie's update: plain SQL, no querysets to build (a tenth of its time)
        listed = ",".join(str(int(i)) for i in ids) or "NULL"
        both = _fetch(
            f"SELECT person_a_id FROM {table} WHERE owner_id = %s AND person_a_id IN ({listed})"
            f" UNION ALL SELECT person_b_id FROM {table}"
            f" WHERE owner_id = %s AND person_b_id IN ({listed})",
            [owner.id, owner.id],
            1,
        )
        return [both[:, 0].astype(np.int64)]
    rows = Knows.objects.filter(owner=owner)
    if known_on is not None:
        rows = rows.filter(created_at__date__lte=known_on)
    out = []
    for side in ("person_a_id", "person_b_id"):
        side_rows = rows
        if ids is not None:
            side_rows = side_rows.filter(**{f"{side}__in": ids.tolist()})
        # The queryset's own SQL through the cursor: 80,000 links a side at 30,000
        # people, and Django's row iterator cost 0.1-0.2 s of a full recompute.
        try:
            sql, side_params = side_rows.values_list(side).query.sql_with_params()
        except EmptyResultSet:  # asked for no one
            continue
        out.append(_fetch(sql, list(side_params), 1)[:, 0].astype(np.int64))
    return out


def load_history(
    owner,
    person_ids: list[int] | None = None,
    known_on: dt.date | None = None,
    interactions: bool = True,
) -> tuple[History, np.ndarray]:
    """The owner's history for all contacts (or the given ones); returns it with the
    Person id of each row index.

    `known_on` (a past date) leaves out what was only learned later and carries no
    date of its own: "knows" links added afterwards, and closeness ratings (a rating
    is the owner's view today, not then). Dated events are cut by the engine itself.
    `interactions=False` leaves the interaction arrays empty, for use with
    `troth.trust.summary.load_contacts`."""
    ids, me = _people(owner.id, person_ids)
    n = len(ids)
    index = {int(pid): i for i, pid in enumerate(ids)}
    only = ""
    fav_where = f"(giver_id = {int(me)} OR receiver_id = {int(me)})"
    pr_where = f"(debtor_id = {int(me)} OR creditor_id = {int(me)})"
    params: list = [owner.id]
    if person_ids is not None:
        # One relationship's update must not read everyone's ledger (the 10 ms budget).
        listed = ",".join(str(int(i)) for i in ids) or "NULL"
        only = f" AND person_id IN ({listed})"
        me_list = str(int(me))
        # Spelled out per side so each half uses its foreign-key index.
        # The unary + keeps the planner off the owner and "me" indexes (which match
        # thousands of rows) and on the other person's foreign-key index.
        fav_where = (
            f"((+giver_id = {me_list} AND receiver_id IN ({listed}))"
            f" OR (+receiver_id = {me_list} AND giver_id IN ({listed})))"
        )
        pr_where = (
            f"((+debtor_id = {me_list} AND creditor_id IN ({listed}))"
            f" OR (+creditor_id = {me_list} AND debtor_id IN ({listed})))"
        )

    def rows_to_index(col: np.ndarray) -> np.ndarray:
        lookup = np.searchsorted(ids, col.astype(np.int64))
        return lookup.astype(np.int64)

    ix = np.zeros((0, 5))
    if interactions:
        ix = _fetch(
            f"SELECT person_id, {_days('occurred_at')}, {_code('channel', CHANNELS)}, "
            f"{_code('initiated_by', INITIATORS)}, COALESCE(duration_minutes, 0) "
            f"FROM {Interaction._meta.db_table} WHERE owner_id = %s{only}",
            params,
            5,
        )
    ix = ix[np.isin(ix[:, 0].astype(np.int64), ids)] if len(ix) else ix
    fav = _fetch(
        f"SELECT giver_id, receiver_id, {_date_days('given_on')} FROM {Favor._meta.db_table} "
        f"WHERE +owner_id = %s AND {fav_where}",
        [owner.id],
        3,
    )
    pr = _fetch(
        f"SELECT debtor_id, creditor_id, {_code('status', PROMISE_STATUSES)}, "
        f"{_date_days('made_on')}, {_date_days('due_on')}, {_days('status_changed_at')} "
        f"FROM {Commitment._meta.db_table} "
        f"WHERE +owner_id = %s AND {pr_where}",
        [owner.id],
        6,
    )
    fav_gave = fav[:, 0] == me
    fav_other = np.where(fav_gave, fav[:, 1], fav[:, 0])
    fav_keep = np.isin(fav_other.astype(np.int64), ids)
    pr_mine = pr[:, 0] == me
    pr_other = np.where(pr_mine, pr[:, 1], pr[:, 0])
    pr_keep = np.isin(pr_other.astype(np.int64), ids)
    knows = np.zeros(n, dtype=np.int64)
    for linked in _linked(owner, ids if person_ids is not None else None, known_on):
        knows += np.bincount(rows_to_index(linked[np.isin(linked, ids)]), minlength=n)
    # everyone: no need to spell out 30,000 ids
    wanted = None if person_ids is None else ids.tolist()
    conduct = [row for reader in CONDUCT for row in reader(owner, wanted) if row[0] in index]
    closeness = np.zeros(n, dtype=np.int64)
    if known_on is None:  # a rating is the owner's view today, not then
        rel = Relationship._meta.db_table
        rated = _fetch(
            f"SELECT person_id, closeness FROM {rel} WHERE owner_id = %s"
            f" AND closeness IS NOT NULL{only}",
            [owner.id],
            2,
        ).astype(np.int64)
        rated = rated[np.isin(rated[:, 0], ids)]
        closeness[rows_to_index(rated[:, 0])] = rated[:, 1]
    history = History(
        n_people=n,
        ix_person=rows_to_index(ix[:, 0]),
        ix_day=ix[:, 1],
        ix_channel=ix[:, 2].astype(np.int64),
        ix_initiator=ix[:, 3].astype(np.int64),
        ix_minutes=ix[:, 4],
        fav_person=rows_to_index(fav_other[fav_keep]),
        fav_day=fav[fav_keep, 2] + 0.5,  # a favour on a date counts from midday
        fav_gave=fav_gave[fav_keep],
        pr_person=rows_to_index(pr_other[pr_keep]),
        pr_mine=pr_mine[pr_keep],
        pr_status=pr[pr_keep, 2].astype(np.int64),
        pr_made_day=pr[pr_keep, 3],
        pr_due_day=pr[pr_keep, 4],
        pr_changed_day=pr[pr_keep, 5],
        knows_count=knows,
        closeness=closeness,
        intro_person=np.array([index[r[0]] for r in conduct], dtype=np.int64),
        intro_day=np.array([engine_day(r[1]) for r in conduct], dtype=np.float64),
        intro_good=np.array([bool(r[2]) for r in conduct], dtype=bool),
    )
    return history, ids
