"""Benchmark the HTTP API under load: `troth serve` for real, 20 clients with a token.

    python bench/bench_api.py [--people 30000] [--interactions 1000000]
                              [--duration 60] [--baseline-duration 20] [--clients 20]

The network is bench_web.py's (built by it, or reused: bench_web.ensure_home), copied
into a home of this benchmark's own (SQLite's backup API), where the API's migration
runs and a token is made, so the web benchmark's database is never changed. Then
`troth serve` (bench_web.serve) answers wrk's 20 connections for --duration seconds,
each request the next of a mix: a page of People (`/api/v1/people?limit=50`, half
with a search `q=` over bench_web's prefixes), the agenda (`/api/v1/agenda`) and a
person's detail (`/api/v1/people/<id>`, over 2,000 people), one third each, with
`Authorization: Bearer` on every request and the rate limit on (set high enough
not to refuse; its database write is part of every request's time).

Baseline, in the same run on the same server: the web app's Person page
(`/people/<id>/`, bench_web's list) for --baseline-duration seconds, the page the
API's person detail mirrors.

Printed: client p50/p95 (wrk, queueing included), server p50/p95 (Server-Timing),
requests per second and errors, with the machine line (bench/machine.py). Target
(issue 15): server p95 <= 100 ms for the API mix at 30,000 people, no errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_web  # noqa: E402  (beside this file)
from machine import Machine, record  # noqa: E402

TARGET_MS = 100.0


def api_home(people: int, interactions: int) -> Path:
    return Path(tempfile.gettempdir()) / f"troth-bench-api-{people}p-{interactions}i"


def prepare(source: Path, home: Path) -> str:
    """A copy of the network with the API's tables and a token; the token."""
    home.mkdir(parents=True, exist_ok=True)
    db = home / "troth.sqlite3"
    if not db.exists():
        with sqlite3.connect(source / "troth.sqlite3") as src, sqlite3.connect(db) as dst:
            src.backup(dst)
    for name in ("bench-person.txt", "bench-search.txt"):
        (home / name).write_text((source / name).read_text())
    env = {**os.environ, "TROTH_HOME": str(home)}
    env.pop("TROTH_DATABASE_URL", None)
    made = subprocess.run(
        [sys.executable, __file__, "--token", str(home)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def make_token() -> None:
    """In a child process (TROTH_HOME is read once): migrate, make a fresh token."""
    from troth import bootstrap

    bootstrap.setup()
    bootstrap.migrate()
    from django.db import transaction

    from troth.owners import local_owner
    from troth.tokens.actions import do_create_token, do_revoke_token
    from troth.tokens.queries import token_by_name

    owner = local_owner()
    with transaction.atomic():
        if token_by_name(owner, "bench") is not None:
            do_revoke_token(owner, "bench")
        _, raw = do_create_token(owner, "bench", read_only=True)
    print(raw)


def api_paths(home: Path) -> Path:
    rng = random.Random(7)
    people = [
        line.strip("/").split("/")[1] for line in (home / "bench-person.txt").read_text().split()
    ]
    prefixes = [line.split("q=", 1)[1] for line in (home / "bench-search.txt").read_text().split()]
    mix = []
    for n in range(3000):
        kind = n % 3
        if kind == 0:
            mix.append(
                f"/api/v1/people?limit=50&q={rng.choice(prefixes)}"
                if n % 2
                else "/api/v1/people?limit=50"
            )
        elif kind == 1:
            mix.append("/api/v1/agenda")
        else:
            mix.append(f"/api/v1/people/{rng.choice(people)}")
    path = home / "bench-api.txt"
    path.write_text("\n".join(mix) + "\n")
    return path


def wrk(base: str, paths: Path, clients: int, seconds: int, token: str | None) -> dict:
    header = ["-H", f"Authorization: Bearer {token}"] if token else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", *header]
        + ["-s", str(bench_web.LUA), base, "--", str(paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = result["socket_errors"] + result["non200"]
    return result


def fetch(url: str, token: str) -> None:
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the API mix")
    parser.add_argument("--baseline-duration", type=int, default=20, help="0 to skip")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="troth serve --workers")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="troth serve --threads")
    parser.add_argument("--token", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.token:
        make_token()
        return
    machine = Machine.read()
    source = bench_web.ensure_home(args.people, args.interactions)
    home = api_home(args.people, args.interactions)
    token = prepare(source, home)
    paths = api_paths(home)
    # on, so its write is measured; high, so it refuses nothing here
    os.environ["TROTH_API_RATE_LIMIT"] = str(10**9)
    results: dict[str, dict] = {}
    with open(home / "bench-serve.log", "a") as log:
        proc, base = bench_web.serve(home, args.workers, args.threads, log)
        try:
            t = time.perf_counter()
            fetch(base + "/api/v1/agenda", token)  # the trust cache, templates, connections
            print(f"  first request: {(time.perf_counter() - t) * 1000:.0f} ms", file=sys.stderr)
            if args.baseline_duration:
                web = home / "bench-person.txt"
                wrk(base, web, args.clients, args.warmup, None)
                results["web person page (baseline)"] = wrk(
                    base, web, args.clients, args.baseline_duration, None
                )
            wrk(base, paths, args.clients, args.warmup, token)
            results["api mix"] = wrk(base, paths, args.clients, args.duration, token)
        finally:
            import signal

            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(machine.line())
    print(
        f"SQLite, {args.people} people, {args.clients} clients, troth serve --threads"
        f" {args.threads}; ms (target: API server p95 <= {TARGET_MS:.0f}, no errors)"
    )
    print(f"{'':28}{'client p50':>11}{'p95':>7}{'server p50':>12}{'p95':>7}{'rps':>8}{'errors':>8}")
    for name, r in results.items():
        mark = ""
        if name == "api mix":
            ok = r["server_p95"] <= TARGET_MS and r["errors"] == 0
            mark = "  ok" if ok else "  MISSED"
        print(
            f"{name:28}{r['client_p50']:>11.0f}{r['client_p95']:>7.0f}{r['server_p50']:>12.0f}"
            f"{r['server_p95']:>7.0f}{r['rps']:>8.1f}{r['errors']:>8}{mark}"
        )
    mix = results["api mix"]
    figures: dict[str, object] = {
        "api server p95 ms": round(mix["server_p95"]),
        "api rps": round(mix["rps"], 1),
        "errors": mix["errors"],
    }
    if "web person page (baseline)" in results:
        figures["baseline web person p95 ms"] = round(
            results["web person page (baseline)"]["server_p95"]
        )
    record("bench_api", machine, figures, note=f"{args.people} people, {args.duration} s")


if __name__ == "__main__":
    main()
