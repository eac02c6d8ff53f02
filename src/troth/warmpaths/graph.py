"""Warm path search over compressed adjacency arrays (pure: no Django).

The graph holds the links between the owner's people (not the owner: my own ties
come in as `first_hops`, weighted by trust). A search is hop-bounded (at most 4
edges): a reverse breadth-first pass from the targets marks how many edges each
person is from one (only through passable people), then a depth-first walk from
each of my first hops follows only people that can still reach a target in the
edges left. That visits a few thousand entries of a million-node graph where an
unbounded shortest-path search would visit all of it (anchors.md, "Paths").

Ranking (issue 12): a path is only as strong as its weakest hop; rank by the
target's class (current employees before alumni), then the weakest hop, then
fewer hops, then the total; one path per first hop (asking one connector five
times is not five paths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array

MAX_HOPS = 4
FAR = np.int8(127)


@dataclass(frozen=True)
class Graph:
    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int32 neighbours
    weights: np.ndarray  # float32 link strengths, same order as indices
    # Hops-to-target per node, FAR everywhere between searches: allocating a fresh
    # array per search costs more than the search (page faults on a busy machine), so
    # each search marks what it touched and resets it. One search at a time per Graph.
    scratch: np.ndarray
    # My first hops' neighbourhoods (`_Firsts`), by the first hops: one owner's
    # queries ask from the same first hops, and gathering ~3,000 neighbours of 150
    # first hops out of a 10-million-link array was a third of a 4-edge search.
    memo: dict[bytes, _Firsts] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        return len(self.indptr) - 1


def build(
    n: int,
    a: Sequence[int] | np.ndarray,
    b: Sequence[int] | np.ndarray,
    w: Sequence[float] | np.ndarray,
) -> Graph:
    """An undirected graph of n nodes from edge arrays (node indices 0..n-1, each pair once)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.asarray(w, dtype=np.float32)
    rows = np.concatenate((a, b))
    cols = np.concatenate((b, a))
    data = np.concatenate((w, w))
    m = csr_array((data, (rows, cols)), shape=(n, n))
    m.sort_indices()
    return Graph(
        m.indptr.astype(np.int64),
        m.indices.astype(np.int32),
        m.data.astype(np.float32),
        np.full(n, FAR, dtype=np.int8),
    )


@dataclass(frozen=True)
class _Firsts:
    nodes: np.ndarray  # int64 first hops
    ties: list[float]  # my tie with each
    near: np.ndarray  # their neighbours, concatenated
    owner: np.ndarray  # near[i] is a neighbour of nodes[owner[i]]


MEMO_SIZE = 16


def _firsts(g: Graph, first_hops: Sequence[tuple[int, float]]) -> _Firsts:
    nodes = np.fromiter((int(c) for c, _t in first_hops), dtype=np.int64, count=len(first_hops))
    ties = [float(t) for _c, t in first_hops]
    key = nodes.tobytes() + np.asarray(ties, dtype=np.float64).tobytes()
    found = g.memo.get(key)
    if found is None:
        lens = g.indptr[nodes + 1] - g.indptr[nodes]
        owner = np.repeat(np.arange(len(nodes)), lens)
        found = _Firsts(nodes, ties, _neighbours(g, nodes), owner)
        if len(g.memo) >= MEMO_SIZE:
            g.memo.pop(next(iter(g.memo)))
        g.memo[key] = found
    return found


@dataclass(frozen=True)
class Found:
    """One path from me: `nodes[0]` is my first hop, `nodes[-1]` the target; `weights[0]`
    is my tie with the first hop, `weights[i]` the link into `nodes[i]`."""

    nodes: tuple[int, ...]
    weights: tuple[float, ...]
    target_rank: int

    @property
    def weakest(self) -> float:
        return min(self.weights)

    @property
    def total(self) -> float:
        return float(sum(self.weights))

    @property
    def hops(self) -> int:
        return len(self.nodes)

    def key(self) -> tuple[int, float, int, float]:
        """Smaller is better."""
        return (self.target_rank, -round(self.weakest, 9), self.hops, -round(self.total, 9))


def _neighbours(g: Graph, frontier: np.ndarray) -> np.ndarray:
    starts = g.indptr[frontier]
    lens = g.indptr[frontier + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.int32)
    offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
    return g.indices[offsets]


