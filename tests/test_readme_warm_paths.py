"""README's Warm paths examples run as written on `troth demo` (a newcomer's review:
they named people the demo does not have, and a company prefix three demo companies
share): each exits 0, and those that look for a path find one."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Cli

README = Path(__file__).resolve().parents[1] / "README.md"


def warm_path_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Warm paths") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Warm paths section has a sh code block"
    return [line for line in block.group(1).splitlines() if shlex.split(line, comments=True)]


def test_the_warm_path_examples_run_on_the_demo(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo")
    lines = warm_path_lines()
    assert any(line.startswith("troth knows") for line in lines)
    for line in lines:
        words = shlex.split(line, comments=True)
        assert words[0] == "troth", line
        out = cli(*words[1:]).stdout
        assert "nobody called" not in out, line
        if words[1] == "path" and "--json" not in words and "--ask" not in words:
            assert "Warm paths to" in out, f"{line}\n{out}"
        if words[1:3] == ["knows", "Kevin Watanabe"] and len(words) == 3:
            assert "Dana Kang" in out, out
