"""A safety net for imports (issue 18 item 3): every run records what it wrote and can
be undone exactly, a dry run writes nothing, a file of noise is refused unless forced,
and `troth imports` lists the runs. Real files: Google's real header (../shared/
realdata) with realistic rows, the walkthrough's 5 MB nonsense CSV, LinkedIn exports."""

from __future__ import annotations

import csv
import io
import random
import string
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.utils import timezone

from test_identity import dump
from troth.importers.apply import do_import
from troth.importers.models import ImportChange, ImportRun
from troth.importers.records import PersonRecord
from troth.importers.registry import parser
from troth.importers.sanity import looks_like_name, noise
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_record_favor
from troth.ledger.models import FAVOR_KINDS
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Person
from troth.sim.names import FIRST_NAMES, LAST_NAMES, ORG_PLACES

if TYPE_CHECKING:
    from typing import Any

    from conftest import Cli

# the runs' own records, and where the warm paths' link inference last stopped (a marker
# of derived data, past ids that are never reused)
BOOKKEEPING = {"importers.importrun", "importers.importchange", "warmpaths.inferencepass"}


def state() -> dict[str, list[Any]]:
    """Every troth table but the import runs' own bookkeeping."""
    return {k: v for k, v in dump().items() if k not in BOOKKEEPING}


def google_header(realdata: Path) -> list[str]:
    note = realdata / "gcontacts" / "header_specimens" / "google_contacts_2023plus_header_NOTE.txt"
    lines = note.read_text(encoding="utf-8").splitlines()
    fullest = next(i for i, line in enumerate(lines) if line.startswith("Fullest header seen"))
    return next(csv.reader([lines[fullest + 1]]))


def people_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "First Name": first,
                "Last Name": f"{last}{'' if i % 3 else ''}",
                "E-mail 1 - Value": f"{first}.{last}.{i}@example.org".lower().replace(" ", ""),
                "Phone 1 - Value": f"+1 415 555 {1000 + i:04d}" if i % 2 else "",
                "Organization Name": rng.choice(ORG_PLACES) + " Labs" if i % 4 else "",
                "Organization Title": "Engineer" if i % 4 else "",
                "Labels": "* myContacts ::: Friends" if i % 5 == 0 else "* myContacts",
            }
        )
    return rows


