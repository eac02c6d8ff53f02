"""The summed past: each tie's interactions before a fixed midnight, kept in a table.

A full recompute used to sum every interaction on each run (1.2-1.3 s of 2.2 s at
30,000 people and a million interactions, `bench/bench_trust.py`), although all
but the last few months are the same from one day to the next. So the rows dated
on or before a base day (a local midnight, as engine days count local time, at
least TREND_DAYS before today) are summed once per tie into `TiePast`; a recompute
reads those 30,000 rows and sums only the interactions after the base day
(`summary.load_contacts` with `past`).

Nothing is approximated: counts, minutes and distinct days add up (a day never
straddles the base midnight), first/last are a min/max, and a decayed sum taken
relative to the base day is rebased exactly, sum * 2**((base - as_of) / half-life).
The 30- and 5-day span bits count back from the as-of day, so they cannot be
shifted; the past keeps its days with contact as bits instead (PAST_DAYS of them,
as far back as any span reaches) and spans are read from those.

Kept current in one place, `troth.trust.signals`: a saved, edited or deleted
interaction on or before the base day re-sums its tie (`refresh_past`; an edit
also the tie and day it had before), a merge or unmerge re-sums the people it
names, and a bulk write that names no one (an import's undo, the demo's wipe)
drops the past (`drop_past`), to be built again by the next full recompute. Rows
only added in bulk (an import, a sync: `rows_rewritten` with `added`) are found
by the next recompute, which re-sums the ties with rows written since the past
was summed and dated before its day (`_added_since`).
A deleted person takes their row along (cascade); a restore empties the table
(`backup.tables.DERIVED`). As a last guard, `current_past` compares the number of
rows the past holds with the rows on or before its day and builds it again on a
difference (a writer that told no one). The past is built again, too, when the
as-of day moves more than REBUILD_DAYS past it, or before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from numpy.typing import NDArray

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.trust.activity import MASK_SPANS, MONTH_DAYS, SPAN_BITS, SPAN_DAYS
from troth.trust.days import zone_name
from troth.trust.engine import ACTIVITY_HALF_LIFE, ACTIVITY_LONG_HALF_LIFE, TrustParams, memory_of
from troth.trust.history import _days, _fetch
from troth.trust.locking import lock_trust
from troth.trust.models import PastBase, TiePast
from troth.trust.summary import (
    DAYS,
    SUMS,
    TREND_DAYS,
    _contacts_sql,
    _float,
    _instant,
    sql_params,
)

# The span bits, which are read from the day bits instead of being kept.
BITS = {"months": (MONTH_DAYS, MASK_SPANS), "spans": (SPAN_DAYS, SPAN_BITS)}
# The other sums and days are TiePast's columns, by the same names.
COLUMNS = tuple(s for s in SUMS if s not in BITS) + DAYS
# Days of contact kept as bits: as far back as any span bit reaches from the as-of day.
PAST_DAYS = int(max(width * count for width, count in BITS.values()))
PAST_BYTES = (PAST_DAYS + 7) // 8
# The past ends at least this long before the as-of day (the earliest trend's cut)...
GAP_DAYS = max(TREND_DAYS)
# ... and is summed again once the as-of day is more than this past that: the rows
# after the base day, which every recompute sums, stay a few months' worth.
REBUILD_DAYS = 30

Floats = NDArray[np.float64]


def _half_lives(p: TrustParams) -> dict[str, float]:
    """The decayed sums and the half-life each was taken with."""
    return {
        "frequency": p.half_life_days,
        "history": p.long_half_life_days,
        "recent": ACTIVITY_HALF_LIFE,
        "lasting": ACTIVITY_LONG_HALF_LIFE,
    }


def _memory(p: TrustParams) -> str:
    """What a past's sums depend on besides the rows: the parameters' decays and the
    time zone whose local days it counted (engine days are local: moved to another
    zone, its days with contact and its base midnight are another zone's)."""
    return json.dumps([*memory_of(p), zone_name() or "UTC"])


@dataclass
class Past:
    """An owner's summed past as read back: one row per tie."""

    day: int  # the base day: rows on or before it are summed here
    person: NDArray[np.int64]
    columns: dict[str, Floats]  # COLUMNS, each per tie (nan: no such day)
    day_bits: NDArray[np.bool_]  # [tie, PAST_DAYS]: contact j whole days before `day`


def _day_back(base: int) -> str:
    """SQL: whole days from a row back to the base day (never negative here)."""
    back = f"({_float('%(ref)s')} - {_float(_days('occurred_at'))})"
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({back}) AS INTEGER)"
    return f"CAST({back} AS INTEGER)"  # truncation is floor for what is not negative


