"""A number past what a day or a database row count can hold is one line and exit 2,
never a traceback (a newcomer's `troth agenda --days 3000000` and `troth people
--limit 9223372036854775807`, 2026-12-07)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Cli


HUGE = str(2**63 - 1)

CASES = [
    ("agenda", "--days", "3000000"),
    ("agenda", "--days", HUGE),
    ("agenda", "--limit", HUGE),
    ("calendar", "export", "--days", HUGE),
    ("dates", "--days", HUGE),
    ("help", "me", "--limit", HUGE),
    ("people", "--limit", HUGE),
    ("trust", "--limit", HUGE),
    ("imports", "--limit", HUGE),
    ("imports", "--limit", "9" * 23),  # past a 64-bit integer (the attacker's review)
    ("merge", "suggestions", "--limit", HUGE),
    ("webhook", "deliveries", "--limit", HUGE),
]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c[:2]) for c in CASES])
def test_a_huge_number_is_one_line(cli: Cli, fixed_day: dt.date, args: tuple[str, ...]) -> None:
    result = cli.runner.invoke(cli.app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"troth {' '.join(args)}: {result.exception!r}")
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    if result.exit_code == 2:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert lines and "Traceback" not in result.stderr, result.stderr
