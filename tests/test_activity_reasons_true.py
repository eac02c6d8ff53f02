"""Every activity reason reads true of the model (issue 16, a newcomer's review): its
"raises" or "lowers" is the sign of the change in the model's log-odds when the reason's
features move from a typical tie's values to this tie's; nothing at zero or absent reads
as raising the chance ("In touch in 0 of the last 18 five-day spans: raises"); the usual
gap counts days with contact, as the rhythm does; and one rounding of a score."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from troth.lib.text import whole
from troth.trust.activity import (
    ActivityInputs,
    from_events,
    reason_groups,
    reasons,
    shipped_model,
)
from troth.trust.ready import readiness

DAY0 = 20_000.0

# (name, days back of each contact): zero contact lately, a single old contact, a steady
# tie, and what lies between
TIES: list[tuple[str, list[float]]] = [
    ("single old contact", [200.0]),
    ("single contact 100 days ago", [100.3]),
    ("single recent contact", [3.4]),
    ("burst long ago", [100.2, 100.4, 101.0, 102.0, 103.0, 104.0]),
    ("gone quiet", [400.0, 350.0, 300.0, 250.0, 200.0, 150.0, 120.0]),
    ("quiet for 130 days", [130.5 + 13.0 * k for k in range(22)]),
    ("silent 105 days", [190.0 - 12 * k for k in range(8)]),
    ("steady weekly", [7.0 * k + 1.5 for k in range(50)]),
    ("steady monthly", [30.0 * k + 10.5 for k in range(12)]),
    ("new and busy", [0.5, 1.5, 2.5, 4.5, 8.5]),
    ("one day, many messages", [40.1, 40.2, 40.3, 40.4]),
]


def _inputs(back: list[float]) -> ActivityInputs:
    day = DAY0 - np.asarray(back, dtype=np.float64)
    tie = np.zeros(len(back), np.int64)
    initiator = np.zeros(len(back), np.int64)
    return from_events(tie, day, initiator, 1, DAY0, full=False)


def _lines(x: ActivityInputs) -> list[str]:
    return reasons(
        float(x.n_total[0]),
        float(x.first_day[0]),
        float(x.last_day[0]),
        float(x.decayed[30.0][0]),
        float(x.decayed[365.0][0]),
        float(x.months_active[0]),
        float(x.spans_active[0]),
        DAY0,
        days=float(x.days_active[0]),
    )


# which feature names a line, by how it starts
OPENINGS = {
    "rhythm_odds": ("In touch on ", "A single contact", "Contact on a single day"),
    "log_decayed_30": ("Recent contact",),
    "log_decayed_365": ("Contact over the last year",),
    "log_months_active": ("In touch in ",),
    "log_spans_active": ("In touch in ",),
    "overdue": ("Silent for", "In touch today"),
    "co_since_contact": ("On others' mail", "Not on others' mail"),
}


def _group_of(line: str, groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    if line.startswith("In touch in "):
        # the months' line, or the spans' when standing alone
        key = "log_months_active" if "12 months" in line.split(":")[0] else "log_spans_active"
        return next(g for g in groups if g[0] == key)
    found = [g for g in groups if line.startswith(OPENINGS[g[0]])]
    assert len(found) == 1, (line, groups)
    return found[0]


@pytest.mark.parametrize("tie", TIES, ids=[t[0] for t in TIES])
def test_each_reasons_direction_is_the_models_change_from_the_typical_tie(
    tie: tuple[str, list[float]],
) -> None:
    m = shipped_model()
    x = _inputs(tie[1])
    # the app knows no copies here: the co_since_contact feature reads 0 (never seen)
    x.co_last_day = np.full(1, np.nan)
    X = m.features(x, DAY0)
    lines = _lines(x)
    assert lines, tie
    groups = reason_groups(m, float(x.n_total[0]))
    for line in lines:
        group = _group_of(line, groups)
        moved = X.copy()
        for name in group:
            j = m.names.index(name)
            moved[0, j] = m.mean[j]  # the typical tie's value
        change = float(m.log_odds(X)[0] - m.log_odds(moved)[0])
        said = "raises" if line.endswith(": raises the chance of contact") else "lowers"
        assert line.endswith(f": {said} the chance of contact"), line
        assert (change > 0) == (said == "raises"), (tie[0], line, change)


@pytest.mark.parametrize("tie", TIES, ids=[t[0] for t in TIES])
def test_nothing_at_zero_or_absent_reads_as_raising(tie: tuple[str, list[float]]) -> None:
    x = _inputs(tie[1])
    lines = _lines(x)
    for line in lines:
        fact = line.split(":")[0]
        if re.search(r"\bin touch in 0 of\b", fact, re.IGNORECASE) and "weighs 0.0" in fact:
            assert line.endswith("lowers the chance of contact"), line
        assert not re.search(r"in touch in 0 of [^:]*: raises", line, re.IGNORECASE), line
    if x.n_total[0] <= 1:
        # a single contact has no usual gap: the silence against it is no reason
        assert not any(line.startswith(("Silent for", "One contact so far")) for line in lines)


def test_no_contact_in_90_days_never_raises_the_chance_through_its_spans() -> None:
    lines = _lines(_inputs([120.0]))
    spans = [line for line in lines if "0 of the last 18 five-day spans" in line]
    assert all(not line.endswith("raises the chance of contact") for line in spans), lines


def test_the_rhythm_names_the_typical_ties_chance_it_is_measured_from() -> None:
    m = shipped_model()
    typical = 1.0 / (1.0 + math.exp(-float(m.mean[m.names.index("rhythm_odds")])))
    lines = _lines(_inputs([7.0 * k + 1.5 for k in range(50)]))
    rhythm = next(line for line in lines if line.startswith("In touch on "))
    assert f"(a typical tie's: {typical:.1%})" in rhythm, rhythm


def test_the_usual_gap_counts_days_with_contact() -> None:
    # eight days with contact over 84 days, three messages on each: every 12 days, not
    # every 4 (the messages) beside a rhythm that counts the eight days
    back = [b + d for b in (190.0 - 12 * k for k in range(8)) for d in (0.1, 0.2, 0.3)]
    lines = _lines(_inputs(back))
    silent = next(line for line in lines if line.startswith("Silent for"))
    assert silent.startswith("Silent for 106 days against a usual gap of 12 days:"), silent
    rhythm = next(line for line in lines if line.startswith("In touch on "))
    assert rhythm.startswith("In touch on 8 days across 85 days,"), rhythm


def test_a_half_point_score_rounds_one_way_in_ready() -> None:
    detail = {
        "score": 76.5,
        "tier": "inner",
        "reasons": [],
        "facts": {
            "days_known": 400,
            "meetings": 5,
            "calls": 0,
            "favors_given": 2,
            "favors_received": 1,
            "my_promises_broken": 0,
        },
    }
    verdict = readiness("intro", "Kevin", detail, [], [], (400, 20))
    assert verdict["ready"], verdict
    assert verdict["why"][0].startswith(f"Trust {whole(76.5)} clears the 40"), verdict
    assert whole(76.5) == 77


def test_a_pair_reads_no_direction_its_first_feature_does_not_have() -> None:
    # Lauren Dvořák in the demo: a recent weight under a typical tie's, no contact in 90
    # days; the spans' partial term at zero outweighed the weight and the pair "raised"
    m = shipped_model()
    typical = math.expm1(float(m.mean[m.names.index("log_decayed_30")]))
    for back in ([130.5 + 13.0 * k for k in range(22)], [95.0, 96.0], [91.0, 100.0, 110.0]):
        x = _inputs(back)
        recent = float(x.decayed[30.0][0])
        for line in _lines(x):
            if line.startswith("Recent contact"):
                said = line.endswith("raises the chance of contact")
                assert said == (recent > typical), (back, recent, line)


def test_a_weight_at_a_typical_ties_never_raises_through_spans_at_zero() -> None:
    # Lauren Dvořák's figures in the demo: 22 days over 402, silent 130 days, a recent
    # weight of 0.228 (a typical tie's: 0.228) and no span: the pair's +0.12 was all the
    # spans' partial term at zero
    lines = reasons(40, DAY0 - 532, DAY0 - 130, 0.2284, 14.2, 6.0, 0.0, DAY0, days=22)
    assert not any(line.startswith("Recent contact") for line in lines), lines
    assert not any("none in the last 90 days: raises" in line for line in lines), lines


def test_a_chance_takes_the_article_it_is_read_with() -> None:
    # Wren in the README's tour: one meeting yesterday, "a 8.7% chance"
    lines = reasons(1, DAY0 - 1.5, DAY0 - 1.5, 1.0, 1.0, 1.0, 1.0, DAY0, days=1)
    rhythm = next(line for line in lines if line.startswith("A single contact"))
    assert re.search(r"like it an 8\.\d% chance", rhythm), rhythm
