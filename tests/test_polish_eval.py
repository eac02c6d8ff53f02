"""`troth eval`, as a newcomer met it: `knows` refuses a horizon of no days as
`persistence` does; a one-sender log's refusal names the command in use; usage lines
name arguments in capitals (`LOG`), not Typer's `{log}`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Cli

HEADER = "timestamp,sender,recipients\n"


def _log(tmp_path: Path, senders: tuple[str, ...]) -> Path:
    rows = [
        f"2001-0{month}-1{i}T10:00:00Z,{sender},ann@x.org;bob@x.org;cat@x.org\n"
        for month in (1, 2, 3)
        for i, sender in enumerate(senders)
    ]
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["knows", "persistence"])
def test_a_horizon_of_no_days_is_refused(cli: Cli, tmp_path: Path, command: str) -> None:
    log = _log(tmp_path, ("dan@x.org", "eve@x.org"))
    result = cli("eval", command, str(log), "--as-of", "2001-02-01", "--horizon", "0d", code=2)
    assert "the horizon must be at least one day" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["knows", "persistence"])
def test_a_one_sender_log_names_the_command_in_use(cli: Cli, tmp_path: Path, command: str) -> None:
    log = _log(tmp_path, ("dan@x.org",))
    result = cli("eval", command, str(log), "--as-of", "2001-01-15", code=2)
    assert f"every message is from dan@x.org; {command} compares the ties" in result.stderr
    other = {"knows": "persistence", "persistence": "knows"}[command]
    assert f"{other} compares" not in result.stderr


def _usage(cli: Cli, *command: str) -> str:
    out = cli(*command, "--help").stdout
    found = re.search(r"Usage: (.*?)\s*$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        (("eval", "persistence"), "troth eval persistence [OPTIONS] LOG"),
        (("eval", "knows"), "troth eval knows [OPTIONS] LOG"),
        (("add",), "troth add [OPTIONS] NAME"),
        (("people",), "troth people [OPTIONS] [QUERY]"),
        (("tag",), "troth tag [OPTIONS] NAME TAGS..."),
        (("knows",), "troth knows [OPTIONS] A [B]"),
        (("sources", "remove"), "troth sources remove [OPTIONS] ID"),
        (("sync",), "troth sync [OPTIONS] [ID]"),
        (("import",), "troth import [OPTIONS] [KIND] PATH..."),
    ],
)
def test_usage_lines_name_arguments_in_capitals(
    cli: Cli, command: tuple[str, ...], usage: str
) -> None:
    line = _usage(cli, *command)
    assert line == usage
    assert "{" not in line
