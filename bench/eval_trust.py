"""How well does the trust score recover the truth and predict the future?

    python bench/eval_trust.py [--seeds 11 12 13 14 15] [--people 500]

For each simulator setting and seed, on a simulated network of one owner:
- recovery: Spearman of the troth score with the hidden true strength, beside
  interaction count alone and recency alone (all ties, and ties with any history);
- persistence: the network written out as a generic log, read back, scored as of
  90 days before the end; ROC AUC for "interacts again within 90 days".

Weights were tuned on seeds 1-5 of the default setting; report on other seeds
(the default, 11-15) and on the other settings.

Beside the baselines, a *ceiling*: how well can anything read the truth from what
the simulator lets troth observe? A lookup table learned on seeds 1-8 of the
same setting (mean true strength per cell of: contact count, days since last
contact, meetings and calls, closeness rating, known tie age) is applied to the
reported seeds. A score near the ceiling is using what the data holds; a target
above the ceiling measures the simulator's noise, not the score.

For persistence, an *oracle* column: the AUC of ranking the same ties by their
hidden true strength, zero for ties the simulator made go cold. No score
computed from the log can know either, so it marks what the simulator allows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from troth.sim.generate import MAIL_LIKE, SimSettings, generate_network
from troth.trust.engine import TrustParams, compute
from troth.trust.evaluate import (
    count_baseline,
    history_from_network,
    recency_baseline,
    roc_auc,
    spearman,
    to_days,
)
from troth.trust.persistence import Log, persistence, read_log, write_network_log

TODAY = dt.date(2025, 6, 1)
DAYS = 540
HORIZON = 90

DEFAULT = SimSettings()
SETTINGS: dict[str, SimSettings] = {
    "default": DEFAULT,
    # burstier rhythms (gamma shape 1: exponential), fewer ratings, rarer contact
    "sparse": replace(
        DEFAULT,
        burst_shape=1.0,
        rated_fraction=0.15,
        cadence_days=tuple(1.5 * d for d in DEFAULT.cadence_days),
    ),
    # twice the contact, steadier rhythms
    "dense": replace(
        DEFAULT,
        burst_shape=4.0,
        cadence_days=tuple(0.5 * d for d in DEFAULT.cadence_days),
    ),
    # tuned so its log looks like real mail (see compare_with_real)
    "mail-like": MAIL_LIKE,
}
COLUMNS = (
    "rho",
    "rho_n",
    "rho_r",
    "rho_c",
    "rhoH",
    "rhoH_n",
    "rhoH_r",
    "rhoH_c",
    "auc",
    "auc_n",
    "auc_r",
    "auc_o",
)
TRAIN_SEEDS = range(1, 9)
END_DAY = float((TODAY - dt.date(1970, 1, 1)).days)


def observable_cells(net) -> np.ndarray:
    """One integer per tie naming its cell of what troth can observe (see the docstring)."""
    f = compute(history_from_network(net), END_DAY, TrustParams()).features
    count = np.digitize(f.n_total, [1, 2, 3, 5, 9, 17, 33])
    silent = np.digitize(np.nan_to_num(END_DAY - f.last_day, nan=1e9), [14, 45, 120, 270, 540])
    spoken = np.digitize(f.n_meetings + f.n_calls, [1, 3, 8])
    age = np.digitize(np.nan_to_num(END_DAY - to_days(net.met_on), nan=-1.0), [0, 365, 1500])
    rating = f.closeness.astype(np.int64)
    return (((count * 6 + silent) * 4 + spoken) * 4 + age) * 6 + rating


def learn_ceiling(people: int, settings: SimSettings) -> dict[int, float]:
    """Mean true strength per observable cell over the training seeds."""
    sums: dict[int, list[float]] = {}
    for seed in TRAIN_SEEDS:
        net = generate_network(people, seed, DAYS, TODAY, settings=settings)
        for cell, truth in zip(observable_cells(net), net.strength, strict=True):
            sums.setdefault(int(cell), []).append(float(truth))
    return {cell: float(np.mean(v)) for cell, v in sums.items()}


def oracle_persistence(net, h) -> float:
    """AUC of "in touch again within the horizon" for ties with history before the
    as-of day, ranked by hidden strength (0 once gone cold)."""
    as_of = END_DAY - HORIZON
    before = np.bincount(h.ix_person[h.ix_day <= as_of], minlength=h.n_people) > 0
    later = (h.ix_day > as_of) & (h.ix_day <= END_DAY)
    again = np.bincount(h.ix_person[later], minlength=h.n_people) > 0
    truth = np.where(net.went_cold, 0.0, net.strength)
    return roc_auc(truth[before], again[before])


def run_one(
    people: int,
    seed: int,
    settings: SimSettings,
    params: TrustParams,
    folder: Path,
    table: dict[int, float],
) -> dict[str, float]:
    net = generate_network(people, seed, DAYS, TODAY, settings=settings)
    h = history_from_network(net)
    truth = net.strength
    score = compute(h, END_DAY, params).score
    count = count_baseline(h, END_DAY)
    recency = recency_baseline(h, END_DAY)
    has = count > 0
    fallback = float(np.mean(list(table.values())))
    ceiling = np.array([table.get(int(c), fallback) for c in observable_cells(net)])
    path = folder / f"log-{seed}.csv"
    write_network_log(net, path)
    # persistence scores activity (the shipped model), not the trust params
    p = persistence(read_log(path), TODAY - dt.timedelta(days=HORIZON), HORIZON)
    return {
        "rho": spearman(score, truth),
        "rho_n": spearman(count, truth),
        "rho_r": spearman(recency, truth),
        "rho_c": spearman(ceiling, truth),
        "rhoH": spearman(score[has], truth[has]),
        "rhoH_n": spearman(count[has], truth[has]),
        "rhoH_r": spearman(recency[has], truth[has]),
        "rhoH_c": spearman(ceiling[has], truth[has]),
        "auc": p.auc["troth"],
        "auc_n": p.auc["count"],
        "auc_r": p.auc["recency"],
        "auc_o": oracle_persistence(net, h),
        "with_history": float(has.mean()),
        "pairs": float(p.pairs),
    }


def run(
    seeds: list[int],
    settings: dict[str, SimSettings] | None = None,
    params: TrustParams | None = None,
    people: int = 500,
    show: bool = True,
) -> dict[str, dict[str, float]]:
    """Mean of every column per setting (and prints the table when `show`)."""
    params = params or TrustParams()
    means: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, s in (settings or SETTINGS).items():
            table = learn_ceiling(people, s)
            rows = [run_one(people, seed, s, params, Path(tmp), table) for seed in seeds]
            mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
            means[name] = mean
            if show:
                print(f"\n{name}  ({people} people, {DAYS} days; rho: Spearman with the truth,")
                print("  H: ties with any history; _n: count alone, _r: recency alone,")
                print("  _c: the ceiling learned on seeds 1-8; auc_o: the oracle;")
                print(f"  auc: persistence as of day -{HORIZON}, horizon {HORIZON} d)")
                print("seed " + " ".join(f"{c:>7}" for c in COLUMNS) + "  hist%  pairs")
                for seed, r in zip(seeds, rows, strict=True):
                    print(
                        f"{seed:>4} "
                        + " ".join(f"{r[c]:7.3f}" for c in COLUMNS)
                        + f"  {100 * r['with_history']:4.0f}  {r['pairs']:5.0f}"
                    )
                print(
                    "mean "
                    + " ".join(f"{mean[c]:7.3f}" for c in COLUMNS)
                    + f"  {100 * mean['with_history']:4.0f}  {mean['pairs']:5.0f}"
                )
    return means


REAL_LOG = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "logs"


def log_shape(log: Log) -> dict[str, float]:
    """What issue 16 compares between the simulator and real mail: the gaps between
    one pair's contacts (days; quartiles), the share of ties where only one side ever
    wrote, and recipients per message (mean, and the share sent to more than one)."""
    n = len(log.names)
    a, b = np.minimum(log.sender, log.recipient), np.maximum(log.sender, log.recipient)
    pair = a * n + b
    order = np.lexsort((log.day, pair))
    p, d = pair[order], log.day[order]
    same = p[1:] == p[:-1]
    gaps = np.diff(d)[same]
    gaps = gaps[gaps > 1 / 24]  # copies of one message to several people are one contact
    directed = np.unique(log.sender * n + log.recipient)
    forward = np.isin(directed, log.recipient * n + log.sender)
    # one unordered tie is one-way when only one of its two directions occurs
    ties = len(np.unique(pair))
    two_way = int(forward.sum()) // 2
    messages = log.fanout  # per (message, recipient) entry: its message's recipients
    per_message = 1.0 / messages  # each message's entries sum to one
    return {
        "gap_q1": float(np.percentile(gaps, 25)),
        "gap_median": float(np.median(gaps)),
        "gap_q3": float(np.percentile(gaps, 75)),
        "one_way_share": 1.0 - two_way / ties,
        "recipients_mean": float(np.sum(per_message * messages) / np.sum(per_message)),
        "multi_share": float(np.sum(per_message * (messages > 1)) / np.sum(per_message)),
    }


def compare_with_real(seed: int = 11, people: int = 500) -> None:
    """The simulator's log beside the real one, on the signals issue 16 names."""
    real = REAL_LOG / "enron_train_log.csv"
    rows = []
    if real.exists():
        rows.append(("real (Enron, 12 mailboxes)", log_shape(read_log(real))))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("default", "mail-like"):
            path = Path(tmp) / f"{name}.csv"
            net = generate_network(
                people, seed=seed, days=DAYS, today=TODAY, settings=SETTINGS[name]
            )
            write_network_log(net, path)
            rows.append((f"simulator ({name}, seed {seed})", log_shape(read_log(path))))
    # Measured (seed 11, 500 people): real 4.9 / 96% / 4.0; default 9.1 / 69% / 1.0;
    # mail-like 4.9 / 94% / 3.9. The default keeps one-to-one contacts and slower
    # rhythms because the demo and the app's tests are built on it; the mail-like
    # preset is the one to check a score meant for real mail against.
    print("\nThe simulator against real mail (gaps between a pair's contacts in days):")
    print(f"{'':30} {'gap q1':>7} {'median':>7} {'q3':>7} {'one-way':>8} {'recip.':>7} {'>1':>6}")
    for name, r in rows:
        print(
            f"{name:30} {r['gap_q1']:7.1f} {r['gap_median']:7.1f} {r['gap_q3']:7.1f} "
            f"{100 * r['one_way_share']:7.0f}% {r['recipients_mean']:7.1f} "
            f"{100 * r['multi_share']:5.0f}%"
        )
    if len(rows) == 1:
        print(f"(the real log is not at {real}; only the simulator shown)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13, 14, 15])
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--compare-only", action="store_true", help="only the real-vs-sim table")
    args = ap.parse_args()
    started = time.perf_counter()
    compare_with_real(args.seeds[0], args.people)
    if not args.compare_only:
        run(args.seeds, people=args.people)
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
