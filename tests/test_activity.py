"""Activity (will we stay in touch?): the shipped model, `troth eval persistence` on bad
input, and the real log (issue 16)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from troth.trust.activity import (
    FEATURES,
    HORIZON_DAYS,
    activity,
    from_events,
    shipped_model,
)
from troth.trust.persistence import persistence, read_log

if TYPE_CHECKING:
    from conftest import Cli
    from troth.trust.activity import ActivityInputs
    from troth.trust.persistence import Log

DAY0 = 20_000.0  # an engine day (2024-10-04)


def test_the_shipped_model_says_where_it_came_from() -> None:
    m = shipped_model()
    assert set(m.names) <= set(FEATURES)
    assert len(m.coef) == len(m.mean) == len(m.scale) == len(m.names)
    assert m.meta["fitted_by"] == "bench/fit_activity.py"
    assert "enron_train_log.csv" in str(m.meta["data"])
    assert m.meta["horizon_days"] == HORIZON_DAYS
    dt.date.fromisoformat(str(m.meta["fitted_on"]))


def _one_tie(days_before: list[float], initiators: list[int] | None = None) -> ActivityInputs:
    days = np.asarray([DAY0 - d for d in days_before])
    tie = np.zeros(len(days), np.int64)
    init = np.asarray(initiators or [0] * len(days), np.int64)
    return from_events(tie, days, init, 1, DAY0)


def test_activity_reads_like_its_reasons() -> None:
    """Recent, regular contact is likelier to go on than the same contact long ago, and
    a tie silent far beyond its usual rhythm is less likely than one on rhythm."""
    recent = activity(_one_tie([3, 10, 40, 70]), DAY0)[0]
    old = activity(_one_tie([300, 310, 340, 370]), DAY0)[0]
    assert recent > old
    monthly = activity(_one_tie([d * 30 + 5 for d in range(12)]), DAY0)[0]
    one_burst = activity(_one_tie([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), DAY0)[0]
    assert monthly > one_burst  # twelve months with contact beat one busy fortnight
    on_rhythm = activity(_one_tie([20, 50, 80, 110]), DAY0)[0]
    overdue = activity(_one_tie([100, 101, 102, 103]), DAY0)[0]
    assert on_rhythm > overdue
    assert 0 < overdue < recent < 1


def test_events_on_or_after_the_day_do_not_count() -> None:
    before = _one_tie([10, 40])
    with_future = from_events(
        np.zeros(3, np.int64),
        np.asarray([DAY0 - 10, DAY0 - 40, DAY0 + 1]),
        np.zeros(3, np.int64),
        1,
        DAY0,
    )
    assert with_future.n_total[0] == before.n_total[0] == 2
    assert activity(with_future, DAY0)[0] == activity(before, DAY0)[0]


# -- bad input: one line naming file, line and field; exit 2 ----------------------------

GOOD = (
    "timestamp,sender,recipients,channel\n"
    "2025-01-02T10:00:00Z,ann@x.org,bob@x.org;cy@x.org,email\n"
    "2025-01-03T09:30:00Z,bob@x.org,ann@x.org,email\n"
    "2025-03-01T09:30:00Z,ann@x.org,bob@x.org,email\n"
)


def _run(cli: Cli, tmp_path: Path, text: str, as_of: str = "2025-02-01") -> str:
    log = tmp_path / "log.csv"
    log.write_text(text, encoding="utf-8")
    out = cli("eval", "persistence", str(log), "--as-of", as_of, code=2)
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    return out.stderr


def test_missing_column(cli: Cli, tmp_path: Path) -> None:
    err = _run(cli, tmp_path, GOOD.replace("recipients", "to"))
    assert "log.csv line 1: missing column recipients" in err


def test_unparseable_timestamp(cli: Cli, tmp_path: Path) -> None:
    err = _run(cli, tmp_path, GOOD.replace("2025-01-03T09:30:00Z", "3rd of Jan"))
    assert "log.csv line 3: cannot read timestamp '3rd of Jan'" in err


def test_empty_recipients(cli: Cli, tmp_path: Path) -> None:
    err = _run(cli, tmp_path, GOOD.replace("bob@x.org,ann@x.org,email", "bob@x.org, ; ,email"))
    assert "log.csv line 3: no recipients (the recipients field is empty)" in err


def test_one_sender_only(cli: Cli, tmp_path: Path) -> None:
    err = _run(
        cli,
        tmp_path,
        GOOD.replace(
            "2025-01-03T09:30:00Z,bob@x.org,ann@x.org", "2025-01-03T09:30:00Z,ann@x.org,bob@x.org"
        ),
    )
    assert "log.csv: sender: every message is from ann@x.org" in err


@pytest.mark.parametrize(
    ("as_of", "words"),
    [("2024-06-01", "before the first message"), ("2025-05-01", "after the last message")],
)
def test_a_date_outside_the_log(cli: Cli, tmp_path: Path, as_of: str, words: str) -> None:
    err = _run(cli, tmp_path, GOOD, as_of=as_of)
    assert f"--as-of {as_of} is on or {words}" in err or f"--as-of {as_of} is {words}" in err
    assert "log.csv" in err


def test_a_good_log_reports_every_baseline(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(GOOD, encoding="utf-8")
    data = json.loads(
        cli("eval", "persistence", str(log), "--as-of", "2025-02-01", "--json").stdout
    )
    assert set(data["auc"]) == {"troth", "count", "recency", "decay_30", "decay_90"}


# -- the real log ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def enron(realdata: Path) -> Log:
    return read_log(realdata / "logs" / "enron_train_log.csv")


@pytest.mark.parametrize("day", ["2001-04-01", "2001-05-01", "2001-08-01", "2001-10-01"])
def test_activity_beats_every_baseline_on_the_real_log(enron: Log, day: str) -> None:
    """The shipped model was fitted on this log (monthly dates to 2001-08-01), so this is
    not the honest check: bench/fit_activity.py fits before each date and on other mailboxes.
    It does catch a shipped model that no longer reads the log it came from."""
    r = persistence(enron, dt.date.fromisoformat(day), 90)
    best = max(r.auc[k] for k in ("count", "recency", "decay_30", "decay_90"))
    assert r.auc["troth"] > best, r.auc


def test_the_app_scores_activity_as_the_log_does() -> None:
    """The database summary path (engine.compute) and a message log (from_events) give
    one tie the same activity, and the model uses only what the app can compute."""
    from troth.trust.activity import APP_FEATURES
    from troth.trust.engine import History, compute, summarize

    assert set(shipped_model().names) <= set(APP_FEATURES)
    rng = np.random.default_rng(4)
    n = 40
    person = rng.integers(0, n, 600)
    day = DAY0 - rng.uniform(1, 500, 600)
    h = History(
        n_people=n,
        ix_person=person,
        ix_day=day,
        ix_channel=np.full(600, 2),
        ix_initiator=rng.integers(0, 2, 600),
        ix_minutes=np.zeros(600),
    )
    # as of DAY0 and 30 and 90 days before, from one summary, as the app scores trends
    cuts = [DAY0 - 90, DAY0 - 30, DAY0]
    contacts = summarize(h, cuts)
    for cut in cuts:
        app = compute(h, cut, contacts=contacts).activity
        x = from_events(person, day, h.ix_initiator, n, cut)
        log = np.where(x.n_total > 0, np.round(100 * activity(x, cut), 1), 0.0)
        np.testing.assert_allclose(app, log, atol=0.051)


# -- in the app ---------------------------------------------------------------------------


def _meetings(cli: Cli, name: str, days_ago: list[int]) -> None:
    from django.utils import timezone

    cli("add", name)
    for d in days_ago:
        when = (timezone.localdate() - dt.timedelta(days=d)).isoformat()
        cli("log", name, "meeting", "--when", when, "--minutes", "60", "--they-started")


def test_troth_trust_shows_activity_and_its_reasons(cli: Cli) -> None:
    _meetings(cli, "Dana Whitfield", [3, 33, 63, 93, 123, 153])
    _meetings(cli, "Olde Friend", [400, 430, 460])
    dana, olde = cli.json("trust", "Dana"), cli.json("trust", "Olde")
    assert dana["activity"] > olde["activity"] > 0
    assert (
        "In touch in 6 of the last 12 months: raises the chance of contact"
        in (dana["activity_reasons"])
    )
    assert any("lowers the chance" in r for r in olde["activity_reasons"])
    text = cli("trust", "Dana").stdout
    assert "Activity" in text and "within 90 days" in text


def test_a_tie_whose_activity_falls_is_cooling_on_the_agenda(cli: Cli) -> None:
    """Weekly for half a year, then five weeks of silence: the chance of contact fell by
    more than COOLING_DROP in 30 days, so the agenda says so before the (own, 60-day)
    rhythm is due."""
    from troth.agenda.queries import COOLING_DROP

    _meetings(cli, "Wes Weekly", [35 + 7 * k for k in range(26)])
    cli("cadence", "Wes", "60d")
    row = next(r for r in cli.json("trust") if r["name"] == "Wes Weekly")
    assert row["activity_trend_30"] <= -COOLING_DROP
    items = cli.json("agenda", "--limit", "20")["items"]
    why = [i for i in items if (i.get("person") or {}).get("name") == "Wes Weekly"]
    assert why and "the chance of contact fell" in why[0]["reason"], items
