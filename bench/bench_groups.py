"""Load on the group server: members browsing the needs board, posting needs and
offering help at once, against `troth serve --sign-in` for real.

    python bench/bench_groups.py [--members 200] [--baseline 20] [--clients 20]
                                 [--duration 60] [--postgres URL]

Builds a group of --members members in a fresh troth home under /tmp (every member
with a published profile, half of them with a need), on SQLite or, with --postgres
postgres://user@host/name (the database is dropped and made again), on PostgreSQL.
Starts `troth serve --sign-in --threads 4`, signs --clients members in (each a
client of its own, with its own session), and runs them for --duration seconds:
each picks, at random, the needs board (60%), the group's page (20%), an offer of
help on a random need (10%), or closing its own open need and posting a new one
(10%). Printed per kind of request: server time p50/p95 (the Server-Timing header),
client p50/p95 (queueing included), requests a second, refusals (400: a need its owner
closed a moment ago) and errors (anything but 200, 302 and 400). The
same run measures a --baseline-member group first, on the same database.

Target (issue 13): no errors, server p95 <= 150 ms per page, on PostgreSQL with 200
members and 20 clients for 60 s.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import Machine, record  # noqa: E402

PASSWORD = "bench passphrase 2031"
SECRET = "bench-secret-key-not-the-shipped-default-0123456789abcdef"

BUILD = f"""
import random, sys
from troth import bootstrap
bootstrap.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from troth.groups import actions
from troth.groups.models import Membership
from troth.owners import do_ensure_me

members, clients = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
hashed = make_password({PASSWORD!r})  # one hash for all: building 200 takes no minutes
companies = ["Acme Corp", "Globex", "Initech", "Hooli", "Stripe", "Umbrella", "Wayne", "Stark"]
fields = ["fintech", "data", "design", "marketing", "healthcare", "logistics", "legal"]
User = get_user_model()
with transaction.atomic():
    lead = User.objects.create(username="m000", email="m000@bench.invalid", password=hashed)
    do_ensure_me(lead, "Member 0")
    group = actions.do_create_group("Bench Club", organiser=lead)
    for i in range(1, members):
        user = User.objects.create(username=f"m{{i:03d}}", email=f"m{{i:03d}}@bench.invalid",
                                   password=hashed)
        do_ensure_me(user, f"Member {{i}}")
        Membership.objects.create(group=group, user=user, joined_at=timezone.now(),
                                  give_first_waived=True)
    for m in Membership.objects.filter(group=group):
        actions.do_publish_profile(m, headline="Bench member",
                                   companies=rng.sample(companies, 3),
                                   fields=rng.sample(fields, 2))
        if rng.random() < 0.5:
            actions.do_post_need(m, f"An introduction to someone at {{rng.choice(companies)}}")
