"""Benchmark the warm path search on a synthetic graph, beside networkx in the same run.

    pip install networkx            # bench only: troth does not depend on it
    python bench/bench_paths.py [--nodes 1000000] [--links 10000000] [--queries 200]

Target (issue 12): on a 1,000,000-person, 10,000,000-link graph, one hop-bounded
search (3 edges from me, 150 first hops) p95 <= 5 ms. The same random targets are
then asked of networkx on the same graph: `shortest_path` (unweighted, bidirectional
BFS: the fewest hops, what LinkedIn shows) and `dijkstra_path` with weights
-ln(strength) (the most reliable path, anchors.md "Paths"), both unbounded. The
graph is uniform random (every node about 20 links), "me" is a node outside it whose
first hops are 150 random nodes with random trust.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from troth.warmpaths import graph  # noqa: E402  (pure: no Django needed)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(fn, queries) -> tuple[list[float], list]:
    times, results = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def line(label: str, times: list[float], found: int, total: int) -> str:
    return (
        f"{label:<42} p50 {statistics.median(times):9.2f} ms  p95 {pct(times, 95):9.2f} ms"
        f"  max {max(times):9.2f} ms  found {found}/{total}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--first-hops", type=int, default=150)
    ap.add_argument("--nx-queries", type=int, default=20, help="queries asked of networkx")
    ap.add_argument("--no-networkx", action="store_true")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n, m = args.nodes, args.links

    start = time.perf_counter()
    a = rng.integers(0, n, size=m, dtype=np.int64)
    b = rng.integers(0, n, size=m, dtype=np.int64)
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = np.unique(lo * n + hi)  # each pair once
    lo, hi = pairs // n, pairs % n
    w = rng.uniform(0.2, 1.0, size=len(lo)).astype(np.float32)
    del a, b, keep, pairs
    g = graph.build(n, lo, hi, w)
    built = time.perf_counter() - start
    print(f"graph: {n:,} nodes, {len(lo):,} links, CSR built in {built:.1f} s")

    firsts = rng.choice(n, size=args.first_hops, replace=False)
    first_hops = [
        (int(c), float(t)) for c, t in zip(firsts, rng.uniform(0.4, 1.0, len(firsts)), strict=True)
    ]
    targets = rng.choice(n, size=args.queries, replace=False).tolist()
    passable = np.ones(n, dtype=bool)

    def ours(target: int, hops: int = 3):
        return graph.search(g, first_hops, [(target, 0)], max_hops=hops, passable=passable)

    ours(targets[0])  # warm up numpy
    for hops in (3, 4):
        times, results = timed(lambda t, h=hops: ours(t, h), targets)
        print(
            line(
                f"troth bounded search, {hops} edges",
                times,
                sum(bool(r) for r in results),
                len(targets),
            )
        )
    print(f"peak memory so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    if args.no_networkx:
        return
    try:
        import networkx as nx
    except ImportError:
        print("networkx is not installed (pip install networkx): skipped")
        return
    start = time.perf_counter()
    G = nx.Graph()
    G.add_nodes_from(range(n + 1))
    me = n  # a node of its own, linked to the first hops
    cost = -np.log(w)
    G.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), cost.tolist(), strict=True))
    G.add_weighted_edges_from((me, c, -math.log(t)) for c, t in first_hops)
    print(f"networkx graph built in {time.perf_counter() - start:.1f} s")
    asked = targets[: args.nx_queries]
    times, results = timed(lambda t: nx.shortest_path(G, me, t), asked)
    print(line("networkx shortest_path (fewest hops)", times, len(results), len(asked)))
    times, results = timed(lambda t: nx.dijkstra_path(G, me, t, weight="weight"), asked)
    print(line("networkx dijkstra_path (-ln strength)", times, len(results), len(asked)))
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
