"""Rows written in bulk by the importers: plain INSERTs that return the new ids.

Django's bulk_create spends most of its time building and preparing model
instances (about 30 s for 30,000 connections' five rows each); plain rows
through executemany take a fraction of that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import connection, models

# SQLite's page cache for the connection while an import writes, in KiB (SQLite's own
# default is 2 MiB). Every chunk inserts into indexes keyed by random values (names,
# e-mails, profile URLs, source ids): once those outgrow the cache, each row's insert
# reads its leaf pages back from the file, so the cost per row grew with the database
# (10x the rows took 10.7x the time, issue 20). 30,000 connections make a 28 MB file;
# the cache only takes what is read, and is given back after the import.
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def import_page_cache(kib: int = IMPORT_CACHE_KIB) -> Iterator[None]:
    """A page cache of `kib` on SQLite for the block (never a smaller one than the
    connection has), the connection's own setting back after it. Elsewhere nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        page = int(cursor.fetchone()[0])
    # a negative cache_size is in KiB, a positive one in pages
    if (-before if before < 0 else before * page // 1024) >= kib:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        if connection.connection is not None:  # (closed meanwhile: a new one has the default)
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before}")


def column(model: type[models.Model], name: str) -> str:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field) or found.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return found.column


def db_instant(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def insert_returning_ids(
    model: type[models.Model], names: tuple[str, ...], rows: list[tuple], owner_id: int | None
) -> list[int]:
    """Insert rows and return their new ids, in row order (`owner_id`: the rows'
    owner, None for a table without an owner column: Person.tags' links)."""
    if not rows:
        return []
    if not connection.in_atomic_block:
        # On SQLite the ids are read back as the table's newest rows, which is only
        # true while this transaction holds the write lock from the INSERT on: outside
        # one, a concurrent writer's rows can be newer (the attacker's review: two
        # processes, 478 ids mis-assigned). Every caller writes inside its own.
        raise RuntimeError("insert_returning_ids needs the caller's transaction")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(column(model, n)) for n in names)
    row_marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # From the first INSERT to the commit this transaction holds SQLite's
            # write lock, and AUTOINCREMENT ids only grow: ours are the newest.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_marks}", rows)
            # The table's newest rows, by its rowid, and their owner checked here: a
            # WHERE on the owner made SQLite sort the owner's rows through whichever
            # index starts with the owner (0.23 s an import of 30,000 once the
            # owner's own index, redundant for everything else, went: issue 20).
            if owner_id is None:
                cursor.execute(f"SELECT id FROM {table} ORDER BY id DESC LIMIT %s", [len(rows)])
                ids = [r[0] for r in cursor.fetchall()][::-1]
            else:
                owner_col = quote(column(model, "owner"))
                cursor.execute(
                    f"SELECT id, {owner_col} FROM {table} ORDER BY id DESC LIMIT %s", [len(rows)]
                )
                found = cursor.fetchall()
                if any(row_owner != owner_id for _id, row_owner in found):
                    raise RuntimeError(f"{table}: the newest rows are not all the importer's")
                ids = [r[0] for r in found][::-1]
        else:
            # RETURNING follows the order of VALUES (what bulk_create relies on too).
            per = max(1, 30_000 // len(names))
            for start in range(0, len(rows), per):
                batch = rows[start : start + per]
                params = [v for row in batch for v in row]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES "
                    + ", ".join([row_marks] * len(batch))
                    + " RETURNING id",
                    params,
                )
                ids.extend(r[0] for r in cursor.fetchall())
    if len(ids) != len(rows):
        raise RuntimeError(f"inserted {len(rows)} rows into {table} but found {len(ids)} ids")
    return ids
