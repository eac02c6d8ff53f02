"""The README is the reference: every command and every `--json` listing is in it.

As sqlite-utils' tests/test_docs.py does for its CLI, this fails when a command is added
without a word in the README, or when the README's list of `--json` commands falls behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from troth.cli import app
from troth.cli.lazy import load_all

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(path, click command) for every visible command, groups walked into."""
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield " ".join(prefix), command
        return
    for name, sub in sorted(subcommands.items()):
        if not sub.hidden:
            yield from _commands(sub, (*prefix, name))


load_all()  # commands load on demand (troth.cli.lazy): here every one is wanted
COMMANDS = dict(_commands(typer.main.get_command(app)))


def test_the_walk_finds_the_commands() -> None:
    assert {"people", "agenda", "export json", "eval persistence"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_is_in_the_readme(path: str) -> None:
    """As a user would type it: in backticks, or starting a line of a shell example.
    (Any "troth " followed by the word matched before: the header of a results table,
    "| troth activity | count |", passed for a command named activity: a newcomer's
    review.)"""
    typed = re.escape(path)
    as_typed = rf"`troth {typed}[` ]|^[ \t]*(?:\$ )?troth {typed}(?:[ \t]|$)"
    assert re.search(as_typed, README, re.M), (
        f"`troth {path}` is not in README.md: add it to the tour or its section"
    )


def _json_list() -> set[str]:
    """The commands named in the README sentence that ends '... take `--json`'."""
    match = re.search(r"`troth people`(.*?)take\s+`--json`", README, re.S)
    assert match, "README.md lost its sentence listing the commands that take --json"
    return {"people"} | set(re.findall(r"`([a-z][a-z ]*)`", match.group(1)))


def test_the_readme_lists_every_command_that_takes_json() -> None:
    takes_json = {
        path.split()[0]
        for path, command in COMMANDS.items()
        if any("--json" in getattr(param, "opts", ()) for param in command.params)
    }
    listed = _json_list()
    assert takes_json - listed == set(), "take --json but are missing from README's list"
    assert listed - takes_json == set(), "listed in README as taking --json but do not"