def google_file(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        out.writeheader()
        out.writerows(rows)
    return path


@pytest.fixture
def me(db: None) -> Owner:
    with transaction.atomic():
        return local_owner()


@pytest.fixture
def before_import(me: Owner) -> tuple[Person, Person]:
    """Someone the file will update (same e-mail, no phone yet) and someone it will not."""
    dana = do_add_person(me, "Dana Kang", emails=["dana@kang.example"])
    other = do_add_person(me, "Ravi Shah", emails=["ravi@shah.example"], company="Initech")
    do_log_interaction(me, other, "meeting", minutes=30, summary="coffee")
    return dana, other


def the_run(me: Owner) -> ImportRun:
    return ImportRun.objects.get(owner=me)


def test_undo_puts_the_database_back_and_keeps_a_later_edit(
    cli: Cli, me: Owner, before_import: tuple[Person, Person], realdata: Path, tmp_path: Path
) -> None:
    dana, other = before_import
    rows = people_rows(120)
    rows.append(
        {
            "First Name": "Dana",
            "Last Name": "Kang",
            "Nickname": "Dee",
            "E-mail 1 - Value": "dana@kang.example",
            "Phone 1 - Value": "+1 312 555 0101",
            "Organization Name": "Acme",
            "Organization Title": "CTO",
            "Labels": "* myContacts ::: Board",
        }
    )
    path = google_file(tmp_path / "contacts.csv", google_header(realdata), rows)
    before = state()
    out = cli("import", "google", str(path)).stdout
    run = the_run(me)
    assert run.counts["people_created"] >= 100 and run.counts["people_updated"] == 1
    assert f"troth import --undo {run.pk}" in out
    dana.refresh_from_db()
    assert dana.nickname == "Dee"
    assert ImportChange.objects.filter(run=run).exists()
    # something else, by hand, after the import: it must survive the undo
    note = do_add_note(me, other, "asked about the Berlin role")

    out = cli("import", "--undo", str(run.pk)).stdout
    assert f"Undid import #{run.pk}" in out
    after = state()
    expected = dict(before)
    expected["people.note"] = sorted(
        [*before["people.note"], *[r for r in after["people.note"] if r[0] == note.pk]]
    )
    # the note is on their card: their updated_at moved with it (and nothing else of theirs)
    was = [r for r in before["people.person"] if r[0] == other.pk]
    now = [r for r in after["people.person"] if r[0] == other.pk]
    changed = {k for k, v in now[0][1] if (k, v) not in was[0][1]}
    assert changed == {"updated_at"}
    expected["people.person"] = sorted(
        [*[r for r in before["people.person"] if r[0] != other.pk], *now]
    )
    assert after == expected
    run.refresh_from_db()
    assert run.undone_at is not None
    listed = cli.json("imports")
    assert listed[0]["id"] == run.pk and listed[0]["undone"] is True
    # once is enough
    err = cli("import", "--undo", str(run.pk), code=2).stderr
    assert err.strip() == f"troth: error: import #{run.pk} was already undone"


def test_undo_refuses_when_a_created_person_was_edited_then_force(
    cli: Cli, me: Owner, realdata: Path, tmp_path: Path
) -> None:
    path = google_file(tmp_path / "c.csv", google_header(realdata), people_rows(60))
    cli("import", str(path))
    run = the_run(me)
    someone = Person.objects.filter(owner=me, is_me=False).order_by("id").first()
    assert someone is not None
    cli("edit", f"#{someone.pk}", "--name", "Someone Renamed")
    err = cli("import", "--undo", str(run.pk), code=2).stderr.strip()
    assert len(err.splitlines()) == 1
    assert f"(#{someone.pk}), whom it created, was edited since" in err and "--force" in err
    assert Person.objects.filter(owner=me, is_me=False).count() == 60  # nothing changed
    cli("import", "--undo", str(run.pk), "--force", "--yes")
    assert not Person.objects.filter(owner=me, is_me=False).exists()


def test_undo_refuses_when_a_created_person_gained_a_note(
    cli: Cli, me: Owner, realdata: Path, tmp_path: Path
) -> None:
    path = google_file(tmp_path / "c.csv", google_header(realdata), people_rows(60))
    cli("import", str(path))
    run = the_run(me)
    someone = Person.objects.filter(owner=me, is_me=False).order_by("id").last()
    assert someone is not None
    mine = Person.objects.get(owner=me, is_me=True)
    do_record_favor(me, someone, mine, sorted(FAVOR_KINDS)[0], "intro to a recruiter")
    err = cli("import", "--undo", str(run.pk), code=2).stderr.strip()
    assert len(err.splitlines()) == 1 and "gained" in err and "--force" in err, err
    cli("import", "--undo", str(run.pk), "--force", "--yes")
    assert not Person.objects.filter(owner=me, is_me=False).exists()


def test_undo_of_a_later_import_first_then_the_earlier_one(
    cli: Cli, me: Owner, realdata: Path, tmp_path: Path
) -> None:
    header = google_header(realdata)
    rows = people_rows(60)
    first = google_file(tmp_path / "a.csv", header, rows)
    cli("import", str(first))
    before_second = state()
    # the same people with phones now: the second run adds to people the first created
    for i, row in enumerate(rows):
        row["Phone 2 - Value"] = f"+44 20 7946 {i:04d}"
    second = google_file(tmp_path / "b.csv", [*header, "Phone 2 - Value"], rows)
    cli("import", str(second))
    runs = [r["id"] for r in cli.json("imports")]
    newer, older = runs
    err = cli("import", "--undo", str(older), code=2).stderr
    assert "Undo later imports first" in err
    cli("import", "--undo", str(newer))
    assert state() == before_second
    cli("import", "--undo", str(older))
    assert not Person.objects.filter(owner=me, is_me=False).exists()


def test_undo_of_another_owners_run_or_no_run(
    cli: Cli, me: Owner, alice: Owner, realdata: Path, tmp_path: Path
) -> None:
    path = google_file(tmp_path / "c.csv", google_header(realdata), people_rows(5))
    with transaction.atomic():
        do_import(alice, parser("google"), path, kind="google")
    theirs = ImportRun.objects.get(owner=alice)
    err = cli("import", "--undo", str(theirs.pk), code=2).stderr.strip()
    assert err == f"troth: error: no import with id {theirs.pk} (troth imports lists them)"
    assert Person.objects.filter(owner=alice, is_me=False).count() == 5
    assert "must be a number" in cli("import", "--undo", "x", code=2).stderr


def test_dry_run_writes_nothing_and_shows_examples(
    cli: Cli, me: Owner, before_import: tuple[Person, Person], realdata: Path, tmp_path: Path
) -> None:
    rows = people_rows(30)
    dana = {"First Name": "Dana", "Last Name": "Kang", "E-mail 1 - Value": "dana@kang.example"}
    rows.append({**dana, "Organization Name": "Acme"})
    rows.append({"First Name": "Bad", "Last Name": "Mail", "E-mail 1 - Value": "bad.mail.x"})
    path = google_file(tmp_path / "contacts.csv", google_header(realdata), rows)
    before = state()
    out = cli("import", str(path), "--dry-run").stdout
    assert state() == before
    assert not ImportRun.objects.exists() and not ImportChange.objects.exists()
    assert "Dry run of" in out and "Dry run: nothing was written." in out
    assert "would create: " in out and "would update: Dana Kang" in out
    assert "would skip: " in out and "bad.mail.x" in out
    data = cli.json("import", str(path), "--dry-run")
    assert data["dry_run"] is True and data["people_created"] == 31
    assert data["people_updated"] == 1 and data["skipped"] == 1
    assert len(data["preview"]["created"]) == 5
    # and the import itself does what the dry run said
    real = cli.json("import", str(path))
    assert (real["people_created"], real["people_updated"]) == (31, 1)


def garbage_csv(path: Path, size: int, seed: int = 3) -> Path:
    """The walkthrough's file: a Google header, then random printable rows."""
    rng = random.Random(seed)
    # no double quotes: each line stays one row, as in the walkthrough (45,667 people)
    alphabet = "".join(c for c in string.printable if c not in '"\r\x0b\x0c')
    out = io.StringIO()
    out.write("First Name,Last Name,Labels,E-mail 1 - Value\n")
    while out.tell() < size:
        out.write("".join(rng.choice(alphabet) for _ in range(rng.randint(20, 120))) + "\n")
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_5mb_nonsense_csv_is_refused_and_nothing_written(
    cli: Cli, me: Owner, before_import: tuple[Person, Person], tmp_path: Path
) -> None:
    path = garbage_csv(tmp_path / "garbage_hdr.csv", 5 * 1024 * 1024)
    before = state()
    err = cli("import", str(path), code=2).stderr.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("troth: error: garbage_hdr.csv: this does not look like an address")
    assert "names look like people's names" in err and "--force" in err
    assert state() == before and not ImportRun.objects.exists()


def test_a_nonsense_csv_comes_in_with_force_and_dry_run_warns(
    cli: Cli, me: Owner, tmp_path: Path
) -> None:
    path = garbage_csv(tmp_path / "garbage.csv", 150_000)
    out = cli("import", str(path), "--dry-run").stdout
    assert "This file would be refused" in out
    assert not Person.objects.filter(owner=me, is_me=False).exists()
    data = cli.json("import", str(path), "--force")
    assert data["people_created"] >= 50 and data["noise"]


def test_real_address_books_pass_the_sanity_check(realdata: Path, tmp_path: Path) -> None:
    header = google_header(realdata)
    path = google_file(tmp_path / "contacts.csv", header, people_rows(400))
    google = list(parser("google").parse(path))
    people = [r for r in google if isinstance(r, PersonRecord)]
    assert len(people) == 400 and noise(people) == []
    # LinkedIn's 2021 export: no URL column, e-mails mostly hidden (real header)
    spec = realdata / "linkedin" / "header_specimens" / "Connections_2021-03_notes_no_url.csv"
    lines = spec.read_text(encoding="utf-8").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("First Name"))
    rng = random.Random(5)
    body = [
        f"{rng.choice(FIRST_NAMES)},{rng.choice(LAST_NAMES)},,Globex,Engineer,15 Dec 2020"
        for _ in range(300)
    ]
    conn = tmp_path / "Connections.csv"
    conn.write_text("\n".join([*lines[: head + 1], *body]) + "\n", encoding="utf-8")
    linkedin = [r for r in parser("linkedin").parse(conn) if isinstance(r, PersonRecord)]
    assert len(linkedin) == 300 and noise(linkedin) == []
    # and the real peer fixture
    peer = realdata / "linkedin" / "peer_fixtures" / "sixhops_Connections.csv"
    assert noise([r for r in parser("linkedin").parse(peer) if isinstance(r, PersonRecord)]) == []


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Dr. Anne-Marie O'Neil, PhD", True),
        ("Łukasz Żółw", True),
        ("José María de la Cruz", True),
        ("李小龙", True),
        (":T2s2Oi4}kV{#]S(s=_%Vs&@3O] F[", False),
        ("a1b2c3d4e5", False),
        ("", False),
    ],
)
def test_looks_like_name(name: str, ok: bool) -> None:
    assert looks_like_name(name) is ok


