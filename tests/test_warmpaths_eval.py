"""`troth eval knows`: links inferred from a message log before a date, scored
against "these two write to each other directly within the horizon", beside a plain
count of messages together; on a hand-made log (every pair checked) and on the real
Enron log in ../shared/realdata; bad input is one line and exit 2."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from troth.trust.persistence import read_log
from troth.warmpaths.evaluate import knows_eval

if TYPE_CHECKING:
    from conftest import Cli

LOG = "enron_train_log.csv"
HEADER = "timestamp,sender,recipients\n"


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(HEADER + "".join(f"{t},{s},{r}\n" for t, s, r in rows), encoding="utf-8")
    return path


def _log(tmp_path: Path) -> Path:
    big = ";".join(f"p{i}@x.org" for i in range(12))
    return _write(
        tmp_path / "log.csv",
        [
            # before 2024-03-01: evidence
            (
                "2024-01-05T10:00:00Z",
                "ann@x.org",
                "bob@x.org;cat@x.org",
            ),  # ann->bob, ann->cat, bob+cat
            ("2024-01-20T10:00:00Z", "ann@x.org", "bob@x.org;cat@x.org"),
            (
                "2024-02-01T10:00:00Z",
                "dan@x.org",
                "eve@x.org;bob@x.org",
            ),  # dan->eve, dan->bob, eve+bob
            ("2024-02-02T10:00:00Z", "fay@x.org", "gus@x.org"),  # two people: never evidence
            ("2024-02-03T10:00:00Z", "hal@x.org", big),  # thirteen people: a blast
            # after: outcomes within 90 days
            ("2024-03-10T10:00:00Z", "bob@x.org", "cat@x.org"),  # bob and cat write directly
            ("2024-03-11T10:00:00Z", "eve@x.org", "dan@x.org;zed@x.org"),  # eve -> dan
            ("2024-09-01T10:00:00Z", "ann@x.org", "bob@x.org"),  # too late for the horizon
        ],
    )


def test_the_pairs_the_evidence_and_the_outcomes_of_a_small_log(tmp_path: Path) -> None:
    result = knows_eval(read_log(_log(tmp_path)), dt.date(2024, 3, 1), 90)
    names = result.names
    got = {
        tuple(sorted((names[a], names[b]))): (round(s, 3), int(c), bool(o))
        for a, b, s, c, o in zip(
            result.a, result.b, result.strength, result.count, result.outcome, strict=True
        )
    }
    assert set(got) == {
        ("ann@x.org", "bob@x.org"),
        ("ann@x.org", "cat@x.org"),
        ("bob@x.org", "cat@x.org"),
        ("bob@x.org", "dan@x.org"),
        ("dan@x.org", "eve@x.org"),
        ("bob@x.org", "eve@x.org"),
    }  # never fay-gus (two people), never anyone of the blast
    assert result.evidence == 3 and result.pairs == 6
    assert got[("bob@x.org", "cat@x.org")][1:] == (2, True)
    assert got[("dan@x.org", "eve@x.org")][1:] == (1, True)
    assert got[("ann@x.org", "bob@x.org")][2] is False  # their next message is past the horizon
    assert result.positives == 2
    # writing to each other with others in copy counts more than being copied together
    assert got[("ann@x.org", "bob@x.org")][0] > got[("bob@x.org", "cat@x.org")][0]
    assert 0.0 <= result.auc["troth"] <= 1.0 and 0.0 <= result.auc["count"] <= 1.0


def test_the_real_log(realdata: Path, cli: Cli, tmp_path: Path) -> None:
    scores = tmp_path / "links.csv"
    data = cli.json(
        "eval",
        "knows",
        str(realdata / "logs" / LOG),
        "--as-of",
        "2001-10-01",
        "--horizon",
        "90d",
        "--scores",
        str(scores),
    )
    assert data["rows"] == 17315 and data["pairs"] > 5000 and data["positives"] > 100
    # what the README reports: troth's strength ranks pairs better than chance and
    # than the plain count on this date
    assert data["auc"]["troth"] > 0.7 and data["auc"]["troth"] > data["auc"]["count"]
    with scores.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == data["pairs"]
    assert sum(int(r["outcome"]) for r in rows) == data["positives"]
    text = cli("eval", "knows", str(realdata / "logs" / LOG), "--as-of", "2001-10-01").stdout
    assert "troth link strength" in text and "messages together" in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--as-of", "2030-01-01"), "after the last message"),
        (("--as-of", "2024-03-01", "--horizon", "soon"), "--horizon"),
        (("--as-of", "2020-01-01"), "on or before the first message"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, cli: Cli, args: tuple[str, ...], says: str
) -> None:
    result = cli("eval", "knows", str(_log(tmp_path)), *args, code=2)
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_scores_never_overwrite_the_log(tmp_path: Path, cli: Cli) -> None:
    path = _log(tmp_path)
    before = path.read_text()
    result = cli("eval", "knows", str(path), "--as-of", "2024-03-01", "--scores", str(path), code=2)
    assert "would overwrite the log itself" in result.stderr
    assert path.read_text() == before
