"""The indexes an import writes per row (issue 20: 30,000 LinkedIn connections in
<= 3 s): people, contact points and source records keep only the indexes their reads
go through, every owned table keeps an index that starts with its owner (a read of
an owner's rows never scans the table), the reads that lost an index still plan
through one, and the migrations that dropped the redundant ones undo and redo on
both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from troth.agenda.digest import own_addresses
from troth.identity.models import SourceRecord
from troth.importers.bulkrows import db_instant, insert_returning_ids
from troth.interactions.actions import do_log_interaction
from troth.owned import Owned, Owner
from troth.owners import do_ensure_me
from troth.people.actions import do_add_person
from troth.people.models import ContactPoint, Person
from troth.trust.actions import do_update_trust
from troth.warmpaths.network import _stale

IMPORTED = [Person, ContactPoint, SourceRecord]
DROPPED = {
    "people_person": [["name_key"]],
    "people_contactpoint": [["person_id"]],
    "importers_sourcerecord": [["owner_id"]],
}
# The plain (not unique, not partial) b-tree indexes each keeps. An index of the owner
# alone is (owner, id) in effect on both databases' plans for "the owner's rows after
# id N" (the links' freshness probes on every Person page) and "the newest": an index
# that starts with the owner and goes on with other columns is not, so it stays.
KEPT = {
    "people_person": [["owner_id"], ["owner_id", "name_key"]],
    "people_contactpoint": [["owner_id"], ["owner_id", "kind", "value"]],
    "importers_sourcerecord": [["owner_id", "person_id"], ["person_id"]],
}


def _indexes(table: str) -> list[tuple[str, list[str], bool, bool]]:
    """(name, columns, partial, unique) of every index and unique constraint."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    out = []
    for name, c in found.items():
        if not (c["index"] or c["unique"]) or c["primary_key"] or not c["columns"]:
            continue
        if c.get("type") == "gin":
            continue  # PostgreSQL's trigram indexes for search (people.search): not a lookup
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT sql LIKE '% WHERE %' FROM sqlite_master WHERE name = %s", [name]
                )
            else:
                cursor.execute(
                    "SELECT i.indpred IS NOT NULL FROM pg_index i JOIN pg_class c"
                    " ON c.oid = i.indexrelid WHERE c.relname = %s",
                    [name],
                )
            row = cursor.fetchone()
        out.append((name, list(c["columns"]), bool(row and row[0]), bool(c["unique"])))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("model", IMPORTED, ids=lambda m: m.__name__)
def test_an_imported_table_keeps_only_the_indexes_it_reads_through(model: type[Owned]) -> None:
    table = model._meta.db_table
    plain = [cols for _n, cols, partial, unique in _indexes(table) if not (partial or unique)]
    assert sorted(plain) == KEPT[table]


@pytest.mark.django_db
def test_every_owned_table_has_an_index_that_starts_with_the_owner() -> None:
    owned = [
        m
        for m in apps.get_models()
        if issubclass(m, Owned) and m._meta.managed and not m._meta.proxy
    ]
    assert Person in owned and ContactPoint in owned and SourceRecord in owned
    missing = []
    for model in owned:
        column = model._meta.get_field("owner").column
        starts = [cols for _n, cols, partial, _u in _indexes(model._meta.db_table) if not partial]
        if not any(cols[0] == column for cols in starts):
            missing.append(model._meta.db_table)
    assert missing == []


@pytest.mark.django_db(transaction=True)
def test_the_migrations_undo_and_redo_on_this_database() -> None:
    def columns(table: str) -> list[list[str]]:
        return [cols for _n, cols, partial, unique in _indexes(table) if not (partial or unique)]

    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0006_relationship_overrides")])
    executor = MigrationExecutor(connection)
    executor.migrate([("identity", "0002_sourcerecord_from_importers")])
    try:
        for table, dropped in DROPPED.items():
            for cols in dropped:
                assert cols in columns(table), (table, cols)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    for table, dropped in DROPPED.items():
        for cols in dropped:
            assert cols not in columns(table), (table, cols)


