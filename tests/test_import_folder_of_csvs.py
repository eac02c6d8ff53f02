"""A folder holding only CSV exports is imported file by file, each by its own kind,
as the README promises of a folder (a newcomer's `troth import header_specimens/`
was refused: "a folder with no mail, vCard or calendar files in it")."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from troth.owned import Owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def test_a_folder_of_linkedin_csvs_alone(
    cli: Cli, realdata: Path, tmp_path: Path, fixed_day: dt.date, alice: Owner
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(realdata / "linkedin" / "header_specimens" / "Connections_2024-12.csv", folder)
    shutil.copy(
        realdata / "linkedin" / "header_specimens" / "Connections_2024-12.csv",
        folder / "sixhops_Connections.csv",
    )
    before = Person.objects.count()
    out = cli("import", str(folder)).stdout
    assert Person.objects.count() > before, out
    assert "LinkedIn" in out or "linkedin" in out, out


def test_a_folder_with_nothing_importable_still_says_why(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("buy milk\n")
    out = cli("import", str(folder), code=2)
    assert "a folder with no mail, vCard or calendar files in it" in out.stderr
