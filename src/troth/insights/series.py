"""The Insights series from plain data: no database, no Django, exact and testable.

`troth.insights.queries` reads the owner's rows and hands them here as tuples of
dates and flags; these functions only count. Months are "YYYY-MM" strings, oldest
first, and every series has one value per month (zeros where nothing happened), so
a chart can plot them as they come.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from troth.trust.constants import is_cooling

ROLLING_DAYS = 90


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    first_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def months_back(today: dt.date, count: int) -> list[str]:
    """The `count` months ending with today's, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def sample_days(today: dt.date, count: int) -> list[dt.date]:
    """`count` days a month apart for the tiers over time, oldest first: the last day
    of each of the `count - 1` previous months, then today."""
    days = [today]
    day = today
    for _ in range(count - 1):
        day = day.replace(day=1) - dt.timedelta(days=1)
        days.append(day)
    return days[::-1]


def give_take(
    favours: Iterable[tuple[dt.date, bool, int]], months: Sequence[str]
) -> dict[str, Any]:
    """Favours given and received per month. `favours`: (date, True if I gave them,
    how many), one favour or a day's count per tuple."""
    gave: Counter[str] = Counter()
    got: Counter[str] = Counter()
    for day, mine, n in favours:
        (gave if mine else got)[month_key(day)] += n
    return {
        "months": list(months),
        "given": [gave[m] for m in months],
        "received": [got[m] for m in months],
        "total_given": sum(gave[m] for m in months),
        "total_received": sum(got[m] for m in months),
    }


# A promise as the follow-through series sees it: (due date or None, status, the
# local date its status last changed or None). Only settled ones count: kept or broken.
Promise = tuple[dt.date | None, str, dt.date | None]


def settled(promise: Promise) -> tuple[dt.date, str] | None:
    """(day settled, "on_time" | "late" | "broken"), or None when it is open, released
    or has no settling date. Kept after its due date is late; kept without one is on time."""
    due, status, changed = promise
    if changed is None or status not in ("kept", "broken"):
        return None
    if status == "broken":
        return changed, "broken"
    return changed, "late" if due is not None and changed > due else "on_time"


def follow_through(
    promises: Iterable[Promise], months: Sequence[str], today: dt.date
) -> dict[str, Any]:
    """My promises settled per month (kept on time, kept late, broken), and the rolling
    90-day rate at each month's end (today for the current month): the share of the
    promises settled in those 90 days that were kept on time; None when none were."""
    outcomes = [s for s in map(settled, promises) if s is not None]
    per_month: dict[str, Counter[str]] = {m: Counter() for m in months}
    for day, outcome in outcomes:
        key = month_key(day)
        if key in per_month:
            per_month[key][outcome] += 1
    rates: list[float | None] = []
    for m in months:
        year, month = int(m[:4]), int(m[5:])
        end = min(month_end(dt.date(year, month, 1)), today)
        start = end - dt.timedelta(days=ROLLING_DAYS)
        window = Counter(o for day, o in outcomes if start < day <= end)
        n = sum(window.values())
        rates.append(round(window["on_time"] / n, 3) if n else None)
    return {
        "months": list(months),
        "on_time": [per_month[m]["on_time"] for m in months],
        "late": [per_month[m]["late"] for m in months],
        "broken": [per_month[m]["broken"] for m in months],
        "rate_90": rates,
    }


def tier_counts(
    snapshots: Sequence[tuple[dt.date, Sequence[str]]], tiers: Sequence[str]
) -> dict[str, Any]:
    """How many ties sit in each tier on each sampled day. `snapshots`: (day, every
    tie's tier on that day), oldest first; tiers outside `tiers` are not counted."""
    counts = [Counter(names) for _day, names in snapshots]
    return {
        "days": [day.isoformat() for day, _names in snapshots],
        "tiers": {t: [c[t] for c in counts] for t in tiers},
    }


LAYERS = ("inner", "close", "active", "network")  # Dunbar's layers: always charted


def tiers_to_show(tiers: dict[str, Sequence[int]], factor: int = 4, floor: int = 20) -> list[str]:
    """The tiers a chart of `tier_counts` shows at first: the Dunbar layers, and
    any other tier but strangers when it never exceeds `factor` times the largest
    layer, or `floor` (thousands of acquaintances would flatten the layers onto
    the axis; a handful flattens nothing)."""
    top = max((max(tiers[t], default=0) for t in LAYERS if t in tiers), default=0)
    limit = max(factor * top, floor)
    return [
        t
        for t, counts in tiers.items()
        if t in LAYERS or (t != "stranger" and max(counts, default=0) <= limit)
    ]


def cooling(rows: Iterable[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The ties losing the most over 90 days (then 30), biggest drop first; rows as
    `trust_list` gives them. Only drops of at least a point count (trust.constants)."""
    falling = [r for r in rows if is_cooling(r.get("trend_90"))]
    falling.sort(key=lambda r: (r["trend_90"], r.get("trend_30") or 0, r["name"]))
    return falling[:limit]


def network(
    people: Sequence[dict[str, Any]], links: Iterable[tuple[int, int]], limit: int
) -> dict[str, Any]:
    """The strongest `limit` ties and the "knows" links among them. `people`: dicts
    with id, name, score, tier (any order); strangers never count as ties. Each node
    gets its degree within the view."""
    ties = sorted(
        (p for p in people if p["tier"] != "stranger"), key=lambda p: (-p["score"], p["id"])
    )
    shown = ties[: max(0, limit)]
    ids = {p["id"] for p in shown}
    kept = sorted({(min(a, b), max(a, b)) for a, b in links if a in ids and b in ids and a != b})
    degree: Counter[int] = Counter()
    for a, b in kept:
        degree[a] += 1
        degree[b] += 1
    return {
        "nodes": [
            {
                "id": p["id"],
                "name": p["name"],
                "score": p["score"],
                "tier": p["tier"],
                "degree": degree[p["id"]],
            }
            for p in shown
        ],
        "links": [{"source": a, "target": b} for a, b in kept],
        "ties": len(ties),
        "limit": limit,
    }
