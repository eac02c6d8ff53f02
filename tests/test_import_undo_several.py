"""A folder is imported one run a file; `troth import --undo` takes several runs back
together (repeated, or a range A-B), newest first (a newcomer's review: a folder of 79
vCards made 79 runs with no word of how to undo them, and `--undo 1 --undo 2` undid #2
alone, silently)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from troth.importers.models import ImportRun
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

VCARD = "BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nN:;{name};;;\nEND:VCARD\n"


def _folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir(parents=True)
    for i, name in enumerate(names):
        (folder / f"{i}.vcf").write_text(VCARD.format(name=name), encoding="utf-8")
    return folder


def test_a_folder_says_how_to_undo_it_and_the_range_undoes_it(cli: Cli, tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["Ann One", "Ben Two", "Cy Three"])
    out = cli("import", str(folder)).stdout
    runs = sorted(ImportRun.objects.values_list("id", flat=True))
    assert len(runs) == 3 and runs == list(range(runs[0], runs[0] + 3))
    assert f"Undo them with: troth import --undo {runs[0]}-{runs[-1]}" in out
    assert "People added from these files" in out
    again = cli.json("import", str(folder))["runs"]  # (nothing new: a run a file still)
    assert again == [runs[-1] + 1, runs[-1] + 2, runs[-1] + 3]
    cli("import", "--undo", f"{runs[0]}-{runs[-1]}")
    assert not Person.objects.filter(is_me=False).exists()
    assert all(r.undone_at is not None for r in ImportRun.objects.filter(id__in=runs))


def test_repeated_undo_takes_each_and_stops_at_a_refusal(cli: Cli, tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["Ann One", "Ben Two"])
    cli("import", str(folder))
    first, second = sorted(ImportRun.objects.values_list("id", flat=True))
    cli("import", "--undo", str(first), "--undo", f"#{second}")
    assert not Person.objects.filter(is_me=False).exists()
    # an undone run refuses again; what came before it in the list is said
    cli("import", str(_folder(tmp_path / "again", ["Di Four"])))
    third = ImportRun.objects.order_by("-id").values_list("id", flat=True)[0]
    result = cli("import", "--undo", str(first), "--undo", str(third), code=2)
    assert "already undone" in result.stderr and f"(undone before it: #{third})" in result.stderr
    assert cli("import", "--undo", "1-5000", code=2).stderr.count("at most 1000 runs") == 1


def test_ranges_are_written_as_short_as_they_go() -> None:
    from troth.cli.imports import _ranges, _undo_ids

    assert _ranges([12, 13, 14, 20, 22, 23]) == "12-14 --undo 20 --undo 22-23"
    assert _undo_ids(["14-12", "#20", "13"]) == [20, 14, 13, 12]
