"""People search in the database: which people a search finds, through an index on
each database, and kept up to date by the database itself (issue 20).

A search finds a person by their name, nickname, a current job's company or title,
or a contact point (e-mail, phone, address). Three characters or more match anywhere
in those ("tom" finds Tomlinson and Atomics); one or two characters match the start
of a word only ("to" finds Tom and Tomlinson, not Atomics): two letters occur inside
most names, so "anywhere" listed half the network and no index can answer it fast.

SQLite: FTS5 tables with the trigram tokenizer (SQLite 3.34+), one per searched table
(`people_person`, `people_contactpoint`, `people_employment`, `people_organization`),
each row keyed by its source row's id and kept current by triggers on that table, so
every write (the actions, imports' bulk inserts, merges' bulk updates, the demo
loader, restores) is seen by the next search without anything to remember. Each text
is indexed with a space in front, so that " to" (three characters) finds a word that
starts with "to". A trigger is dropped when Django rebuilds its table (SQLite's way of
altering a column), so after every migrate `ensure_index` puts back whatever is missing
and, if anything was, fills the index anew from the tables.

PostgreSQL: the same columns through pg_trgm GIN indexes (created by the migration),
which the planner uses for LIKE '%tom%' and for a word start (LIKE 'to%' OR
LIKE '% to%'); PostgreSQL keeps indexes current itself.

Ranking (names and nicknames first; for a short query the start of the name before
the start of a later word) stays in `troth.people.queries.search_rank`: plain LIKEs
on the few rows found here, the same on both databases.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import product
from typing import TYPE_CHECKING

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.expressions import RawSQL

from troth.lib.text import fold

if TYPE_CHECKING:
    from troth.owned import Owner

# (FTS table, source table, the indexed column, the source's expression for it)
SQLITE_INDEXES = (
    ("troth_search_person", "people_person", "name", "' ' || {row}.name_key"),
    ("troth_search_nickname", "people_person", "name", "' ' || {row}.nickname"),
    ("troth_search_contact", "people_contactpoint", "name", "' ' || {row}.value"),
    ("troth_search_title", "people_employment", "name", "' ' || {row}.title"),
    ("troth_search_org", "people_organization", "name", "' ' || {row}.name_key"),
)
# which source column's change means a row is indexed anew
WATCHED = {
    "troth_search_person": "name_key",
    "troth_search_nickname": "nickname",
    "troth_search_contact": "value, kind",
    "troth_search_title": "title",
    "troth_search_org": "name_key",
}
# the rows of a source that are indexed: e-mails and phones, not web addresses. A
# profile address's text ("www", "linkedin", "com", "in/") is in nearly everyone's
# and finds them all, its name part is the person's name, found by the name; and at
# about 45 characters each it was most of the index's cost (an import of 30,000
# LinkedIn connections writes 30,000 of them: 0.6 s more).
# Empty nicknames and titles (most of an import's) are left out too: an FTS5 row
# costs its insert even with nothing in it to find.
WHEN = {
    "troth_search_contact": "{row}.kind <> 'url'",
    "troth_search_nickname": "{row}.nickname <> ''",
    "troth_search_title": "{row}.title <> ''",
}
TRIGGER_PREFIX = "troth_search_"


def _sqlite_schema() -> dict[str, str]:
    """name -> CREATE statement of every FTS table and trigger the index needs (the
    exact text SQLite keeps in sqlite_master, so that a backup's can be compared)."""
    out: dict[str, str] = {}
    for fts, source, column, expr in SQLITE_INDEXES:
        out[fts] = f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, tokenize='trigram')"
        new = expr.format(row="new")
        watched = WATCHED[fts]
        changed = " OR ".join(
            f"old.{c} IS NOT new.{c}" for c in (c.strip() for c in watched.split(","))
        )
        when = f"WHEN {WHEN[fts].format(row='new')} " if fts in WHEN else ""
        out[f"{fts}_ai"] = (
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {source} {when}BEGIN "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, {new}); END"
        )
        out[f"{fts}_ad"] = (
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {source} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END"
        )
        also = f" WHERE {WHEN[fts].format(row='new')}" if fts in WHEN else ""
        out[f"{fts}_au"] = (
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {watched} ON {source} "
            f"WHEN {changed} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; "
            f"INSERT INTO {fts}(rowid, {column}) SELECT new.id, {new}{also}; END"
        )
    return out


