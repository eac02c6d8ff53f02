"""Benchmark the warm path search on a synthetic graph, beside networkx, igraph and rustworkx.

    pip install -e '.[bench]'       # networkx, igraph, rustworkx: bench only, not troth's
    python bench/bench_paths.py [--nodes 1000000] [--links 10000000] [--queries 200]
                                [--against REV] [--no-libraries]

Target (issue 12): on a 1,000,000-person, 10,000,000-link graph, one hop-bounded
search (3 edges from me, 150 first hops) p95 <= 5 ms. The same random targets are
then asked of the libraries on the same graph, in the same run: the fewest hops
(unweighted shortest path: what LinkedIn shows) and the most reliable path (Dijkstra
with weights -ln(strength), anchors.md "Paths"), both unbounded. The graph is
uniform random (every node about 20 links); "me" is a node outside it whose first
hops are 150 random nodes with random trust (a node of the libraries' graphs).
networkx's Dijkstra is its bidirectional one (its one-way Dijkstra took 1.5 s a query
on 20,000 nodes); igraph and rustworkx have one-way searches that stop at the target.
rustworkx reads each edge's weight through a Python callable, its API's only way.

Memory: each line says how much resident memory the library's graph added. networkx
keeps a dict per node and per edge (about 300 MB per million links, plus the nodes):
it gets the same graph when the machine has room for it (under half of what is
available), else a graph of its own with `--nx-nodes` nodes and the same mean degree,
where troth's search is timed again for a like-for-like line. The libraries answer
`--lib-queries` of the targets (their unbounded searches take seconds each).
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import Machine, record  # noqa: E402
from troth.warmpaths import graph  # noqa: E402  (pure: no Django needed)


def rss_mb() -> float:
    """Resident memory now (Linux), to say what each library's graph costs."""
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return float("nan")


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


def random_graph(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, ...]:
    """Uniform random links, each pair once, with strengths in [0.2, 1)."""
    a = rng.integers(0, n, size=m, dtype=np.int64)
    b = rng.integers(0, n, size=m, dtype=np.int64)
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = np.unique(lo * n + hi)  # each pair once
    lo, hi = pairs // n, pairs % n
    w = rng.uniform(0.2, 1.0, size=len(lo)).astype(np.float32)
    return lo, hi, w


