"""Time `troth eval persistence` on a generated 1,000,000-message log (target: < 20 s).

    python bench/bench_eval_log.py [--messages 1000000] [--people 20000]

The log is written once to a temporary file: senders and recipients drawn from a
heavy-tailed popularity (a few people write and receive most mail, as in real
mailboxes), 1-3 recipients per message with an occasional announcement to 20-60,
over two years. The whole command runs in its own process, as a user runs it.

Measured 2026-12-06 on this shared 2-core machine, two runs each, back to back:
10.3 and 8.6 s with the activity model of five features (its 365-day memory and
5-day spans added), 12.3 and 9.7 s with the earlier three: the same within noise.

2026-12-07 (issue 16), CPU seconds of the command (user + system), the same log, two
runs each alternating with the commit before, load 6-8 on 2 cores: 16.6 and 16.6 s with
co_since_contact computed on the quick path (each pair's last copy of someone else's
small message: `persistence.co_recipients_last_day`), 15.5 and 15.7 s before (+7%).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def write_log(path: Path, messages: int, people: int, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    weight = 1.0 / np.arange(1, people + 1) ** 0.8
    weight /= weight.sum()
    sender = rng.choice(people, size=messages, p=weight)
    start = np.datetime64("2023-01-01T00:00:00")
    seconds = np.sort(rng.integers(0, 730 * 86_400, size=messages))
    stamps = np.datetime_as_string(start + seconds.astype("timedelta64[s]"), unit="s")
    k = np.where(rng.random(messages) < 0.01, rng.integers(20, 61, messages), 1)
    k = np.maximum(k, rng.integers(1, 4, messages))
    pool = rng.choice(people, size=int(k.sum()), p=weight)
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,sender,recipients,channel\n")
        at = 0
        for stamp, s, n in zip(stamps.tolist(), sender.tolist(), k.tolist(), strict=True):
            rec = {f"p{r}@x.test" for r in pool[at : at + n].tolist() if r != s} or {
                f"p{(s + 1) % people}@x.test"
            }
            at += n
            out.write(f"{stamp}Z,p{s}@x.test,{';'.join(sorted(rec))},email\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=20_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        t = time.perf_counter()
        write_log(path, args.messages, args.people)
        print(f"wrote {args.messages} messages in {time.perf_counter() - t:.1f} s")
        troth = Path(sys.executable).with_name("troth")
        cmd = [
            str(troth),
            "eval",
            "persistence",
            str(path),
            "--as-of",
            "2024-06-01",
        ]
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        took = time.perf_counter() - t
        print(done.stdout.strip() or done.stderr.strip())
        print(f"troth eval persistence: {took:.1f} s (target < 20 s)")
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
