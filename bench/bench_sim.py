"""Benchmark the simulator: generate and load a large network into SQLite.

    python bench/bench_sim.py [--people 30000] [--interactions 1000000]

Runs the requested size and a tenth of it (3,000 people by default) to show how
time and memory scale. Each size runs in its own process with its own
TROTH_HOME, so peak memory (getrusage) and the database are not shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(people: int, interactions: int, seed: int) -> dict:
    """Generate and load one network in this process (TROTH_HOME is already set)."""
    from troth.bootstrap import setup

    setup()
    from django.db import transaction

    from troth.owners import local_owner
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network

    owner = local_owner()
    started = time.perf_counter()
    network = generate_network(
        people=people, seed=seed, interactions_per_person=interactions / people
    )
    generated = time.perf_counter()
    with transaction.atomic():
        counts = load_network(owner, network)
    loaded = time.perf_counter()  # includes the commit
    database = Path(os.environ["TROTH_HOME"]) / "troth.sqlite3"
    return {
        "people": people,
        "generate_seconds": round(generated - started, 2),
        "load_seconds": round(loaded - generated, 2),
        "total_seconds": round(loaded - started, 2),
        # ru_maxrss is in KiB on Linux (bytes on macOS)
        "peak_memory_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / (1024 * 1024 if sys.platform == "darwin" else 1024)
        ),
        "database_mib": round(
            sum(p.stat().st_size for p in database.parent.glob("troth.sqlite3*")) / 2**20
        ),
        "rows": counts,
    }


def _child_env(home: str) -> dict[str, str]:
    env = dict(os.environ, TROTH_HOME=home)
    env.pop("TROTH_DATABASE_URL", None)  # always SQLite
    env["DJANGO_SETTINGS_MODULE"] = "troth.settings"
    return env


def migrated_database(folder: str) -> Path:
    """One migrated troth.sqlite3 that every size starts from (a copy each): a migrate
    costs some 8-10 s of CPU, more than the whole smoke run's loading, and is no part
    of what is measured (issue 19: CI time)."""
    subprocess.run(
        [sys.executable, "-m", "troth.manage", "migrate", "-v0"],
        env=_child_env(folder),
        check=True,
        capture_output=True,
    )
    return Path(folder) / "troth.sqlite3"


def run_child(people: int, interactions: int, seed: int, migrated: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="troth-bench-") as home:
        shutil.copyfile(migrated, Path(home) / migrated.name)
        env = _child_env(home)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--people",
                str(people),
                "--interactions",
                str(interactions),
                "--seed",
                str(seed),
                "--single",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def show(result: dict) -> None:
    print(
        f"{result['people']:>7,} people: generate {result['generate_seconds']:6.2f} s, "
        f"load {result['load_seconds']:6.2f} s, total {result['total_seconds']:6.2f} s, "
        f"peak memory {result['peak_memory_mib']:,} MiB, database {result['database_mib']:,} MiB"
    )
    for table, rows in result["rows"].items():
        print(f"    {table:<16} {rows:>10,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.people, args.interactions, args.seed)))
        return

    small_people = max(1, args.people // 10)
    with tempfile.TemporaryDirectory(prefix="troth-bench-migrated-") as folder:
        migrated = migrated_database(folder)
        small_interactions = args.interactions * small_people // args.people
        small = run_child(small_people, small_interactions, args.seed, migrated)
        large = run_child(args.people, args.interactions, args.seed, migrated)
    print(f"SQLite, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    show(small)
    show(large)
    for key in ("generate_seconds", "load_seconds", "peak_memory_mib"):
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"scaling x{args.people / small_people:.0f} people: {key} x{ratio:.1f}")


if __name__ == "__main__":
    main()
