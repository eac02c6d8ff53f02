"""The owner's network as the path search reads it (reads, scoped to one owner):
my ties with their trust, the links between my people, and the compressed arrays
the pure `graph.py` searches, kept per process and rebuilt only when the links
(`InferencePass.links_version`) or the trust scores change. A warm query then costs
a few index probes and the search itself (issue 12: p95 <= 20 ms on 30,000 people;
bench/bench_paths.py --db)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import ContactPoint
from troth.trust.engine import TIERS
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, trust_list
from troth.warmpaths import graph
from troth.warmpaths.actions import do_infer_links, links_as_of
from troth.warmpaths.models import InferencePass, Link

# Below this a link between two of my people is too faint to carry an ask. A link's
# strength is the expected strength of their tie (infer.LinkModel: the chance they
# know each other times how strong such a tie is, on the simulator's 0-1 scale, then
# decayed): one message with just the two of them on it (about 0.11, never below
# 0.03 however old) or one small meeting is enough, one message with a third of my
# people on it (about 0.026) is not unless the two are colleagues (about 0.32).
# Weak links only carry a path when nothing stronger does: paths rank by their
# weakest hop. Chosen with bench/eval_paths.py (seeds 1-5: at 0.05 about 4 points
# fewer targets reached, with fewer top paths through a pair who do not know each
# other; at 0.03 as many reached as the earlier model at 0.2, with more precise links).
# Lower floors meet issue 12's path targets only by letting faint links in: on the
# tuning seeds 101-102 at 0.01 paths were found for 82-84% of the reachable targets
# and the weakest hop was 1.9-2.1x the fewest-hops baseline's (0.03: 71-75%,
# 1.25-1.31x), but link precision fell from 0.69 to 0.42 and half the top paths went
# through a pair who do not know each other (0.03: a quarter); 0.02 was in between
# (1.31-1.36x, coverage unchanged, precision 0.65).
LINK_FLOOR = 0.03
# Owners whose graphs a process keeps (a group server has many; each graph of a
# 30,000-person network is a few MB).
CACHED_OWNERS = 8


def fresh_links(owner: Owner) -> None:
    """Run an inference pass when interactions, participants or addresses arrived
    since the last one, rows were rewritten under it (a merge, an undone import), or
    the strengths were decayed on an earlier day (like trust's `fresh_scores`).
    Each test is an index probe: this runs before every path query."""
    today = timezone.localdate()
    if _stale(owner, today):
        # no transaction around the pass: its writes go in short batches, so that on
        # SQLite it never holds the write lock for long (a pass after a 12,000-person
        # import held it for seconds); a pass cut short is simply run again
        do_infer_links(owner, today=today)


@functools.cache
def _stale_sql() -> str:
    """The pass's state and whether rows newer than its marks arrived (three probes
    of the primary keys above each mark), in one statement built once: it runs on
    every Person page, where the pass read through the ORM and a probe after it cost
    more to compose than to run (issue 20)."""
    q = connection.ops.quote_name
    meta: Any = InferencePass._meta

    def col(name: str) -> str:
        return "p." + q(meta.get_field(name).column)

    probes = [
        (Interaction, "interactions_max_id"),
        (MessageParticipant, "participants_max_id"),
        (ContactPoint, "points_max_id"),
    ]
    exists = ", ".join(
        f"EXISTS (SELECT 1 FROM {q(model._meta.db_table)}"
        f" WHERE {q('id')} > {col(mark)} AND {q('owner_id')} = %(owner)s)"
        for model, mark in probes
    )
    return (
        f"SELECT {col('decayed_on')}, {col('pending')}, {exists}"
        f" FROM {q(meta.db_table)} p WHERE {col('owner')} = %(owner)s"
    )


def _stale(owner: Owner, today: dt.date) -> bool:
    """Whether the links need a pass: none ran yet, one is pending, the strengths
    were decayed on an earlier day, or anything new arrived since."""
    with connection.cursor() as cursor:
        cursor.execute(_stale_sql(), {"owner": owner.pk})
        row = cursor.fetchone()
    if row is None:
        return True
    decayed_on, pending, *new = row
    # the raw values, as the fields would read them (a string on SQLite and PostgreSQL)
    if InferencePass._meta.get_field("decayed_on").to_python(decayed_on) != today:
        return True
    if isinstance(pending, str):
        pending = json.loads(pending)
    return bool(pending) or any(new)


def _ties(owner: Owner, day: dt.date) -> tuple[dict[int, tuple[str, float]], dict[int, Any]]:
    """(tier, score) of each of my ties as of `day`, and each one's activity change
    over 30 days (what cooling reads)."""
    if day != timezone.localdate():
        rows = trust_list(owner, day)
        return (
            {r["id"]: (r["tier"], float(r["score"])) for r in rows},
            {r["id"]: r["activity_trend_30"] for r in rows},
        )
    fresh_scores(owner)
    ties: dict[int, tuple[str, float]] = {}
    trends: dict[int, Any] = {}
    for pid, tier, score, trend in TrustScore.objects.filter(owner=owner).values_list(
        "person_id", "tier", "score", "activity_trend_30"
    ):
        ties[pid] = (tier, score)
        trends[pid] = trend
    return ties, trends


class Links:
    """The links a search reads: today's stored rows, or (as of a past day) the ones
    `links_as_of` works out in memory."""

    def __init__(self, owner: Owner, day: dt.date) -> None:
        self.owner = owner
        self.memory: dict[tuple[int, int], Link] | None = None
        if day != timezone.localdate():
            self.memory = links_as_of(owner, day)
        else:
            fresh_links(owner)

    def edges(self) -> list[tuple[int, int, float]]:
        if self.memory is not None:
            return [
                (a, b, lk.strength)
                for (a, b), lk in self.memory.items()
                if lk.usable and lk.strength >= LINK_FLOOR
            ]
        return list(
            Link.objects.filter(
                owner=self.owner, forgotten=False, usable=True, strength__gte=LINK_FLOOR
            ).values_list("person_a_id", "person_b_id", "strength")
        )

    def between(self, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Link]:
        if not pairs:
            return {}
        if self.memory is not None:
            return {k: self.memory[k] for k in pairs if k in self.memory}
        # IN on both columns walks the (owner, person_a, person_b) unique index; a
        # chain of ORs was a scan (8 ms of a 50 ms query on 150,000 links)
        rows = Link.objects.filter(
            owner=self.owner,
            person_a_id__in={a for a, _b in pairs},
            person_b_id__in={b for _a, b in pairs},
        ).select_related("employer")
        return {
            (lk.person_a_id, lk.person_b_id): lk
            for lk in rows
            if (lk.person_a_id, lk.person_b_id) in pairs
        }

    def touching(self, targets: set[int]) -> list[Link]:
        if self.memory is not None:
            return [lk for (a, b), lk in self.memory.items() if a in targets or b in targets]
        # one query per side, each on its index (an OR of the two was a scan)
        rows = Link.objects.filter(owner=self.owner, forgotten=False).select_related("employer")
        found = {lk.pk: lk for lk in rows.filter(person_a_id__in=targets)}
        found.update((lk.pk, lk) for lk in rows.filter(person_b_id__in=targets))
        return list(found.values())


@dataclass
class Network:
    """My ties and the search arrays over my people (ids[i] is node i's person)."""

    ties: dict[int, tuple[str, float]]
    trends: dict[int, Any]
    source: Links
    ids: np.ndarray
    index: dict[int, int]
    g: graph.Graph
    passable: np.ndarray  # never through a stranger to me
    key: tuple[Any, ...] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _firsts: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)

    def first_hops(self, floor: str) -> list[tuple[int, int, float]]:
        """(node, person, trust 0-1) of my ties at `floor` or closer."""
        found = self._firsts.get(floor)
        if found is None:
            cut = TIERS.index(floor)
            found = [
                (self.index[pid], pid, score / 100.0)
                for pid, (tier, score) in self.ties.items()
                if pid in self.index
                and tier in TIERS
                and TIERS.index(tier) <= cut
                and tier != "stranger"
            ]
            self._firsts[floor] = found
        return found


