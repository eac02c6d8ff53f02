"""Benchmark the trust engine on SQLite: full recompute, one relationship's update, memory.

    python bench/bench_trust.py [--people 30000] [--interactions 1000000]

Targets (issue 3): full recompute for 30,000 people and 1,000,000 interactions
<= 2 s; one relationship's update after a new interaction <= 10 ms (issue 20: the
full recompute <= 1 s). The machine line (bench/machine.py) is printed first and
the figures go to bench/RESULTS.md. Each size
runs in its own process and TROTH_HOME; a tenth-size run is printed beside it
as the in-run baseline for scaling.

The run prints, at each size: the history's load and the engine alone; three full
recomputes: all rows summed (as before issue 20's summed past), the one that sums the
past (troth.trust.past: the first, then about once a month, or after an import's undo)
and the median of three that keep it (CPU seconds beside: SQLite runs in this process);
the first recompute of a new day (every score's as_of changes, so every row is
written: the median of three days); one tie's update after a logged interaction; an
interaction logged before the past's day (which re-sums its tie); the peak memory.
What was measured and tried along the way, with dates and commits, is in
bench/FINDINGS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import Machine, record  # noqa: E402


def run_one(people: int, interactions: int) -> dict:
    home = tempfile.mkdtemp(prefix="troth-bench-trust-")
    os.environ["TROTH_HOME"] = home
    os.environ.pop("TROTH_DATABASE_URL", None)
    from django.db import transaction
    from django.utils import timezone

    from troth import bootstrap

    bootstrap.setup()
    from troth.interactions.actions import do_log_interaction
    from troth.owners import local_owner
    from troth.people.models import Person
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network
    from troth.trust.actions import day_number, do_recompute_trust, do_update_trust
    from troth.trust.engine import compute
    from troth.trust.history import load_history
    from troth.trust.past import drop_past, past_day
    from troth.trust.queries import trust_list

    owner = local_owner()
    with transaction.atomic():
        load_network(
            owner,
            generate_network(people=people, seed=7, interactions_per_person=interactions / people),
        )
    today = timezone.localdate()
    out: dict = {"people": people, "interactions": interactions}

    t = time.perf_counter()
    history, _ids = load_history(owner)
    out["load_history_s"] = time.perf_counter() - t
    t = time.perf_counter()
    compute(history, day_number(today))
    out["compute_s"] = time.perf_counter() - t

    # Before issue 20's summed past: every interaction summed on each recompute.
    with transaction.atomic():
        drop_past(owner)
        t, c = time.perf_counter(), time.process_time()
        do_recompute_trust(owner, today, keep_past=False)
        out["full_recompute_all_rows_s"] = time.perf_counter() - t
        out["full_recompute_all_rows_cpu_s"] = time.process_time() - c
    # The first recompute (and one a month after it) sums the past into TiePast...
    with transaction.atomic():
        t = time.perf_counter()
        do_recompute_trust(owner, today)
        out["full_recompute_summing_past_s"] = time.perf_counter() - t
    # ... the others read it and sum only the rows since its day; on the day of the
    # last recompute (after a write the signals did not see: an import, a merge) only
    # the scores that changed are written.
    kept, kept_cpu = [], []
    for _ in range(3):
        with transaction.atomic():
            t, c = time.perf_counter(), time.process_time()
            do_recompute_trust(owner, today)
            kept.append(time.perf_counter() - t)
            kept_cpu.append(time.process_time() - c)
    out["full_recompute_s"] = statistics.median(kept)
    # CPU seconds of this process (SQLite runs in it): less hit by a busy machine.
    out["full_recompute_cpu_s"] = statistics.median(kept_cpu)
    # The first recompute of each new day: every score's as_of changes, so every row
    # is written (the median of three days; the past is kept across them).
    days, days_cpu = [], []
    for ahead in (1, 2, 3):
        with transaction.atomic():
            t, c = time.perf_counter(), time.process_time()
            do_recompute_trust(owner, today + dt.timedelta(days=ahead))
            days.append(time.perf_counter() - t)
            days_cpu.append(time.process_time() - c)
            transaction.set_rollback(True)
    out["full_recompute_new_day_s"] = statistics.median(days)
    out["full_recompute_new_day_cpu_s"] = statistics.median(days_cpu)

    t = time.perf_counter()
    rows = trust_list(owner)
    out["list_cached_s"] = time.perf_counter() - t
    out["listed"] = len(rows)

    busiest = list(Person.objects.filter(owner=owner, is_me=False).order_by("id")[:50])
    times = []
    for person in busiest:
        with transaction.atomic():
            do_log_interaction(owner, person, "call", minutes=15, they_started=True)
            t = time.perf_counter()
            do_update_trust(owner, person, today)
            times.append(time.perf_counter() - t)
    out["update_one_median_ms"] = statistics.median(times) * 1000
    out["update_one_p95_ms"] = sorted(times)[int(len(times) * 0.95) - 1] * 1000
    # An interaction logged before the past's day: its tie's past is summed again.
    base = past_day(owner)
    when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=(base or 0) - 10.5)
    logged = []
    for person in busiest:
        with transaction.atomic():
            t = time.perf_counter()
            do_log_interaction(owner, person, "call", when=when, minutes=15)
            logged.append(time.perf_counter() - t)
    out["log_into_past_median_ms"] = statistics.median(logged) * 1000
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.people, args.interactions)))
        return
    machine = Machine.read()
    print(machine.line())
    results = []
    for people, interactions in (
        (args.people // 10, args.interactions // 10),
        (args.people, args.interactions),
    ):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--single",
                "--people",
                str(people),
                "--interactions",
                str(interactions),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"SQLite, {os.cpu_count()} CPUs (targets: full recompute <= 1 s, one update <= 10 ms)")
    keys = [k for k in results[0] if k not in ("people", "interactions")]
    print(f"{'':28}" + "".join(f"{r['people']:>8} ppl/{r['interactions']:>8} ix" for r in results))
    for k in keys:
        print(f"{k:28}" + "".join(f"{r[k]:>24.3f}" for r in results))
    full = results[-1]
    record(
        "bench_trust",
        machine,
        {
            "full recompute s": round(full["full_recompute_s"], 2),
            "full recompute CPU s": round(full["full_recompute_cpu_s"], 2),
            "full recompute, a new day s": round(full["full_recompute_new_day_s"], 2),
            "full recompute, a new day CPU s": round(full["full_recompute_new_day_cpu_s"], 2),
            "full recompute, all rows s": round(full["full_recompute_all_rows_s"], 2),
            "full recompute, summing the past s": round(full["full_recompute_summing_past_s"], 2),
            "log into the past median ms": round(full["log_into_past_median_ms"], 1),
            "load_history s": round(full["load_history_s"], 2),
            "compute s": round(full["compute_s"], 3),
            "one update median ms": round(full["update_one_median_ms"], 1),
            "one update p95 ms": round(full["update_one_p95_ms"], 1),
            "baseline (tenth) full recompute s": round(results[0]["full_recompute_s"], 2),
        },
        note=f"{full['people']} people",
    )


if __name__ == "__main__":
    main()