def baseline_graph(rev: str) -> types.ModuleType:
    """troth's graph.py as it was at git revision `rev`, to time beside today's."""
    root = Path(__file__).resolve().parents[1]
    src = subprocess.run(
        ["git", "show", f"{rev}:src/troth/warmpaths/graph.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("graph_at_" + rev.replace("~", "_").replace("^", "_"))
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(src, f"{rev}:graph.py", "exec"), module.__dict__)
    return module


def side_by_side(
    rev: str, g: graph.Graph, first_hops: list, targets: list[int], n: int
) -> dict[str, float]:
    """The search at `rev` and today's on the same graph, first hops and targets,
    alternating per query (which goes first alternates too) so both see the same
    load; wall time and the process's CPU time (what preemption on a loaded machine
    does not inflate); and a check that both find the same paths."""
    old = baseline_graph(rev)
    og = old.Graph(g.indptr, g.indices, g.weights, np.full(n, old.FAR, dtype=np.int8))
    passable = np.ones(n, dtype=bool)
    out: dict[str, float] = {}
    for hops in (3, 4):
        wall: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        differ = 0
        for i, t in enumerate(targets):
            got = {}
            order = (("new", graph, g), ("old", old, og))
            for name, mod, gr in order if i % 2 == 0 else order[::-1]:
                w0, c0 = time.perf_counter(), time.process_time()
                found = mod.search(gr, first_hops, [(t, 0)], max_hops=hops, passable=passable)
                wall[name].append((time.perf_counter() - w0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
                got[name] = [(f.nodes, round(f.weakest, 6)) for f in found]
            differ += got["old"] != got["new"]
        for name in ("old", "new"):
            label = f"{hops} edges, {'graph.py at ' + rev if name == 'old' else 'this tree'}"
            print(
                f"{label:<42} wall p50 {statistics.median(wall[name]):6.2f} p95 "
                f"{pct(wall[name], 95):6.2f} ms; CPU p50 {statistics.median(cpu[name]):6.2f} "
                f"p95 {pct(cpu[name], 95):6.2f} mean {statistics.fmean(cpu[name]):6.2f} ms"
            )
            out[f"{hops} edges {name} p95 ms"] = round(pct(wall[name], 95), 2)
            out[f"{hops} edges {name} CPU p95 ms"] = round(pct(cpu[name], 95), 2)
        print(f"    {differ} of {len(targets)} queries answered differently")
    return out


def troth_lines(
    label: str, g: graph.Graph, first_hops: list, targets: list[int], n: int
) -> dict[str, float]:
    passable = np.ones(n, dtype=bool)
    out = {}

    def ours(target: int, hops: int):
        return graph.search(g, first_hops, [(target, 0)], max_hops=hops, passable=passable)

    ours(targets[0], 3)  # warm up numpy
    for hops in (3, 4):
        times, results = timed(lambda t, h=hops: ours(t, h), targets)
        found = sum(bool(r) for r in results)
        print(line(f"troth bounded search, {hops} edges{label}", times, found, len(targets)))
        out[f"troth {hops} edges{label} p95 ms"] = round(pct(times, 95), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--first-hops", type=int, default=150)
    ap.add_argument("--lib-queries", type=int, default=10, help="queries asked of each library")
    ap.add_argument(
        "--nx-nodes",
        type=int,
        default=100_000,
        help="networkx's own graph, if the full one won't fit",
    )
    ap.add_argument("--no-libraries", action="store_true")
    ap.add_argument(
        "--against",
        metavar="REV",
        help="also time graph.py as it was at this git revision, query by query beside today's",
    )
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    machine = Machine.read()
    print(machine.line())
    rng = np.random.default_rng(args.seed)
    n, m = args.nodes, args.links
    figures: dict[str, object] = {}

    before = rss_mb()
    start = time.perf_counter()
    lo, hi, w = random_graph(rng, n, m)
    g = graph.build(n, lo, hi, w)
    built = time.perf_counter() - start
    print(
        f"graph: {n:,} nodes, {len(lo):,} links, CSR built in {built:.1f} s,"
        f" about {rss_mb() - before:.0f} MB resident with the edge arrays"
    )

    firsts = rng.choice(n, size=args.first_hops, replace=False)
    first_hops = [
        (int(c), float(t)) for c, t in zip(firsts, rng.uniform(0.4, 1.0, len(firsts)), strict=True)
    ]
    targets = rng.choice(n, size=args.queries, replace=False).tolist()
    figures.update(troth_lines("", g, first_hops, targets, n))
    if args.against:
        figures.update(side_by_side(args.against, g, first_hops, targets, n))
    asked = targets[: args.lib_queries]
    if not args.no_libraries:
        figures.update(igraph_lines(n, lo, hi, w, first_hops, asked))
        figures.update(rustworkx_lines(n, lo, hi, w, first_hops, asked))
        del g
        gc.collect()
        need_mb = 300 * len(lo) / 1e6 + 600 * n / 1e6
        if need_mb < available_mb() / 2:
            figures.update(networkx_lines(n, lo, hi, w, first_hops, asked, ""))
        else:
            print(
                f"networkx would need about {need_mb:,.0f} MB for this graph, more than half of"
                f" the {available_mb():,.0f} MB available: it gets a smaller graph of its own"
            )
            figures.update(networkx_small(args, rng, m_per_n=m / n))
    record("bench_paths", machine, figures, note=f"{n:,} nodes, {len(lo):,} links")


def _lib_rows(label: str, short: Callable, reliable: Callable, asked: list[int]) -> dict:
    out = {}
    for kind, fn in (("fewest hops", short), ("dijkstra -ln strength", reliable)):
        times, results = timed(fn, asked)
        print(line(f"{label} {kind}", times, sum(bool(r) for r in results), len(asked)))
        out[f"{label} {kind} p50 ms"] = round(statistics.median(times), 1)
    return out


def igraph_lines(n, lo, hi, w, first_hops, asked) -> dict:
    try:
        import igraph as ig
    except ImportError:
        print("igraph is not installed (pip install igraph): skipped")
        return {}
    before = rss_mb()
    start = time.perf_counter()
    me = n
    edges = np.column_stack(
        (
            np.concatenate((lo, np.full(len(first_hops), me))),
            np.concatenate((hi, [c for c, _t in first_hops])),
        )
    )
    cost = np.concatenate((-np.log(w.astype(np.float64)), [-math.log(t) for _c, t in first_hops]))
    G = ig.Graph(n=n + 1, edges=edges, directed=False)
    G.es["cost"] = cost.tolist()
    print(
        f"igraph {ig.__version__} graph built in {time.perf_counter() - start:.1f} s,"
        f" {rss_mb() - before:.0f} MB resident"
    )
    out = _lib_rows(
        "igraph",
        lambda t: G.get_shortest_path(me, t),
        lambda t: G.get_shortest_path(me, t, weights="cost"),
        asked,
    )
    return out  # the graph goes with this frame


def rustworkx_lines(n, lo, hi, w, first_hops, asked) -> dict:
    try:
        import rustworkx as rx
    except ImportError:
        print("rustworkx is not installed (pip install rustworkx): skipped")
        return {}
    before = rss_mb()
    start = time.perf_counter()
    me = n
    G = rx.PyGraph(multigraph=False)
    G.add_nodes_from(range(n + 1))
    cost = (-np.log(w.astype(np.float64))).tolist()
    G.add_edges_from(list(zip(lo.tolist(), hi.tolist(), cost, strict=True)))
    G.add_edges_from([(me, c, -math.log(t)) for c, t in first_hops])
    print(
        f"rustworkx {rx.__version__} graph built in {time.perf_counter() - start:.1f} s,"
        f" {rss_mb() - before:.0f} MB resident"
    )
    out = _lib_rows(
        "rustworkx",
        lambda t: rx.graph_dijkstra_shortest_paths(G, me, target=t, default_weight=1.0),
        lambda t: rx.graph_dijkstra_shortest_paths(G, me, target=t, weight_fn=float),
        asked,
    )
    return out  # the graph goes with this frame


def available_mb() -> float:
    for row in Path("/proc/meminfo").read_text().splitlines():
        if row.startswith("MemAvailable:"):
            return int(row.split()[1]) / 1024
    return 0.0


def networkx_small(args, rng, *, m_per_n: float) -> dict:
    n = args.nx_nodes
    lo, hi, w = random_graph(rng, n, int(n * m_per_n))
    g = graph.build(n, lo, hi, w)
    firsts = rng.choice(n, size=args.first_hops, replace=False)
    first_hops = [
        (int(c), float(t)) for c, t in zip(firsts, rng.uniform(0.4, 1.0, len(firsts)), strict=True)
    ]
    targets = rng.choice(n, size=args.queries, replace=False).tolist()
    label = f" ({n:,} nodes)"
    print(f"networkx's own graph: {n:,} nodes, {len(lo):,} links (same mean degree)")
    out = troth_lines(label, g, first_hops, targets, n)
    out.update(networkx_lines(n, lo, hi, w, first_hops, targets[: args.lib_queries], label))
    return out


def networkx_lines(n, lo, hi, w, first_hops, asked, label: str) -> dict:
    try:
        import networkx as nx
    except ImportError:
        print("networkx is not installed (pip install networkx): skipped")
        return {}
    before = rss_mb()
    start = time.perf_counter()
    G = nx.Graph()
    G.add_nodes_from(range(n + 1))
    me = n  # a node of its own, linked to the first hops
    cost = -np.log(w.astype(np.float64))
    G.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), cost.tolist(), strict=True))
    G.add_weighted_edges_from((me, c, -math.log(t)) for c, t in first_hops)
    added = rss_mb() - before
    print(
        f"networkx {nx.__version__} graph built in {time.perf_counter() - start:.1f} s,"
        f" {added:,.0f} MB resident"
    )
    out = _lib_rows(
        f"networkx{label}",
        lambda t: nx.shortest_path(G, me, t),
        lambda t: nx.bidirectional_dijkstra(G, me, t, weight="weight")[1],
        asked,
    )
    out[f"networkx{label} MB"] = round(added)
    return out  # the graph goes with this frame


if __name__ == "__main__":
    main()
