"""People search in process: `find_people` over the web benchmark's queries.

    python bench/bench_search.py [--home /tmp/troth-bench-web-30000p-1000000i-s7]

Reads the network and the few hundred two- to four-letter queries that
bench/bench_web.py built (run it once first), and times each query's
`find_people` (the ids in rank order, what the People page and `troth people`
read) three times, keeping the fastest. Printed: median, p95 and max in ms, for
all queries and for the two-letter ones, beside the machine line and a baseline
from the same run: the list with no query (every person in name order).
Target (issue 20): the People search page's server p95 <= 100 ms at 20 clients,
of which this is the part the index serves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).parent))
from machine import Machine, record  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def best_of(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default="/tmp/troth-bench-web-30000p-1000000i-s7")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    home = Path(args.home)
    os.environ["TROTH_HOME"] = str(home)
    os.environ.pop("TROTH_DATABASE_URL", None)
    from troth import bootstrap

    bootstrap.setup()
    from troth.owners import local_owner
    from troth.people.queries import find_people

    owner = local_owner()
    queries = [
        unquote(line.split("q=", 1)[1])
        for line in (home / "bench-search.txt").read_text().split()
        if "q=" in line
    ]
    m = Machine.read()
    print(m.line())
    find_people(owner, query="warm")  # connections and caches
    baseline = best_of(lambda: find_people(owner))
    times = {q: best_of(lambda q=q: find_people(owner, query=q)) for q in queries}
    two = [t for q, t in times.items() if len(q) == 2]
    allt = list(times.values())
    print(f"{len(queries)} queries ({len(two)} of two letters), ms, best of 3 each")
    print(f"  baseline, no query: {baseline:.1f}")
    print(
        f"  all: median {statistics.median(allt):.1f}, p95 {pct(allt, 95):.1f}, max {max(allt):.1f}"
    )
    if two:
        print(
            f"  two letters: median {statistics.median(two):.1f}, p95 {pct(two, 95):.1f},"
            f" max {max(two):.1f}"
        )
    if not args.no_record:
        record(
            "bench_search",
            m,
            {
                "median ms": round(statistics.median(allt), 1),
                "p95 ms": round(pct(allt, 95), 1),
                "two-letter p95 ms": round(pct(two, 95), 1) if two else None,
                "no-query baseline ms": round(baseline, 1),
            },
        )


if __name__ == "__main__":
    main()