SQLITE_SCHEMA = _sqlite_schema()

# PostgreSQL: (index name, table, indexed expression) for the lookups `_pg_ids` makes
# and the rows each covers (the query repeats the condition, so the planner uses it)
PG_INDEXES = (
    ("troth_search_person_trgm", "people_person", "name_key", ""),
    ("troth_search_nickname_trgm", "people_person", "UPPER(nickname)", ""),
    ("troth_search_contact_trgm", "people_contactpoint", "UPPER(value)", "kind <> 'url'"),
    ("troth_search_title_trgm", "people_employment", "UPPER(title)", ""),
    ("troth_search_org_trgm", "people_organization", "name_key", ""),
)


def ensure_index(conn: BaseDatabaseWrapper | None = None) -> bool:
    """Create whatever part of the search index is missing (and, on SQLite, fill the
    index anew if anything was: writes made while a trigger was missing are in the
    tables, not in the index). True when something was made. Cheap when all is there."""
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'trigger')"
                " AND name LIKE 'troth_search_%'"
            )
            present = {name: (kind, sql) for name, kind, sql in cursor.fetchall()}
            # missing, or made by another version of troth (another definition)
            missing = [n for n, sql in SQLITE_SCHEMA.items() if present.get(n, ("", ""))[1] != sql]
            if not missing:
                return False
            for name in missing:
                if name in present:
                    kind = present[name][0]
                    cursor.execute(f"DROP {'TRIGGER' if kind == 'trigger' else 'TABLE'} {name}")
            for name, sql in SQLITE_SCHEMA.items():
                if name in missing:
                    cursor.execute(sql)
            for fts, source, column, expr in SQLITE_INDEXES:
                cursor.execute(f"DELETE FROM {fts}")
                where = f" WHERE {WHEN[fts].format(row=source)}" if fts in WHEN else ""
                cursor.execute(
                    f"INSERT INTO {fts}(rowid, {column}) SELECT id, {expr.format(row=source)}"
                    f" FROM {source}{where}"
                )
            return True
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'troth_search_%%'"
            )
            indexes = {r[0] for r in cursor.fetchall()}
            missing_pg = [ix for ix in PG_INDEXES if ix[0] not in indexes]
            if not missing_pg:
                return False
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, table, expr, where in missing_pg:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expr} gin_trgm_ops)"
                    + (f" WHERE {where}" if where else "")
                )
            return True
    return False


def is_our_trigger(name: str, sql: str) -> bool:
    """A trigger exactly as `ensure_index` makes it (a backup may hold these and no other)."""
    return SQLITE_SCHEMA.get(name) == sql and name.startswith(TRIGGER_PREFIX)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# A compound name is written with a space or a hyphen ("Smith-Jones", "Jean Luc"):
# a search tries each at up to this many places (2**3 spellings; past that, the
# query's own and all-spaces and all-hyphens), in a query up to SPELLED_LENGTH long
# (a name: each spelling is one more index read per three letters, so a long query
# tried eight ways cost ten times one, the attacker's review).
MAX_JOINS = 3
SPELLED_LENGTH = 64


def spellings(text: str) -> list[str]:
    """The query as typed and as it would be written with a hyphen for a space or a
    space for a hyphen between two words, so "smith jones" finds Mary Smith-Jones and
    "jean-luc" finds Jean Luc (a reviewer's finding: the hyphenated name was not
    found). The query's own spelling first."""
    joins = [i for i, c in enumerate(text) if c in " -" and 0 < i < len(text) - 1]
    if not joins or len(text) > SPELLED_LENGTH:
        return [text]
    if len(joins) > MAX_JOINS:
        candidates = [text, text.replace("-", " "), text.replace(" ", "-")]
    else:
        candidates = []
        for pick in product(" -", repeat=len(joins)):
            chars = list(text)
            for i, c in zip(joins, pick, strict=True):
                chars[i] = c
            candidates.append("".join(chars))
    return list(dict.fromkeys([text, *candidates]))


