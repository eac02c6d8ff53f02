"""`troth eval persistence` and bench/fit_activity.py read the shipped model the same
way (issue 16: the shipped model scored lower through the command than the fit
script said). The features were already one computation; two things differed: the
command ranked the score after rounding it to 0.01 points (thousands of long-silent
pairs tied), and the fit script computed the rhythm's log-odds with its own copy of
the formula."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from bench_scripts import load_bench_script
from troth.trust.activity import activity, shipped_model
from troth.trust.evaluate import roc_auc
from troth.trust.persistence import pairs_as_of, persistence, read_log

if TYPE_CHECKING:
    from types import ModuleType

AS_OF = dt.date(2001, 5, 1)


@pytest.fixture(scope="module")
def fitting(realdata: Path) -> tuple[ModuleType, Path]:
    return load_bench_script("fit_activity"), realdata / "logs" / "enron_train_log.csv"


def test_the_command_ranks_the_unrounded_chance(fitting: tuple[ModuleType, Path]) -> None:
    """The AUC the command prints is that of the model's chance itself, not of the
    score as written to --scores (rounded: many pairs tie at 0.00)."""
    _fa, path = fitting
    log = read_log(path)
    result = persistence(log, AS_OF)
    pa = pairs_as_of(log, AS_OF)
    chance = activity(pa.inputs, pa.as_of_day)
    assert result.auc["troth"] == pytest.approx(roc_auc(chance, pa.outcome), abs=1e-12)
    # the rounding ties pairs (the reason this test exists) and ranks them worse
    assert len(np.unique(result.score)) < len(np.unique(chance)) / 2
    assert roc_auc(result.score, result.outcome) < result.auc["troth"] - 0.0003


def test_the_fit_script_computes_the_shipped_models_columns_as_the_app_does(
    fitting: tuple[ModuleType, Path],
) -> None:
    """The fit script's design matrix, with the shipped rhythm, is the app's features
    column for column: the model is fitted on the numbers it is later given."""
    fa, path = fitting
    log = read_log(path)
    m = shipped_model()
    assert tuple(fa.USE) == m.names
    s = fa.samples(log, [AS_OF])[AS_OF]
    fitted = fa.design(s, list(m.names), m.rhythm)
    quick = pairs_as_of(log, AS_OF, full=False)  # what the command computes
    app = m.features(quick.inputs, quick.as_of_day)
    np.testing.assert_allclose(fitted, app, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "day", ["2001-04-01", "2001-05-01", "2001-08-01", "2001-09-01", "2001-10-01"]
)
def test_the_shipped_model_beats_the_best_baseline_by_the_issues_margin(
    fitting: tuple[ModuleType, Path], day: str
) -> None:
    """Issue 16's bar (+0.02 over the best of count, recency and the decayed counts)
    for the shipped model as `troth eval persistence` scores it. In-sample: the
    shipped model was fitted on this log's months up to 2001-08-01 (SHIP_LAST in the
    fit script), and that cut was chosen on these dates; the honest check is
    tests/test_activity_rhythm.py (fitted before each date)."""
    _fa, path = fitting
    r = persistence(read_log(path), dt.date.fromisoformat(day))
    best = max(r.auc[k] for k in ("count", "recency", "decay_30", "decay_90"))
    assert r.auc["troth"] - best >= 0.02, r.auc
