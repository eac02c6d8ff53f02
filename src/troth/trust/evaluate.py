"""Measuring the trust score (pure: numpy and scipy, no Django).

Two checks, both with baselines computed in the same run:
- recovery: Spearman correlation of the score with a simulated network's hidden
  true strength, beside interaction count alone and recency alone;
- persistence: ROC AUC for "this pair interacts again within the horizon",
  scored as of a date from any interaction log.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata, spearmanr

from troth.trust.engine import Floats, History

DAY_SECONDS = 86_400


def to_days(values: np.ndarray) -> Floats:
    """datetime64 (any unit) -> float days since 1970-01-01; NaT -> nan."""
    seconds = values.astype("datetime64[s]").astype(np.int64).astype(np.float64)
    seconds[np.isnat(values)] = np.nan
    return seconds / DAY_SECONDS


def history_from_network(net) -> History:  # net: troth.sim.generate.Network
    """The simulator's output as the engine's input (what loading it would give)."""
    me = -1
    fav_gave = net.favor_giver == me
    fav_person = np.where(fav_gave, net.favor_receiver, net.favor_giver)
    pr_mine = net.promise_debtor == me
    pr_person = np.where(pr_mine, net.promise_creditor, net.promise_debtor)
    # people-to-people favours and promises (neither side me) are not the owner's ties
    fav_keep = (net.favor_giver == me) | (net.favor_receiver == me)
    pr_keep = (net.promise_debtor == me) | (net.promise_creditor == me)
    n = len(net.full_name)
    knows = np.bincount(net.knows_a, minlength=n) + np.bincount(net.knows_b, minlength=n)
    return History(
        n_people=n,
        ix_person=net.ix_person.astype(np.int64),
        ix_day=to_days(net.ix_at),
        ix_channel=net.ix_channel.astype(np.int64),
        ix_initiator=net.ix_initiator.astype(np.int64),
        ix_minutes=net.ix_duration.astype(np.float64),
        fav_person=fav_person[fav_keep].astype(np.int64),
        fav_day=to_days(net.favor_on[fav_keep]),
        fav_gave=fav_gave[fav_keep],
        pr_person=pr_person[pr_keep].astype(np.int64),
        pr_mine=pr_mine[pr_keep],
        pr_status=net.promise_status[pr_keep].astype(np.int64),
        pr_made_day=to_days(net.promise_made[pr_keep]),
        pr_due_day=to_days(net.promise_due[pr_keep]),
        pr_changed_day=to_days(net.promise_changed_at[pr_keep]),
        knows_count=knows.astype(np.int64),
        closeness=net.closeness.astype(np.int64),
    )


def count_baseline(h: History, as_of_day: float) -> Floats:
    keep = h.ix_day <= as_of_day
    return np.bincount(h.ix_person[keep], minlength=h.n_people).astype(np.float64)


def recency_baseline(h: History, as_of_day: float) -> Floats:
    """Minus days since last contact (never: far below anyone contacted)."""
    keep = h.ix_day <= as_of_day
    last = np.full(h.n_people, -np.inf)
    np.maximum.at(last, h.ix_person[keep], h.ix_day[keep])
    out = -(as_of_day - last)
    out[np.isinf(out)] = -1e9
    return out


def spearman(a: Floats, b: Floats) -> float:
    return float(spearmanr(a, b).statistic)


def roc_auc(scores: Floats, outcome: np.ndarray) -> float:
    """Mann-Whitney form of the AUC, ties counted half; nan when one class is missing."""
    outcome = outcome.astype(bool)
    pos, neg = int(outcome.sum()), int((~outcome).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[outcome].sum() - pos * (pos + 1) / 2) / (pos * neg))
