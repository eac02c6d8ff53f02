"""Every index the models declare is in the migrated database, with the same columns
in the same order and direction: some were created in SQL by a migration and then
declared on the model with a state-only migration, and the two must not drift."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Field


def _column(model: Any, name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # an index names columns, never a relation
    return field.column


def _orders(cursor: Any, name: str, found: Mapping[str, Any]) -> list[str]:
    if "orders" in found:
        return [o.upper() for o in found["orders"]]
    # SQLite's introspection reads no order from an index created as `ON table (...)`
    # without quotes (the SQL of the agenda's migrations): read it from that SQL
    assert connection.vendor == "sqlite", found
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
    sql = cursor.fetchone()[0]
    columns = sql[sql.index("(", sql.upper().index(" ON ")) + 1 : sql.rindex(")")].split(",")
    return ["DESC" if c.strip().upper().endswith(" DESC") else "ASC" for c in columns]


def test_every_declared_index_is_in_the_database(db: None) -> None:
    checked = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            declared = [i for i in model._meta.indexes if i.fields]
            if not declared:
                continue
            table = model._meta.db_table
            found = connection.introspection.get_constraints(cursor, table)
            for index in declared:
                assert index.name in found, f"{table}: no index {index.name}"
                columns = [_column(model, name.lstrip("-")) for name in index.fields]
                orders = ["DESC" if name.startswith("-") else "ASC" for name in index.fields]
                got = found[index.name]
                assert got["index"] and got["columns"] == columns, (index.name, got)
                assert _orders(cursor, index.name, got) == orders, (index.name, got)
                checked.append(index.name)
    # the ones created in SQL by the agenda's migrations are among them
    for name in ("agenda_checkins_due", "agenda_favor_unthanked", "agenda_need_open_person"):
        assert name in checked
