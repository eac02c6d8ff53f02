"""Benchmark the web app under load: `troth serve` for real, 20 clients on loopback.

    python bench/bench_web.py [--people 30000] [--interactions 1000000]
                              [--baseline 3000] [--duration 20] [--clients 20]

Builds a simulated network (generate_network + load_network, seed 7) in a troth
home under /tmp named after its size and seed, and reuses it on the next run.
Starts `troth serve` (waitress, --threads 2: one per core) on a free loopback port,
warms it up, then loads each page in turn with wrk (`apt-get install wrk`; the
Lua script beside this file varies the URLs): 20 connections for --duration
seconds per page.

- Today: `/`
- People search: `/people/?q=<prefix>`, over a few hundred two- to four-letter
  prefixes of names, companies and titles in the data
- Person: `/people/<id>/` over 2,000 different people
- Person trust: `/people/<id>/trust`, the fragment the Person page loads after it
  shows (reported, not one of the targets)

Printed per page: client latency p50/p95 (what wrk sees, queueing included),
server time p50/p95 (the app's own time, from its Server-Timing header), requests
per second and errors (socket errors and non-200 answers). The same run measures a
3,000-person / 100,000-interaction network first as the baseline. Target (issue 7):
server time p95 <= 150 ms for Today, People search and Person at 30,000 people.

Latest (2026-11-30, after the Person page work below; quiet machine, load average
0.8 at the start, nothing else running; ms; no errors):

                     client p50/p95    server p50/p95     rps
            3,000 today       345/411           32/38     56.4
                  search      208/237           19/27     95.0
                  person      200/226           18/22     98.9
                  trust       117/133           11/13    168.2
           30,000 today       522/609           50/59     37.2  (target 150: met)
                  search      473/562           43/76     41.5  (met)
                  person      251/294           22/31     79.8  (met)
                  trust       145/174           13/17    136.4

History, oldest first. Measured on a 2-core machine (load average 1.3-2.1 from other
work during the runs), SQLite, 20 clients, 20 s per page, --threads 2; ms, rps =
requests per second; no errors in any run. "Before" is the code as this benchmark found it
(the same run, on copies of the databases without the new indexes):

                     client p50/p95    server p50/p95     rps
    before  3,000 today     2122/2962         112/835       8.5
                  search     451/538           41/63       44.1
                  person    1850/2428         174/272      10.4
                  trust     3225/3766         316/413       6.2
           30,000 today     4192/5211         244/1369      4.2
                  search    1773/2500         175/260      11.0
                  person    7281/9966         721/1411      2.3
                  trust    10397/18500       2670/3012      0.6
    after   3,000 today     2357/2603         216/355       8.3
                  search     538/639           49/73       36.9
                  person    1213/1419         113/157      16.0
                  trust      344/393           31/39       57.9
           30,000 today     2983/3191         283/416       6.5
                  search     949/1142          93/133      20.5  (target met)
                  person    1113/1390         102/164      17.4  (149 in an earlier run)
                  trust      316/373           28/40       62.7

One request at a time (Django's test client, median of 15-30): at 30,000 people
Today 168 -> 150 ms, search 78 -> 54, Person 390 -> 58, trust 1440 -> 18; at
3,000 Today 64 -> 64, search 16 -> 15, Person 75 -> 38, trust 138 -> 12.

Client latency is mostly queueing: 20 clients share two threads, so a page served
at 17 per second waits about a second in line. With the server busy, server time
is about twice a request's own time (two threads share the interpreter).

What made the difference: the Person page's timeline walked the owner's whole
time index (a new (owner, person, occurred_at) index); one person's favours,
promises, needs and a page of people's rows went through the owner index instead
of the person ones (`owned_rows`); the trust fragment scored all 30,000 people to
explain one (now that person alone, the tier from the cache); the trust cache's
staleness check scanned 30,000 rows (now index probes); Today ran inside an
IMMEDIATE transaction, one request at a time behind SQLite's write lock (its
p95). Today is still over the target: its time is the agenda itself (about
150 ms a request at 30,000 people, most of it `_needs` in troth.agenda.queries
with the ledger helpers' keyword hints, and the contact candidates).

Today, afterwards (same machine, load average about 1.0-1.2): at 30,000 people
server p50/p95 125/166 (175 in an earlier run); 3,000: 78/102. What made the
difference: who might help with a need is worked out for the items Today shows
only, not all 200 open needs; the open needs ordered without joining each need's
person and read as plain rows; promises and favours read only the columns their
reasons use; three indexes for the agenda's reads. Items, order and reasons
unchanged (compared item by item on both databases).

Then the trust cache's staleness check as one query (eight before) and the
agenda's promises and thank-yous as plain rows (load average 0.8-1.3, back to
back with the code just before): at 30,000 people Today 112/152 -> 105/142 (144
in a second run), search 69/118 -> 85/125 (117), Person 88/148 -> 114/166 (166;
it runs none of the changed code: this benchmark's noise). One call at a time:
the staleness check 8.6 -> 5.5 ms, my promises 5.5 -> 2.9, their promises
4.1 -> 1.6, thank-yous 4.4 -> 3.1.

Then the Person page, the one still at the edge of the target. Measured on
another 2-core machine, about twice as fast as the one above (compare figures
within this table only), load average 1.8-4.2 from other work (test suites
running beside), two rounds, each "before" (the code just before, on the same
databases) and "after" back to back; round 1, round 2's figure in brackets:

                     client p50/p95    server p50/p95     rps
    before  3,000 today      676/1015          51/113      28.0
                  search     324/567           25/57       56.3
                  person     722/1017          64/104      26.2  (60/76)
                  trust      134/175           12/15      144.9
           30,000 today      599/708           57/79       32.3  (55/81)
                  search     877/1017          76/110      24.8  (42/91)
                  person     724/795           64/82       27.4  (63/93)
                  trust      157/224           14/20      123.8
    after   3,000 today      412/473           37/45       47.9
                  search     314/488           24/51       60.3
                  person     276/450           21/45       67.3  (20/46)
                  trust      188/220           13/20      105.2
           30,000 today      820/899           75/89       24.2  (88/160)
                  search     804/917           71/110      25.1  (41/73)
                  person     250/304           20/29       78.9  (19/33)
                  trust      165/243           15/20      117.2

Person at 30,000 people: server p95 82-93 -> 29-33 ms (54 in a run at load
average 4), requests per second 27 -> 79. Two more runs alone on this machine:
before 58/70 (load 0.8), after 20/29. Today and search run none of the changed
code (one Today request at a time: 35 ms before and after); their swings here,
Today's 160 included, are the other work on the machine. One Person request at
a time (Django's test client, median of 100 people): 25 -> 8 ms at 30,000
people; the HTML is byte for byte the same on 1,038 pages of both databases
(?need= and ?timeline=all included).

What made the difference: the page took its header, timeline and open needs
from person_profile (model instances, each interaction's person row with its
photo) and then read favours, promises, notes and introductions a second time,
the relationship three times and the open needs twice more for the quick-add
forms: 29 queries, each a fraction of a millisecond in SQLite and most of its
cost Django compiling the SQL and building instances. Now each list is one
values() query shared with the forms (13 queries; the interactions are counted
only when a full page of them came back; tags and introductions through the
person indexes): 10.4 -> 4.4 ms. The seven quick-add forms, rendered through
Django's widget templates, were the other third of the page (5.9 ms): an
unbound form's fields are the same HTML for everyone with the same choices and
initial values, so they are rendered once per process and kept (0.9 ms).
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

HERE = Path(__file__).resolve().parent
LUA = HERE / "bench_web.lua"
SEED = 7
PAGES = ("today", "search", "person", "trust")
TARGET_MS = 150.0


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
    t = time.perf_counter()
    with transaction.atomic():
        load_network(
            owner,
            generate_network(
                people=people, seed=SEED, interactions_per_person=interactions / people
            ),
        )
    print(f"built {people} people in {home} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
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
        "today": ["/"],
        "search": [f"/people/?q={quote(p)}" for p in search[:400]],
        "person": [f"/people/{i}/" for i in chosen],
        "trust": [f"/people/{i}/trust" for i in chosen],
    }
    for name, paths in urls.items():
        (home / f"bench-{name}.txt").write_text("\n".join(paths) + "\n")
    (home / "bench-built").write_text(f"{people} {interactions} {SEED}\n")


def ensure_home(people: int, interactions: int) -> Path:
    home = home_for(people, interactions)
    if (home / "bench-built").exists():
        print(f"reusing {home}", file=sys.stderr)
        return home
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


def serve(home: Path, threads: int, log) -> tuple[subprocess.Popen, str]:
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


def measure(home: Path, args: argparse.Namespace) -> dict[str, dict]:
    with open(home / "bench-serve.log", "a") as log:  # waitress's queue-depth warnings
        return _measure(home, args, log)


def _measure(home: Path, args: argparse.Namespace, log) -> dict[str, dict]:
    proc, base = serve(home, args.threads, log)
    try:
        # The first look recomputes the trust cache and warms templates and connections.
        first = fetch(base + "/")
        print(f"  first request (trust cache and all): {first * 1000:.0f} ms", file=sys.stderr)
        results = {}
        for page in PAGES:
            paths = home / f"bench-{page}.txt"
            for path in paths.read_text().split()[:5]:
                fetch(base + path)
            wrk(base, paths, args.clients, args.warmup)
            # waitress still works through the warm-up's last requests (their clients
            # gone); a request queued behind them returns once they have all started
            fetch(base + "/static/web/troth.css")
            results[page] = wrk(base, paths, args.clients, args.duration)
            r = results[page]
            print(
                f"  {page}: server p95 {r['server_p95']:.0f} ms, {r['rps']:.1f} rps",
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
    parser.add_argument("--baseline", type=int, default=3_000, help="people; 0 to skip")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per page, not counted")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="troth serve --threads")
    parser.add_argument("--build", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.people, args.interactions, Path(args.build))
        return
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    sizes = [(args.people, args.interactions)]
    if args.baseline:
        ratio = args.baseline / args.people
        sizes.insert(0, (args.baseline, round(args.interactions * ratio)))
    table = []
    for people, interactions in sizes:
        home = ensure_home(people, interactions)
        print(f"{people} people, {interactions} interactions:", file=sys.stderr)
        for page, r in measure(home, args).items():
            table.append((people, page, r))
    print(
        f"SQLite, {os.cpu_count()} CPUs, {args.clients} clients, {args.duration} s per page,"
        f" troth serve --threads {args.threads}; ms (target: server p95 <= {TARGET_MS:.0f}"
        " for today, search, person)"
    )
    print(
        f"{'people':>7}  {'page':8}{'client p50':>11}{'p95':>7}{'server p50':>12}{'p95':>7}"
        f"{'rps':>8}{'errors':>8}"
    )
    for people, page, r in table:
        mark = ""
        if people == args.people and page != "trust":
            mark = "  ok" if r["server_p95"] <= TARGET_MS else "  SLOW"
        print(
            f"{people:>7}  {page:8}{r['client_p50']:>11.0f}{r['client_p95']:>7.0f}"
            f"{r['server_p50']:>12.0f}{r['server_p95']:>7.0f}{r['rps']:>8.1f}"
            f"{r['errors']:>8}{mark}"
        )


if __name__ == "__main__":
    main()
