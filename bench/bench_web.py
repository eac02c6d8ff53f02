"""Benchmark the web app under load: `troth serve` for real, 20 clients on loopback.

    python bench/bench_web.py [--people 30000] [--interactions 1000000]
                              [--workers 1,2] [--threads 8] [--duration 10]
                              [--clients 20] [--baseline 0] [--pages person,trust]

Builds a simulated network (generate_network + load_network, seed 7) in a troth
home under /tmp named after its size and seed, and reuses it on the next run.
For each --workers figure, starts `troth serve --workers N --threads T` on a free
loopback port, warms it up, then loads each page in turn with wrk (`apt-get
install wrk`; the Lua script beside this file varies the URLs): --clients
connections for --duration seconds per page.

- healthz: `/healthz`, the baseline measured in the same run through the same
  stack (waitress, every middleware, no page work): what the machine and the
  server cost before any page does anything
- Today: `/`
- People list: `/people/?page=N`, the list as opened, ten pages by name and five
  each sorted by trust and by company (reported, not one of the targets)
- People search: `/people/?q=<prefix>`, over a few hundred two- to four-letter
  prefixes of names, companies and titles in the data
- Search, nobody found: `/people/?q=<typo>`, a hundred names with a letter dropped
  and one doubled, or digits, that find nobody: the page then offers close spellings
  ("did you mean"), compared with everyone's names (reported, not one of the targets)
- Person: `/people/<id>/` over 2,000 different people
- Person trust: `/people/<id>/trust`, the fragment the Person page loads after it
  shows (reported, not one of the targets)

Printed per page: client latency p50/p95 (what wrk sees, queueing included),
server time p50/p95 (the app's own time, from its Server-Timing header), requests
per second and errors (socket errors and non-200 answers), under the machine line
(bench/machine.py: load, CPU probe, commit); each run's figures are appended to
bench/RESULTS.md. Targets (issue 20), server p95 at 20 clients: Today <= 100 ms,
People search <= 100 ms, Person <= 50 ms. --baseline N also measures an
N-person network first (the old baseline, a tenth of the size).

Serving (issue 20): one process runs one page at a time whatever its threads (the
interpreter lock), so with 20 clients a page's server time is mostly waiting for
the interpreter; `--workers 1,2` measures one process and two (one per core) back
to back, the scaling a server gets from `troth serve --workers`. History: RESULTS.md
(the figures before issue 20 are in this file's git history).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import Machine, record  # noqa: E402

HERE = Path(__file__).resolve().parent
LUA = HERE / "bench_web.lua"
SEED = 7
PAGES = ("healthz", "today", "list", "search", "miss", "person", "trust")
TARGETS_MS = {"today": 100.0, "search": 100.0, "person": 50.0}


def home_for(people: int, interactions: int) -> Path:
    return Path(tempfile.gettempdir()) / f"troth-bench-web-{people}p-{interactions}i-s{SEED}"


def build(people: int, interactions: int, home: Path) -> None:
    """In a child process (TROTH_HOME is read once): the network and the URL lists."""
    os.environ["TROTH_HOME"] = str(home)
    os.environ.pop("TROTH_DATABASE_URL", None)
    from troth import bootstrap

    bootstrap.setup()
    from django.db import transaction

    from troth.owners import local_owner
    from troth.people.models import Employment, Person
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network

    owner = local_owner()
    if not (home / "bench-built").exists():  # (built before: only the URL lists are new)
        t = time.perf_counter()
        with transaction.atomic():
            load_network(
                owner,
                generate_network(
                    people=people, seed=SEED, interactions_per_person=interactions / people
                ),
            )
        print(
            f"built {people} people in {home} in {time.perf_counter() - t:.0f} s",
            file=sys.stderr,
        )
    rng = random.Random(SEED)
    ids = list(Person.objects.filter(owner=owner, is_me=False).values_list("id", flat=True))
    chosen = rng.sample(ids, min(2000, len(ids)))
    words = list(
        Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True)
    )
    words += list(
        Employment.objects.filter(owner=owner, is_current=True).values_list(
            "organization__name", flat=True
        )
    )
    prefixes: set[str] = set()
    for text in rng.sample(words, min(2000, len(words))):
        for word in text.split():
            if len(word) >= 2 and word.isalpha():
                prefixes.add(word[: rng.choice((2, 3, 4))].lower())
    search = sorted(prefixes)
    rng.shuffle(search)
    urls = {
        "healthz": ["/healthz"],
        "miss": [f"/people/?q={quote(q)}" for q in misses(owner, words, rng)],
        # the People list as opened: pages by name, and sorted by trust or company
        "list": [f"/people/?page={n}" for n in range(1, 11)]
        + [f"/people/?sort=-score&page={n}" for n in range(1, 6)]
        + [f"/people/?sort=company&page={n}" for n in range(1, 6)],
        "today": ["/"],
        "search": [f"/people/?q={quote(p)}" for p in search[:400]],
        "person": [f"/people/{i}/" for i in chosen],
        "trust": [f"/people/{i}/trust" for i in chosen],
    }
    for name, paths in urls.items():
        (home / f"bench-{name}.txt").write_text("\n".join(paths) + "\n")
    (home / "bench-built").write_text(f"{people} {interactions} {SEED}\n")


def misses(owner, words: list[str], rng: random.Random) -> list[str]:
    """Searches that find nobody: a name with a letter dropped and one doubled ("Mlissa
    Martinn"), or digits. Such a search answers with "did you mean" (close spellings
    among everyone's names), which took 0.2 s at 30,000 people before issue 20."""
    from troth.people.queries import find_people

    out: list[str] = []
    names = [w for w in words if len(w) > 8]
    for _ in range(2000):
        if len(out) >= 100:
            break
        if rng.random() < 0.2:
            query = str(rng.randrange(1000, 99999))
        else:
            name = rng.choice(names)
            i, j = sorted(rng.sample(range(1, len(name) - 1), 2))
            query = name[:i] + name[i + 1 : j] + name[j] + name[j:]
        if not find_people(owner, query, limit=1):
            out.append(query)
    return out


def ensure_home(people: int, interactions: int) -> Path:
    home = home_for(people, interactions)
    built = (home / "bench-built").exists()
    if built and all((home / f"bench-{page}.txt").exists() for page in PAGES):
        print(f"reusing {home}", file=sys.stderr)
        return home
    if not built:
        shutil.rmtree(home, ignore_errors=True)  # a build that did not finish
        home.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--build",
            str(home),
            "--people",
            str(people),
            "--interactions",
            str(interactions),
        ],
        check=True,
    )
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(home: Path, workers: int, threads: int, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "TROTH_HOME": str(home)}
    env.pop("TROTH_DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "troth",
            "serve",
            "--port",
            str(port),
            "--no-open",
            "--threads",
            str(threads),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the address, once it listens
    if "serving on" not in line:
        proc.kill()
        raise SystemExit(f"troth serve did not start: {line!r}")
    return proc, f"http://127.0.0.1:{port}"


def fetch(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return time.perf_counter() - t


def wrk(base: str, paths: Path, clients: int, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            base,
            "--",
            str(paths),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = result["socket_errors"] + result["non200"]
    return result


def measure(home: Path, workers: int, args: argparse.Namespace) -> dict[str, dict]:
    with open(home / "bench-serve.log", "a") as log:  # waitress's queue-depth warnings
        return _measure(home, workers, args, log)


def _measure(home: Path, workers: int, args: argparse.Namespace, log) -> dict[str, dict]:
    proc, base = serve(home, workers, args.threads, log)
    try:
        # The first look recomputes the trust cache and warms templates and connections.
        first = fetch(base + "/")
        print(f"  first request (trust cache and all): {first * 1000:.0f} ms", file=sys.stderr)
        results = {}
        for page in args.pages:
            paths = home / f"bench-{page}.txt"
            for path in paths.read_text().split()[:5] * workers:  # each process
                fetch(base + path)
            wrk(base, paths, args.clients, args.warmup)
            # waitress still works through the warm-up's last requests (their clients
            # gone); a request queued behind them returns once they have all started
            fetch(base + "/static/web/troth.css")
            results[page] = wrk(base, paths, args.clients, args.duration)
            r = results[page]
            print(
                f"  {page} ({workers} workers): server p95 {r['server_p95']:.0f} ms,"
                f" {r['rps']:.1f} rps",
                file=sys.stderr,
            )
        return results
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=0, help="people; 0 to skip")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per page, not counted")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--threads", type=int, default=2, help="troth serve --threads (2: as issue 20 measured)"
    )
    parser.add_argument(
        "--workers", default="1,2", help="troth serve --workers, each figure measured in turn"
    )
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="the pages measured, of " + ",".join(PAGES)
    )
    parser.add_argument("--build", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := set(args.pages) - set(PAGES):
        parser.error(f"--pages: no page {', '.join(sorted(unknown))}; one of {', '.join(PAGES)}")
    if args.build:
        build(args.people, args.interactions, Path(args.build))
        return
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    sizes = [(args.people, args.interactions)]
    if args.baseline:
        ratio = args.baseline / args.people
        sizes.insert(0, (args.baseline, round(args.interactions * ratio)))
    homes = [(people, ensure_home(people, interactions)) for people, interactions in sizes]
    machine = Machine.read()
    print(machine.line(), flush=True)
    table = []
    for people, home in homes:
        for workers in worker_counts:
            print(f"{people} people, --workers {workers}:", file=sys.stderr)
            for page, r in measure(home, workers, args).items():
                table.append((people, workers, page, r))
    print(
        f"SQLite, {args.clients} clients, {args.duration} s per page, troth serve --threads"
        f" {args.threads}; ms (targets, server p95: "
        + ", ".join(f"{k} {v:.0f}" for k, v in TARGETS_MS.items())
        + ")"
    )
    print(
        f"{'people':>7}{'workers':>8}  {'page':8}{'client p50':>11}{'p95':>7}"
        f"{'server p50':>12}{'p95':>7}{'rps':>8}{'errors':>8}"
    )
    figures: dict[str, object] = {}
    for people, workers, page, r in table:
        mark = ""
        target = TARGETS_MS.get(page)
        if people == args.people and target is not None:
            met = 0 <= r["server_p95"] <= target and r["requests"] > 0
            mark = f"  {'ok' if met else 'SLOW'} (goal {target:.0f})"
        print(
            f"{people:>7}{workers:>8}  {page:8}{r['client_p50']:>11.0f}{r['client_p95']:>7.0f}"
            f"{r['server_p50']:>12.0f}{r['server_p95']:>7.0f}{r['rps']:>8.1f}"
            f"{r['errors']:>8}{mark}"
        )
        if people == args.people:
            figures[f"w{workers} {page} p95/rps"] = f"{r['server_p95']:.0f}/{r['rps']:.0f}"
    record(
        "bench_web",
        machine,
        figures,
        note=f"{args.people} people, {args.clients} clients, --threads {args.threads}",
    )


if __name__ == "__main__":
    main()
