"""troth import json: put back what `troth export json` wrote, exactly, or nothing.

Restores into an owner who has nothing yet but their own "me" person (a fresh
database): that "me" is replaced by the exported one, so favours, promises and
needs that point at "me" keep pointing at it. Every row keeps its id; the owner
becomes the restoring owner. The whole file is read and checked first (format,
version, tables, columns, values, references between rows); then everything is
inserted in one transaction, so a bad file leaves the database as it was and the
error is one line naming the file and the record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from troth.backup.export import FORMAT, OWNER_MARK, VERSION
from troth.backup.tables import DERIVED, Table, is_user_fk, tables
from troth.errors import TrothError
from troth.owners import do_ensure_me
from troth.people.models import Person

BATCH = 500


@dataclass
class _Load:
    table: Table
    objs: list[models.Model] = field(default_factory=list)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read(path: Path) -> Any:
    try:
        raw = path.expanduser().read_bytes()
    except OSError as exc:
        raise TrothError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TrothError(f"{path}: not a troth export (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise TrothError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise TrothError(f"{path}: not a troth export (nested too deeply)") from None


def _check_header(data: Any, path: Path) -> list[Any]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TrothError(f'{path}: not a troth export (no "format": "{FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TrothError(f"{path}: bad format version {version!r}")
    if version > VERSION:
        raise TrothError(
            f"{path}: written by a newer troth ({data.get('troth_version', '?')}, format"
            f" version {version}); this troth reads version {VERSION}: upgrade troth"
        )
    entries = data.get("tables")
    if not isinstance(entries, list):
        raise TrothError(f'{path}: no "tables" list')
    return entries


def _decode(
    path: Path, table: Table, columns: list[str], row: Any, n: int, owner_id: Any
) -> models.Model:
    where = f"{path}: {table.label} record {n + 1}"
    if not isinstance(row, list) or len(row) != len(columns):
        raise TrothError(f"{where}: expected a list of {len(columns)} values")
    given = dict(zip(columns, row, strict=True))
    pk = given.get(table.model._meta.pk.attname)
    if pk is not None:
        where = f"{path}: {table.label} #{pk}"
    values: dict[str, Any] = {}
    for f in table.fields:
        if f.attname in given:
            value = given[f.attname]
        elif f.has_default() or f.null:
            value = f.get_default()
        else:
            raise TrothError(f"{where}: no value for {f.attname}")
        if value is None:
            if not f.null:
                raise TrothError(f"{where}: {f.attname} is empty")
        elif is_user_fk(f):
            if value != OWNER_MARK:
                raise TrothError(f"{where}: {f.attname} must be {OWNER_MARK!r}")
            value = owner_id
        else:
            try:
                value = f.to_python(value)
            except (ValidationError, TypeError, ValueError) as exc:
                message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
                raise TrothError(f"{where}: {f.attname}: {message}") from None
        values[f.attname] = value
    if table.owned:
        values["owner_id"] = owner_id
    return table.model(**values)


def _plan(data: Any, path: Path, owner_id: Any) -> list[_Load]:
    entries = _check_header(data, path)
    known = {t.label: t for t in tables(include_derived=True)}
    loads: dict[str, _Load] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            raise TrothError(f'{path}: table {i + 1} has no "model" name')
        label = entry["model"].lower()
        table = known.get(label)
        if table is None:
            raise TrothError(f"{path}: unknown table {entry['model']!r} (from another troth?)")
        if label in loads:
            raise TrothError(f"{path}: table {label} appears twice")
        columns, rows = entry.get("columns"), entry.get("rows")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise TrothError(f'{path}: table {label} has no "columns" list')
        if not isinstance(rows, list):
            raise TrothError(f'{path}: table {label} has no "rows" list')
        names = set(table.columns)
        unknown = [c for c in columns if c not in names]
        if unknown or len(set(columns)) != len(columns):
            what = f"unknown column {unknown[0]!r}" if unknown else "a column twice"
            raise TrothError(f"{path}: table {label} has {what}")
        if table.model._meta.pk.attname not in columns:
            raise TrothError(f"{path}: table {label} has no id column")
        load = _Load(table)
        loads[label] = load
        if label in DERIVED:
            continue  # a cache: rebuilt from the rest on first use
        load.objs = [_decode(path, table, columns, row, n, owner_id) for n, row in enumerate(rows)]
    _check_references(path, list(loads.values()))
    # Insert in dependency order whatever order the file had.
    order = {t.label: i for i, t in enumerate(known.values())}
    return sorted(loads.values(), key=lambda load: order[load.table.label])


def _check_references(path: Path, loads: list[_Load]) -> None:
    """Every reference points at a row of the file (or, for a table that is not the
    owner's, at a row in the database), so a mistake is named before anything is written."""
    ids: dict[type[models.Model], set[Any]] = {}
    for load in loads:
        seen: set[Any] = set()
        for obj in load.objs:
            if obj.pk in seen:
                raise TrothError(f"{path}: {load.table.label} #{obj.pk} appears twice")
            seen.add(obj.pk)
        ids[load.table.model] = seen
    ours = {t.model for t in tables(include_derived=True)}
    for load in loads:
        for f in load.table.fields:
            target = f.related_model if f.is_relation else None
            if not isinstance(target, type) or is_user_fk(f):
                continue
            wanted = {getattr(o, f.attname) for o in load.objs} - {None}
            if target in ours:
                have = ids.get(target, set())
            else:
                have = set(target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            for obj in load.objs:
                value = getattr(obj, f.attname)
                if value is not None and value not in have:
                    raise TrothError(
                        f"{path}: {load.table.label} #{obj.pk}: {f.attname} {value} refers to"
                        f" a {target._meta.label_lower} row that is not there"
                    )


def _existing(owner: Any) -> dict[str, int]:
    found = {}
    for table in tables(include_derived=True):
        rows = table.rows_of(owner)
        if table.model is Person:
            rows = rows.exclude(is_me=True)
        n = rows.count()
        if n:
            found[table.label] = n
    return found


def _insert(path: Path, table: Table, objs: Sequence[models.Model]) -> None:
    fields = list(table.fields)
    if table.owned:
        fields.append(table.model._meta.get_field("owner"))  # type: ignore[arg-type]
    # QuerySet._insert is what Model.save() and loaddata use; the stubs omit it.
    manager = cast(Any, table.model._base_manager)
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), size):
        batch = objs[start : start + size]
        try:
            with transaction.atomic():
                # raw: values go in as given (no auto_now stamping), as loaddata does
                manager._insert(batch, fields=fields, raw=True)
        except DatabaseError:
            for obj in batch:  # find the record to name
                try:
                    with transaction.atomic():
                        manager._insert([obj], fields=fields, raw=True)
                except DatabaseError as exc:
                    raise TrothError(
                        f"{path}: {table.label} #{obj.pk} cannot be restored: {_first_line(exc)}"
                    ) from None
            raise


