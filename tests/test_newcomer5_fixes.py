"""A newcomer's walk-through of 2026-12-07 (the fifth review): `troth import --undo N
--dry-run` undid the import (--dry-run ignored): an option an undo would ignore is
refused first; a JSON export made after importing a CSV of your own (its column
mapping kept with the run) could not be restored; forgetting a link that was never
there claimed to forget one; `--limit -1` was told off as "--days and --limit"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from test_backup import snapshot, wipe
from troth.importers.models import ImportRun
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def test_undo_refuses_what_it_would_ignore_before_undoing(cli: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nAnn Ames,ann@example.org\nBen Bell,ben@example.org\n")
    cli("import", str(csv))
    run = ImportRun.objects.get().id
    for extra, named in (
        (("--dry-run",), "--dry-run"),
        (("--report", str(tmp_path / "r.csv")), "--report"),
        (("--me", "me@example.org"), "--me"),
        (("--dry-run", "--map", "email=email"), "--dry-run, --map"),
    ):
        refused = cli("import", "--undo", str(run), *extra, code=2)
        assert refused.stdout == ""
        assert refused.stderr.strip() == (
            f"troth: error: --undo takes no {named}: it undoes the whole import at once"
            " (troth imports shows what each did)"
        )
    assert Person.objects.filter(is_me=False).count() == 2
    assert ImportRun.objects.get(id=run).undone_at is None
    assert "Undid import" in cli("import", "--undo", str(run)).stdout
    assert not Person.objects.filter(is_me=False).exists()


def test_a_json_export_after_a_csv_of_your_own_restores(cli: Cli, tmp_path: Path) -> None:
    from troth.owners import local_owner

    csv = tmp_path / "people.csv"
    csv.write_text("Name,Work mail\nAnn Ames,ann@example.org\n")
    cli("import", str(csv), "--map", "email=Work mail")
    counts = ImportRun.objects.get().counts
    assert counts["mapping"]  # the run keeps which column was read as which field
    owner = local_owner()
    before = snapshot(owner)
    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    wipe(owner)
    said = cli("import", "json", str(path)).stdout
    assert said.startswith("Restored") and "past imports: 1" in said
    after = snapshot(owner)
    # (a run's path comes back as its file name alone: restore's rule for paths)
    runs = after.pop("importers.importrun"), before.pop("importers.importrun")
    assert after == before
    assert ImportRun.objects.get().counts["mapping"] == counts["mapping"]
    assert len(runs[0]) == len(runs[1]) == 1
    # and a mapping of another shape is still refused, naming the field
    data = json.loads(path.read_text())
    table = next(t for t in data["tables"] if t["model"] == "importers.importrun")
    table["rows"][0][table["columns"].index("counts")]["mapping"] = [{"column": 1}]
    path.write_text(json.dumps(data))
    wipe(owner)
    refused = cli("import", "json", str(path), code=2)
    assert refused.stderr.strip().endswith("counts: not what troth writes there")


def test_forgetting_a_link_that_was_never_there_says_so(cli: Cli) -> None:
    from troth.owners import local_owner

    me = local_owner()
    do_add_person(me, "Ann Ames")
    do_add_person(me, "Ben Bell")
    said = " ".join(cli("knows", "--forget", "Ann Ames", "Ben Bell").stdout.split())
    assert said == "Noted: Ann Ames and Ben Bell do not know each other; imports will not link them"
    again = " ".join(cli("knows", "--forget", "Ann Ames", "Ben Bell").stdout.split())
    assert again.endswith("was already forgotten: nothing changed")


def test_a_negative_limit_or_days_is_named_alone(cli: Cli) -> None:
    limit = cli("agenda", "--limit", "-1", code=2).stderr.strip()
    assert limit == "troth: error: --limit must be zero or more, not -1"
    days = cli("agenda", "--days", "-2", code=2).stderr.strip()
    assert days == "troth: error: --days must be zero or more, not -2"


def test_a_linkedin_export_folder_with_other_files_imports_each(cli: Cli, tmp_path: Path) -> None:
    """A folder holding a LinkedIn export and a vCard beside it: the export is read
    whole (one run) and the vCard by its kind (it was dropped without a word). The
    export's own CSVs are never read one by one: Verifications.csv reads as a Google
    export on its own (the attacker's review of a first fix that did that)."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Maya,Okafor,https://www.linkedin.com/in/maya-okafor,,Stripe,Engineer,01 Jan 2024\n"
    )
    (folder / "Verifications.csv").write_text(
        "First name,Middle name,Last name,Verification type,Organization name,Email address,"
        "Country,State,City,Year of birth,Issuing authority,Document type,"
        "Verification service provider,Verified date,Expiry date\n"
        "Me,,Myself,Workplace,Acme,me@example.org,,,,,,,,,\n"
    )
    (folder / "vera.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nEMAIL:vera@example.org\r\nEND:VCARD\r\n"
    )
    data = cli.json("import", str(folder))
    assert data["kind"] == "linkedin, vcard"
    names = set(Person.objects.filter(is_me=False).values_list("full_name", flat=True))
    assert names == {"Maya Okafor", "Vera Card"}
    kinds = sorted(ImportRun.objects.values_list("kind", flat=True))
    assert kinds == ["linkedin", "vcard"]  # the export one run, not a run per CSV
    # a LinkedIn export folder alone is one run of the whole export
    alone = tmp_path / "export"
    alone.mkdir()
    for name in ("Connections.csv", "Verifications.csv"):
        (alone / name).write_text((folder / name).read_text())
    again = cli.json("import", str(alone))
    assert again["kind"] == "linkedin" and again["people_created"] == 0


