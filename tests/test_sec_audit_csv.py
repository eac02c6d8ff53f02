"""Issue 17, re-checked as the audit's attacker: a CSV's memory, like the zip's (item
3). A member's 60 MiB upload of one line of 20 million empty cells ("[],[],...")
was taken for a CSV and parsed, row by row, into lists of 20 million strings, for
each kind of table tried: a `troth serve --sign-in` server went from 56 MiB to
4.7 GiB and was still reading it after eight minutes. A line over
csvfiles.MAX_LINE characters is now refused, before the csv module reads it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from troth.importers import csvfiles
from troth.importers.records import ImportFileError
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

CELLS = (csvfiles.MAX_LINE // 3) + 1000  # "[]," per cell: just over the limit


def one_long_line(path: Path, first: str = "") -> Path:
    path.write_text(first + ",".join(["[]"] * CELLS) + "\n")
    return path


@pytest.mark.parametrize("first", ["", "Name,Email\nAnn,ann@example.org\n"])
def test_a_line_over_the_limit_is_refused_naming_it(first: str) -> None:
    text = first + ",".join(["[]"] * CELLS) + "\n"
    with pytest.raises(ImportFileError, match=r"x\.csv:\d: a line of more than 1,048,576"):
        csvfiles.find_table(text, "x.csv", "name")
    assert csvfiles.header_keys(text) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_long_line_finds_the_line_whatever_ends_it(newline: str) -> None:
    short = "a,b" + newline
    text = short * 3 + "x" * 11 + newline + short
    found = csvfiles.long_line(text, limit=10)
    # lines are numbered by newlines (an old Mac file is one numbered line)
    assert found == (1 if newline == "\r" else 4)
    assert csvfiles.long_line(text, limit=11) is None
    assert csvfiles.long_line("", limit=1) is None


def test_an_ordinary_csv_still_reads() -> None:
    text = "Name,Email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(2000))
    table = csvfiles.find_table(text, "x.csv", "name", "email")
    assert table is not None and table.has("email")


LONG = "a line of more than 1,048,576 characters"


@pytest.mark.parametrize(
    ("kind", "says"),
    [("csv", LONG), ("google", LONG), ("linkedin", "not a LinkedIn Connections.csv")],
)
def test_the_import_command_says_it_in_one_line(
    cli: Cli, tmp_path: Path, kind: str, says: str
) -> None:
    path = one_long_line(tmp_path / "contacts.csv", "Name,Email\n")
    result = cli("import", kind, str(path), code=2)
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Person.objects.filter(is_me=False).exists()