def _sqlite_ids(owner: Owner, query: str) -> tuple[str, list[object]] | None:
    key, term = fold(query), query.strip().lower()
    short = len(key) < 3
    if short:
        # a word's start: the space in front of every indexed text and word makes
        # " to" a trigram; a single letter (" t") is still too short for one
        key, term = " " + key, " " + term
        if len(key) < 3:
            return None
    # names, nicknames and companies in every spelling of a compound name; titles and
    # contact points as typed (as on PostgreSQL, `_pg_ids`)
    names = " OR ".join(_phrase(k) for k in spellings(key))
    # the nickname, title and contact points are indexed as written: the query folded
    # (accents off) and as typed, so "josé" and "jose" both find "José" in a name
    nick = " OR ".join(_phrase(k) for k in dict.fromkeys([*spellings(key), *spellings(term)]))
    raw = _phrase(key) if term == key else f"{_phrase(key)} OR {_phrase(term)}"
    sql = (
        "SELECT rowid FROM troth_search_person WHERE troth_search_person MATCH %s"
        " UNION SELECT rowid FROM troth_search_nickname WHERE troth_search_nickname MATCH %s"
        " UNION SELECT c.person_id FROM people_contactpoint c WHERE c.owner_id = %s AND c.id IN"
        " (SELECT rowid FROM troth_search_contact WHERE troth_search_contact MATCH %s)"
        # two arms, not one with OR: each reaches the jobs through its own index
        # (the id, the organization) instead of all the owner's jobs
        " UNION SELECT e.person_id FROM people_employment e WHERE e.owner_id = %s"
        " AND e.is_current AND e.id IN"
        " (SELECT rowid FROM troth_search_title WHERE troth_search_title MATCH %s)"
        # (owner_id + 0: the organization index, not all the owner's jobs)
        " UNION SELECT e.person_id FROM people_employment e WHERE e.owner_id + 0 = %s"
        " AND e.is_current AND e.organization_id IN"
        " (SELECT rowid FROM troth_search_org WHERE troth_search_org MATCH %s)"
    )
    return sql, [names, nick, owner.id, raw, owner.id, raw, owner.id, names]


def _like_any(
    column: str, text: str, short: bool, *, upper: bool, spelled: bool = False
) -> tuple[str, list[object]]:
    col = f"UPPER({column})" if upper else column
    if short:
        escaped = _escaped(text, upper)
        return f"({col} LIKE %s OR {col} LIKE %s)", [f"{escaped}%", f"% {escaped}%"]
    texts = spellings(text) if spelled else [text]
    likes = " OR ".join(f"{col} LIKE %s" for _ in texts)
    return f"({likes})", [f"%{_escaped(t, upper)}%" for t in texts]


def _escaped(text: str, upper: bool) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.upper() if upper else escaped


def _pg_ids(owner: Owner, query: str) -> tuple[str, list[object]]:
    key, term = fold(query), query.strip()
    short = len(key) < 3
    name, p1 = _like_any("p.name_key", key, short, upper=False, spelled=True)
    nick, p2 = _like_any("p.nickname", term, short, upper=True, spelled=True)
    value, p3 = _like_any("c.value", term, short, upper=True)
    title, p4 = _like_any("e.title", term, short, upper=True)
    org, p5 = _like_any("o.name_key", key, short, upper=False, spelled=True)
    sql = (
        f"SELECT p.id FROM people_person p WHERE p.owner_id = %s AND ({name} OR {nick})"
        f" UNION SELECT c.person_id FROM people_contactpoint c WHERE c.owner_id = %s"
        f" AND c.kind <> 'url' AND {value}"
        " UNION SELECT e.person_id FROM people_employment e"
        " LEFT JOIN people_organization o ON o.id = e.organization_id"
        f" WHERE e.owner_id = %s AND e.is_current AND ({title} OR {org})"
    )
    return sql, [owner.id, *p1, *p2, owner.id, *p3, owner.id, *p4, *p5]


