"""The mail-like simulator preset (issue 16): its log looks like real e-mail."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from troth.sim.generate import MAIL_LIKE, SimSettings, generate_network
from troth.trust.persistence import SIM_OWNER, read_log, write_network_log

TODAY = dt.date(2025, 6, 1)
BENCH = Path(__file__).resolve().parents[1] / "bench" / "eval_trust.py"


def _log_shape() -> Callable[[Any], dict[str, float]]:
    spec = importlib.util.spec_from_file_location("eval_trust_bench", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    shape: Callable[[Any], dict[str, float]] = mod.log_shape
    return shape


def _shape(
    tmp_path: Path, settings: SimSettings | None = None, seed: int = 11
) -> tuple[Any, dict[str, float]]:
    path = tmp_path / "sim.csv"
    net = generate_network(500, seed=seed, days=540, today=TODAY, settings=settings)
    write_network_log(net, path)
    log = read_log(path)
    return log, _log_shape()(log)


def test_mail_like_log_is_near_the_real_log(tmp_path: Path) -> None:
    # the Enron log: median gap 4.9 days, 96% one-way ties, 4.0 recipients per message
    _log, r = _shape(tmp_path, MAIL_LIKE)
    assert 3.5 <= r["gap_median"] <= 6.5
    assert r["one_way_share"] >= 0.90
    assert 3.0 <= r["recipients_mean"] <= 5.0


def test_default_keeps_one_to_one_contacts(tmp_path: Path) -> None:
    # the demo and the app's tests are built on the default: no group mail there
    log, r = _shape(tmp_path)
    assert r["recipients_mean"] == 1.0
    assert r["gap_median"] > 7.0


def test_group_mail_is_one_message_from_the_owner(tmp_path: Path) -> None:
    log, _r = _shape(tmp_path, MAIL_LIKE, seed=3)
    owner = log.names.index(SIM_OWNER)
    many = log.fanout > 1
    assert many.any()
    assert (log.sender[many] == owner).all()
    # every copy of one message goes to a different person
    key = log.day[many] * 1e6 + log.recipient[many]
    assert len(np.unique(key)) == int(many.sum())
