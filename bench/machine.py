"""What every benchmark prints beside its figures, and where it keeps them.

Figures from two machines (or one machine under two loads) cannot be compared
as they stand; issue 20 asks each benchmark to print the machine's load and a
CPU probe next to a baseline measured in the same run, and to keep the history
in bench/RESULTS.md with the commit, instead of tables copied into docstrings.

    from machine import Machine, record
    m = Machine.read()          # load average and the CPU probe, now
    print(m.line())
    ... measure ...
    record("bench_trust", m, {"full recompute median s": 0.84, "baseline s": 0.12})
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def cpu_probe(n: int = 10_000_000) -> float:
    """Seconds for n Python additions: the figure issue 20 quotes (0.85-1.0 s for 10M
    on the machines it was measured on), so a slower or busier machine shows here."""
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            check=True,
        ).stdout.strip()
        return out + ("+" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@dataclass
class Machine:
    load: tuple[float, float, float]
    probe_s: float
    cpus: int

    @classmethod
    def read(cls) -> Machine:
        return cls(load=os.getloadavg(), probe_s=cpu_probe(), cpus=os.cpu_count() or 1)

    def line(self) -> str:
        return (
            f"machine: {self.cpus} CPUs, load {self.load[0]:.2f} {self.load[1]:.2f} "
            f"{self.load[2]:.2f}, CPU probe (10M additions) {self.probe_s:.2f} s, "
            f"commit {commit()}"
        )


def record(bench: str, machine: Machine, figures: dict[str, object], note: str = "") -> None:
    """Append one run's figures to bench/RESULTS.md (one line per run, newest last).
    Set BENCH_NO_RECORD=1 to print only (CI smoke runs do)."""
    shown = ", ".join(f"{k} {v}" for k, v in figures.items())
    print(f"{bench}: {shown}")
    if os.environ.get("BENCH_NO_RECORD"):
        return
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    row = (
        f"| {stamp} | {commit()} | {bench} | {machine.load[0]:.2f} | "
        f"{machine.probe_s:.2f} | {shown}{' (' + note + ')' if note else ''} |\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark history\n\n"
            "One line per run, appended by `bench/machine.py:record`. Load is the "
            "1-minute load average before the run; the probe is seconds for 10M Python "
            "additions (0.85-1.0 s on the 2-core machines issue 20 was measured on).\n\n"
            "| when | commit | bench | load | probe s | figures |\n"
            "|---|---|---|---|---|---|\n"
        )
    with RESULTS.open("a") as f:
        f.write(row)
