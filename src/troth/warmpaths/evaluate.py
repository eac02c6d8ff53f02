"""Does the inference of who knows whom predict anything? (pure: no Django)

`troth eval knows LOG.csv --as-of DATE --horizon 90d` reads a message log (the
`timestamp,sender,recipients` CSV of `troth eval persistence`) and asks, for every
pair of people the inference would link from what happened before DATE: do these
two write to each other directly (one sends, the other is a recipient) within the
horizon? The ROC AUC of troth's link strength (infer.strength: the chance from the
messages' weights and distinct days, decayed) is set beside a plain baseline: how many messages of any size the two
were on together before DATE.

The evidence is what a third person on the message would have seen, the way troth
sees mail between two of the owner's contacts: only messages with at least three
people on them (sender and recipients) and at most MAX_GROUP besides the one
looking (a list blast is no evidence, infer.MAX_GROUP). On such a message the
sender and each recipient are "one wrote to the other with me in copy" (mail_cc);
two recipients are "Cc'd together" (mail). Each message weighs 1/(n-1) for the n
people on it besides the one looking, as troth weighs a group of n of my people.
A message between just two people is never evidence: troth never sees it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from troth.trust.evaluate import roc_auc
from troth.trust.persistence import Log, check_horizon
from troth.warmpaths import infer

EPOCH = dt.date(1970, 1, 1)
Pair = tuple[int, int]


@dataclass
class KnowsResult:
    as_of: dt.date
    horizon_days: int
    rows: int  # messages in the log
    evidence: int  # messages before DATE that are evidence (3 to MAX_GROUP + 1 people)
    pairs: int  # pairs the inference links
    positives: int  # of them, pairs that wrote to each other within the horizon
    auc: dict[str, float]  # troth (link strength), count (messages together)
    usable: int  # pairs at or above the search's floor (queries.LINK_FLOOR)
    precision_usable: float  # share of those that wrote to each other
    a: NDArray[np.int64] = field(repr=False)
    b: NDArray[np.int64] = field(repr=False)
    strength: NDArray[np.float64] = field(repr=False)
    count: NDArray[np.float64] = field(repr=False)
    outcome: NDArray[np.bool_] = field(repr=False)
    names: list[str] = field(repr=False)

    def summary(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "rows": self.rows,
            "evidence_messages": self.evidence,
            "pairs": self.pairs,
            "positives": self.positives,
            "auc": {k: (None if np.isnan(v) else round(v, 4)) for k, v in self.auc.items()},
            "usable": self.usable,
            "precision_usable": None
            if np.isnan(self.precision_usable)
            else round(self.precision_usable, 4),
        }


def _messages(log: Log) -> list[tuple[float, int, list[int]]]:
    """(day, sender, recipients) per message, in the log's order."""
    if len(log.row) != len(log.sender):
        raise ValueError("the log was built without its message rows")
    out: dict[int, tuple[float, int, list[int]]] = {}
    for row, s, r, d in zip(
        log.row.tolist(), log.sender.tolist(), log.recipient.tolist(), log.day.tolist(), strict=True
    ):
        found = out.get(row)
        if found is None:
            out[row] = (d, s, [r])
        else:
            found[2].append(r)
    return list(out.values())


def knows_eval(log: Log, as_of: dt.date, horizon_days: int, *, floor: float = 0.03) -> KnowsResult:
    """Score every pair linked from the evidence before `as_of` (see the module
    docstring); the outcome is a direct message between them in the horizon.
    `floor`: the strength a link needs to carry a path (queries.LINK_FLOOR)."""
    check_horizon(horizon_days)
    start = float((as_of - EPOCH).days)
    end = start + horizon_days
    together: dict[Pair, _Seen] = {}
    copied: dict[Pair, _Seen] = {}
    shared: dict[Pair, int] = {}  # the baseline: messages of any size
    direct: set[Pair] = set()
    evidence = 0
    for day, sender, recipients in _messages(log):
        people = sorted({sender, *recipients})
        if day < start:
            if len(people) <= 200:  # a blast of thousands: the baseline's pairs would explode
                for i, x in enumerate(people):
                    for y in people[i + 1 :]:
                        shared[(x, y)] = shared.get((x, y), 0) + 1
            if not 3 <= len(people) <= infer.MAX_GROUP + 1:
                continue
            evidence += 1
            others = sorted(set(recipients) - {sender})
            weight = 1.0 / (len(people) - 2)  # n = len(people) - 1 besides the one looking
            for x in others:
                _seen(copied, (min(sender, x), max(sender, x)), day, weight)
            for i, x in enumerate(others):
                for y in others[i + 1 :]:
                    _seen(together, (x, y), day, weight)
        elif day < end:
            for r in recipients:
                if r != sender:
                    direct.add((min(sender, r), max(sender, r)))
    pairs = sorted(set(together) | set(copied))
    strength = np.empty(len(pairs))
    count = np.empty(len(pairs))
    outcome = np.zeros(len(pairs), dtype=bool)
    none = _Seen()
    for i, key in enumerate(pairs):
        t = together.get(key, none)
        c = copied.get(key, none)
        strength[i] = infer.strength(
            mail=t.count,
            mail_cc=c.count,
            # a message one wrote to the other is a group they were on together too
            mail_weight=t.weight + c.weight,
            days=len(t.days | c.days),
            days_since_last=start - max(t.last, c.last),
        )
        count[i] = shared.get(key, 0)
        outcome[i] = key in direct
    usable = strength >= floor
    return KnowsResult(
        as_of=as_of,
        horizon_days=horizon_days,
        rows=log.rows,
        evidence=evidence,
        pairs=len(pairs),
        positives=int(outcome.sum()),
        auc={"troth": roc_auc(strength, outcome), "count": roc_auc(count, outcome)},
        usable=int(usable.sum()),
        precision_usable=float(outcome[usable].mean()) if usable.any() else float("nan"),
        a=np.array([p[0] for p in pairs], dtype=np.int64),
        b=np.array([p[1] for p in pairs], dtype=np.int64),
        strength=strength,
        count=count,
        outcome=outcome,
        names=log.names,
    )


@dataclass
class _Seen:
    count: int = 0
    weight: float = 0.0
    last: float = -np.inf
    days: set[int] = field(default_factory=set)


def _seen(found: dict[Pair, _Seen], key: Pair, day: float, weight: float) -> None:
    seen = found.setdefault(key, _Seen())
    seen.count += 1
    seen.weight += weight
    seen.last = max(seen.last, day)
    seen.days.add(int(day))


def write_scores(result: KnowsResult, path: str | Path) -> None:
    """One row per pair: the two, troth's link strength, the baseline, the outcome."""
    names = result.names
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["a", "b", "troth_strength", "messages_together", "outcome"])
        w.writerows(
            zip(
                [names[i] for i in result.a.tolist()],
                [names[i] for i in result.b.tolist()],
                np.round(result.strength, 4).tolist(),
                result.count.astype(np.int64).tolist(),
                result.outcome.astype(int).tolist(),
                strict=True,
            )
        )
