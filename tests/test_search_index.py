"""People search reads an index in the database (issue 20): FTS5 trigram tables kept by
triggers on SQLite, pg_trgm indexes on PostgreSQL. Every kind of write to people,
nicknames, contact points, jobs and companies is found by the very next search, on
both databases (the suite runs on PostgreSQL with TROTH_TEST_DATABASE_URL)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from django.db import connection, transaction

from troth.backup.export import write_export
from troth.backup.restore import do_restore
from troth.backup.sqlite_restore import check_backup
from troth.backup.tables import tables
from troth.identity.actions import do_merge, do_unmerge
from troth.importers.apply import do_import
from troth.importers.linkedin import PARSER
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.actions import (
    do_add_person,
    do_delete_person,
    do_edit_person,
    do_leave_job,
    do_set_job,
    do_set_nickname,
)
from troth.people.models import ContactPoint, Organization, Person
from troth.people.queries import find_people
from troth.people.search import SQLITE_SCHEMA, ensure_index


def found(owner: Owner, query: str) -> list[int]:
    return find_people(owner, query=query)


def test_a_new_person_is_found_by_each_field_at_once(alice: Owner) -> None:
    p = do_add_person(
        alice,
        "Wren Halvorsen",
        emails=["wren.h@larkspur.example"],
        phones=["+1 312 555 0188"],
        company="Larkspur Labs",
        title="VP Engineering",
    )
    for query in ("Halvorsen", "alvor", "wren", "larkspur", "kspur lab", "engineering", "555"):
        assert found(alice, query) == [p.id], query
    assert found(alice, "Nobody") == []


def test_one_or_two_letters_find_the_start_of_a_word(alice: Owner) -> None:
    tom = do_add_person(alice, "Tom Baker")
    tomlin = do_add_person(alice, "Ursula Tomlinson")
    atom = do_add_person(alice, "Bea Atomics", company="Tolstoy Partners")
    assert set(found(alice, "to")) == {tom.id, tomlin.id, atom.id}  # atom: her company
    assert found(alice, "to")[:2] == [tom.id, tomlin.id]  # names before the company
    assert set(found(alice, "ba")) == {tom.id}
    assert set(found(alice, "b")) == {tom.id, atom.id}
    assert found(alice, "om") == []  # inside a word: three letters or more
    assert set(found(alice, "tom")) == {tom.id, tomlin.id, atom.id}


def test_accents_case_and_odd_characters(alice: Owner) -> None:
    jose = do_add_person(alice, "José Ñúñez", title="Señor Analyst")
    do_set_nickname(alice, jose, "Pepé")
    for query in ("jose", "JOSÉ", "nunez", "señor", "pepé", "PEPÉ"):
        assert found(alice, query) == [jose.id], query
    for odd in ('"', '"jos', "%", "_", "a'b", "*", "NEAR(", "()", "\\"):
        assert found(alice, odd) == [], odd


def test_renames_nicknames_and_deletes_show_at_once(alice: Owner) -> None:
    p = do_add_person(alice, "Robert Quill")
    do_edit_person(alice, p, name="Roberta Quillon")
    assert found(alice, "roberta") == [p.id]
    assert found(alice, "Robert Quill ") == []  # the old name is gone
    do_set_nickname(alice, p, "Birdie")
    assert found(alice, "birdie") == [p.id]
    do_set_nickname(alice, p, "")
    assert found(alice, "birdie") == []
    do_delete_person(alice, p)
    assert found(alice, "quillon") == []


def test_contact_points_added_removed_and_moved(alice: Owner) -> None:
    p = do_add_person(alice, "Ann Ode")
    q = do_add_person(alice, "Ben Ode")
    do_edit_person(alice, p, emails=["ann@zephyr.example"])
    assert found(alice, "zephyr") == [p.id]
    ContactPoint.objects.filter(owner=alice, value="ann@zephyr.example").update(person=q)
    assert found(alice, "zephyr") == [q.id]
    ContactPoint.objects.filter(owner=alice, value="ann@zephyr.example").update(
        value="ben@quartz.example"
    )
    assert found(alice, "zephyr") == [] and found(alice, "quartz") == [q.id]
    do_edit_person(alice, q, remove_contacts=["ben@quartz.example"])
    assert found(alice, "quartz") == []


def test_jobs_changed_ended_and_companies_renamed(alice: Owner) -> None:
    p = do_add_person(alice, "Cy Brandt", company="Umberwood", title="Cartographer")
    assert found(alice, "umberwood") == [p.id]
    do_set_job(alice, p, "Glasshouse", "Surveyor")
    assert found(alice, "umberwood") == [] and found(alice, "cartographer") == []
    assert found(alice, "glasshouse") == [p.id] and found(alice, "surveyor") == [p.id]
    Organization.objects.filter(owner=alice, name="Glasshouse").update(
        name="Greenhouse", name_key="greenhouse"
    )
    assert found(alice, "glasshouse") == [] and found(alice, "greenhouse") == [p.id]
    do_leave_job(alice, p)
    assert found(alice, "greenhouse") == [] and found(alice, "surveyor") == []


def test_a_merge_and_its_undo(alice: Owner) -> None:
    keep = do_add_person(alice, "Dee Marsh")
    other = do_add_person(
        alice, "Deirdre Marsh", emails=["dee@fenland.example"], allow_duplicate_name=True
    )
    with transaction.atomic():
        record = do_merge(alice, keep, other)
    assert found(alice, "fenland") == [keep.id]
    assert found(alice, "deirdre") == []
    with transaction.atomic():
        back = do_unmerge(alice, record)
    assert found(alice, "fenland") == [back.id] and found(alice, "deirdre") == [back.id]


def test_an_import_is_found_and_its_undo_forgotten(alice: Owner, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ilse,Varga,https://www.linkedin.com/in/ilsevarga,,Oxbow Freight,Dispatcher,"
        "01 Mar 2026\n",
        encoding="utf-8",
    )
    with transaction.atomic():
        summary = do_import(alice, PARSER, path)
    (ilse,) = Person.objects.filter(owner=alice, full_name="Ilse Varga")
    for query in ("varga", "oxbow", "dispatch"):
        assert found(alice, query) == [ilse.id], query
    # web addresses are not searched: "linkedin" would find everyone imported from there
    assert found(alice, "linkedin") == [] and found(alice, "ilsevarga") == []
    from troth.importers.undo import do_undo_import

    with transaction.atomic():
        assert summary.run_id is not None
        do_undo_import(alice, summary.run_id)
    assert found(alice, "oxbow") == []


def test_a_restored_export_is_found(alice: Owner, tmp_path: Path) -> None:
    do_add_person(alice, "Ola Nordvik", company="Fjordline", emails=["ola@fjord.example"])
    out = io.StringIO()
    write_export(alice, out)
    path = tmp_path / "export.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    for table in reversed(tables(include_derived=True)):  # everything alice has, gone
        if table.owned:
            table.rows_of(alice).delete()
    assert found(alice, "nordvik") == []
    do_ensure_me(alice, "Alice")
    do_restore(alice, path)
    (ola,) = Person.objects.filter(owner=alice, full_name="Ola Nordvik")
    for query in ("nordvik", "fjordline", "fjord.example", "no"):
        assert found(alice, query) == [ola.id], query


def test_each_owner_finds_only_their_own(alice: Owner, bob: Owner) -> None:
    mine = do_add_person(alice, "Pat Orchard", company="Shared Co", emails=["pat@shared.example"])
    theirs = do_add_person(bob, "Pat Orchard", company="Shared Co", emails=["pat@shared.example"])
    for query in ("orchard", "shared", "pa", "pat@"):
        assert found(alice, query) == [mine.id], query
        assert found(bob, query) == [theirs.id], query


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 index and its triggers are SQLite's"
)


@sqlite_only
def test_a_trigger_dropped_by_a_table_rebuild_is_put_back_and_the_index_refilled(
    alice: Owner,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER troth_search_person_ai")
    p = do_add_person(alice, "Quentin Lowe")
    assert found(alice, "quentin") == []  # the broken state ensure_index repairs
    assert ensure_index() is True
    assert found(alice, "quentin") == [p.id]
    assert ensure_index() is False  # nothing missing: nothing done
    with connection.cursor() as cursor:  # another version's definition is replaced
        cursor.execute("DROP TRIGGER troth_search_person_ad")
        cursor.execute(
            "CREATE TRIGGER troth_search_person_ad AFTER DELETE ON people_person BEGIN SELECT 1; END"
        )
    assert ensure_index() is True
    do_delete_person(alice, p)
    assert found(alice, "quentin") == []


@sqlite_only
def test_a_backup_may_hold_the_search_triggers_exactly_as_troth_makes_them(tmp_path: Path) -> None:
    path = tmp_path / "backup.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE people_person (id INTEGER PRIMARY KEY, name_key, nickname, is_me)")
    db.execute("CREATE TABLE people_contactpoint (id INTEGER PRIMARY KEY, value)")
    db.execute("CREATE TABLE people_employment (id INTEGER PRIMARY KEY, title)")
    db.execute("CREATE TABLE people_organization (id INTEGER PRIMARY KEY, name_key)")
    db.execute("CREATE TABLE interactions_interaction (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app, name)")
    for sql in SQLITE_SCHEMA.values():
        db.execute(sql)
    db.execute("INSERT INTO people_person VALUES (1, 'ada', '', 0)")
    db.commit()
    assert check_backup(path) == 1
    # the same name with other work to do is refused as before
    db.execute("DROP TRIGGER troth_search_person_ai")
    db.execute(
        "CREATE TRIGGER troth_search_person_ai AFTER INSERT ON people_person BEGIN "
        "DELETE FROM people_contactpoint; END"
    )
    db.commit()
    db.close()
    with pytest.raises(Exception, match="troth_search_person_ai.*never makes"):
        check_backup(path)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_trigram_indexes(db: None) -> None:
    from troth.people.search import PG_INDEXES

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'troth_search_%%'")
        assert {r[0] for r in cursor.fetchall()} == {name for name, *_ in PG_INDEXES}
    assert ensure_index() is False


def test_bulk_writes_index_once_at_the_end_and_a_failure_leaves_all_as_it_was(alice: Owner) -> None:
    from troth.people.search import bulk_writes

    kept = do_add_person(alice, "Vera Kept")
    with transaction.atomic(), bulk_writes(deletes=True):
        made = [do_add_person(alice, f"Bulk Person{i}", company="Bulkhead") for i in range(5)]
        do_delete_person(alice, kept)
        do_set_nickname(alice, made[0], "Firsty")  # updated while unindexed: indexed once
    assert sorted(found(alice, "bulkhead")) == sorted(p.id for p in made)
    assert found(alice, "firsty") == [made[0].id]
    assert found(alice, "vera") == []
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic(), bulk_writes():
        do_add_person(alice, "Never Was")
        raise RuntimeError("boom")
    later = do_add_person(alice, "Wendy After")  # the triggers are back
    assert found(alice, "wendy") == [later.id] and found(alice, "never") == []