_CACHE: OrderedDict[int, Network] = OrderedDict()
_TIES: OrderedDict[int, tuple[Any, dict[int, tuple[str, float]], dict[int, Any]]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _keep(cache: OrderedDict[int, Any], owner: Owner, value: Any) -> None:
    with _CACHE_LOCK:
        cache[owner.pk] = value
        cache.move_to_end(owner.pk)
        while len(cache) > CACHED_OWNERS:
            cache.popitem(last=False)


def ties_of(owner: Owner, day: dt.date) -> tuple[Any, dict[int, tuple[str, float]], dict[int, Any]]:
    """(version, ties, trends): (tier, score) of each of my ties as of `day` and each
    one's activity change over 30 days; today's from the process's cache while the
    scores are unchanged (`version` says which scores: pass it on to `network`)."""
    return _ties_entry(owner, day)


def _ties_entry(
    owner: Owner, day: dt.date
) -> tuple[Any, dict[int, tuple[str, float]], dict[int, Any]]:
    if day != timezone.localdate():
        return (None, *_ties(owner, day))
    fresh_scores(owner)
    # the newest score's time: a recompute rewrites them all (one index probe)
    key = (TrustScore.objects.filter(owner=owner).aggregate(m=Max("computed_at"))["m"], day)
    with _CACHE_LOCK:
        hit = _TIES.get(owner.pk)
    if hit is not None and hit[0] == key:
        return hit
    entry = (key, *_ties(owner, day))
    _keep(_TIES, owner, entry)
    return entry


def _build(owner: Owner, day: dt.date, key: tuple[Any, ...] | None) -> Network:
    _scored, ties, trends = ties_of(owner, day)
    source = Links(owner, day)
    links = source.edges()
    ends = np.fromiter((x for a, b, _w in links for x in (a, b)), dtype=np.int64)
    ids = np.unique(np.concatenate((ends, np.fromiter(ties, dtype=np.int64))))
    index = {int(pid): i for i, pid in enumerate(ids.tolist())}
    la = np.searchsorted(ids, ends[0::2])
    lb = np.searchsorted(ids, ends[1::2])
    lw = np.fromiter((w for _a, _b, w in links), dtype=np.float32)
    g = graph.build(len(ids), la, lb, lw)
    passable = np.zeros(len(ids), dtype=bool)
    for pid, (tier, _score) in ties.items():
        if tier in TIERS and tier != "stranger":
            passable[index[pid]] = True
    return Network(ties, trends, source, ids, index, g, passable, key)


def network(owner: Owner, day: dt.date, scored: Any = None) -> Network:
    """The network as of `day`: today's from the process's cache when neither the
    links nor the trust scores changed since it was built; a past day's built afresh."""
    if day != timezone.localdate():
        return _build(owner, day, None)
    if scored is None:
        scored = _ties_entry(owner, day)[0]
    fresh_links(owner)
    state = (
        InferencePass.objects.filter(owner=owner)
        .values_list("pk", "links_version", "decayed_on", "ran_at")
        .first()
    )
    key = (state, scored)
    with _CACHE_LOCK:
        hit = _CACHE.get(owner.pk)
    if hit is not None and hit.key == key:
        return hit
    built = _build(owner, day, key)
    _keep(_CACHE, owner, built)
    return built


def forget_network(owner: Owner) -> None:
    """Drop the cached graph (a path named someone deleted since it was built)."""
    with _CACHE_LOCK:
        _CACHE.pop(owner.pk, None)
        _TIES.pop(owner.pk, None)
