"""Backup and export: JSON out and back in exactly, vCard, CSV, and a live SQLite copy.

Real database (SQLite in memory, or PostgreSQL with TROTH_TEST_DATABASE_URL), real
files under tmp_path; the round trip compares every column of every table.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from module_data import kept_for_the_module, migrated_home
from troth.agenda.models import AgendaMark, DigestLog
from troth.backup.restore import do_restore
from troth.backup.tables import DERIVED, tables
from troth.errors import TrothError
from troth.owners import do_ensure_me, local_owner
from troth.people.models import Person, Tag
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.queries import trust_list

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pytest_django import DjangoDbBlocker

    from conftest import Cli
    from troth.owned import Owner

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

TOUR = [
    [
        "add",
        "Wren Halvorsen",
        "--email",
        "wren@example.org",
        "--company",
        "Larkspur Labs",
        "--title",
        "VP Engineering",
        "--met",
        "Chicago networking night",
        "--tag",
        "fintech",
        "--phone",
        "+1 312 555 0100",
    ],
    ["add", "Zoë Ångström, Jr.", "--email", "zoe@example.net", "--tag", "design"],
    ["log", "Wren", "meeting", "--minutes", "45", "--when", "yesterday", "coffee; hiring"],
    ["gave", "Wren", "lead", "sent her two data-lead candidates"],
    ["got", "Zoë", "advice", 'told me how to price, "gently"'],
    ["promise", "send Wren the salary survey", "--to", "Wren", "--due", "friday"],
    ["promise", "intro me to her CFO", "--from", "Wren", "--due", "in 2 weeks"],
    ["need", "Wren", "a CPA who knows startups", "--for", "45d", "--tag", "cpa"],
    ["need", "me", "intro to hiring managers at Larkspur"],
    ["note", "Wren", "prefers morning calls,\nnot Fridays; ☕"],
    ["tag", "Wren", "python", "design"],
    ["edit", "Wren", "--closeness", "3"],
    ["cadence", "Wren", "2w"],
    ["intro", "propose", "Wren", "Zoë", "both design people", "--anyway", "they asked me"],
]


def snapshot(owner: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every column (but the owner) of every row the owner has, by table."""
    out = {}
    for table in tables():
        rows = table.rows_of(owner).order_by("pk").values_list(*table.columns)
        out[table.label] = [
            tuple(bytes(v) if isinstance(v, memoryview | bytes) else v for v in row) for row in rows
        ]
    return out


def wipe(owner: Any) -> None:
    """Delete everything the owner has, most dependent tables first."""
    for table in reversed(tables(include_derived=True)):
        if table.owned:
            table.rows_of(owner).delete()


def build_network() -> int:
    """The local owner (the CLI's) with a small simulated network and a hand-made tour;
    the owner's id."""
    # typer's runner, as conftest's Cli runs it (conftest is not importable by name here:
    # tests/browser has one too)
    from typer.testing import CliRunner

    from troth.cli import app

    owner = local_owner()
    load_network(owner, generate_network(people=40, seed=5, today=timezone.localdate()))
    runner = CliRunner()
    for args in TOUR:
        result = runner.invoke(app, args)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, f"troth {' '.join(args)}: {result.stderr}"
    wren = Person.objects.get(owner=owner, full_name="Wren Halvorsen")
    wren.photo, wren.photo_type = PHOTO, "image/png"
    wren.save()
    AgendaMark.objects.create(
        owner=owner,
        key="c:1",
        kind="checkin",
        ref=wren.pk,
        status="snoozed",
        until=timezone.localdate() + dt.timedelta(days=3),
        marked_at=timezone.now(),
    )
    DigestLog.objects.create(
        owner=owner, sent_at=timezone.now(), recipient="me@example.org", subject="Today", items=3
    )
    return int(owner.pk)