def matching(owner: Owner, query: str) -> Q:
    """The people a search finds, as a filter on the owner's Person rows (the caller
    scopes the people to the owner; every table read here is scoped as well)."""
    if connection.vendor == "sqlite":
        found = _sqlite_ids(owner, query)
        if found is None:
            return _scan(owner, query)
        return Q(id__in=RawSQL(*found))
    if connection.vendor == "postgresql":
        return Q(id__in=RawSQL(*_pg_ids(owner, query)))
    return _scan(owner, query)  # pragma: no cover - troth runs on SQLite or PostgreSQL


def _scan(owner: Owner, query: str) -> Q:
    """A single letter: the start of a word of a name or nickname, read row by row."""
    key, term = fold(query), query.strip()
    return (
        Q(name_key__startswith=key)
        | Q(name_key__contains=f" {key}")
        | Q(nickname__istartswith=term)
        | Q(nickname__icontains=f" {term}")
    )


@contextlib.contextmanager
def bulk_writes(*, deletes: bool = False, any_ids: bool = False) -> Iterator[None]:
    """Write many rows without the per-row triggers, and index them once at the end.

    On SQLite a trigger that writes to an FTS5 table inside a savepoint (every nested
    `transaction.atomic()`) makes FTS5 flush its pending index at every row: 30,000
    rows took 19 s that way against 1.2 s inserted and then indexed in one statement.
    Inside the caller's transaction (DDL is transactional in SQLite: a failure rolls
    the triggers back with the rows), the insert triggers (and with `deletes` the
    delete triggers) are dropped for the block and put back after it, and the rows
    inserted meanwhile (ids above the largest before, or with `any_ids` any id not
    yet indexed: a restore keeps its file's ids) are indexed in one statement per
    table; with `deletes`, index rows whose source row is gone are removed. The
    update triggers stay. Elsewhere (PostgreSQL) nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_writes needs a transaction")
    kinds = ("_ai", "_ad") if deletes else ("_ai",)
    dropped = [n for n in SQLITE_SCHEMA if n.endswith(kinds)]
    with connection.cursor() as cursor:
        before: dict[str, int] = {}
        for _fts, source, _column, _expr in SQLITE_INDEXES:
            if source not in before:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {source}")
                before[source] = 0 if any_ids else int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'troth_search_%'"
        )
        present = {r[0] for r in cursor.fetchall()}
        for name in dropped:
            if name in present:
                cursor.execute(f"DROP TRIGGER {name}")
    yield
    with connection.cursor() as cursor:
        for name in dropped:
            cursor.execute(SQLITE_SCHEMA[name])
        for fts, source, column, expr in SQLITE_INDEXES:
            if deletes:
                cursor.execute(f"DELETE FROM {fts} WHERE rowid NOT IN (SELECT id FROM {source})")
            where = f" AND {WHEN[fts].format(row='src')}" if fts in WHEN else ""
            # NOT EXISTS, not "id NOT IN (SELECT rowid ...)": SQLite builds the latter's
            # list from the whole index on every run, so an import's 120 chunks read
            # it 120 times (1.2 s of CPU of 30,000 LinkedIn connections' 10 s); a rowid
            # probe per new row costs next to nothing
            cursor.execute(
                f"INSERT INTO {fts}(rowid, {column}) SELECT src.id, {expr.format(row='src')}"
                f" FROM {source} AS src WHERE src.id > %s{where}"
                f" AND NOT EXISTS (SELECT 1 FROM {fts} WHERE rowid = src.id)",
                [before[source]],
            )
