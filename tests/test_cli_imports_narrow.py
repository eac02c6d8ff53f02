"""`troth imports` at an 80-column terminal: every column is there, nothing passes the
edge, whatever the length of a file's name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Cli

VCARD = "BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nN:;{name};;;\nEND:VCARD\n"
LONG = "LinkedIn Connections export 2026-12-01 full copy for the networking group.vcf"


@pytest.mark.parametrize("columns", [80, 60])
def test_every_column_fits(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    (tmp_path / LONG).write_text(VCARD.format(name="Dana Kang"), encoding="utf-8")
    (tmp_path / "b.vcf").write_text(VCARD.format(name="Lee Ortiz"), encoding="utf-8")
    cli("import", str(tmp_path / LONG))
    cli("import", str(tmp_path / "b.vcf"))
    # Rich reads COLUMNS whenever it measures the terminal, unless the console was made
    # while COLUMNS was set (then its width is fixed: an earlier test in the same worker
    # may have done that); measure as a new process would
    from troth.cli.app import console

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(console, "_width", None)
    out = cli("imports").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns, out
    header = " ".join(lines[:4])
    for name in ("id", "when", "kind", "file", "status"):
        assert f" {name} " in header, out
    body = "\n".join(lines[3:])
    # the ids, not squeezed to nothing (any ids: PostgreSQL's sequences go on)
    assert len(re.findall(r"^│ +\d+ │", body, re.MULTILINE)) == 2, out
    assert body.count("vcard") == 2 and body.count("done") == 2


def test_the_list_says_how_many_more_there_are(cli: Cli, tmp_path: Path) -> None:
    """A folder of 79 files is 79 runs: `troth imports` listed 30 and said nothing of
    the rest (a newcomer's review). --limit 0 lists all, as JSON does."""
    for i in range(3):
        (tmp_path / f"{i}.vcf").write_text(VCARD.format(name=f"Person {i}"), encoding="utf-8")
        cli("import", str(tmp_path / f"{i}.vcf"))
    out = cli("imports", "--limit", "2").stdout
    assert "1 more; --limit 0 for all." in out
    assert "more;" not in cli("imports", "--limit", "0").stdout
    assert "more;" not in cli("imports").stdout
    assert len(cli.json("imports", "--limit", "2")) == 3
