"""Benchmark the Insights page on SQLite: server time per request, in-process.

    python bench/bench_insights.py [--people 30000] [--interactions 1000000] [--home DIR]

Builds a simulated network in DIR (a temporary folder by default; an existing
troth home with data is reused as it is, so a second run skips the build), then
times each Insights request through Django's test client (no network, no browser:
the view, the service layer, the database and the template). Printed per request:
the median and the slowest of the repeats. "tiers cold" is the tiers over time
with the per-day cache emptied first (it scores the whole network as of six days);
"tiers warm" is the same request again. The page itself never waits for the tiers:
they load after it, with a spinner. The first look after a change recomputes the
trust cache first; that is the trust engine's cost and is printed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def _time(fn, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--home", default=None, help="troth home to build in or reuse")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    os.environ["TROTH_HOME"] = args.home or tempfile.mkdtemp(prefix="troth-bench-insights-")
    os.environ.pop("TROTH_DATABASE_URL", None)

    from troth import bootstrap

    bootstrap.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from troth.insights import queries
    from troth.owners import local_owner
    from troth.people.models import Person
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network
    from troth.trust.actions import do_recompute_trust
    from troth.trust.queries import fresh_scores

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    owner = local_owner()
    if not Person.objects.filter(owner=owner, is_me=False).exists():
        t = time.perf_counter()
        with transaction.atomic():
            load_network(
                owner,
                generate_network(
                    people=args.people,
                    seed=7,
                    interactions_per_person=args.interactions / args.people,
                ),
            )
        print(f"built the network in {time.perf_counter() - t:.1f} s")
    people = Person.objects.filter(owner=owner, is_me=False).count()

    client = Client()
    client.force_login(owner)

    def get(url: str, **headers: str) -> None:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        response.content  # noqa: B018 (render it all)

    with transaction.atomic():
        t = time.perf_counter()
        do_recompute_trust(owner)
        recompute_ms = (time.perf_counter() - t) * 1000

    rows = []
    get("/insights/")  # templates, caches, connections warm
    rows.append(("page /insights/", *_time(lambda: get("/insights/"), args.repeats)))
    # Every request that reads scores first checks the trust cache is current (the
    # trust engine's cost, shared with Today and People): printed on its own.
    rows.append(("  of which: fresh_scores()", *_time(lambda: fresh_scores(owner), args.repeats)))
    today = timezone.localdate()
    for name, fn in (
        ("  give_take()", lambda: queries.give_take(owner, today)),
        ("  follow_through()", lambda: queries.follow_through(owner, today)),
        ("  tiers_now()", lambda: queries.tiers_now(owner, refresh=False)),
        ("  cooling()", lambda: queries.cooling(owner, refresh=False)),
    ):
        rows.append((name, *_time(fn, args.repeats)))

    def tiers_cold() -> None:
        cache.clear()
        get("/insights/tiers", HTTP_HX_REQUEST="true")

    rows.append(("tiers cold (cache emptied)", *_time(tiers_cold, max(3, args.repeats // 3))))
    rows.append(
        (
            "tiers warm",
            *_time(lambda: get("/insights/tiers", HTTP_HX_REQUEST="true"), args.repeats),
        )
    )
    for n in (300, 1000, 3000, 5000):
        url = f"/insights/network.json?n={n}"
        rows.append((f"network.json n={n}", *_time(lambda u=url: get(u), args.repeats)))

    print(f"SQLite, {os.cpu_count()} CPUs, {people} people; server time in ms")
    print(f"(the trust cache recomputed from scratch: {recompute_ms:.0f} ms, not counted below)")
    print(f"{'request':30}{'median':>10}{'slowest':>10}")
    for name, median, slowest in rows:
        print(f"{name:30}{median:>10.0f}{slowest:>10.0f}")


if __name__ == "__main__":
    main()