@pytest.fixture(scope="module")
def network_once(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[int]:
    """Built once per module and worker (it was built before each of 17 tests: the
    module's set-up time); every test still starts from exactly this network."""
    yield from kept_for_the_module(django_db_blocker, tmp_path_factory, build_network)


@pytest.fixture
def network(network_once: int, fixed_day: dt.date, db: None) -> Owner:
    """The network above, for one test (its changes are rolled back after it)."""
    return get_user_model().objects.get(pk=network_once)


@pytest.fixture
def other(db: None) -> tuple[Owner, Person]:
    """Bob, whose rows no export or restore of the local owner may touch."""
    bob = get_user_model().objects.create_user("bob", "bob@example.org", "pw")
    me = do_ensure_me(bob, "Bob")
    friend = Person.objects.create(owner=bob, full_name="Bob's friend", name_key="bob friend")
    friend.tags.add(Tag.objects.create(owner=bob, name="fintech"))
    return bob, me


def test_tables_are_found_from_the_models_in_dependency_order() -> None:
    found = [t.label for t in tables()]
    assert "people.person" in found and "people.person_tags" in found
    assert "trust.trustscore" not in found and "trust.trustscore" in DERIVED
    at = {label: i for i, label in enumerate(found)}
    assert at["people.person"] < at["interactions.interaction"]
    assert (
        at["ledger.need"] < at["ledger.favor"] < at["intros.introduction"] < at["intros.introstep"]
    )
    assert (
        at["people.tag"] < at["people.person_tags"]
        and at["people.person"] < at["people.person_tags"]
    )


def test_json_round_trip_restores_every_row_exactly(
    network: Owner, other: tuple[Owner, Person], cli: Cli, tmp_path: Path
) -> None:
    owner = network
    bob, _ = other
    scores = trust_list(owner)  # fills the trust cache, which the export leaves out
    before, bobs = snapshot(owner), snapshot(bob)
    assert len(before["people.person"]) > 40
    assert all(
        before[label]
        for label in (
            "people.tag",
            "people.person_tags",
            "people.contactpoint",
            "people.employment",
            "people.note",
            "people.relationship",
            "people.knows",
            "interactions.interaction",
            "ledger.favor",
            "ledger.commitment",
            "ledger.need",
            "ledger.need_tags",
            "intros.introduction",
            "intros.introstep",
            "agenda.agendamark",
            "agenda.digestlog",
            "sim.simtruth",
        )
    ), {k: len(v) for k, v in before.items()}

    path = tmp_path / "troth.json"
    out = cli("export", "json", str(path)).stdout
    assert "Exported" in out and str(path) in out
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "troth-export" and data["version"] == 1
    assert data["owner"] == "local" and data["troth_version"]
    assert "trust.trustscore" not in [t["model"] for t in data["tables"]]

    wipe(owner)
    assert all(not rows for rows in snapshot(owner).values())
    fresh_me = local_owner() and Person.objects.get(owner=owner, is_me=True)
    assert fresh_me.pk not in [row[0] for row in before["people.person"]]

    counts = do_restore(owner, path)
    assert counts["people.person"] == len(before["people.person"])
    assert counts["people.person_tags"] == len(before["people.person_tags"])
    after = snapshot(owner)
    for label in before:
        assert after[label] == before[label], label
    assert snapshot(bob) == bobs
    # one "me", the exported one; the trust cache comes back the same on first read
    assert Person.objects.filter(owner=owner, is_me=True).count() == 1
    assert trust_list(owner) == scores
    # new rows get new ids after the restored ones (PostgreSQL sequences were reset)
    cli("add", "Someone New")
    newest = Person.objects.get(owner=owner, full_name="Someone New")
    assert newest.pk > max(row[0] for row in before["people.person"])


def test_the_mail_password_is_never_exported(network: Owner, cli: Cli, tmp_path: Path) -> None:
    from django.utils import timezone

    from troth.agenda.models import MailSettings

    MailSettings.objects.create(
        owner=network,
        host="smtp.example.org",
        username="me@example.org",
        password="hunter2-app-password",
        updated_at=timezone.now(),
    )
    path = tmp_path / "troth.json"
    cli("export", "json", str(path))
    text = path.read_text("utf-8")
    assert "hunter2-app-password" not in text and "smtp.example.org" in text
    wipe(network)
    do_restore(network, path)
    restored = MailSettings.objects.get(owner=network)
    # everything else comes back; the password is to be typed in again
    assert (restored.host, restored.username, restored.password) == (
        "smtp.example.org",
        "me@example.org",
        "",
    )


def test_export_to_stdout_is_the_same_document(network: Owner, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    cli("export", "json", str(path))
    printed = cli("export", "json", "-").stdout
    a, b = json.loads(path.read_text("utf-8")), json.loads(printed)
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b


def test_restore_refuses_an_owner_who_already_has_people(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "troth.json"
    cli("export", "json", str(path))
    before = snapshot(network)
    with pytest.raises(TrothError) as refused:
        do_restore(network, path)
    message = str(refused.value)
    assert "your troth database already has data (" in message
    assert "people" in message and "favours" in message and "empty database" in message
    assert "TROTH_HOME=" in message
    assert "people.person" not in message and "." not in message.split("(")[1].split(")")[0]
    assert snapshot(network) == before


def test_restore_words_its_counts_for_one_and_for_many(alice: Owner, tmp_path: Path) -> None:
    """The refusal said "1 favours" and "1 more kinds", the summary "inference passs"
    (Django's plural of "inference pass")."""
    from troth.backup.export import write_export
    from troth.backup.tables import user_count_phrases, user_name
    from troth.interactions.actions import do_log_interaction
    from troth.ledger.actions import do_record_favor
    from troth.owners import me_person
    from troth.people.actions import do_add_note, do_add_person

    jane = do_add_person(alice, "Jane Roe")
    do_record_favor(alice, me_person(alice), jane, "advice", "a resume review")
    do_log_interaction(alice, jane, "call")
    do_add_note(alice, jane, "Plays the cello")
    path = tmp_path / "troth.json"
    with path.open("w", encoding="utf-8") as out:
        write_export(alice, out)
    with pytest.raises(TrothError) as refused:
        do_restore(alice, path)
    said = str(refused.value)
    assert "(1 person, 1 interaction, 1 favour, " in said, said
    assert re.search(r" and (1 more kind|[2-9] more kinds)\);", said), said
    assert user_count_phrases({"ledger.favor": 1, "people.person": 2, "people.note": 0}) == [
        "2 people",
        "1 favour",
    ]
    assert user_count_phrases({"ledger.need": 3}) == ["3 needs"]
    for table in tables(include_derived=True):
        assert "sss" not in user_name(table.label), table.label
        assert not user_name(table.label).endswith("ys"), table.label  # "deliverys"
    # the attacker's review: "deliverys", and two tables called alike counted apart
    assert user_name("webhooks.delivery") == "deliveries"
    assert user_count_phrases({"auth.group": 1, "groups.group": 1}) == ["2 groups"]


def _exported(cli: Cli, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "good.json"
    cli("export", "json", str(path))
    return path, json.loads(path.read_text("utf-8"))


def _table(data: dict[str, Any], label: str) -> dict[str, Any]:
    return next(t for t in data["tables"] if t["model"] == label)


def _bad(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda d: "{not json", r"bad\.json: not valid JSON \(line 1, column 2"),
        (lambda d: [], r"bad\.json: not a troth export"),
        (lambda d: {**d, "version": 99}, r"bad\.json: written by a newer troth .*version 99"),
        (
            lambda d: {
                **d,
                "tables": [*d["tables"], {"model": "people.ghost", "columns": [], "rows": []}],
            },
            r"bad\.json: unknown table 'people\.ghost'",
        ),
        (
            lambda d: _set(d, "people.note", 0, "created_at", "last tuesday"),
            r"bad\.json: people\.note #\d+: created_at: .*",
        ),
        (
            lambda d: _set(d, "ledger.favor", -1, "giver_id", 987654321),
            r"bad\.json: ledger\.favor #\d+: giver_id 987654321 refers to a people\.person row"
            r" that is not there",
        ),
        (
            lambda d: _set(d, "people.tag", 1, "name", _get(d, "people.tag", 0, "name")),
            r"bad\.json: people\.tag #\d+ cannot be restored: .*(UNIQUE|unique|duplicate)",
        ),
        (
            lambda d: _set(d, "people.person", 1, "full_name", None),
            r"bad\.json: people\.person #\d+: full_name is empty",
        ),
    ],
    ids=["json", "shape", "version", "model", "value", "reference", "constraint", "null"],
)
def test_a_bad_file_is_one_error_naming_file_and_record_and_writes_nothing(
    network: Owner,
    cli: Cli,
    tmp_path: Path,
    spoil: Callable[[dict[str, Any]], object],
    message: str,
) -> None:
    _, data = _exported(cli, tmp_path)
    wipe(network)
    local_owner()
    empty = snapshot(network)
    path = _bad(tmp_path, spoil(data))
    with pytest.raises(TrothError, match=message):
        do_restore(network, path)
    assert snapshot(network) == empty
    result = cli("import", "json", str(path), code=2)
    assert result.stderr.startswith("troth: error:") and "bad.json" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(network) == empty


def _get(data: dict[str, Any], label: str, row: int, column: str) -> Any:
    table = _table(data, label)
    return table["rows"][row][table["columns"].index(column)]


def _set(data: dict[str, Any], label: str, row: int, column: str, value: Any) -> dict[str, Any]:
    table = _table(data, label)
    table["rows"][row][table["columns"].index(column)] = value
    return data


def test_json_round_trip_through_the_cli(network: Owner, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    before = snapshot(network)
    cli("export", "json", str(path))
    refused = cli("import", "json", str(path), code=2)
    assert "already has data" in refused.stderr
    wipe(network)
    said = cli("import", "json", str(path)).stdout
    assert f"people: {len(before['people.person'])}" in said and "favours:" in said
    assert "people.person" not in said and "importers." not in said
    wipe(network)
    restored = cli("import", "json", str(path), "--json").stdout
    counts = json.loads(restored)["restored"]
    assert counts["people.person"] == len(before["people.person"])
    assert json.loads(restored)["summary"]["people"] == len(before["people.person"])
    assert snapshot(network) == before
    # and again: export what was restored, byte for byte the same tables
    again = tmp_path / "again.json"
    cli("export", "json", str(again))
    assert (
        json.loads(again.read_text("utf-8"))["tables"]
        == json.loads(path.read_text("utf-8"))["tables"]
    )


# -- vCard -----------------------------------------------------------------------------


def test_vcard_export_is_vcard_4_and_every_field_reads_back(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    import vobject

    from troth.backup.vcard_out import person_uid
    from troth.people.models import ContactPoint, Employment, Note

    path = tmp_path / "people.vcf"
    out = cli("export", "vcard", str(path)).stdout
    people = Person.objects.filter(owner=network, is_me=False)
    assert f"Wrote {people.count()} cards" in out
    text = path.read_text("utf-8")
    cards = {c.uid.value: c for c in vobject.readComponents(text)}
    # PHOTO is a data: URI, which RFC 6350 does not backslash-escape; vobject's vCard 3
    # behaviour cuts it at the comma, so photos are read with its plain line reader.
    raw_photos, uid = {}, ""
    for text_line, n in vobject.base.getLogicalLines(io.StringIO(text)):
        line = vobject.base.textLineToContentLine(text_line, n)
        if line.name == "UID":
            uid = line.value
        elif line.name == "PHOTO":
            raw_photos[uid] = line.value
    assert len(cards) == people.count()
    assert all(c.version.value == "4.0" for c in cards.values())
    for person in people:
        card = cards.pop(person_uid(network, person.pk))
        assert card.fn.value == person.full_name
        assert (card.n.value.family, card.n.value.given) == (person.family_name, person.given_name)
        for kind, prop in (("email", "email"), ("phone", "tel")):
            points = ContactPoint.objects.filter(person=person, kind=kind)
            got = sorted(line.value for line in card.contents.get(prop, []))
            assert got == sorted(p.value for p in points), person
            for line in card.contents.get(prop, []):
                point = points.get(value=line.value)
                assert ("PREF" in line.params) == point.is_primary
        urls = ContactPoint.objects.filter(person=person, kind="url")
        assert len(card.contents.get("url", [])) == urls.count()
        job = Employment.objects.filter(person=person, is_current=True).first()
        if job is None:
            assert "org" not in card.contents
        else:
            assert card.org.value == [job.company]
            assert card.contents["title"][0].value == job.title if job.title else True
        notes = list(
            Note.objects.filter(person=person)
            .order_by("created_at", "id")
            .values_list("text", flat=True)
        )
        assert [n.value for n in card.contents.get("note", [])] == notes
        tags = sorted(person.tags.values_list("name", flat=True))
        got_tags = card.categories.value if "categories" in card.contents else []
        assert got_tags == tags
        if person.photo:
            uri = raw_photos[person_uid(network, person.pk)]
            head, _, data = uri.partition(",")
            assert head == f"data:{person.photo_type};base64"
            assert base64.b64decode(data) == bytes(person.photo)
        else:
            assert "photo" not in card.contents
    assert not cards
    wren = next(iter(vobject.readComponents(cli("export", "vcard", "-").stdout)))
    assert wren.version.value == "4.0"
    # the same UIDs next time; "me" only when asked
    with_me = list(vobject.readComponents(cli("export", "vcard", "-", "--me").stdout))
    assert len(with_me) == people.count() + 1


def test_vcard_escapes_and_photo_survive_for_one_tricky_person(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    import vobject

    path = tmp_path / "x.vcf"
    cli("export", "vcard", str(path))
    cards = list(vobject.readComponents(path.read_text("utf-8")))
    zoe = next(c for c in cards if c.fn.value == "Zoë Ångström, Jr.")
    assert zoe.email.value == "zoe@example.net"
    assert zoe.categories.value == ["design"]
    wren = next(c for c in cards if c.fn.value == "Wren Halvorsen")
    assert [n.value for n in wren.contents["note"]] == ["prefers morning calls,\nnot Fridays; ☕"]
    assert sorted(wren.categories.value) == ["design", "fintech", "python"]
    assert wren.org.value == ["Larkspur Labs"] and wren.title.value == "VP Engineering"
    assert wren.tel.value == "+13125550100"
    raw = path.read_bytes().decode("utf-8").replace("\r\n ", "")  # CRLF lines, unfolded
    photo = "PHOTO:data:image/png;base64," + base64.b64encode(PHOTO).decode()
    assert photo + "\r\n" in raw  # a URI, not escaped text


# -- CSV -------------------------------------------------------------------------------


def test_csv_export_writes_one_file_per_table_with_headers(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    import csv

    from troth.interactions.models import Interaction
    from troth.intros.models import Introduction
    from troth.ledger.models import Commitment, Favor, Need

    target = tmp_path / "new" / "csv"
    cli("export", "csv", str(target))
    expected = {
        "people.csv": Person.objects.filter(owner=network, is_me=False).count(),
        "interactions.csv": Interaction.objects.filter(owner=network).count(),
        "favours.csv": Favor.objects.filter(owner=network).count(),
        "promises.csv": Commitment.objects.filter(owner=network).count(),
        "needs.csv": Need.objects.filter(owner=network).count(),
        "introductions.csv": Introduction.objects.filter(owner=network).count(),
    }
    for name, n in expected.items():
        with open(target / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == n, name
    assert not list(target.glob(".*"))  # no temporary files left
    with open(target / "people.csv", encoding="utf-8", newline="") as fh:
        people = {r["full_name"]: r for r in csv.DictReader(fh)}
    wren = people["Wren Halvorsen"]
    assert wren["email"] == "wren@example.org" and wren["phone"] == "+13125550100"
    assert wren["company"] == "Larkspur Labs" and wren["title"] == "VP Engineering"
    assert wren["tags"] == "design; fintech; python"
    assert wren["tier"] and float(wren["score"]) >= 0
    assert people["Zoë Ångström, Jr."]["email"] == "zoe@example.net"
    with open(target / "needs.csv", encoding="utf-8", newline="") as fh:
        needs = list(csv.DictReader(fh))
    cpa = next(r for r in needs if r["person"] == "Wren Halvorsen")
    assert cpa["what"] == "a CPA who knows startups" and cpa["tags"] == "cpa"
    assert int(cpa["person_id"]) == Person.objects.get(owner=network, full_name=cpa["person"]).pk
    with open(target / "favours.csv", encoding="utf-8", newline="") as fh:
        favours = list(csv.DictReader(fh))
    got = next(r for r in favours if r["what"] == 'told me how to price, "gently"')
    assert got["giver"] == "Zoë Ångström, Jr." and got["kind"] == "advice"
    # a file where the directory should be is one clear error
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("export", "csv", str(blocker), code=2)
    assert "it is a file" in result.stderr


# -- backup ----------------------------------------------------------------------------


def _writer_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, pad TEXT)")
    db.commit()
    db.close()


def test_backup_is_consistent_while_another_connection_writes(tmp_path: Path) -> None:
    from troth.backup.sqlite_backup import backup_file

    source = tmp_path / "live.sqlite3"
    _writer_db(source)
    stop = threading.Event()
    written = [0]

    def write() -> None:
        db = sqlite3.connect(source, timeout=20)
        db.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            with db:  # one transaction: a parent and its child arrive together
                cur = db.execute("INSERT INTO parent (name) VALUES (?)", (f"p{written[0]}",))
                db.execute(
                    "INSERT INTO child (parent_id, pad) VALUES (?, ?)", (cur.lastrowid, "x" * 500)
                )
            written[0] += 1
        db.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while written[0] < 200:
            time.sleep(0.01)
        results = []
        for i in range(3):
            results.append(backup_file(source, tmp_path / f"copy{i}.sqlite3"))
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    counts = []
    for result in results:
        assert result.size == result.path.stat().st_size > 0
        assert not Path(f"{result.path}-wal").exists()
        copy = sqlite3.connect(result.path)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        parents = copy.execute("SELECT count(*) FROM parent").fetchone()[0]
        children = copy.execute("SELECT count(*) FROM child").fetchone()[0]
        orphans = copy.execute(
            "SELECT count(*) FROM child WHERE parent_id NOT IN (SELECT id FROM parent)"
        ).fetchone()[0]
        copy.close()
        assert parents == children >= 200 and orphans == 0
        counts.append(parents)
    assert counts == sorted(counts) and counts[-1] <= written[0]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_backup_refuses_what_it_cannot_copy(tmp_path: Path) -> None:
    from troth.backup.sqlite_backup import backup_file

    with pytest.raises(TrothError, match="there is no database at"):
        backup_file(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    source = tmp_path / "db.sqlite3"
    _writer_db(source)
    with pytest.raises(TrothError, match="onto itself"):
        backup_file(source, source)
    with pytest.raises(TrothError, match="does not exist"):
        backup_file(source, tmp_path / "no" / "such" / "dir.sqlite3")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(TrothError):
        backup_file(garbage, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


def test_troth_backup_command_in_process(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    result = cli("backup", str(target), code=2)
    if connection.vendor == "sqlite":  # the suite's database lives in memory
        assert "in memory" in result.stderr
    else:
        assert "pg_dump" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()


TROTH = shutil.which("troth") or str(Path(sys.executable).parent / "troth")


@pytest.mark.own_process
def test_troth_backup_command_on_a_real_sqlite_file(tmp_path: Path, migrated_db: Path) -> None:
    home = migrated_home(migrated_db, tmp_path / "home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([TROTH, *args], env=env, capture_output=True, text=True, timeout=120)

    assert run("add", "Wren Halvorsen", "--tag", "fintech").returncode == 0
    target = tmp_path / "copy.sqlite3"
    result = run("backup", str(target))
    assert result.returncode == 0, result.stderr
    assert "integrity check ok" in result.stdout and str(target) in result.stdout
    copy = sqlite3.connect(target)
    names = [r[0] for r in copy.execute("SELECT full_name FROM people_person ORDER BY id")]
    copy.close()
    assert names == ["Me", "Wren Halvorsen"]
    # the copy is a working troth database
    env["TROTH_HOME"] = str(tmp_path / "restored")
    (tmp_path / "restored").mkdir()
    shutil.copy(target, tmp_path / "restored" / "troth.sqlite3")
    shown = run("people", "--json")
    assert shown.returncode == 0, shown.stderr
    assert [p["name"] for p in json.loads(shown.stdout)] == ["Wren Halvorsen"]


def test_new_rows_after_a_restore_into_a_fresh_database_get_free_ids(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    """A fresh PostgreSQL database starts every sequence at 1: after a restore with
    explicit ids the sequences must be moved past them, or the next insert collides."""
    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    wipe(network)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables():
                db_table = table.model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [db_table]
                )
    local_owner()
    do_restore(network, path)
    cli("add", "Someone New", "--tag", "brand-new-tag")
    cli("log", "Someone New", "call", "first call")
    cli("need", "Someone New", "a new need")
    newest = Person.objects.get(owner=network, full_name="Someone New")
    assert newest.tags.get().name == "brand-new-tag"


def test_the_stream_reader_reads_what_json_reads_across_any_buffer_boundary(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    from troth.backup.jsonstream import NotStreamable, read_stream

    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    whole = json.loads(path.read_text("utf-8"))
    for chunk in (1, 7, 4096):
        header: dict[str, Any] = {}
        tables_read = []
        for kind, first, columns, rows in read_stream(path, chunk=chunk):
            if kind == "header":
                header = first
            else:
                tables_read.append({"model": first, "columns": columns, "rows": list(rows)})
        assert {**header, "tables": tables_read} == whole
    # another tool's layout is not streamed (the restore then reads it whole)
    resorted = tmp_path / "sorted.json"
    resorted.write_text(json.dumps(whole, sort_keys=True, indent=1), "utf-8")
    with pytest.raises(NotStreamable):
        list(read_stream(resorted))


def test_a_reformatted_export_still_restores_exactly(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    before = snapshot(network)
    data = json.loads(path.read_text("utf-8"))
    data["tables"].reverse()  # any table order, any key order, any layout
    resorted = tmp_path / "sorted.json"
    resorted.write_text(json.dumps(data, sort_keys=True, indent=2), "utf-8")
    wipe(network)
    local_owner()
    do_restore(network, resorted)
    assert snapshot(network) == before


def test_a_truncated_export_is_refused_and_writes_nothing(
    network: Owner, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    raw = path.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(raw[: len(raw) * 2 // 3])
    wipe(network)
    local_owner()
    empty = snapshot(network)
    with pytest.raises(TrothError, match=r"cut\.json: not valid JSON \(line \d+"):
        do_restore(network, cut)
    assert snapshot(network) == empty


def test_restoring_into_a_second_account_of_the_same_database_names_the_taken_id(
    network: Owner, other: tuple[Owner, Person], cli: Cli, tmp_path: Path
) -> None:
    bob, _ = other
    path = tmp_path / "all.json"
    cli("export", "json", str(path))
    Person.objects.filter(owner=bob, is_me=False).delete()
    Tag.objects.filter(owner=bob).delete()
    before = snapshot(bob)
    with pytest.raises(
        TrothError,
        match=r"all\.json: [a-z_.]+ #\d+ cannot be restored: the id is"
        r" taken by another account's row",
    ):
        do_restore(bob, path)
    assert snapshot(bob) == before


def test_export_errors_are_one_line(network: Owner, cli: Cli, tmp_path: Path) -> None:
    missing = cli("export", "json", str(tmp_path / "no" / "such.json"), code=2)
    assert "does not exist" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    folder = cli("export", "vcard", str(tmp_path), code=2)
    assert "it is a directory" in folder.stderr
    assert not list(tmp_path.iterdir())  # no temporary files left behind
