"""How long a `troth` command takes to start, beside a bare Django start-up.

    python bench/bench_cli_startup.py [--runs 11] [--people 300]

Targets (issue 18 item 6): `troth --version` and `troth --help` under 0.15 s
(no Django at all), read commands (`troth people --limit 5`, `troth agenda`) at
most 1.5x the baseline, which is `python -c "import django; django.setup()"`
with troth's settings (the same installed apps), run in the same loop.

Each command runs as a new process on a demo database built in a temporary
TROTH_HOME (`troth demo --people N`, seed 7); the runs of all commands are
interleaved so that a busy machine slows them alike. Prints each command's
median and fastest wall time, the ratio of the medians to the baseline's, the
median CPU time (user + system) and its ratio, and the load average: on a busy
shared machine wall times grow with the load, CPU times much less, so the CPU
column is the one to compare with the targets there.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = "django.setup()"
BASELINE_CODE = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'troth.settings'); "
    "import django; django.setup()"
)


def troth_executable() -> list[str]:
    found = shutil.which("troth", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "troth"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return took, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each command")
    parser.add_argument("--people", type=int, default=300, help="demo network size")
    args = parser.parse_args()

    troth = troth_executable()
    home = tempfile.mkdtemp(prefix="troth-bench-startup-")
    env = {**os.environ, "TROTH_HOME": home, "DJANGO_SETTINGS_MODULE": "troth.settings"}
    env.pop("TROTH_DATABASE_URL", None)
    # The warm-up run below writes the .pyc files an installed troth has; with
    # PYTHONDONTWRITEBYTECODE set (some shells and containers) every run would compile
    # troth's own modules from source, a cost no installed copy pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        t = time.perf_counter()
        subprocess.run(
            [*troth, "demo", "--people", str(args.people)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"demo database ({args.people} people) built in {time.perf_counter() - t:.1f} s")
        commands: dict[str, list[str]] = {
            BASELINE: [sys.executable, "-c", BASELINE_CODE],
            "troth --version": [*troth, "--version"],
            "troth --help": [*troth, "--help"],
            "troth people --limit 5": [*troth, "people", "--limit", "5"],
            "troth agenda": [*troth, "agenda"],
        }
        for argv in commands.values():  # warm the page cache and the .pyc files once
            timed(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for name, argv in commands.items():
                wall, used = timed(argv, env)
                times[name].append(wall)
                cpu[name].append(used)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(home, ignore_errors=True)

    base = statistics.median(times[BASELINE])
    base_cpu = statistics.median(cpu[BASELINE])
    print(
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        f"({os.cpu_count()} CPUs); {args.runs} runs each, interleaved"
    )
    print(
        f"{'command':<26}{'median':>9}{'fastest':>9}{'x baseline':>12}"
        f"{'cpu':>9}{'cpu x base':>12}  target"
    )
    targets = {
        "troth --version": "< 0.15 s",
        "troth --help": "< 0.15 s",
        "troth people --limit 5": "<= 1.5x",
        "troth agenda": "<= 1.5x",
    }
    for name, runs in times.items():
        median = statistics.median(runs)
        used = statistics.median(cpu[name])
        print(
            f"{name:<26}{median:>8.3f}s{min(runs):>8.3f}s{median / base:>11.2f}x"
            f"{used:>8.3f}s{used / base_cpu:>11.2f}x  {targets.get(name, '')}"
        )


if __name__ == "__main__":
    main()
