"""Undoing an import and the CSV export through the API: the same summary as `troth
import --undo ID --json` and the same files, byte for byte, as `troth export csv`
(a cell a spreadsheet would run as a formula neutralised); another owner's import is
not found and stays."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from api_helpers import Api
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

pytestmark = pytest.mark.django_db

CARD = """BEGIN:VCARD
VERSION:3.0
FN:{name}
N:{last};{first};;;
EMAIL;TYPE=INTERNET:{first}.{last}@{domain}
ORG:Acme
END:VCARD
"""


def vcards(path: Path, domain: str) -> Path:
    names = ["Dana Kang", "Eli Park", "Farah Nair", "Gus Ortiz"]
    text = "".join(
        CARD.format(name=n, first=n.split()[0].lower(), last=n.split()[1].lower(), domain=domain)
        for n in names
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def api(db: None) -> Api:
    return Api(local_owner())


def latest_run() -> ImportRun:
    return ImportRun.objects.filter(owner=local_owner()).latest("id")


def test_undo_an_import_as_the_cli(api: Api, cli: Cli, tmp_path: Path) -> None:
    who = local_owner()
    cli("import", str(vcards(tmp_path / "a.vcf", "a.example")))
    first = latest_run()
    assert Person.objects.filter(owner=who, is_me=False).count() == 4
    r = api("POST", f"/imports/{first.id}/undo")
    assert r.status_code == 200, r.content
    via_api = r.json()
    assert via_api["run"] == first.id and via_api["people_removed"] == 4
    assert not Person.objects.filter(owner=who, is_me=False).exists()
    first.refresh_from_db()
    assert first.undone_at is not None
    assert api.get(f"/imports/{first.id}").json()["undone"] is True
    # the same import again, undone by the CLI: the same summary
    cli("import", str(vcards(tmp_path / "b.vcf", "b.example")))
    second = latest_run()
    via_cli = cli.json("import", "--undo", str(second.id))
    assert {**via_api, "run": second.id} == via_cli
    # undone already: refused, naming it
    r = api("POST", f"/imports/{first.id}/undo")
    assert r.status_code == 409 and "already undone" in r.json()["error"]


def test_undo_refused_after_a_later_edit_unless_force(api: Api, cli: Cli, tmp_path: Path) -> None:
    who = local_owner()
    cli("import", str(vcards(tmp_path / "a.vcf", "a.example")))
    run = latest_run()
    dana = Person.objects.get(owner=who, full_name="Dana Kang")
    api("PATCH", f"/people/{dana.id}", {"name": "Dana Kang-Lee"})
    r = api("POST", f"/imports/{run.id}/undo")
    assert r.status_code == 400 and "edited since" in r.json()["error"], r.content
    assert Person.objects.filter(owner=who, is_me=False).count() == 4  # nothing undone
    r = api("POST", f"/imports/{run.id}/undo?force=true")
    assert r.status_code == 200 and r.json()["people_removed"] == 4, r.content


def test_another_owners_import_is_not_found(alice: Owner, bob: Owner, tmp_path: Path) -> None:
    from troth.importers.apply import do_import
    from troth.importers.registry import parser

    do_import(alice, parser("vcard"), vcards(tmp_path / "a.vcf", "a.example"), kind="vcard")
    run = ImportRun.objects.get(owner=alice)
    r = Api(bob, name="bob's")("POST", f"/imports/{run.id}/undo?force=true")
    assert r.status_code == 404 and "error" in r.json()
    run.refresh_from_db()
    assert run.undone_at is None and Person.objects.filter(owner=alice, is_me=False).count() == 4


def test_csv_export_is_the_commands_files(api: Api, cli: Cli, tmp_path: Path, bob: Owner) -> None:
    who = local_owner()
    dana = do_add_person(who, "Dana Kang", emails=["dana@a.example"], company="Acme")
    do_add_note(who, dana, '=HYPERLINK("http://evil.example","click")')
    do_add_person(bob, "Bob's Secret Contact")
    cli("export", "csv", str(tmp_path / "out"))
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    r = api.get("/export/csv")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    got = {name: archive.read(name) for name in archive.namelist()}
    assert got == written
    assert "'=HYPERLINK" in got["notes.csv"].decode()  # neutralised, as the command's
    assert b"Secret" not in r.content
    one = api.get("/export/csv", table="people")
    assert one.status_code == 200 and one["Content-Type"].startswith("text/csv")
    assert one.content == written["people.csv"] and b"Dana Kang" in one.content
    bad = api.get("/export/csv", table="secrets")
    assert bad.status_code == 422 and bad.json()["error"].startswith("table:")