def distances_to(
    g: Graph, targets: np.ndarray, levels: int, passable: np.ndarray | None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Edges from each node to the nearest target (FAR beyond `levels`), walking only
    through passable nodes (targets themselves need not be); in `g.scratch`, with the
    nodes marked (for `_reset`)."""
    dist = g.scratch
    dist[targets] = 0
    frontier = np.unique(targets)
    marked = [frontier]
    for level in range(1, levels + 1):
        if len(frontier) == 0:
            break
        # no np.unique (a sort per level): a node reached twice in one level is
        # expanded twice at the next, cheaper than sorting every level
        near = _neighbours(g, frontier)
        near = near[dist[near] == FAR]
        if passable is not None:
            near = near[passable[near]]
        dist[near] = level
        marked.append(near)
        frontier = near
    return dist, marked


def _reset(g: Graph, marked: list[np.ndarray]) -> None:
    for nodes in marked:
        g.scratch[nodes] = FAR


def search(
    g: Graph,
    first_hops: Sequence[tuple[int, float]],
    targets: Sequence[tuple[int, int]],
    *,
    max_hops: int = 3,
    passable: np.ndarray | None = None,
    top: int = 5,
) -> list[Found]:
    """The best path through each usable first hop to any target, best first.

    `first_hops`: (node, my tie's weight) for people I may ask (already filtered by
    the trust floor). `targets`: (node, rank), rank 0 for the best kind of target.
    `passable[v]`: v may be an intermediate hop. Paths have at most `max_hops` edges
    counting my own (so `max_hops - 1` inside the graph)."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise ValueError(f"max_hops must be 1 to {MAX_HOPS}")
    if not targets or not first_hops:
        return []
    rank = {int(t): int(r) for t, r in targets}
    tnodes = np.fromiter(rank, dtype=np.int64)
    inner = max_hops - 1
    # Meet in the middle: the reverse pass stops one level short (its last level would
    # be about 20 times the size of the one before), and the first hops are tested
    # against it through their own neighbours, all at once.
    dist, marked = distances_to(g, tnodes, max(inner - 1, 0), passable)
    try:
        return _search(g, first_hops, rank, dist, inner, passable, top)
    finally:
        _reset(g, marked)


def _search(
    g: Graph,
    first_hops: Sequence[tuple[int, float]],
    rank: dict[int, int],
    dist: np.ndarray,
    inner: int,
    passable: np.ndarray | None,
    top: int,
) -> list[Found]:
    prepared = _firsts(g, first_hops)
    firsts, ties = prepared.nodes, prepared.ties
    hopeful = dist[firsts] == 0
    if inner >= 1:
        near = dist[prepared.near] <= inner - 1
        hopeful |= np.bincount(prepared.owner[near], minlength=len(firsts)) > 0
    best: dict[int, Found] = {}
    for k in np.flatnonzero(hopeful).tolist():
        c = int(firsts[k])
        found = _walk(g, c, ties[k], rank, dist, inner, passable)
        if found is not None:
            best[c] = found
    return sorted(best.values(), key=Found.key)[:top]


def _walk(
    g: Graph,
    start: int,
    tie: float,
    rank: dict[int, int],
    dist: np.ndarray,
    edges_left: int,
    passable: np.ndarray | None,
) -> Found | None:
    """The best path from `start` (reached with weight `tie`) to a target."""
    best: Found | None = None
    path, weights = [start], [tie]

    def visit(node: int, left: int) -> None:
        nonlocal best
        if node in rank:  # a target ends the path
            found = Found(tuple(path), tuple(weights), rank[node])
            if best is None or found.key() < best.key():
                best = found
            return
        if left == 0 or (passable is not None and not passable[node] and len(path) > 1):
            return
        lo, hi = int(g.indptr[node]), int(g.indptr[node + 1])
        nbrs = g.indices[lo:hi]
        ws = g.weights[lo:hi]
        ok = dist[nbrs] <= left - 1
        for nxt, w in zip(nbrs[ok].tolist(), ws[ok].tolist(), strict=True):
            if nxt in path:
                continue
            path.append(nxt)
            weights.append(w)
            visit(nxt, left - 1)
            path.pop()
            weights.pop()

    visit(start, edges_left)
    return best
