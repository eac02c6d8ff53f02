"""How much does inferring who knows whom add to a mailbox import?

    python bench/bench_mail_links.py [--messages 200000] [--keep]

Target (issue 12, "Speed"): link inference for a 200,000-message mailbox adds at
most 20% to that import's time. The mailbox is bench_mail.py's synthetic one (the
same generator, seed 7: 3,000 correspondents, messages from and to me, some with
others in copy, lists, notifications and bounces). It is imported into a fresh
TROTH_HOME by the importer `troth import` runs (`do_import`), then the first
inference pass runs over everything it stored (`do_infer_links`, a full pass: what
the first `troth path` or `troth knows` after the import does). Both are timed in
the same process, one after the other, wall clock and this process's CPU time (the
CPU figure hardly moves with the machine's load; the importer's scan may use
worker processes, whose CPU is not counted: the wall-clock ratio is the target's).

Figures (2026-12-06, 2 CPUs shared with other jobs):

    messages  load  import            inference        share
    200,000   7.3   254.6 s (122.8)   11.8 s (4.3)     4.6%   170,864 interactions, 36,456 links
    20,000    12.4  100.3 s (19.0)     3.0 s (0.5)     3.0%

(wall clock, this process's CPU seconds in brackets)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_mail import ME, generate  # noqa: E402
from machine import Machine, record  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=200_000)
    ap.add_argument("--keep", action="store_true", help="keep the mailbox and the database")
    args = ap.parse_args()
    machine = Machine.read()
    print(machine.line())
    work = Path(tempfile.mkdtemp(prefix="troth-bench-mail-links-"))
    try:
        mbox = work / "mail.mbox"
        start = time.perf_counter()
        generate(mbox, args.messages)
        print(
            f"mailbox: {args.messages:,} messages, {mbox.stat().st_size / 1e6:,.0f} MB, "
            f"written in {time.perf_counter() - start:.1f} s"
        )
        os.environ["TROTH_HOME"] = str(work / "home")
        from troth import bootstrap

        bootstrap.setup()
        from troth.importers.apply import do_import
        from troth.importers.models import MessageParticipant
        from troth.importers.registry import parser
        from troth.interactions.models import Interaction
        from troth.owners import local_owner
        from troth.warmpaths.actions import do_infer_links

        owner = local_owner()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        summary = do_import(owner, parser("mail"), mbox, options={"me": [ME]}, kind="mail")
        imported = time.perf_counter() - wall0
        imported_cpu = time.process_time() - cpu0
        rows = Interaction.objects.filter(owner=owner).count()
        parts = MessageParticipant.objects.filter(owner=owner).count()
        print(
            f"import: {imported:.1f} s wall, {imported_cpu:.1f} s CPU in this process; "
            f"{rows:,} interactions, {parts:,} participant rows "
            f"({', '.join(f'{k} {v}' for k, v in summary.counts().items())})"
        )
        wall0, cpu0 = time.perf_counter(), time.process_time()
        found = do_infer_links(owner)
        inferred = time.perf_counter() - wall0
        inferred_cpu = time.process_time() - cpu0
        share = inferred / imported
        print(
            f"first inference pass: {inferred:.1f} s wall, {inferred_cpu:.1f} s CPU; "
            f"{found['links']:,} links"
        )
        print(
            f"inference adds {share:.1%} to the import's wall time "
            f"({inferred_cpu / max(imported_cpu, 1e-9):.1%} of its CPU in this process); "
            f"target <= 20%: {'MET' if share <= 0.2 else 'MISSED'}"
        )
        record(
            "bench_mail_links",
            machine,
            {
                "messages": args.messages,
                "import s": round(imported, 1),
                "inference s": round(inferred, 1),
                "inference share": f"{share:.1%}",
                "links": found["links"],
            },
        )
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
