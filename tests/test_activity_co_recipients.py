"""The contact beyond the tie (issue 16): when a person was last on a message someone
else sent to the owner and them, read from a message log as the mail import keeps
such messages (2 to 10 people besides the owner)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np

from troth.trust.activity import APP_FEATURES, app_inputs, features
from troth.trust.persistence import PairsAsOf, pairs_as_of, read_log

AS_OF = dt.date(2025, 3, 1)
CROWD = ";".join(f"p{k}@x.org" for k in range(9))  # with ann and cy: 11 recipients


def _pairs(tmp_path: Path, lines: list[str]) -> PairsAsOf:
    log = tmp_path / "log.csv"
    log.write_text("timestamp,sender,recipients,channel\n" + "\n".join(lines) + "\n", "utf-8")
    return pairs_as_of(read_log(log), AS_OF)


def _co(pa: PairsAsOf, names: list[str], owner: str, person: str) -> tuple[float, float]:
    """The pair's last day on someone else's message with the owner (engine days,
    nan when never) and its co_since_contact feature."""
    mine = (pa.owner == names.index(owner)) & (pa.person == names.index(person))
    i = int(np.flatnonzero(mine)[0])
    assert pa.inputs.co_last_day is not None
    col = features(pa.inputs, pa.as_of_day, ["co_since_contact"])[:, 0]
    return float(pa.inputs.co_last_day[i]), float(col[i])


def test_a_message_to_both_from_someone_else_counts_after_the_last_contact(
    tmp_path: Path,
) -> None:
    lines = [
        "2025-01-02T12:00:00Z,ann@x.org,cy@x.org,email",  # the tie's last contact
        "2025-01-20T12:00:00Z,boss@x.org,ann@x.org;cy@x.org,email",  # both in copy
        "2025-03-05T12:00:00Z,boss@x.org,ann@x.org;cy@x.org,email",  # after the day
    ]
    pa = _pairs(tmp_path, lines)
    names = read_log(tmp_path / "log.csv").names
    last, col = _co(pa, names, "ann@x.org", "cy@x.org")
    assert last == (dt.date(2025, 1, 20) - dt.date(1970, 1, 1)).days + 0.5
    assert math.isclose(col, math.log1p(18.0))


def test_big_messages_own_mail_and_earlier_copies_do_not_count(tmp_path: Path) -> None:
    lines = [
        # someone else's message to both, but before the tie's last contact
        "2025-01-01T12:00:00Z,boss@x.org,ann@x.org;cy@x.org,email",
        "2025-01-02T12:00:00Z,cy@x.org,ann@x.org,email",
        # an announcement to 11: more than the mail import keeps
        f"2025-01-10T12:00:00Z,boss@x.org,ann@x.org;cy@x.org;{CROWD},email",
        # ann's own message to cy and dee is contact with each, not a copy
        "2025-01-15T12:00:00Z,ann@x.org,cy@x.org;dee@x.org,email",
    ]
    pa = _pairs(tmp_path, lines)
    names = read_log(tmp_path / "log.csv").names
    last, col = _co(pa, names, "ann@x.org", "cy@x.org")
    assert last == (dt.date(2025, 1, 1) - dt.date(1970, 1, 1)).days + 0.5
    assert col == 0.0
    never, none = _co(pa, names, "ann@x.org", "dee@x.org")
    assert math.isnan(never)
    assert none == 0.0


def test_the_app_reads_it_and_unknown_is_never_a_silent_zero() -> None:
    # the app reads the copies (summary.co_last_days); inputs that do not say (None)
    # give nan, which a model reading the feature would show in every score
    assert "co_since_contact" in APP_FEATURES
    one = np.ones(1)
    x = app_inputs(one, one, one, one, one, one, one, one)
    assert np.isnan(features(x, 10.0, ["co_since_contact"])).all()
    seen = app_inputs(one, one, one, one, one, one, one, one, co_last_day=np.asarray([8.0]))
    assert features(seen, 10.0, ["co_since_contact"])[0, 0] == math.log1p(7.0)
