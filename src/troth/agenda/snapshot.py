"""Today's agenda kept ready: one row per owner, read instead of recomputed.

Computing the agenda asks a dozen queries over the whole network (every open
promise, favour and need, each tier's overdue ties, introductions, dates) and
ranks a thousand candidates: about 100 ms at 30,000 people. Today and `troth
agenda` ask for it far more often than anything that feeds it changes, so the
ranked items are stored (`AgendaSnapshot`) and a read is one row.

Invalidation is the database's job, not the writers': a trigger on every table
the agenda reads (FED_BY) deletes the owner's snapshot on any insert, update or
delete. Signals would miss queryset updates, bulk inserts, raw SQL, the demo
loader's COPY, restores and other processes (the web server and a CLI command
share the database); a trigger sees them all. The snapshot also carries its
day, so a new day (snoozes ending, promises falling due, trust's daily
recompute) rebuilds it. On SQLite the triggers run per row and cost a probe of
an empty index each; on PostgreSQL they run once per statement over its
transition table, so a million-row COPY pays once.

A build writes a placeholder row with its own token first and fills it in at the
end only if that row is still there: a write that lands while it computes deletes
the placeholder, and the stale result is returned once but never stored.

The triggers are (re)made after every `migrate` (post_migrate): SQLite drops a
table's triggers when Django rebuilds the table for a schema change, so a
migration of another app could otherwise silently remove them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.apps import apps
from django.db import connection, connections
from django.utils import timezone

from troth.agenda.models import AgendaSnapshot
from troth.agenda.plan import Candidate, Item
from troth.owned import Owner
from troth.trust.constants import ENGINE_VERSION

# Every table the agenda (and the helper hints of its first items) is computed from:
# model label -> None for owned rows, or (foreign key column, owned model label)
# for a many-to-many table whose rows reach their owner through that column.
# tests/test_agenda_snapshot_*.py compare the materialised agenda with a fresh one
# after a write to each of these.
FED_BY: dict[str, tuple[str, str] | None] = {
    "people.person": None,
    "people.tag": None,
    "people.organization": None,
    "people.contactpoint": None,
    "people.employment": None,
    "people.note": None,
    "people.relationship": None,
    "people.knows": None,
    "people.persondate": None,
    "people.datereminders": None,
    "people.person_tags": ("person_id", "people.person"),
    "interactions.interaction": None,
    "ledger.need": None,
    "ledger.need_tags": ("need_id", "ledger.need"),
    "ledger.favor": None,
    "ledger.commitment": None,
    "intros.introduction": None,
    "intros.introstep": None,
    "trust.trustscore": None,
    "trust.tiercadence": None,
    "agenda.agendamark": None,
    "warmpaths.plannedask": None,
}
# Tables that bulk writers fill through single-row INSERTs sent with executemany (the
# demo loader, the importers' writer, the trust recompute). On SQLite a table with a
# trigger costs each such statement its own statement journal: 25 us a row, 25 s on
# a million-row demo load and seconds on a 30,000-contact import. Their INSERTs are
# therefore not triggered on SQLite; they reach the snapshot instead through the
# ORM's post_save and m2m_changed (a row at a time), `troth.owned.rows_rewritten`
# (imports, merges, the demo's removal) and the demo loader's own `drop`.
# UPDATE and DELETE stay triggered everywhere (one statement, any number of rows),
# and on PostgreSQL every trigger runs once per statement anyway.
SQLITE_UNTRIGGERED_INSERTS = frozenset(
    {
        "people.person",
        "people.contactpoint",
        "people.employment",
        "people.organization",
        "people.tag",
        "people.person_tags",
        # the importers' writer inserts these too (a row for every new person: the
        # trigger was 0.4 s of 30,000 LinkedIn connections)
        "people.relationship",
        "people.note",
        "interactions.interaction",
        "trust.trustscore",
    }
)
PREFIX = "troth_agenda_stale"
# The items whose needs carry their helper hints in the snapshot: the page and the
# command show this many by default (plan.DEFAULT_LIMIT); more are matched on read.
HINTED = 7
# The items a read decodes when it needs only the first few (`read(upto=...)`).
HEAD = 50
# What a stored snapshot must carry to be read: the trust engine it was ranked with
# (a new engine rescores everyone first) and the layout of its items (`_encode`).
VERSION = f"{ENGINE_VERSION}|items-1"


def _table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _ops(label: str, vendor: str) -> tuple[str, ...]:
    if vendor == "postgresql":
        return ("ins", "upd", "del", "trunc")
    if label in SQLITE_UNTRIGGERED_INSERTS:
        return ("upd", "del")
    return ("ins", "upd", "del")


def trigger_names() -> list[str]:
    """Every trigger `install_triggers` makes on this database."""
    return [
        f"{PREFIX}_{_table(label)}_{op}"
        for label in FED_BY
        for op in _ops(label, connection.vendor)
    ]


_SQLITE_EVENTS = (
    ("ins", "INSERT", ("NEW",)),
    ("upd", "UPDATE", ("OLD", "NEW")),
    ("del", "DELETE", ("OLD",)),
)


def _sqlite_trigger(table: str, via: tuple[str, str] | None, op: str) -> str:
    snap = AgendaSnapshot._meta.db_table

    def owner_of(row: str) -> str:
        if via is None:
            return f"{row}.owner_id"
        column, parent = via
        return f"(SELECT owner_id FROM {_table(parent)} WHERE id = {row}.{column})"

    event, rows = next((e, r) for o, e, r in _SQLITE_EVENTS if o == op)
    # One "=" per row image: "owner_id IN (...)" builds a temporary table on every
    # run, which made the trigger cost 2 us a row instead of 0.3 (a million-row
    # demo load, 60,000 score rows per trust recompute).
    body = " ".join(f"DELETE FROM {snap} WHERE owner_id = {owner_of(r)};" for r in rows)
    return f"CREATE TRIGGER {PREFIX}_{table}_{op} AFTER {event} ON {table} BEGIN {body} END"


def _sqlite_sql(label: str, table: str, via: tuple[str, str] | None) -> list[str]:
    out = []
    for op, _event, _rows in _SQLITE_EVENTS:
        out.append(f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{op}")  # remade as it is now
        if op in _ops(label, "sqlite"):
            out.append(_sqlite_trigger(table, via, op))
    return out


def _postgresql_sql(label: str, table: str, via: tuple[str, str] | None) -> list[str]:
    snap = AgendaSnapshot._meta.db_table
    out = []

    def owners(rows: str) -> str:
        if via is None:
            return f"SELECT owner_id FROM {rows}"
        column, parent = via
        return f"SELECT p.owner_id FROM {_table(parent)} p JOIN {rows} r ON p.id = r.{column}"

    for op, event, refs, sel in (
        ("ins", "INSERT", "NEW TABLE AS new_rows", owners("new_rows")),
        (
            "upd",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{owners('old_rows')} UNION {owners('new_rows')}",
        ),
        ("del", "DELETE", "OLD TABLE AS old_rows", owners("old_rows")),
    ):
        name = f"{PREFIX}_{table}_{op}"
        # One function per trigger: a transition table is visible by name only to
        # the statements of the function its trigger calls.
        out.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN DELETE FROM {snap} WHERE owner_id IN ({sel}); RETURN NULL; END $$"
        )
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    # TRUNCATE has no rows to name (and no DELETE trigger fires): drop every snapshot.
    name = f"{PREFIX}_{table}_trunc"
    out.append(
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM {snap}; RETURN NULL; END $$"
    )
    out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    out.append(
        f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )
    return out


def install_triggers(using: str = "default") -> None:
    """Make (or remake) every trigger; idempotent. Called after each migrate."""
    conn = connections[using]
    make = _postgresql_sql if conn.vendor == "postgresql" else _sqlite_sql
    with conn.cursor() as cursor:
        existing = set(conn.introspection.table_names(cursor))
        if AgendaSnapshot._meta.db_table not in existing:
            # Migrated back past the snapshot: its triggers would fail every write.
            for label in FED_BY:
                table = _table(label)
                if table not in existing:
                    continue
                for op in ("ins", "upd", "del", "trunc"):
                    name = f"{PREFIX}_{table}_{op}"
                    on = f" ON {table}" if conn.vendor == "postgresql" else ""
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
            return
        for label, via in FED_BY.items():
            table = _table(label)
            if table not in existing:
                continue
            for sql in make(label, table, via):
                cursor.execute(sql)


def is_our_trigger(name: str, sql: str) -> bool:
    """A SQLite trigger exactly as `install_triggers` makes it: a backup of a live
    database holds these, and a restore accepts them and no look-alike
    (troth.backup.sqlite_restore)."""
    for label, via in FED_BY.items():
        table = _table(label)
        for statement in _sqlite_sql(label, table, via):
            if statement.startswith("CREATE TRIGGER ") and statement.split()[2] == name:
                return statement == sql
        if label in SQLITE_UNTRIGGERED_INSERTS and name == f"{PREFIX}_{table}_ins":
            # a backup made before this table's INSERT trigger was left out holds it:
            # it only drops a stored agenda, and the migrate after a restore removes it
            return sql == _sqlite_trigger(table, via, "ins")
    return False


def installed_triggers() -> set[str]:
    """The names of this module's triggers present in the database (for the tests
    and for a check that nothing dropped them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                [PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
        return {r[0] for r in cursor.fetchall()}


# --- storing and reading ------------------------------------------------------------


def _encode(items: list[Item]) -> str:
    return json.dumps(
        [
            [
                i.priority,
                c.kind,
                c.ref,
                c.person_id,
                c.person,
                c.reason,
                c.key,
                c.importance,
                c.lateness,
                c.due.isoformat() if c.due else None,
            ]
            for i in items
            for c in (i.candidate,)
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(text: str) -> list[Item]:
    out: list[Item] = []
    for priority, kind, ref, pid, person, reason, key, importance, lateness, due in json.loads(
        text
    ):
        # positional: keyword arguments cost a third of a read of 800 items
        due_on = dt.date.fromisoformat(due) if due else None
        c = Candidate(kind, ref, pid, person, reason, key, importance, lateness, due_on)
        out.append(Item(c, priority))
    return out


def read(
    owner: Owner, day: dt.date, window: int, upto: int | None = None
) -> tuple[list[Item], int] | None:
    """The stored agenda for this day and window and the number of its items, or
    None (absent, stale or mid-build). With `upto` (at most HEAD) only the first
    `upto` items are decoded and returned.

    A snapshot present is current: it was ranked after the trust cache was made
    fresh for this day, and any write that would make that cache stale (an
    interaction, favour, promise, person) deletes it, so the caller need not ask
    `troth.trust.queries.is_stale` first."""
    whole = upto is None or upto > HEAD
    columns = ("head", "total", "rest") if whole else ("head", "total")
    row = (
        AgendaSnapshot.objects.filter(
            owner=owner, day=day, window=window, version=VERSION, head__isnull=False
        )
        .values_list(*columns)
        .first()
    )
    if row is None:
        return None
    items = _decode(row[0])
    if whole:
        items += _decode(row[2])
    else:
        del items[upto:]
    return items, row[1]


def begin(owner: Owner, day: dt.date, window: int) -> str:
    """Claim a build: replace the owner's snapshot by an empty placeholder; returns
    its token, which `store` needs to find the row still there."""
    token = uuid.uuid4().hex
    # One statement (an upsert on the one row per owner), not a DELETE and an INSERT
    # in a transaction of their own: on PostgreSQL that was four round trips (BEGIN,
    # DELETE, INSERT, COMMIT) of every rebuild, and bulk_create's upsert still wraps
    # itself in BEGIN and COMMIT (issue 20). SQLite (3.24+) reads the same SQL.
    # typed loosely: get_field's type admits relations, and these are all columns
    meta: Any = AgendaSnapshot._meta
    q = connection.ops.quote_name
    values = {
        "owner": owner.pk,
        "day": connection.ops.adapt_datefield_value(day),
        "window": window,
        "token": token,
        "version": VERSION,
        "head": None,
        "rest": "",
        "total": 0,
        "built_at": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    columns = [q(meta.get_field(name).column) for name in values]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(meta.db_table)} ({', '.join(columns)})"
            f" VALUES ({', '.join(['%s'] * len(columns))})"
            f" ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}",
            list(values.values()),
        )
    return token


def store(owner: Owner, token: str, items: list[Item]) -> bool:
    """Fill in the placeholder `begin` made, if no write has deleted it since."""
    return bool(
        AgendaSnapshot.objects.filter(owner=owner, token=token, head__isnull=True).update(
            head=_encode(items[:HEAD]),
            rest=_encode(items[HEAD:]),
            total=len(items),
            built_at=timezone.now(),
        )
    )


def drop(owner: Owner | int) -> None:
    """Forget the owner's stored agenda (the next read ranks it again)."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    AgendaSnapshot.objects.filter(owner_id=owner_id).delete()


def _saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        drop(instance.owner_id)


def _tags_changed(sender: Any, instance: Any, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        drop(instance.owner_id)


def _rewritten(sender: Any, owner: Any, **_: Any) -> None:
    drop(owner.pk if hasattr(owner, "pk") else owner)


def connect() -> None:
    """The writes SQLite's triggers leave out (SQLITE_UNTRIGGERED_INSERTS), seen
    through signals; harmless on PostgreSQL, whose triggers see them too."""
    from django.db.models.signals import m2m_changed, post_save

    from troth.owned import rows_rewritten

    for label in SQLITE_UNTRIGGERED_INSERTS:
        model = apps.get_model(label)
        if model._meta.auto_created:  # Person.tags' table: m2m_changed names the person
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"agenda-snapshot-{label}")
    from troth.people.models import Person

    m2m_changed.connect(_tags_changed, sender=Person.tags.through, dispatch_uid="agenda-tags")
    rows_rewritten.connect(_rewritten, dispatch_uid="agenda-snapshot-rewritten")
