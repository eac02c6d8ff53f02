"""Benchmark importing a LinkedIn Connections.csv into a fresh SQLite database.

    python bench/bench_import.py [--connections 30000]

Target (issue 20): 30,000 connections in <= 3 s. A synthetic Connections.csv in
the current layout (Notes preamble, BOM, CRLF, a profile URL on every row, an
email on one row in ten, a quoted company now and then, a row hidden but for its
date every 500) is imported into a new TROTH_HOME; printed beside it, measured in
the same run: a tenth-size file as the baseline, and the same import again (it
must add nothing, so this is the cost of recognising everything as known). The
whole `troth import` command in a new process is timed too (start-up, Django,
the import, the summary). The machine line (bench/machine.py) comes first and
each run is appended to bench/RESULTS.md; the history before issue 20 is in this
file's git history.

The import also writes the search index (troth.people.search), matches identities
(troth.identity) and records what it changed (for an undo): the phases are printed
apart, in wall and CPU seconds (time.process_time: on a shared machine the wall times
swing by two or three times from run to run, the CPU seconds far less). What was
measured and tried along the way, with dates and commits, is in bench/FINDINGS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import Machine, record  # noqa: E402

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dana",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Oto",
    "Pia",
    "Raj",
    "Sol",
    "Tea",
    "Uma",
    "Vik",
    "Wren",
    "Xia",
    "Yuri",
    "Zoe",
    "Amir",
    "Bea",
    "Cyd",
    "Dev",
    "Emi",
    "Finn",
    "Gia",
    "Hugo",
    "Isla",
    "Jai",
    "Kira",
    "Leo",
    "Mira",
    "Noor",
    "Omar",
    "Pax",
    "Quin",
    "Rosa",
    "Sami",
    "Tomo",
    "Ugo",
    "Vera",
    "Wes",
    "Yara",
    "Zed",
]
# Surnames from syllables: about as many distinct names as a real network has.
SYLLABLES = [
    "ka",
    "ren",
    "mo",
    "sa",
    "li",
    "to",
    "vel",
    "an",
    "dor",
    "fi",
    "gu",
    "hal",
    "ibe",
    "jon",
    "ko",
    "lun",
    "mar",
    "nes",
    "or",
    "pel",
]
COMPANIES = ["Acme", "Globex", '"Initech, Inc."', "Umbrella", "Hooli", "Vandelay", ""]
TITLES = ["Engineer", "CTO", "Product Manager", "Designer", "Recruiter", ""]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_connections(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(n):
        date = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2010, 2025)}"
        if i % 500 == 499:
            lines.append(f",,,,,,{date}")
            continue
        first = rng.choice(FIRST)
        last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        email = f"{first}.{last}.{i}@example.org".lower() if i % 10 == 0 else ""
        lines.append(
            f"{first},{last},https://www.linkedin.com/in/{first}-{last}-{i:06d},{email},"
            f"{rng.choice(COMPANIES)},{rng.choice(TITLES)},{date}"
        )
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())


def run_one(connections: int) -> dict:
    home = tempfile.mkdtemp(prefix="troth-bench-import-")
    os.environ["TROTH_HOME"] = home
    os.environ.pop("TROTH_DATABASE_URL", None)
    from django.db import transaction

    from troth import bootstrap

    bootstrap.setup()
    from troth.importers.apply import do_import
    from troth.importers.linkedin import PARSER
    from troth.owners import local_owner

    owner = local_owner()
    csv_path = Path(home) / "Connections.csv"
    write_connections(csv_path, connections)
    out: dict = {"connections": connections}
    marks: dict[str, float] = {}

    cpu: dict[str, float] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        marks.setdefault(f"{stage}_start", time.perf_counter())
        marks[f"{stage}_end"] = time.perf_counter()
        cpu.setdefault(f"{stage}_start", time.process_time())
        cpu[f"{stage}_end"] = time.process_time()

    t, c = time.perf_counter(), time.process_time()
    with transaction.atomic():
        first = do_import(owner, PARSER, csv_path, progress=progress)
    out["import_s"] = time.perf_counter() - t
    out["import_cpu_s"] = time.process_time() - c
    # the parts: reading the file, writing people, matching identities (another module)
    out["  reading_s"] = marks["reading_end"] - t
    out["  people_s"] = marks["people_end"] - marks["reading_end"]
    out["  identities_s"] = marks.get("identities_end", 0) - marks.get("identities_start", 0)
    # the same in CPU seconds (time.process_time), which a busy machine inflates less
    out["  reading_cpu_s"] = cpu["reading_end"] - c
    out["  people_cpu_s"] = cpu["people_end"] - cpu["reading_end"]
    out["  identities_cpu_s"] = cpu.get("identities_end", 0) - cpu.get("identities_start", 0)
    out["people_created"] = first.people_created
    t = time.perf_counter()
    with transaction.atomic():
        again = do_import(owner, PARSER, csv_path)
    out["reimport_s"] = time.perf_counter() - t
    assert again.people_created == again.people_updated == 0, again.counts()
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # the whole command, in a fresh process and a fresh database
    env = dict(os.environ, TROTH_HOME=tempfile.mkdtemp(prefix="troth-bench-import-cli-"))
    troth = Path(sys.executable).with_name("troth")
    subprocess.run([str(troth), "init"], check=True, capture_output=True, env=env)
    t = time.perf_counter()
    subprocess.run(
        [str(troth), "import", str(csv_path), "--json"], check=True, capture_output=True, env=env
    )
    out["cli_import_s"] = time.perf_counter() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(run_one(args.connections)))
        return
    machine = Machine.read()
    print(machine.line(), flush=True)
    results = []
    for n in (args.connections // 10, args.connections):
        proc = subprocess.run(
            [sys.executable, __file__, "--single", "--connections", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"SQLite, {os.cpu_count()} CPUs (target: 30,000 connections in <= 3 s)")
    keys = [k for k in results[0] if k != "connections"]
    print(f"{'':18}" + "".join(f"{r['connections']:>12} conn" for r in results))
    for k in keys:
        print(f"{k:18}" + "".join(f"{r[k]:>17.3f}" for r in results))
    small, big = results
    record(
        "bench_import",
        machine,
        {
            f"{big['connections']} import s": round(big["import_s"], 2),
            "import CPU s": round(big["import_cpu_s"], 2),
            "reimport s": round(big["reimport_s"], 2),
            "command s": round(big["cli_import_s"], 2),
            f"baseline {small['connections']} s": round(small["import_s"], 2),
        },
    )


if __name__ == "__main__":
    main()