def do_restore(owner: Any, path: Path) -> dict[str, int]:
    """Restore an export into `owner`'s empty account; return the rows restored per table."""
    plan = _plan(_read(path), path, owner.pk)
    with transaction.atomic():
        existing = _existing(owner)
        if existing:
            listed = ", ".join(f"{n} {label}" for label, n in sorted(existing.items()))
            raise TrothError(
                f"cannot restore {path}: {owner.get_username()} already has data ({listed});"
                " troth import json restores into an empty database only"
            )
        for table in tables(include_derived=True):
            if table.label in DERIVED:
                table.rows_of(owner).delete()
        if any(isinstance(o, Person) and o.is_me for load in plan for o in load.objs):
            Person.objects.filter(owner=owner, is_me=True).delete()
        counts: dict[str, int] = {}
        for load in plan:
            if load.table.label in DERIVED:
                continue
            _insert(path, load.table, load.objs)
            counts[load.table.label] = len(load.objs)
        do_ensure_me(owner)
        # PostgreSQL's sequences do not move for rows inserted with their ids.
        reset = connection.ops.sequence_reset_sql(no_style(), [ld.table.model for ld in plan])
        if reset:
            with connection.cursor() as cursor:
                for sql in reset:
                    cursor.execute(sql)
        try:
            # Foreign keys are checked at commit; check here to report it as ours.
            connection.check_constraints()
        except DatabaseError as exc:
            raise TrothError(f"cannot restore {path}: {_first_line(exc)}") from None
    return counts
