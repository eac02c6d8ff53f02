"""Backup and export: JSON out and back in exactly, vCard, CSV, and a live SQLite copy.

Real database (SQLite in memory, or PostgreSQL with TROTH_TEST_DATABASE_URL), real
files under tmp_path; the round trip compares every column of every table.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from troth.agenda.models import AgendaMark, DigestLog
from troth.backup.restore import do_restore
from troth.backup.tables import DERIVED, tables
from troth.errors import TrothError
from troth.owners import do_ensure_me, local_owner
from troth.people.models import Person, Tag
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.queries import trust_list

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


@pytest.fixture
def network(cli):
    """The local owner (the CLI's) with a small simulated network and a hand-made tour."""
    owner = local_owner()
    load_network(owner, generate_network(people=40, seed=5, today=timezone.localdate()))
    for args in TOUR:
        cli(*args)
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
    return owner


@pytest.fixture
def other(db):
    """Bob, whose rows no export or restore of the local owner may touch."""
    bob = get_user_model().objects.create_user("bob", "bob@example.org", "pw")
    me = do_ensure_me(bob, "Bob")
    friend = Person.objects.create(owner=bob, full_name="Bob's friend", name_key="bob friend")
    friend.tags.add(Tag.objects.create(owner=bob, name="fintech"))
    return bob, me


def test_tables_are_found_from_the_models_in_dependency_order():
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


def test_json_round_trip_restores_every_row_exactly(network, other, cli, tmp_path):
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


def test_export_to_stdout_is_the_same_document(network, cli, tmp_path):
    path = tmp_path / "a.json"
    cli("export", "json", str(path))
    printed = cli("export", "json", "-").stdout
    a, b = json.loads(path.read_text("utf-8")), json.loads(printed)
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b


def test_restore_refuses_an_owner_who_already_has_people(network, cli, tmp_path):
    path = tmp_path / "troth.json"
    cli("export", "json", str(path))
    before = snapshot(network)
    with pytest.raises(TrothError, match=r"already has data .*people\.person.*empty database"):
        do_restore(network, path)
    assert snapshot(network) == before


def _exported(cli, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
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
    network, cli, tmp_path, spoil, message
):
    _, data = _exported(cli, tmp_path)
    wipe(network)
    local_owner()
    empty = snapshot(network)
    path = _bad(tmp_path, spoil(data))
    with pytest.raises(TrothError, match=message):
        do_restore(network, path)
    assert snapshot(network) == empty
    result = cli("import", "json", str(path), code=2) if _has_import_json() else None
    if result is not None:
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


def _has_import_json() -> bool:
    from troth.cli import app

    return any(g.name == "import" for g in app.registered_groups) or any(
        c.name == "import" for c in app.registered_commands
    )
