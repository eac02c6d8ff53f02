"""The README's Introductions examples run in order on the demo data (issue 18, a
newcomer's review: `intro propose Dana Wren` was refused, Bernard and Ralph were not in
the demo, and asking Bernard then recording his offer collided)."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from troth.intros.models import Introduction

if TYPE_CHECKING:
    from conftest import Cli

README = Path(__file__).resolve().parents[1] / "README.md"


def intro_lines() -> list[str]:
    text = README.read_text()
    section = text[text.index("## Introductions, double opt-in") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Introductions section has a sh code block"
    return [line for line in block.group(1).splitlines() if shlex.split(line, comments=True)]


def test_the_introductions_examples_run_on_the_demo(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo")
    assert Introduction.objects.count() == 7  # so a fresh demo's next ids are 8, 9, ...
    # the README's ids are a fresh database's; PostgreSQL's sequences run on across tests
    ids: dict[str, str] = {}
    for line in intro_lines():
        words = shlex.split(line, comments=True)
        assert words[0] == "troth", line
        if words[1] == "intro" and words[2].isdigit():
            words[2] = ids[words[2]]
        cli(*words[1:])
        if words[1] == "intro" and words[2] in {"propose", "ask", "offered"}:
            ids[str(8 + len(ids))] = str(Introduction.objects.latest("id").id)
    assert Introduction.objects.get(id=ids["8"]).state == "outcome"
    assert Introduction.objects.get(id=ids["11"]).state == "offered"
