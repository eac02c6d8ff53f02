"""What the rhythm term costs when activity is scored (issue 16: the app's scoring of
30,000 people and `troth eval persistence` on a million messages must not slow down).

    python bench/bench_activity_rhythm.py [--ties 30000 300000]

Times the shipped model on random ties beside the same model without its rhythm
column (the five features it had before), in the same run; best of 7 repetitions.
The rhythm reads three numbers every tie already has (contacts, first, last), so the
whole cost is a few array operations.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import Machine, record  # noqa: E402
from troth.trust.activity import activity, app_inputs, shipped_model  # noqa: E402

DAY = 20_000.0


def ties(n: int, seed: int = 5):
    rng = np.random.default_rng(seed)
    total = rng.integers(1, 200, n).astype(np.float64)
    first = DAY - rng.uniform(1, 900, n)
    last = np.minimum(first + rng.uniform(0, 900, n), DAY - 0.5)
    return app_inputs(
        total,
        first,
        last,
        rng.uniform(0, 5, n),
        rng.uniform(0, 20, n),
        rng.integers(0, 13, n).astype(np.float64),
        rng.integers(0, 19, n).astype(np.float64),
        np.minimum(total, rng.integers(1, 200, n)).astype(np.float64),
    )


def best(fn, reps: int = 7) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ties", type=int, nargs="+", default=[30_000, 300_000])
    args = ap.parse_args()
    m = shipped_model()
    keep = [i for i, n in enumerate(m.names) if n != "rhythm_odds"]
    five = replace(
        m,
        names=tuple(m.names[i] for i in keep),
        mean=m.mean[keep],
        scale=m.scale[keep],
        coef=m.coef[keep],
        rhythm=None,
    )
    machine = Machine.read()
    print(machine.line())
    figures: dict[str, object] = {}
    for n in args.ties:
        x = ties(n)
        with_rhythm = best(lambda: activity(x, DAY, m))  # noqa: B023
        without = best(lambda: activity(x, DAY, five))  # noqa: B023
        print(f"{n:>9,} ties: {1000 * with_rhythm:7.2f} ms with the rhythm, "
              f"{1000 * without:7.2f} ms without (same run)")  # fmt: skip
        figures[f"{n}_ms"] = round(1000 * with_rhythm, 2)
        figures[f"{n}_ms_without"] = round(1000 * without, 2)
    record("bench_activity_rhythm", machine, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
