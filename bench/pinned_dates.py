"""Run the test suite as if it were several other days, to prove no test depends on the date.

    python bench/pinned_dates.py                   # the default days, the whole suite
    python bench/pinned_dates.py --days 2027-01-31 -- tests/test_agenda.py -x

Each day is a separate `pytest` process with TROTH_TEST_TODAY set: tests/conftest.py then
pins every clock of the process to noon of that day with time-machine (still ticking). The
default days are the ones that broke date-dependent tests elsewhere: a month-end on a Sunday,
the first of a month, a leap day, a year-end, and a day more than a year ahead. It prints one
line per day (passed / failed / seconds) and exits 1 when any day failed. The unpinned run
(the real today) is the baseline, printed first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DAYS = ["2027-01-31", "2027-03-01", "2028-02-29", "2028-12-31", "2029-06-17"]


def run(day: str | None, pytest_args: list[str]) -> tuple[str, float, int]:
    env = dict(os.environ)
    env.pop("TROTH_TEST_TODAY", None)
    if day:
        env["TROTH_TEST_TODAY"] = day
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    summary = next(
        (
            line
            for line in reversed(proc.stdout.splitlines())
            if re.search(r"\d+ (passed|failed|error)", line)
        ),
        proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip(),
    )
    if proc.returncode != 0:
        failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        summary += "".join(f"\n      {line}" for line in failed[:20])
    return summary.strip("= "), seconds, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", nargs="+", default=DEFAULT_DAYS, help="ISO dates to pin")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unpinned run")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args()
    for day in args.days:
        dt.date.fromisoformat(day)  # a typo is an error, not a run on today
    pytest_args = args.pytest_args or ["-m", "not browser"]
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    worst = 0
    runs = ([] if args.no_baseline else [None]) + list(args.days)
    for day in runs:
        summary, seconds, code = run(day, pytest_args)
        label = day or f"today ({dt.date.today()})"
        weekday = dt.date.fromisoformat(day).strftime("%a") if day else "   "
        print(f"{label:<20} {weekday}  {seconds:6.1f} s  {summary}", flush=True)
        worst = max(worst, code)
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
