"""Benchmark the daily agenda: the materialised read, its rebuild, Today and the command.

    python bench/bench_agenda.py [--people 30000] [--interactions 1000000]
                                 [--postgres postgres://postgres@127.0.0.1:5432/NAME]

Goals (issue 20, 30,000 people and ~1M interactions): the agenda warm in process
<= 50 ms; Today (one client, the page rendered) p50 <= 30 ms; `troth agenda` as a
whole process <= 0.5 s (with issue 14's start-up work); on PostgreSQL within 1.2x of
SQLite, same data, same run.

Printed per database and size (a tenth-size run beside the full one):
- warm: `agenda()` as `troth agenda` and Today ask for it, read from its snapshot
  (troth.agenda.snapshot), median of 20, wall and this process's CPU time (the CPU
  figure is what others' load on a shared machine does not inflate);
- baseline: the same agenda computed from the rows (what every read cost before the
  snapshot, and what a read after a change still costs): the in-run baseline;
- rebuild: the first read after a write that feeds it (an interaction logged, so the
  tie is re-scored and the snapshot dropped), median of 5;
- today p50/p95: the Today page through Django's test client (middleware, view,
  template; no socket), 50 requests, and its CPU p50;
- cli: `troth agenda --json` as a new process, wall and CPU seconds (CPU is what
  the load of others sharing the machine does not inflate), median of 3.

With --postgres the same network is loaded into that database (dropped and made
again: give it a name of its own) and measured the same way. The machine line
(bench/machine.py) and the figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
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


def _median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 1)


def _p95_ms(times: list[float]) -> float:
    return round(sorted(times)[max(0, int(len(times) * 0.95) - 1)] * 1000, 1)


def _fresh_postgres(url: str) -> None:
    """Drop and create the benchmark's own PostgreSQL database."""
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_one(people: int, interactions: int, postgres: str | None) -> dict:
    home = tempfile.mkdtemp(prefix="troth-bench-agenda-")
    os.environ["TROTH_HOME"] = home
    os.environ.pop("TROTH_DATABASE_URL", None)
    if postgres:
        _fresh_postgres(postgres)
        os.environ["TROTH_DATABASE_URL"] = postgres
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from troth import bootstrap

    bootstrap.setup()
    from troth.agenda.queries import _computed, agenda
    from troth.interactions.actions import do_log_interaction
    from troth.owners import local_owner
    from troth.people.models import Person
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network

    owner = local_owner()
    t = time.perf_counter()
    with transaction.atomic():
        load_network(
            owner,
            generate_network(people=people, seed=7, interactions_per_person=interactions / people),
        )
    out: dict = {"load_s": round(time.perf_counter() - t, 1)}
    today = timezone.localdate()

    t = time.perf_counter()
    first = agenda(owner, hints_for=7)  # the day's trust recompute, then the build
    out["first_read_s"] = round(time.perf_counter() - t, 2)
    out["items"] = len(first.items)

    warm, warm_cpu = [], []
    for _ in range(20):
        t, c = time.perf_counter(), time.process_time()
        agenda(owner, hints_for=7, upto=7)
        warm.append(time.perf_counter() - t)
        warm_cpu.append(time.process_time() - c)
    out["warm_ms"] = _median_ms(warm)
    out["warm_cpu_ms"] = _median_ms(warm_cpu)

    base = []
    for _ in range(5):
        t = time.perf_counter()
        _computed(owner, today, 7, 0, 7)
        base.append(time.perf_counter() - t)
    out["baseline_computed_ms"] = _median_ms(base)

    some = list(Person.objects.filter(owner=owner, is_me=False).order_by("id")[:5])
    rebuild = []
    for person in some:
        with transaction.atomic():
            do_log_interaction(owner, person, "call", minutes=10)
        t = time.perf_counter()
        agenda(owner, hints_for=7)
        rebuild.append(time.perf_counter() - t)
    out["rebuild_ms"] = _median_ms(rebuild)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    assert client.get("/").status_code == 200
    pages, pages_cpu = [], []
    for _ in range(50):
        t, c = time.perf_counter(), time.process_time()
        response = client.get("/")
        pages.append(time.perf_counter() - t)
        pages_cpu.append(time.process_time() - c)
        assert response.status_code == 200
    out["today_p50_ms"] = _median_ms(pages)
    out["today_p95_ms"] = _p95_ms(pages)
    out["today_cpu_p50_ms"] = _median_ms(pages_cpu)

    troth = Path(sys.executable).with_name("troth")
    # As bench_cli_startup.py runs it: with the .pyc files an installed troth has. With
    # PYTHONDONTWRITEBYTECODE set (this machine's shells) every run compiled troth's
    # own modules from source, a cost no installed copy pays; the first run writes them.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(troth), "agenda", "--json"], check=True, capture_output=True, env=env)
    wall, cpu = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([str(troth), "agenda", "--json"], check=True, capture_output=True, env=env)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    out["cli_wall_s"] = round(statistics.median(wall), 2)
    out["cli_cpu_s"] = round(statistics.median(cpu), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="", help="also on this PostgreSQL database")
    parser.add_argument("--tenth", action="store_true", help="also a tenth-size run")
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.people, args.interactions, args.postgres or None)))
        return
    machine = Machine.read()
    print(machine.line())
    sizes = [(args.people, args.interactions)]
    if args.tenth:
        sizes.insert(0, (args.people // 10, args.interactions // 10))
    runs = []
    for people, interactions in sizes:
        for db in ["sqlite"] + (["postgresql"] if args.postgres else []):
            cmd = [sys.executable, __file__, "--single", "--people", str(people)]
            cmd += ["--interactions", str(interactions)]
            if db == "postgresql":
                cmd += ["--postgres", args.postgres]
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            runs.append((f"{db} {people // 1000}k/{interactions // 1000}k", result))
    print(
        "goals: warm <= 50 ms, Today p50 <= 30 ms, troth agenda <= 0.5 s, PostgreSQL <= 1.2x SQLite"
    )
    print(f"{'':22}" + "".join(f"{label:>22}" for label, _ in runs))
    for key in runs[0][1]:
        print(f"{key:22}" + "".join(f"{r[key]:>22}" for _, r in runs))
    full = [r for label, r in runs if label.split()[1].startswith(f"{args.people // 1000}k")]
    figures: dict[str, object] = {}
    for label, r in runs:
        if r in full:
            db = label.split()[0]
            for key in (
                "warm_ms",
                "warm_cpu_ms",
                "rebuild_ms",
                "baseline_computed_ms",
                "today_p50_ms",
                "today_cpu_p50_ms",
            ):
                figures[f"{db} {key}"] = r[key]
            figures[f"{db} cli_wall_s"] = r["cli_wall_s"]
            figures[f"{db} cli_cpu_s"] = r["cli_cpu_s"]
    if len(full) == 2:
        figures["pg/sqlite warm"] = round(full[1]["warm_ms"] / full[0]["warm_ms"], 2)
        figures["pg/sqlite rebuild"] = round(full[1]["rebuild_ms"] / full[0]["rebuild_ms"], 2)
    record("bench_agenda", machine, figures, note=f"{args.people} people")


if __name__ == "__main__":
    main()