print(group.slug)
"""


def env_for(home: Path, database: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env.update(TROTH_HOME=str(home), TROTH_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1")
    if database:
        env["TROTH_DATABASE_URL"] = database
    return env


def fresh_postgres(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-qc", sql], check=True)


def build(members: int, clients: int, env: dict[str, str]) -> str:
    subprocess.run(
        [sys.executable, "-m", "troth", "init"], env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [sys.executable, "-c", BUILD, str(members), str(clients)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "troth", "serve", "--sign-in", "--no-open"]
    command += ["--port", str(free_port()), "--threads", "4"]
    with open(log, "w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith("troth is serving on "):
                return proc, line.split()[4].rstrip("/")
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"troth serve did not start:\n{log.read_text()}")


class Client:
    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.username = username

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict[str, str] | None = None):
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                text = response.read().decode()
                status, server = response.status, response.headers.get("Server-Timing", "")
        except urllib.error.HTTPError as exc:
            text, status, server = (
                exc.read().decode(),
                exc.code,
                exc.headers.get("Server-Timing", ""),
            )
        client_ms = (time.perf_counter() - start) * 1000
        found = re.search(r"dur=([\d.]+)", server or "")
        return status, text, client_ms, float(found[1]) if found else None

    def sign_in(self) -> None:
        self.request("/login/")
        status, _, _, _ = self.request("/login/", {"username": self.username, "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"{self.username} could not sign in ({status})")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer, not a hop
        return None


def run(base: str, slug: str, members: int, clients: int, duration: float) -> dict:
    results: dict[str, list[tuple[int, float, float | None]]] = {}
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker(n: int) -> None:
        rng = random.Random(n)
        client = Client(base, f"m{(n * members) // clients:03d}")
        client.sign_in()
        while time.monotonic() < stop:
            pick = rng.random()
            if pick < 0.6:
                kind, out = "board", client.request(f"/groups/{slug}/needs/")
            elif pick < 0.8:
                kind, out = "group", client.request(f"/groups/{slug}/")
            else:
                _, board, _, _ = client.request(f"/groups/{slug}/needs/")
                if pick < 0.9:
                    ids = re.findall(rf"/groups/{slug}/needs/(\d+)/offer", board)
                    if not ids:
                        continue
                    kind = "offer"
                    out = client.request(
                        f"/groups/{slug}/needs/{rng.choice(ids)}/offer", {"note": "me"}
                    )
                else:
                    mine = re.findall(rf"/groups/{slug}/needs/(\d+)/close", board)
                    if mine:
                        client.request(
                            f"/groups/{slug}/needs/{mine[0]}/close", {"outcome": "dropped"}
                        )
                    kind = "post"
                    out = client.request(
                        f"/groups/{slug}/needs/post", {"text": "A designer", "days": "30"}
                    )
            status, _, client_ms, server_ms = out
            with lock:
                results.setdefault(kind, []).append((status, client_ms, server_ms))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


FIGURES: dict[str, object] = {}  # what machine.record keeps of the run


def report(label: str, results: dict, duration: float) -> int:
    errors = 0
    for kind in ("board", "group", "offer", "post"):
        rows = results.get(kind, [])
        # a 400 is a refusal the app explains (a need closed by its owner a moment ago,
        # a second open need): counted apart; anything else but 200/302 is an error
        refused = [r for r in rows if r[0] == 400]
        bad = [r for r in rows if r[0] not in (200, 302, 400)]
        errors += len(bad)
        server = [r[2] for r in rows if r[2] is not None]
        client = [r[1] for r in rows]
        if kind in ("board", "group") and server:
            FIGURES[f"{label} {kind} p50/p95 ms"] = f"{pct(server, 50):.0f}/{pct(server, 95):.0f}"
        print(
            f"{label:>14} {kind:6} server p50/p95 {pct(server, 50):6.1f}/{pct(server, 95):6.1f} ms"
            f"  client p50/p95 {pct(client, 50):7.1f}/{pct(client, 95):7.1f} ms"
            f"  {len(rows) / duration:6.1f}/s  refused {len(refused)}  errors {len(bad)}"
            + (f" (statuses {sorted({r[0] for r in bad})})" if bad else "")
        )
    return errors


def measure(members: int, args: argparse.Namespace, database: str | None) -> int:
    home = Path(tempfile.mkdtemp(prefix=f"troth-bench-groups-{members}-"))
    try:
        if database:
            fresh_postgres(database)
        env = env_for(home, database)
        slug = build(members, args.clients, env)
        proc, base = serve(env, home / "serve.log")
        try:
            results = run(base, slug, members, args.clients, args.duration)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return report(f"{members} members", results, args.duration) if results else 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--postgres", help="postgres://user@host/name (dropped and made again)")
    args = parser.parse_args()
    machine = Machine.read()
    print(machine.line())
    print(
        f"{'PostgreSQL' if args.postgres else 'SQLite'}, {args.clients} clients, {args.duration:g} s each"
    )
    errors = measure(args.baseline, args, args.postgres)
    errors += measure(args.members, args, args.postgres)
    print("errors:", errors)
    FIGURES["errors"] = errors
    record("bench_groups", machine, FIGURES, note="PostgreSQL" if args.postgres else "SQLite")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