def _write(owner_id: int, base: int, only: list[int] | None) -> None:
    """Sum the rows on or before `base` per tie (of `only`, or everyone) into TiePast."""
    p = TrustParams()
    params = sql_params(None, float(base), p) | {"owner": owner_id, "hi": _instant(float(base))}
    rows = _fetch(_contacts_sql(True, only), params, 1 + len(SUMS) + len(DAYS))
    if not len(rows):
        return
    rows = rows[np.argsort(rows[:, 0], kind="stable")]  # PostgreSQL groups in any order
    names = ("person", *SUMS, *DAYS)
    got = {name: rows[:, k] for k, name in enumerate(names)}
    person = got["person"].astype(np.int64)
    # The days with contact, for the span bits: the last PAST_DAYS before the base.
    listed = ",".join(str(int(i)) for i in only or ())
    who = f" AND person_id IN ({listed or 'NULL'})" if only is not None else ""
    pairs = _fetch(
        f"SELECT DISTINCT person_id, {_day_back(base)} FROM {Interaction._meta.db_table} "
        f"WHERE owner_id = %(owner)s AND occurred_at <= %(hi)s AND occurred_at > %(lo)s{who}",
        params | {"lo": _instant(float(base - PAST_DAYS))},
        2,
    ).astype(np.int64)
    bits = np.zeros((len(person), PAST_BYTES * 8), bool)
    if len(pairs):
        at = np.searchsorted(person, pairs[:, 0])  # the GROUP BY's rows come by person
        inside = (pairs[:, 1] >= 0) & (pairs[:, 1] < PAST_DAYS)
        bits[at[inside], pairs[inside, 1]] = True
    packed = np.packbits(bits, axis=1, bitorder="little")
    columns: list[list[object]] = []
    for name in COLUMNS:
        values = got[name].tolist()
        if name in DAYS:
            columns.append([None if v != v else v for v in values])  # nan: no such day
        elif name in _half_lives(p) or name == "minutes":
            columns.append(values)
        else:
            columns.append([int(v) for v in values])
    blobs = [bytes(row) for row in packed]
    values = list(zip([owner_id] * len(person), person.tolist(), *columns, blobs, strict=True))
    marks = ", ".join(["%s"] * (len(COLUMNS) + 3))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TiePast._meta.db_table} (owner_id, person_id, "
            f"{', '.join(COLUMNS)}, day_bits) VALUES ({marks})",
            values,
        )


def build_past(owner: Owner, base: int) -> None:
    """Sum everyone's past up to `base` (an engine day), replacing what was kept."""
    with transaction.atomic():
        lock_trust(owner.id)
        drop_past(owner)
        _write(owner.id, base, None)
        PastBase.objects.create(
            owner=owner, day=base, memory=_memory(TrustParams()), built_at=timezone.now()
        )


def drop_past(owner: Owner | int) -> None:
    """Forget the owner's summed past (the next full recompute sums it again)."""
    with transaction.atomic():
        lock_trust(owner if isinstance(owner, int) else owner.id)
        TiePast.objects.filter(owner=owner).delete()
        PastBase.objects.filter(owner=owner).delete()


def past_day(owner: Owner | int) -> int | None:
    """The owner's base day, None when no past is kept."""
    return PastBase.objects.filter(owner=owner).values_list("day", flat=True).first()


def refresh_past(owner: Owner | int, person_ids: Iterable[int]) -> None:
    """Sum these ties' past again (their rows on or before the base day changed)."""
    ids = sorted({int(i) for i in person_ids})
    if not ids:
        return
    owner_id = owner if isinstance(owner, int) else owner.id
    with transaction.atomic():
        # before reading the base day: a rebuild under way may be moving it
        lock_trust(owner_id)
        base = past_day(owner_id)
        if base is None:
            return
        TiePast.objects.filter(owner_id=owner_id, person_id__in=ids).delete()
        _write(owner_id, base, ids)


def _read(owner: Owner, base: int) -> tuple[Past, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, {', '.join(COLUMNS)}, day_bits FROM {TiePast._meta.db_table} "
            "WHERE owner_id = %s ORDER BY person_id",
            [owner.id],
        )
        rows = cursor.fetchall()
    numbers = np.array([r[:-1] for r in rows], dtype=np.float64).reshape(-1, 1 + len(COLUMNS))
    packed = np.frombuffer(b"".join(bytes(r[-1]) for r in rows), dtype=np.uint8)
    bits = np.unpackbits(packed.reshape(-1, PAST_BYTES), axis=1, bitorder="little")
    past = Past(
        day=base,
        person=numbers[:, 0].astype(np.int64),
        columns={name: numbers[:, 1 + k] for k, name in enumerate(COLUMNS)},
        day_bits=bits[:, :PAST_DAYS].astype(bool),
    )
    return past, int(past.columns["total"].sum())


