"""Benchmark the wipe behind `troth demo --reset` on SQLite.

    python bench/bench_demo_reset.py [--people 5000] [--interactions 200000]

Loads a demo network in a temporary TROTH_HOME, fills the trust cache (as using
troth does), then times removing the demo (`troth.sim.actions.do_wipe_demo`) the way
`troth demo --reset` does before it loads the new one. Prints the rows removed and
the seconds taken; the whole `troth demo --reset` adds generating and loading the
new network (about 3.4 s at 5,000 people on the 2-core box).

Figures (5,000 people, 10,620 interactions, 5,000 cached scores; 2 shared cores):
- the wipe: 4.15 s when it deleted through Django's collector with the trust cache's
  per-row signals, 1.30 s with bulk deletes of the tables the score reads, 0.28 s with
  the people's rows deleted in bulk too (do_wipe_demo now).
- the whole `troth demo --people 5000 --reset` after `troth trust`: 6.80 s -> 2.00 s;
  on a database whose cache was never filled, 4.5-4.8 s -> 2.5-2.6 s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--interactions", type=int, default=None)
    args = parser.parse_args()
    os.environ["TROTH_HOME"] = tempfile.mkdtemp(prefix="troth-bench-reset-")
    os.environ.pop("TROTH_DATABASE_URL", None)
    from django.db import transaction
    from django.utils import timezone

    from troth import bootstrap

    bootstrap.setup()
    from troth.interactions.models import Interaction
    from troth.owners import local_owner
    from troth.people.models import Person
    from troth.sim.actions import do_wipe_demo
    from troth.sim.generate import generate_network
    from troth.sim.load import load_network
    from troth.trust.models import TrustScore
    from troth.trust.queries import trust_list

    owner = local_owner()
    per_person = args.interactions / args.people if args.interactions else None
    network = generate_network(
        people=args.people,
        seed=7,
        interactions_per_person=per_person,
        today=timezone.localdate(),
    )
    with transaction.atomic():
        load_network(owner, network)
    trust_list(owner)  # the cache is full, as after any use of troth
    before = {
        "people": Person.objects.filter(owner=owner, is_me=False).count(),
        "interactions": Interaction.objects.filter(owner=owner).count(),
        "scores": TrustScore.objects.filter(owner=owner).count(),
    }
    start = time.perf_counter()
    with transaction.atomic():
        do_wipe_demo(owner)
    seconds = time.perf_counter() - start
    after = Person.objects.filter(owner=owner, is_me=False).count()
    print(json.dumps({"removed": before, "left": after, "wipe_seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()
