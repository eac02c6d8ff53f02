"""The README's tour must work as written on the demo data (a newcomer follows it literally)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from troth.ledger.models import Commitment, Need

if TYPE_CHECKING:
    from conftest import Cli

README = Path(__file__).resolve().parents[1] / "README.md"


def tour_lines() -> list[str]:
    text = README.read_text()
    section = text[text.index("## A two-minute tour") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the tour has a sh code block"
    return [line for line in block.group(1).splitlines() if shlex.split(line, comments=True)]


def test_the_readme_names_both_commands() -> None:
    text = README.read_text()
    assert "pip install -e . && troth serve --demo" in text
    assert "pip install -e '.[test]' && pytest" in text


def test_the_tour_runs_on_the_demo_data(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo")
    for line in tour_lines():
        if "<promise id>" in line:
            promise = Commitment.objects.get(what="send Wren the salary survey")
            line = line.replace("<promise id>", str(promise.id))
        if "<need id>" in line:
            need = Need.objects.get(
                what="a CPA who knows startups", person__full_name="Wren Halvorsen"
            )
            line = line.replace("<need id>", str(need.id))
        if "<item id>" in line:
            line = line.replace("<item id>", cli.json("agenda")["items"][0]["id"])
        words = shlex.split(line, comments=True)
        assert words[0] == "troth", line
        cli(*words[1:], input="y\n")
    wren = cli.json("show", "Wren")
    assert wren["title"] == "CTO" and wren["closeness"] == 3
    assert wren["open_needs"] == []
    assert wren["cadence_days"] == 14