def test_a_folder_import_leaves_symbolic_links_alone(cli: Cli, tmp_path: Path) -> None:
    """A link in the folder could name a file anywhere on the disk."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Secret Sam\r\nEND:VCARD\r\n"
    )
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "vera.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nEND:VCARD\r\n")
    (folder / "link.vcf").symlink_to(outside / "private.vcf")
    cli("import", str(folder))
    names = set(Person.objects.filter(is_me=False).values_list("full_name", flat=True))
    assert names == {"Vera Card"}


def test_undo_keeps_a_person_whose_closeness_or_cadence_was_edited(
    cli: Cli, tmp_path: Path
) -> None:
    for i, edit in enumerate(
        (("edit", "Wren Hal", "--closeness", "3"), ("cadence", "Wren Hal", "2w"))
    ):
        csv = tmp_path / f"people{i}.csv"
        csv.write_text(f"name,email\nWren Hal,wren{i}@example.org\n")
        cli("import", str(csv))
        run = ImportRun.objects.order_by("-id").values_list("id", flat=True).first()
        cli(*edit)
        refused = cli("import", "--undo", str(run), code=2).stderr
        assert "Wren Hal" in refused and "edited since" in refused, refused
        assert Person.objects.filter(full_name="Wren Hal").exists()
        cli("import", "--undo", str(run), "--force", "--yes")
        assert not Person.objects.filter(full_name="Wren Hal").exists()


def test_undo_counts_the_people_it_took_away(cli: Cli, tmp_path: Path) -> None:
    """One row of the file merged into Wren at once, two new: the undo takes two people
    away (the merged one came back with its merge undone only to go again)."""
    cli("add", "Wren Halvorsen", "--company", "Acme")
    csv = tmp_path / "google.csv"
    csv.write_text(
        "Name,Given Name,Family Name,E-mail 1 - Value,Organization 1 - Name\n"
        "Wren Halvorsen,Wren,Halvorsen,wren.h@example.org,Acme\n"
        "Al Bo,Al,Bo,al@example.org,\n"
        "Cy Do,Cy,Do,cy@example.org,\n"
    )
    assert cli.json("import", str(csv))["people_merged"] == 1
    run = ImportRun.objects.get().id
    said = " ".join(cli("import", "--undo", str(run)).stdout.split())
    assert said == f"Undid import #{run}: 2 people removed, 0 interactions removed, 1 merge undone."
    assert list(Person.objects.filter(is_me=False).values_list("full_name", flat=True)) == [
        "Wren Halvorsen"
    ]


def test_show_takes_its_limit_as_agenda_does(cli: Cli) -> None:
    """`troth show NAME --limit -1` was a traceback, and `--all --limit 5` ignored the 5."""
    import json as json_

    cli("add", "Ann Lee")
    for _ in range(3):
        cli("log", "Ann Lee", "call", "--when", "yesterday")
    assert cli("show", "Ann Lee", "--limit", "-1", code=2).stderr.strip() == (
        "troth: error: --limit must be zero or more, not -1"
    )
    assert cli("show", "Ann Lee", "--all", "--limit", "5", code=2).stderr.strip() == (
        "troth: error: --all shows the whole history: give --all or --limit 5, not both"
    )

    def rows(*extra: str) -> int:
        data = json_.loads(cli("show", "Ann Lee", "--json", *extra).stdout)
        return len(data["timeline"])

    assert rows("--limit", "2") == 2
    assert rows("--limit", "0") == rows("--all") == rows() == 3


def test_a_negative_limit_is_refused_where_it_was_taken_quietly(cli: Cli) -> None:
    assert cli("merge", "--suggestions", "--limit", "-1", code=2).stderr.strip() == (
        "troth: error: --limit must be 0 (all) or more, not -1"
    )
    for bad in ("-1", "0", "1001"):
        said = cli("webhooks", "deliveries", "--limit", bad, code=2).stderr.strip()
        assert said == f"troth: error: --limit must be 1 to 1000, not {bad}"
    assert cli("webhooks", "deliveries", "--limit", "1000").stdout.strip() == "Nothing sent yet."
