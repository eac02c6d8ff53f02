"""Benchmark the IMAP sync against a real dovecot on 127.0.0.1 (tests/servers.py).

    python bench/bench_sync.py [--messages 50000]

Issue 14's targets: the first sync of a 50,000-message folder at 2,000 messages a
second or more end to end (headers only, batched fetches, memory flat), and a sync
with nothing new under 1 second for 5 folders and 2 calendars. The folder is a
Maildir written directly (a dozen correspondents mailing the owner and answered,
one message in five from a mailing list, one in ten a one-off sender); the second
part adds four more folders (a few hundred messages each) and two CalDAV
calendars on a local Radicale, syncs once, then times the sync with nothing new.
Printed: seconds and messages a second for the first sync, peak RSS, and the
no-change sync's seconds.

Memory (issue 14, "memory flat"): each size runs in a process of its own
(`--sizes 5000,50000,200000`), which prints its RSS just before the first sync (the
baseline: Django, the database, nothing synced yet) and its peak RSS during it
(VmHWM, reset when the sync starts: filling the folder peaks at 120 MiB for 50,000
messages, which the figures before counted as the sync's).

Measured 2026-12-06 on the shared 2-core machine (other jobs running), SQLite,
dovecot 2.3.19 on 127.0.0.1, before the sync was written batch by batch:

                                        5,000 msgs    50,000 msgs
    first sync (end to end)               1.44 s        19.2 s
      messages a second                   3,466         2,603   (target 2,000)
    people created / interactions          12 / 3,500    12 / 35,000
    peak RSS (the whole process)          101 MiB       180 MiB
    nothing new, 5 folders + 2 calendars  0.03-0.06 s   0.10-0.23 s (target < 1 s)

Since the sync writes a batch at a time (the same bench, each size in its own
process, VmHWM reset at the sync's start; 2026-12-06, a very busy shared machine:
load 11-25, CPU probe 2.5-3.2 s against 0.85-1.0 quiet, so messages a second are
not comparable with the table above), RSS before / peak during the first sync:

                      before (06dff1b)     batch by batch
    5,000 messages      96 / 100 MiB         96 / 102 MiB
    50,000 messages     97 / 152 MiB         97 / 105 MiB
    200,000 messages         -               99 / 108 MiB

Later figures: bench/RESULTS.md (machine.record).
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from machine import Machine, record  # noqa: E402
from servers import DOVECOT, PASSWORD, RADICALE, USER, Dovecot, Radicale  # noqa: E402

ME = "sam@example.org"


def rss_mib(field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or its peak (VmHWM), Linux, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start the peak (VmHWM) again from now (Linux 4.0+): filling the folder is not
    the sync, and its own peak must not count as the sync's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def mails(n: int, now: float) -> Iterator[tuple[str, bytes]]:
    for i in range(n):
        when = email.utils.formatdate(now - (n - i) * 600, localtime=False)
        k = i % 10
        if k == 0:
            sender, to, extra = f"stranger{i}@example.net", ME, ""
        elif k in (1, 2):
            sender, to, extra = (
                "news@lists.example.org",
                ME,
                "List-Id: <news.lists.example.org>\r\n",
            )
        elif k == 3:
            sender, to, extra = ME, f"friend{i % 12}@example.com", ""
        else:
            sender, to, extra = f"Friend {i % 12} <friend{i % 12}@example.com>", ME, ""
        data = (
            f"From: {sender}\r\nTo: {to}\r\nSubject: message {i}\r\nDate: {when}\r\n"
            f"Message-ID: <{i}@bench.example>\r\n{extra}Received: from a (b) by c\r\n"
            f"\r\n{'A body line that is never read.' * 20}\r\n"
        ).encode()
        yield f"{i}.bench", data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--sizes", help="several sizes, one process each: 5000,50000,200000")
    ap.add_argument("--no-idle", action="store_true", help="skip the nothing-new part")
    args = ap.parse_args()
    if not DOVECOT or not RADICALE:
        sys.exit("needs dovecot and radicale: apt-get install -y dovecot-imapd radicale")
    if args.sizes:
        machine = Machine.read()
        print(machine.line())
        figures: dict[str, object] = {}
        for size in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run(
                [sys.executable, __file__, "--messages", str(size), "--no-idle"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            print(f"--- {size:,} messages\n{out.rstrip()}")
            for line in out.splitlines():
                if line.startswith("figures:"):
                    before, peak, rate = line.split()[1:4]
                    figures[f"{size} msgs RSS before/peak MiB"] = f"{before}/{peak}"
                    figures[f"{size} msgs/s"] = rate
        record("bench_sync", machine, figures)
        return
    home = tempfile.mkdtemp(prefix="troth-bench-sync-")
    os.environ["TROTH_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "troth.settings")
    from troth import bootstrap

    bootstrap.setup()
    from troth.owners import local_owner
    from troth.sync.actions import do_add_caldav, do_add_imap, do_sync

    owner = local_owner()
    server = Dovecot(Path(home) / "dovecot", DOVECOT)
    dav = Radicale(Path(home) / "radicale", RADICALE)
    try:
        now = time.time()
        for name, data in mails(args.messages, now):
            server.deliver("", name, data)
        server.start()
        source = do_add_imap(
            owner, host="127.0.0.1", port=server.port, security="none",
            username=USER, password=PASSWORD, me=[ME],
        )  # fmt: skip
        before = rss_mib()
        print(f"RSS before the first sync (the baseline) {before:,.0f} MiB")
        reset_peak()
        started = time.perf_counter()
        run = do_sync(owner, source)
        first = time.perf_counter() - started
        n = run.counts["messages"]
        print(f"first sync: {n:,} messages in {first:.2f} s = {n / first:,.0f} messages/s")
        print(
            f"  people created {run.counts['people_created']:,},"
            f" interactions added {run.counts['interactions_added']:,}"
        )
        rss = rss_mib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS during the sync {rss:,.0f} MiB")
        print(f"figures: {before:.0f} {rss:.0f} {n / first:.0f}")
        if args.no_idle:
            return

        # five folders and two calendars, nothing new
        for folder in ("Archive", "Work", "Travel"):
            (server.maildir / f".{folder}").mkdir(exist_ok=True)
            for part in ("cur", "new", "tmp"):
                (server.maildir / f".{folder}" / part).mkdir(exist_ok=True)
            for name, data in mails(300, now):
                server.deliver(folder, f"{folder}-{name}", data)
        from troth.sync.models import Source

        Source.objects.filter(pk=source.pk).update(
            folders=["INBOX", "Sent", "Archive", "Work", "Travel"]
        )
        dav.start()
        from caldav.davclient import DAVClient

        with DAVClient(url=dav.url, username=USER, password=PASSWORD) as client:
            for name in ("Work", "Home"):
                client.principal().make_calendar(name=name)
        cal = do_add_caldav(owner, url=dav.url, username=USER, password=PASSWORD, me=[ME])
        do_sync(owner, Source.objects.get(pk=source.pk))
        do_sync(owner, cal)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            do_sync(owner, Source.objects.get(pk=source.pk))
            do_sync(owner, Source.objects.get(pk=cal.pk))
            times.append(time.perf_counter() - started)
        print(
            f"sync with nothing new, 5 folders + 2 calendars: best {min(times):.3f} s,"
            f" worst {max(times):.3f} s (target < 1 s)"
        )
    finally:
        server.close()
        dav.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