def _added_since(owner: Owner, row: PastBase) -> list[int]:
    """The people with rows dated on or before the base day but written after the
    past was summed (or last checked): an import's, which names no one (its rows
    reach the table in bulk). One range of the owner's index on created_at."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT person_id FROM {Interaction._meta.db_table} "
            "WHERE owner_id = %s AND created_at > %s AND occurred_at <= %s",
            [
                owner.id,
                connection.ops.adapt_datetimefield_value(row.built_at),
                _instant(float(row.day)),
            ],
        )
        return [int(r[0]) for r in cursor.fetchall()]


def _rows_until(owner: Owner, base: int) -> int:
    """The owner's interactions on or before the base day: one index range count."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Interaction._meta.db_table} "
            "WHERE owner_id = %s AND occurred_at <= %s",
            [owner.id, _instant(float(base))],
        )
        return int(cursor.fetchone()[0])


def current_past(owner: Owner, first_cut: float, p: TrustParams, build: bool) -> Past | None:
    """The owner's summed past if it fits a recompute whose earliest cut is
    `first_cut` (it ends on or before it, by at most REBUILD_DAYS, summed with these
    parameters, holding as many rows as the table has up to its day). Otherwise:
    with `build`, summed again up to `first_cut`; without, None (sum everything)."""
    if _memory(p) != _memory(TrustParams()):
        return None  # another weighting (evaluation, tuning): sum the rows themselves
    row = PastBase.objects.filter(owner=owner).first()
    if (
        row is not None
        and row.memory == _memory(p)
        and 0 <= first_cut - row.day <= REBUILD_DAYS
        and first_cut == int(first_cut)
    ):
        added = _added_since(owner, row)
        if added and not build:
            return None
        if added:
            refresh_past(owner, added)
            PastBase.objects.filter(pk=row.pk).update(built_at=timezone.now())
        past, held = _read(owner, row.day)
        if held == _rows_until(owner, row.day):
            return past
    if not build or first_cut != int(first_cut):
        return None
    build_past(owner, int(first_cut))
    past, _held = _read(owner, int(first_cut))
    return past


def add_past(
    sums: Floats, days: Floats, ids: NDArray[np.int64], past: Past, ref: float, p: TrustParams
) -> None:
    """Add the past to the first period of `load_contacts`' sums and days (in place):
    [name, tie, period] arrays over SUMS and DAYS, ties as in `ids`, sums relative
    to `ref` (the last cut, a whole engine day)."""
    keep = np.isin(past.person, ids)
    at = np.searchsorted(ids, past.person[keep])
    half_lives = _half_lives(p)
    day_bits = past.day_bits[keep]
    for k, name in enumerate(SUMS):
        if name in BITS:
            width, count = BITS[name]
            sums[k, at, 0] = (
                sums[k, at, 0].astype(np.int64) | _span_bits(day_bits, ref - past.day, width, count)
            ).astype(np.float64)
            continue
        value = past.columns[name][keep]
        if name in half_lives:
            value = value * np.exp2((past.day - ref) / half_lives[name])
        sums[k, at, 0] += value
    for k, name in enumerate(DAYS):
        value = past.columns[name][keep]
        combine = np.fmin if name == "first" else np.fmax
        days[k, at, 0] = combine(days[k, at, 0], value)


def _span_bits(
    day_bits: NDArray[np.bool_], back: float, width: float, count: int
) -> NDArray[np.int64]:
    """Span bits counted back from the as-of day `back` days after the base day
    (a whole number), from the past's days with contact (`day_bits[:, j]`: contact
    j whole days before the base): day j before the base is floor((back + j) /
    width) spans back. Each span is one slice of the bits, read once: a cumulative
    sum over all of them cost 0.1 s at 30,000 ties."""
    spans, starts, end = [], [], 0
    for span in range(count):
        lo = max(int(np.ceil(span * width - back)), 0)
        hi = min(int(np.ceil((span + 1) * width - back)), PAST_DAYS)
        if lo < hi:  # the spans' slices follow one another: lo is the last one's hi
            spans.append(span)
            starts.append(lo)
            end = hi
    out = np.zeros(len(day_bits), np.int64)
    if not spans or not len(day_bits):
        return out
    # every slice's "any" in one pass (a loop of slices cost 65 ms at 30,000 ties)
    hit = np.logical_or.reduceat(day_bits[:, :end], starts, axis=1)
    for k, span in enumerate(spans):
        out |= hit[:, k].astype(np.int64) << span
    return out