def test_imports_lists_runs(cli: Cli, me: Owner, realdata: Path, tmp_path: Path) -> None:
    assert "No imports yet." in cli("imports").stdout
    path = google_file(tmp_path / "contacts.csv", google_header(realdata), people_rows(3))
    cli("import", str(path))
    rows = cli.json("imports")
    assert len(rows) == 1
    row = rows[0]
    assert row["kind"] == "google" and row["file"] == "contacts.csv"
    assert row["people_created"] == 3 and row["status"] == "done" and row["undone"] is False
    table = cli("imports").stdout
    assert "contacts.csv" in table and "google" in table


def test_an_import_stopped_midway_leaves_nothing(
    me: Owner, before_import: tuple[Person, Person], tmp_path: Path, realdata: Path
) -> None:
    """People are written in chunks, each committed at once; an import stopped after
    some of them (here Ctrl-C, as the progress bar sees it) undoes what was written."""
    path = google_file(tmp_path / "c.csv", google_header(realdata), people_rows(1200))
    before = state()

    def stop(stage: str, done: int, total: int | None) -> None:
        if stage == "people" and done >= 1000:
            assert Person.objects.filter(owner=me).count() > 1000  # committed
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        do_import(me, parser("google"), path, progress=stop)
    assert state() == before and not ImportRun.objects.exists()
    assert not ImportChange.objects.exists()