@pytest.mark.django_db(transaction=True)
def test_new_ids_are_read_back_and_checked_against_the_owner(alice: Owner, bob: Owner) -> None:

    do_add_person(alice, "Ada Lovelace")
    names = (
        "owner",
        "full_name",
        "given_name",
        "family_name",
        "name_key",
        "is_me",
        "photo_type",
        "created_at",
        "updated_at",
    )
    now = db_instant(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    rows = [(bob.id, f"Bob's {i}", "", "", f"bob's {i}", False, "", now, now) for i in range(3)]
    with transaction.atomic():
        ids = insert_returning_ids(Person, names, rows, bob.id)
    got = list(Person.objects.filter(id__in=ids).order_by("id").values_list("full_name", "owner"))
    assert got == [(f"Bob's {i}", bob.id) for i in range(3)]
    if connection.vendor == "sqlite":
        # read back by the newest rowids: rows that are not the owner's are refused
        with pytest.raises(RuntimeError, match="not all the importer's"), transaction.atomic():
            insert_returning_ids(Person, names, rows[:1], alice.id)
    # (a transactional test: no transaction around this one) the newest rows are only
    # ours while our transaction holds the write lock: refused outside one
    before = Person.objects.count()
    with pytest.raises(RuntimeError, match="needs the caller's transaction"):
        insert_returning_ids(Person, names, rows[:1], bob.id)
    assert Person.objects.count() == before
    with transaction.atomic():
        assert len(insert_returning_ids(Person, names, rows[:1], bob.id)) == 1


def _contact_point_plans(captured: list[dict[str, str]]) -> list[str]:
    """SQLite's plan lines for the contact points in each captured SELECT."""
    lines = []
    with connection.cursor() as cursor:
        for q in captured:
            if "people_contactpoint" not in q["sql"] or not q["sql"].lstrip().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
            lines += [row[-1] for row in cursor.fetchall() if "people_contactpoint" in row[-1]]
    return lines


@pytest.mark.django_db
def test_one_persons_contact_points_are_read_through_the_person(
    alice: Owner, fixed_day: dt.date
) -> None:
    """With no index of the person alone, SQLite may walk every e-mail address of the
    owner's (owner_id, kind) for one person's: 5 -> 13 ms a tie's update at 30,000
    people (bench/bench_trust.py), until those reads named the person's index."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner: PostgreSQL plans by its statistics")

    do_ensure_me(alice)
    people = [do_add_person(alice, f"Person {i}", emails=[f"p{i}@example.org"]) for i in range(5)]
    for p in people:
        do_log_interaction(alice, p, "email", minutes=None)
    with CaptureQueriesContext(connection) as update:
        do_update_trust(alice, people[2], fixed_day)
    with CaptureQueriesContext(connection) as mine:
        own_addresses(alice)
    lines = _contact_point_plans(update.captured_queries + mine.captured_queries)
    assert lines, "no read of contact points was planned"
    owner_kind_only = [line for line in lines if "(owner_id=? AND kind=?)" in line]
    assert owner_kind_only == []


@pytest.mark.django_db
def test_the_links_freshness_probe_seeks_the_owners_newest_contact_points(
    alice: Owner, fixed_day: dt.date
) -> None:
    """On every Person page (warmpaths.network._stale): "any contact point of the
    owner's after id N". Through an index that starts with the owner and goes on
    with other columns (contact_lookup) it visits every one of the owner's: 3.3 ms a
    page at 30,000 people, when the owner's own index was dropped for a while."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner: PostgreSQL plans by its statistics")
    do_add_person(alice, "Ada Lovelace", emails=["ada@example.org"])
    with CaptureQueriesContext(connection) as probe:
        _stale(alice, fixed_day)
    lines = _contact_point_plans(probe.captured_queries)
    assert lines, "the probe read no contact points"
    assert [line for line in lines if "contact_lookup" in line] == []
