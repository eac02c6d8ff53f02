"""Loading what troth knows into the engine's column arrays, fast.

Raw SQL with a little vendor-specific date arithmetic: interactions come back as
five numbers each, with no model instances on the way. Scoring everyone skips
them (`interactions=False`) and has the database sum them instead
(`troth.trust.summary`); one person's update and the checks still read them here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection

from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor
from troth.people.models import Knows, Person, Relationship
from troth.trust.engine import CHANNELS, INITIATORS, PROMISE_STATUSES, History
from troth.trust.sources import CONDUCT

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> float:
    """The end of `day` as engine days (everything on that date counts)."""
    return float((day - EPOCH).days + 1)


def _days(column: str) -> str:
    """SQL giving a datetime column as float days since 1970-01-01 UTC."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column}) / 86400.0"
    return f"(julianday({column}) - 2440587.5)"


def _date_days(column: str) -> str:
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
    return np.array(rows, dtype=np.float64)  # NULLs (no due date, never changed) become nan


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
    people = Person.objects.filter(owner=owner, is_me=False)
    if person_ids is not None:
        people = people.filter(id__in=person_ids)
    ids = np.array(sorted(people.values_list("id", flat=True)), dtype=np.int64)
    n = len(ids)
    index = {int(pid): i for i, pid in enumerate(ids)}
    me = Person.objects.get(owner=owner, is_me=True).id
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
    knows_rows = Knows.objects.filter(owner=owner)
    rated = Relationship.objects.filter(owner=owner, closeness__isnull=False)
    if known_on is not None:
        knows_rows = knows_rows.filter(created_at__date__lte=known_on)
        rated = rated.none()
    if person_ids is not None:
        rated = rated.filter(person_id__in=ids.tolist())
    # One side at a time: each then seeks its own (owner, person_a/b) index, where
    # "a IN (..) OR b IN (..)" scanned all the owner's links (half of a 9 ms update).
    for side in ("person_a_id", "person_b_id"):
        side_rows = knows_rows
        if person_ids is not None:
            side_rows = side_rows.filter(**{f"{side}__in": ids.tolist()})
        # The queryset's own SQL through the cursor: 80,000 links a side at 30,000
        # people, and Django's row iterator cost 0.1-0.2 s of a full recompute.
        try:
            sql, side_params = side_rows.values_list(side).query.sql_with_params()
        except EmptyResultSet:  # asked for no one
            continue
        linked = _fetch(sql, list(side_params), 1)[:, 0].astype(np.int64)
        np.add.at(knows, rows_to_index(linked[np.isin(linked, ids)]), 1)
    # everyone: no need to spell out 30,000 ids
    wanted = None if person_ids is None else ids.tolist()
    conduct = [row for reader in CONDUCT for row in reader(owner, wanted) if row[0] in index]
    closeness = np.zeros(n, dtype=np.int64)
    for pid, rating in rated.values_list("person_id", "closeness"):
        if pid in index and rating is not None:
            closeness[index[pid]] = int(rating)
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
        intro_day=np.array([r[1].timestamp() / 86400.0 for r in conduct], dtype=np.float64),
        intro_good=np.array([bool(r[2]) for r in conduct], dtype=bool),
    )
    return history, ids