def test_undo_unmerges_what_identity_resolution_merged(cli: Cli, me: Owner, tmp_path: Path) -> None:
    """A record that is someone already here (same name, same company: a sure match)
    is merged into them after the import; the undo puts both back as they were."""
    robert = do_add_person(me, "Robert Lang", emails=["robert@lang.dev"], company="Globex")
    before = state()
    card = tmp_path / "lang.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Robert Lang\nN:Lang;Robert;;;\n"
        "TEL;TYPE=CELL:+1 312 555 0177\nORG:Globex\nNOTE:met at PyCon\nEND:VCARD\n",
        encoding="utf-8",
    )
    data = cli.json("import", str(card))
    assert data["people_merged"] == 1, data
    assert Person.objects.filter(owner=me, is_me=False).count() == 1
    assert robert.contact_points.filter(value="+13125550177").exists()
    out = cli("import", "--undo", str(data["run"])).stdout
    assert "1 merge undone" in out
    assert state() == before
    from troth.identity.models import MergeRecord, MergeSuggestion

    assert not MergeRecord.objects.exists() and not MergeSuggestion.objects.exists()


def test_an_interrupted_run_is_undone_with_force(me: Owner, tmp_path: Path, realdata: Path) -> None:
    path = google_file(tmp_path / "c.csv", google_header(realdata), people_rows(10))
    run = ImportRun.objects.create(
        owner=me, kind="google", path=str(path), started_at=timezone.now(), status="running"
    )
    do_import(me, parser("google"), path, run=run)
    ImportRun.objects.filter(pk=run.pk).update(status="running")  # as if killed before the end
    from troth.importers.undo import UndoRefused, do_undo_import

    with pytest.raises(UndoRefused, match="still running.*--force"):
        do_undo_import(me, run.pk)
    do_undo_import(me, run.pk, force=True)
    assert not Person.objects.filter(owner=me, is_me=False).exists()
    run.refresh_from_db()
    assert run.status == "failed" and run.undone_at is not None


def test_undo_takes_back_the_birthdays_an_import_brought(
    cli: Cli, me: Owner, before_import: tuple[Person, Person], tmp_path: Path
) -> None:
    """The dates an import writes are its own rows: its undo removes them instead of
    refusing because the people it created "gained rows" (found by a newcomer)."""
    existing = do_add_person(me, "Pia Sommer", emails=["pia@example.org"])
    start = state()
    path = tmp_path / "attendees.csv"
    path.write_text(
        "Name,Email,Company,Birthday\n"
        "Mina Keller,mina@example.org,Acme,1980-03-14\n"
        "Otto Ruf,otto@example.org,Acme,--07-01\n"
        "Pia Sommer,pia@example.org,,1975-12-24\n",
        encoding="utf-8",
    )
    cli("import", str(path))
    assert existing.dates.count() == 1  # a date for someone already there, too
    run = ImportRun.objects.filter(owner=me).latest("id")
    cli("import", "--undo", str(run.pk))
    assert state() == start
