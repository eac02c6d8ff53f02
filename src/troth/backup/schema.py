"""Is a backup's schema the one troth's migrations make? (`troth restore`)

A backup is a whole SQLite database, schema included: a crafted file could drop an
index that keeps a rule (`one_me_per_owner`: two "me" records and every page fails),
loosen a column (NOT NULL, a CHECK) or add an index of its own. What troth restores
must have exactly the tables, columns, keys, constraints and indexes that a
database made by this version's migrations has (a security review's finding).

The comparison is by meaning, not by the text SQLite keeps: a database migrated step
by step over the years and a new one hold the same schema in different words (an
ALTER TABLE appends to the CREATE statement, another Django version spells a
statement differently). Per table: each column's name, declared type, NOT NULL,
default and key position (in any order), the foreign keys, the CHECK constraints;
per index: its table, uniqueness, columns in order with their sort order, and the
condition of a partial index. Triggers are checked on their own, by their exact text
(`sqlite_restore.check_backup`), and the search index (FTS5 tables SQLite shapes
itself, and rebuilds from the rows) is left to `troth.people.search`.

Pure sqlite3: no Django, so `check_backup` can read a file before anything else.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

# SQLite's own tables (sqlite_sequence, sqlite_stat1, the automatic indexes of a
# UNIQUE column, which are compared as their table's index list below)
_SQLITE_OWN = "sqlite_"
# the search index's tables and triggers (troth.people.search.TRIGGER_PREFIX)
SEARCH_PREFIX = "troth_search_"

Shape = dict[tuple[str, str], Any]


def _words(sql: str) -> str:
    """SQL with its spacing and identifier quotes made uniform, upper case outside
    string literals (a CHECK or WHERE clause compared by what it says)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a string literal: as it is
            out.append(part)
            continue
        part = re.sub(r'["`\[\]]', "", part)
        part = re.sub(r"\s+", " ", part)
        part = re.sub(r"\s*([(),=<>])\s*", r"\1", part)
        out.append(part.upper())
    return "".join(out).strip()


def _checks(sql: str) -> list[str]:
    """The CHECK clauses of a CREATE TABLE statement, each with its parentheses."""
    found = []
    for match in re.finditer(r"\bCHECK\s*\(", sql, flags=re.IGNORECASE):
        depth, i = 0, match.end() - 1
        start = i
        in_string = False
        while i < len(sql):
            ch = sql[i]
            if ch == "'":
                in_string = not in_string
            elif not in_string and ch == "(":
                depth += 1
            elif not in_string and ch == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        found.append(_words(sql[start : i + 1]))
    return sorted(found)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _index_shape(conn: sqlite3.Connection, name: str) -> list[tuple[Any, ...]]:
    # (column name or expression marker, descending, collation) of the key columns
    return [
        (row[2] if row[2] is not None else f"expr{row[1]}", row[3], row[4])
        for row in conn.execute(f"PRAGMA index_xinfo({_quoted(name)})")
        if row[5]  # key columns only, not the rowid SQLite adds
    ]


def shape(conn: sqlite3.Connection) -> Shape:
    """What the schema of the database on `conn` means, keyed by (kind, name)."""
    out: Shape = {}
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index')"
    ).fetchall()
    for kind, name, table, sql in rows:
        if name.startswith((_SQLITE_OWN, SEARCH_PREFIX)) or table.startswith(SEARCH_PREFIX):
            continue
        if kind == "table":
            columns = sorted(
                # name, declared type, NOT NULL, default, position in the primary key,
                # hidden (a generated column)
                (c[1], c[2].upper(), c[3], None if c[4] is None else _words(str(c[4])), c[5], c[6])
                for c in conn.execute(f"PRAGMA table_xinfo({_quoted(name)})")
            )
            keys = sorted(
                # the referenced table and columns, and what a delete or update does
                tuple(k[2:8])
                for k in conn.execute(f"PRAGMA foreign_key_list({_quoted(name)})")
            )
            # the indexes SQLite makes for a UNIQUE or PRIMARY KEY written in the table
            # itself have no statement of their own: compared through the table
            implicit = sorted(
                (ix[2], ix[3], ix[4], tuple(_index_shape(conn, ix[1])))
                for ix in conn.execute(f"PRAGMA index_list({_quoted(name)})")
                if ix[3] != "c"
            )
            out[("table", name)] = (columns, keys, _checks(sql or ""), implicit)
        else:
            where = ""
            if sql and re.search(r"\bWHERE\b", sql, flags=re.IGNORECASE):
                where = _words(re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.IGNORECASE)[1])
            unique = bool(sql and re.match(r"\s*CREATE\s+UNIQUE\b", sql, flags=re.IGNORECASE))
            out[("index", name)] = (table, unique, tuple(_index_shape(conn, name)), where)
    return out


def difference(ours: Shape, theirs: Shape) -> str | None:
    """The first way `theirs` differs from `ours`, as words; None if it does not."""
    for key in sorted(ours.keys() - theirs.keys()):
        return f"it lacks the {key[0]} {key[1]!r}"
    for key in sorted(theirs.keys() - ours.keys()):
        article = "an" if key[0] == "index" else "a"
        return f"it has {article} {key[0]}, {key[1]!r}, that troth does not make"
    for key in sorted(ours):
        if ours[key] != theirs[key]:
            return f"its {key[0]} {key[1]!r} is not as troth makes it"
    return None
