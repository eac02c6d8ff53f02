"""A restore is untrusted input (issue 17, items 1 and 2): crafted troth JSON exports
that try to create a superuser, rewrite or take another member's rows through a
merge's "Undo", point at another member's rows, smuggle in fields, move the id
sequences, or make troth delete a file. Real database (SQLite, or PostgreSQL with
TROTH_TEST_DATABASE_URL), real files, the real web app and commands."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from troth.backup.export import write_export
from troth.backup.restore import SCRUBBED, SHAPES, do_restore
from troth.backup.tables import RESTORABLE, tables
from troth.errors import TrothError
from troth.identity.actions import do_merge, do_unmerge
from troth.identity.models import MergeRecord
from troth.importers.models import ImportRun
from troth.owners import do_ensure_me
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Note, Person
from troth.web.views.imports import ACCEPTED_HERE

if TYPE_CHECKING:
    from troth.owned import Owner

User = get_user_model()
INLINE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def scene(db: None, home: Path) -> SimpleNamespace:
    """An operator (superuser), bob with a friend and a note, and a real export of
    carol's (two people merged on the Import page, an import run, a note) whose rows
    are free again (carol left the server): the raw material of every crafted file.
    mallory has an empty account, as a new member has."""
    User.objects.create_superuser("admin", "admin@example.org", "x")
    bob = User.objects.create_user("bob", "bob@example.org", "x")
    do_ensure_me(bob, "Bob")
    friend = do_add_person(bob, "Bob's friend", emails=["friend@bob.example"])
    note = do_add_note(bob, friend, "Loves talking about kids and sailing")

    carol = User.objects.create_user("carol", "carol@example.org", "x")
    do_ensure_me(carol, "Carol")
    started = timezone.now() - dt.timedelta(hours=2)
    ImportRun.objects.create(
        owner=carol,
        kind="vcard",
        path="/home/carol/Downloads/contacts.vcf",
        file_name="contacts.vcf",
        started_at=started,
        finished_at=started + dt.timedelta(minutes=1),
        counts={"people_created": 2, "restored": {}},
    )
    ann = do_add_person(carol, "Ann Lee", emails=["ann@lee.example"], company="Acme")
    dup = do_add_person(
        carol, "Ann Lee", emails=["ann.lee@acme.example"], allow_duplicate_name=True
    )
    do_add_note(carol, dup, "met at the fair")
    with transaction.atomic():
        do_merge(carol, ann, dup, reason=ACCEPTED_HERE)
    out = io.StringIO()
    with transaction.atomic():
        write_export(carol, out)
    data = json.loads(out.getvalue())
    carol.delete()

    mallory = User.objects.create_user("mallory", "mallory@example.org", "x")
    do_ensure_me(mallory, "Mallory")
    return SimpleNamespace(bob=bob, friend=friend, note=note, mallory=mallory, data=data)


def entry(data: dict[str, Any], label: str) -> dict[str, Any]:
    table: dict[str, Any] = next(t for t in data["tables"] if t["model"] == label)
    return table


def rows(data: dict[str, Any], label: str) -> list[dict[str, Any]]:
    t = entry(data, label)
    return [dict(zip(t["columns"], r, strict=True)) for r in t["rows"]]


def set_rows(data: dict[str, Any], label: str, new: list[dict[str, Any]]) -> None:
    t = entry(data, label)
    t["rows"] = [[r.get(c) for c in t["columns"]] for r in new]


def edit(data: dict[str, Any], label: str, **values: Any) -> dict[str, Any]:
    """A copy of the file with these values in every row of the table."""
    data = copy.deepcopy(data)
    set_rows(data, label, [{**r, **values} for r in rows(data, label)])
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "backup.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def state(scene: SimpleNamespace) -> tuple[Any, ...]:
    """What no restore or undo by mallory may change."""
    note = Note.objects.get(pk=scene.note.pk)
    friend = Person.objects.get(pk=scene.friend.pk)
    return (
        sorted(User.objects.filter(is_superuser=True).values_list("username", flat=True)),
        sorted(User.objects.values_list("username", flat=True)),
        note.text,
        note.person_id,
        note.owner_id,
        friend.owner_id,
        friend.full_name,
    )


def nothing_of_mallory(mallory: Owner) -> bool:
    return not any(
        t.rows_of(mallory).exclude(**({"is_me": True} if t.model is Person else {})).exists()
        for t in tables(include_derived=True)
    )


# -- what a restore accepts --------------------------------------------------------------


def test_every_owned_table_is_listed_and_every_json_column_checked_or_dropped() -> None:
    owned = {t.label for t in tables(include_derived=True)}
    assert owned <= RESTORABLE, f"add to RESTORABLE (backup/tables.py): {owned - RESTORABLE}"
    assert owned >= RESTORABLE
    for t in tables(include_derived=True):
        for f in t.fields:
            if isinstance(f, models.JSONField):
                name = f"{t.label}.{f.attname}"
                assert name in SHAPES or name in SCRUBBED, name


SUPERUSER = {
    "model": "auth.user",
    "columns": ["id", "password", "username", "is_superuser", "is_staff", "is_active"],
    "rows": [[990001, "pbkdf2_sha256$1$x$y", "mallory-root", True, True, True]],
}


@pytest.mark.parametrize(
    "table",
    [
        SUPERUSER,
        {"model": "auth.group", "columns": ["id", "name"], "rows": [[990002, "admins"]]},
        {"model": "sessions.session", "columns": ["session_key"], "rows": [["k" * 32]]},
        {"model": "admin.logentry", "columns": ["id"], "rows": [[990003]]},
        {"model": "django_tasks_database.dbtaskresult", "columns": ["id"], "rows": [["x"]]},
        {"model": "contenttypes.contenttype", "columns": ["id"], "rows": [[990004]]},
    ],
    ids=lambda t: t["model"],
)
def test_a_table_that_is_not_the_owners_own_is_refused(
    scene: SimpleNamespace, tmp_path: Path, table: dict[str, Any]
) -> None:
    data = copy.deepcopy(scene.data)
    data["tables"].insert(0, table)
    before = state(scene)
    with pytest.raises(TrothError, match=rf"backup\.json: table {table['model']} is not restored"):
        do_restore(scene.mallory, write(tmp_path, data))
    assert state(scene) == before and nothing_of_mallory(scene.mallory)


def test_fields_that_are_not_the_models_are_refused(scene: SimpleNamespace, tmp_path: Path) -> None:
    """Columns the model does not have (the owner above all), and in a JSON column
    anything but what troth writes there (the Import page adds up a run's counts)."""
    for label, column in (
        ("people.person", "owner_id"),
        ("people.person", "is_superuser"),
        ("people.note", "owner"),
    ):
        data = copy.deepcopy(scene.data)
        t = entry(data, label)
        t["columns"].append(column)
        for r in t["rows"]:
            r.append(scene.bob.pk)
        with pytest.raises(TrothError, match=rf"table {label} has unknown column '{column}'"):
            do_restore(scene.mallory, write(tmp_path, data))
        assert nothing_of_mallory(scene.mallory)
    for counts in ({"people_created": {"$where": 1}}, {"left_out": {"lists": "9"}}):
        data = edit(scene.data, "importers.importrun", counts=counts)
        with pytest.raises(TrothError, match=r"importrun #\d+: counts: not what troth writes"):
            do_restore(scene.mallory, write(tmp_path, data))
        assert nothing_of_mallory(scene.mallory)


@pytest.mark.parametrize(
    ("label", "values", "error"),
    [
        ("people.person", {"full_name": ["Ann", "Lee"]}, r"full_name: expected text, got a list"),
        ("people.person", {"full_name": "x" * 201}, r"full_name: longer than 200 characters"),
        ("people.person", {"is_me": "yes"}, r"is_me: expected true or false, got text"),
        ("people.person", {"created_at": 12}, r"created_at: expected a date and time"),
        ("people.note", {"person_id": "7"}, r"person_id: expected a whole number, got text"),
        ("people.note", {"text": "a\x00b"}, r"text: holds a NUL character"),
        ("importers.importrun", {"status": "owned"}, r"status: \"owned\" is not one of"),
        ("importers.importrun", {"counts": {"restored": "all"}}, r"counts: not what troth"),
        ("importers.importrun", {"counts": [1]}, r"counts: not what troth"),
        ("importers.importrun", {"problems": ["x"]}, r"problems: not what troth"),
        ("identity.mergerecord", {"merged_id": 1.5}, r"merged_id: expected a whole number"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_naming_the_record(
    scene: SimpleNamespace, tmp_path: Path, label: str, values: dict[str, Any], error: str
) -> None:
    before = state(scene)
    with pytest.raises(TrothError, match=rf"backup\.json: {label} #\d+: {error}"):
        do_restore(scene.mallory, write(tmp_path, edit(scene.data, label, **values)))
    assert state(scene) == before and nothing_of_mallory(scene.mallory)


@pytest.mark.parametrize("bad", ["12", True, 0, -5, 2**31, 2**63 - 1])
def test_bad_or_huge_ids_are_refused(scene: SimpleNamespace, tmp_path: Path, bad: object) -> None:
    data = copy.deepcopy(scene.data)
    entry(data, "people.note")["rows"][0][0] = bad
    with pytest.raises(TrothError, match=r"people\.note record 1: bad id"):
        do_restore(scene.mallory, write(tmp_path, data))
    assert nothing_of_mallory(scene.mallory)


def test_foreign_keys_into_another_owners_rows_are_refused(
    scene: SimpleNamespace, tmp_path: Path
) -> None:
    """(Held before issue 17 too: kept so that it stays so.) And a merge record's
    snapshot naming bob's rows is dropped, not restored."""
    before = state(scene)
    do_restore(scene.mallory, write(tmp_path, crafted_merge(scene)))
    assert MergeRecord.objects.get(owner=scene.mallory).snapshot == {}
    for t in reversed(tables(include_derived=True)):
        if t.owned:
            t.rows_of(scene.mallory).delete()
    do_ensure_me(scene.mallory)
    for label, values in (
        ("people.note", {"person_id": scene.friend.pk}),  # a note on bob's friend
        ("identity.mergerecord", {"kept_id": scene.friend.pk}),
        ("people.contactpoint", {"person_id": scene.friend.pk}),
    ):
        data = edit(scene.data, label, **values)
        with pytest.raises(
            TrothError,
            match=rf"{label} #\d+: \w+ {scene.friend.pk} refers to a people\.person row"
            " that is not there",
        ):
            do_restore(scene.mallory, write(tmp_path, data))
        assert state(scene) == before and nothing_of_mallory(scene.mallory)


# -- what a restore keeps of merges and runs ----------------------------------------------


def crafted_merge(scene: SimpleNamespace) -> dict[str, Any]:
    """The audit's file: a merge whose snapshot would create a superuser, deface bob's
    note and take bob's friend, accepted on the Import page after the run."""
    data: dict[str, Any] = copy.deepcopy(scene.data)
    (merge,) = rows(data, "identity.mergerecord")
    # the merged person comes back under the id the next new person would get
    merge["merged_id"] = max(Person.objects.values_list("pk", flat=True)) + 1
    merge["snapshot"] = {
        "kept": merge["kept_id"],
        "person": {**merge["snapshot"]["person"], "pk": merge["merged_id"]},
        "deleted": [
            {
                "model": "auth.user",
                "pk": 990001,
                "fields": {
                    "username": "mallory-root",
                    "password": "pbkdf2_sha256$1$x$y",
                    "is_superuser": True,
                    "is_staff": True,
                    "is_active": True,
                    "date_joined": "2026-01-01T00:00:00+00:00",
                },
            }
        ],
        "moved": [
            {
                "model": "people.note",
                "pk": scene.note.pk,
                "before": {"text": "defaced by mallory"},
                "after": {},
            },
            {
                "model": "people.person",
                "pk": scene.friend.pk,
                "before": {"owner_id": scene.mallory.pk},
                "after": {},
            },
        ],
        "filled": {},
    }
    set_rows(data, "identity.mergerecord", [merge])
    return data


def test_a_restored_merge_keeps_no_snapshot_and_cannot_be_undone(
    scene: SimpleNamespace, tmp_path: Path
) -> None:
    before = state(scene)
    do_restore(scene.mallory, write(tmp_path, crafted_merge(scene)))
    record = MergeRecord.objects.get(owner=scene.mallory)
    assert record.snapshot == {}
    with (
        pytest.raises(TrothError, match=r"cannot be undone: it came from a restored backup"),
        transaction.atomic(),
    ):
        do_unmerge(scene.mallory, record)
    assert state(scene) == before


@pytest.mark.django_db(transaction=True)
def test_the_audits_attack_through_the_import_page_changes_nothing(
    scene: SimpleNamespace, client: Client, tmp_path: Path, settings: Settings
) -> None:
    """Upload the crafted export on the Import page (restore), then press "Undo this
    merge" on the restored run's page: refused with a message, never a 500."""
    settings.TASKS, settings.TROTH_IMPORT_THREAD = INLINE, False
    before = state(scene)
    client.force_login(scene.mallory)
    path = write(tmp_path, crafted_merge(scene))
    with path.open("rb") as fh:
        r = client.post("/import/upload", {"file": fh, "kind": "", "me": ""})
    assert r.status_code == 302
    runs = ImportRun.objects.filter(owner=scene.mallory)
    assert {r.status for r in runs} == {ImportRun.DONE}
    old = runs.get(file_name="contacts.vcf")
    record = MergeRecord.objects.get(owner=scene.mallory)
    r = client.post(
        f"/import/{old.pk}/merges/{record.pk}/undo", HTTP_HX_REQUEST="true", REMOTE_ADDR="::1"
    )
    assert r.status_code == 400
    assert "it came from a restored backup" in r.content.decode().replace("&#x27;", "'")
    assert state(scene) == before
    assert not client.login(username="mallory-root", password="x")
    do_add_person(scene.bob, "Added after the attack")  # its id was not taken meanwhile


def test_a_restored_run_carries_no_upload_path_nor_options(
    scene: SimpleNamespace, tmp_path: Path, home: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    database = home / "troth.sqlite3"  # the server's own database file
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"SQLite format 3\x00")
    long_ago = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    data = copy.deepcopy(scene.data)
    (run,) = rows(data, "importers.importrun")
    crafted = [
        {**run, "id": 990010, "upload": str(victim), "status": "queued", "finished_at": None},
        {**run, "id": 990011, "upload": str(database), "status": "running"},
        {**run, "id": 990012, "upload": str(database), "options": {"me": ["x@y.example"]}},
    ]
    for r in crafted:
        r["started_at"] = long_ago
    set_rows(data, "importers.importrun", crafted)
    do_restore(scene.mallory, write(tmp_path, data))
    restored = ImportRun.objects.filter(owner=scene.mallory).order_by("pk")
    assert [r.upload for r in restored] == ["", "", ""]
    assert [r.options for r in restored] == [{}, {}, {}]
    assert [r.path for r in restored] == ["contacts.vcf"] * 3
    assert [r.status for r in restored] == [ImportRun.FAILED, ImportRun.FAILED, ImportRun.DONE]
    assert restored[0].finished_at is not None and "interrupted" in restored[0].error


# -- ids ----------------------------------------------------------------------------------


def test_restores_leave_every_sequence_past_every_id(
    scene: SimpleNamespace, tmp_path: Path
) -> None:
    """The next row anyone adds after a restore gets a free id: on PostgreSQL the
    restore moves the sequences past the ids it wrote, and never back to an id a
    deleted row had (which a merge record still names; Django's own reset did that)."""
    top = max(Person.objects.values_list("pk", flat=True))
    ahead = top + 500
    data = copy.deepcopy(scene.data)
    people = rows(data, "people.person")
    moved = {p["id"]: ahead + i for i, p in enumerate(people)}  # far past every id
    for p in people:
        p["id"] = moved[p["id"]]
    set_rows(data, "people.person", people)
    for label in ("people.note", "people.contactpoint", "people.employment"):
        set_rows(
            data, label, [{**r, "person_id": moved[r["person_id"]]} for r in rows(data, label)]
        )
    set_rows(
        data,
        "identity.mergerecord",
        [{**r, "kept_id": moved[r["kept_id"]]} for r in rows(data, "identity.mergerecord")],
    )
    set_rows(data, "people.relationship", [])
    do_restore(scene.mallory, write(tmp_path, data))
    assert Person.objects.filter(owner=scene.mallory, pk__gte=ahead).count() == len(people)
    newest = do_add_person(scene.bob, "After the restore")  # no collision
    assert newest.pk > max(moved.values())

    # mallory starts again; meanwhile the newest person is merged away (deleted)
    for t in reversed(tables(include_derived=True)):
        if t.owned:
            t.rows_of(scene.mallory).delete()
    do_ensure_me(scene.mallory)
    gone = do_add_person(scene.bob, "Merged away")
    Person.objects.filter(pk=gone.pk).delete()
    do_restore(scene.mallory, write(tmp_path, scene.data, "low.json"))
    assert do_add_person(scene.bob, "Later still").pk > gone.pk


# -- undo checks what it replays, wherever the snapshot came from -------------------------


@pytest.fixture
def own_merge(scene: SimpleNamespace) -> SimpleNamespace:
    """A real merge of mallory's own, whose snapshot the tests then tamper with (as a
    database written before this fix, or by any other way in, could hold)."""
    m = scene.mallory
    keep = do_add_person(m, "Zed Park", emails=["zed@park.example"], company="Umbrella")
    other = do_add_person(
        m, "Zed Park", emails=["zed@work.example"], tags=["golf"], allow_duplicate_name=True
    )
    do_add_note(m, other, "plays golf")
    with transaction.atomic():
        record = do_merge(m, keep, other)
    return SimpleNamespace(record=record, keep=keep, other_id=other.pk)


def _tamper(scene: SimpleNamespace, snap: dict[str, Any], how: str) -> None:
    bob, friend, note, m = scene.bob, scene.friend, scene.note, scene.mallory
    if how == "superuser row":
        snap["deleted"].append(
            {
                "model": "auth.user",
                "pk": 990001,
                "fields": {"username": "mallory-root", "password": "x", "is_superuser": True},
            }
        )
    elif how == "deface a note":
        snap["moved"].append(
            {"model": "people.note", "pk": note.pk, "before": {"text": "defaced"}, "after": {}}
        )
    elif how == "take a note":
        snap["moved"].append(
            {
                "model": "people.note",
                "pk": note.pk,
                "before": {"person_id": snap["person"]["pk"]},
                "after": {"person_id": friend.pk},
            }
        )
    elif how == "take a person":
        snap["moved"].append(
            {
                "model": "people.person",
                "pk": friend.pk,
                "before": {"owner_id": m.pk},
                "after": {"owner_id": bob.pk},
            }
        )
    elif how == "a row for bob":
        snap["deleted"].append(
            {
                "model": "people.note",
                "pk": note.pk + 1000,
                "fields": {"owner": bob.pk, "person": friend.pk, "text": "x", "created_at": None},
            }
        )
    elif how == "a row on bob's person":
        snap["deleted"].append(
            {
                "model": "people.note",
                "pk": note.pk + 1000,
                "fields": {
                    "owner": m.pk,
                    "person": friend.pk,
                    "text": "x",
                    "created_at": "2026-01-01T00:00:00+00:00",
                },
            }
        )
    elif how == "rename bob's friend":
        snap["filled"]["people.person"] = {
            "pk": friend.pk,
            "before": {"full_name": "Taken"},
            "after": {"full_name": friend.full_name},
        }
    elif how == "fill bob's friend":
        snap["filled"]["people.person"] = {
            "pk": friend.pk,
            "before": {"nickname": "Taken"},
            "after": {"nickname": ""},
        }
    elif how == "merged person is a user":
        snap["person"] = {**snap["person"], "model": "auth.user"}
    elif how == "unknown field":
        snap["person"]["fields"]["is_superuser"] = True
    elif how == "a missing part":
        del snap["moved"]


TAMPERINGS = [
    "superuser row",
    "deface a note",
    "take a note",
    "take a person",
    "a row for bob",
    "a row on bob's person",
    "rename bob's friend",
    "merged person is a user",
    "unknown field",
    "a missing part",
]


@pytest.mark.parametrize("how", TAMPERINGS)
def test_undo_refuses_a_snapshot_that_reaches_beyond_the_owners_rows(
    scene: SimpleNamespace, own_merge: SimpleNamespace, how: str
) -> None:
    record = own_merge.record
    snap = copy.deepcopy(record.snapshot)
    _tamper(scene, snap, how)
    MergeRecord.objects.filter(pk=record.pk).update(snapshot=snap)
    before = state(scene)
    with (
        pytest.raises(TrothError, match=rf"merge #{record.pk} cannot be undone"),
        transaction.atomic(),
    ):
        do_unmerge(scene.mallory, record)
    assert state(scene) == before
    record.refresh_from_db()
    assert record.undone_at is None and not Person.objects.filter(pk=own_merge.other_id).exists()


def test_undo_of_another_owners_rows_never_changes_them_even_when_it_goes_through(
    scene: SimpleNamespace, own_merge: SimpleNamespace
) -> None:
    """A "fill" of bob's friend's empty nickname is a column a merge fills: it passes the
    checks, but only mallory's rows are updated, so bob's friend stays as it was."""
    record = own_merge.record
    snap = copy.deepcopy(record.snapshot)
    _tamper(scene, snap, "fill bob's friend")
    MergeRecord.objects.filter(pk=record.pk).update(snapshot=snap)
    before = state(scene)
    with transaction.atomic():
        do_unmerge(scene.mallory, record)
    assert state(scene) == before
    assert Person.objects.get(pk=scene.friend.pk).nickname == ""


def test_an_untampered_merge_still_undoes_exactly(
    scene: SimpleNamespace, own_merge: SimpleNamespace
) -> None:
    m = scene.mallory
    with transaction.atomic():
        back = do_unmerge(m, own_merge.record)
    assert back.pk == own_merge.other_id and back.owner_id == m.pk
    assert back.tags.get().name == "golf"
    assert Note.objects.get(owner=m, person=back).text == "plays golf"
    assert back.contact_points.get().value == "zed@work.example"


@pytest.mark.parametrize(("month", "day"), [(2, 31), (4, 31), (13, 1)])
def test_a_date_that_is_no_day_of_the_year_is_refused(
    scene: SimpleNamespace, tmp_path: Path, month: int, day: int
) -> None:
    """Each column passed alone; 31 February then broke the person's page with a 500."""
    data = copy.deepcopy(scene.data)
    person = next(r for r in rows(data, "people.person") if not r["is_me"])
    template = {c: None for c in entry(data, "people.persondate")["columns"]}
    date_row = {
        **template,
        "id": 1,
        "person_id": person["id"],
        "kind": "birthday",
        "label": "",
        "month": month,
        "day": day,
        "source": "vcard",
        "created_at": person["created_at"],
    }
    set_rows(data, "people.persondate", [date_row])
    with pytest.raises(TrothError, match=r"people\.persondate #1: "):
        do_restore(scene.mallory, write(tmp_path, data))
    assert nothing_of_mallory(scene.mallory)
