"""troth import json: put back what `troth export json` wrote, exactly, or nothing.

Restores into an owner who has nothing yet but their own "me" person (a fresh
database): that "me" is replaced by the exported one, so favours, promises and
needs that point at "me" keep pointing at it. Every row keeps its id; the owner
becomes the restoring owner; PostgreSQL's sequences are moved past the ids.

The file is read twice, a row at a time when it is in troth's own layout (see
`troth.backup.jsonstream`; another layout is read whole): first to check its
format, version, tables, columns and ids, before anything is written; then to
decode each row, check what it refers to and insert it, a thousand rows at a
time, all in one transaction. So a bad file leaves the database as it was, and
the error is one line naming the file and the record.

The file is untrusted: on a group's server any member may upload one from the
Import page. So only the tables of RESTORABLE come in, every row gets the
restoring owner, every value must be what the export writes in that column (its
JSON type, length, choices, and for JSON columns their shape), every reference
must point at a row of the file itself, and what troth would later act on is not
taken from the file (SCRUBBED: a merge's undo snapshot, an import run's upload
path and options, its original path but for the file name)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction

from troth.backup.export import FORMAT, OWNER_MARK, VERSION
from troth.backup.jsonstream import NotStreamable, TooBig, read_stream
from troth.backup.tables import (
    DERIVED,
    RENAMED,
    RESTORABLE,
    SECRETS,
    Table,
    is_user_fk,
    tables,
    user_count_phrases,
)
from troth.errors import TrothError
from troth.importers.models import ImportRun
from troth.lib.text import count
from troth.owners import do_ensure_me
from troth.people.models import Person
from troth.people.search import bulk_writes

BATCH = 1000
# The largest file read whole with json.loads (one not in the layout troth writes):
# parsed JSON takes up to ~25 times its size in memory (a 60 MiB file of empty lists
# took the server to 4.7 GiB for minutes), and any member may upload one. An export
# as troth writes it is read a row at a time, whatever its size.
WHOLE_LIMIT = 16 * 1024 * 1024
# The largest id a restore writes: an id near the top of the column would move the
# shared id sequence there and leave every account of the server without new ids.
MAX_ID = 2**31 - 1


def _is_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


@dataclass
class _Load:
    """One table of the file: its ids and shape are checked before anything is
    written; its rows are decoded and inserted a thousand at a time."""

    table: Table
    columns: list[str]
    ids: set[Any] = field(default_factory=set)
    has_me: bool = False


# (model name, columns, rows) per table, as the file has them (checked by _plan)
Entry = tuple[Any, Any, Any]


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


def _check_header(header: Any, path: Path) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TrothError(f'{path}: not a troth export (no "format": "{FORMAT}")')
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TrothError(f"{path}: bad format version {version!r}")
    if version > VERSION:
        raise TrothError(
            f"{path}: written by a newer troth ({header.get('troth_version', '?')}, format"
            f" version {version}); this troth reads version {VERSION}: upgrade troth"
        )


def _whole(path: Path, data: Any) -> Iterator[Entry]:
    """The tables of a file read whole with json.loads."""
    _check_header(data, path)
    entries = data.get("tables")
    if not isinstance(entries, list):
        raise TrothError(f'{path}: no "tables" list')
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise TrothError(f'{path}: table {i + 1} has no "model" name')
        yield entry.get("model"), entry.get("columns"), entry.get("rows")


def _streamed(path: Path) -> Iterator[Entry]:
    """The tables of a file in troth's own layout, read a row at a time."""
    stream = read_stream(path)
    for kind, first, columns, rows in stream:
        if kind == "header":
            if "format" not in first or "version" not in first:
                raise NotStreamable  # written in another key order: read it whole
            _check_header(first, path)
        else:
            yield first, columns, rows


def _what(value: Any) -> str:
    """How a refused JSON value is named in the one-line error."""
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    return f"{kind.get(type(value), type(value).__name__)} {_short(value)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _limits(f: models.Field[Any, Any]) -> tuple[Any, Any]:
    """The smallest and largest number a numeric column holds on this database."""
    low = high = None
    for v in f.validators:
        if isinstance(v, MinValueValidator):
            low = v.limit_value if low is None else max(low, v.limit_value)
        elif isinstance(v, MaxValueValidator):
            high = v.limit_value if high is None else min(high, v.limit_value)
    return low, high


def _converter(f: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """JSON value -> Python value for one column, the way the export writes it and
    nothing else: the file is untrusted, so a list where a name goes, "12" where a
    number goes, a name longer than its column or a status troth does not know is a
    ValueError (the decoder names the record), never coerced. Common types are
    checked directly (a million rows); the rest go through the field's `to_python`."""
    target = f.target_field if isinstance(f, models.ForeignKey) else f
    if isinstance(target, models.BooleanField):

        def boolean(value: Any) -> Any:
            if type(value) is bool:
                return value
            raise ValueError(f"expected true or false, got {_what(value)}")

        return boolean
    if isinstance(target, models.IntegerField | models.AutoField):
        low, high = _limits(target)

        def integer(value: Any) -> Any:
            if type(value) is not int:
                raise ValueError(f"expected a whole number, got {_what(value)}")
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"{value} is out of range")
            return value

        return integer
    if isinstance(target, models.FloatField):

        def number(value: Any) -> Any:
            if type(value) not in (int, float) or not math.isfinite(value):
                raise ValueError(f"expected a number, got {_what(value)}")
            return float(value)

        return number
    if isinstance(target, models.CharField | models.TextField):
        longest = target.max_length if isinstance(target, models.CharField) else None
        allowed = {str(k) for k, _label in target.flatchoices} if target.choices else None

        def text(value: Any) -> Any:
            if type(value) is not str:
                raise ValueError(f"expected text, got {_what(value)}")
            if longest is not None and len(value) > longest:
                raise ValueError(f"longer than {longest} characters")
            if "\x00" in value:
                raise ValueError("holds a NUL character")
            if allowed is not None and value not in allowed:
                raise ValueError(f"{_short(value)} is not one of {', '.join(sorted(allowed))}")
            return value

        return text
    if isinstance(target, models.DateTimeField):

        def instant(value: Any) -> Any:
            if type(value) is not str:
                raise ValueError(f"expected a date and time, got {_what(value)}")
            with contextlib.suppress(ValueError):
                parsed = dt.datetime.fromisoformat(value)
                if parsed.tzinfo is not None:
                    return parsed
            return f.to_python(value)

        return instant
    if isinstance(target, models.DateField):

        def day(value: Any) -> Any:
            if type(value) is not str:
                raise ValueError(f"expected a date, got {_what(value)}")
            if len(value) == 10:
                with contextlib.suppress(ValueError):
                    return dt.date.fromisoformat(value)
            return f.to_python(value)

        return day
    if isinstance(target, models.BinaryField):

        def binary(value: Any) -> Any:
            if type(value) is not str:
                raise ValueError(f"expected base64 text, got {_what(value)}")
            return f.to_python(value)

        return binary
    if isinstance(target, models.JSONField):
        return lambda value: value  # any JSON; its shape is checked by SHAPES
    return f.to_python


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_counts(value: Any) -> bool:
    """An import run's figures as the Import page reads them (it adds them up)."""
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        if key in ("restored", "left_out"):
            ok = isinstance(item, dict) and all(_is_int(n) for n in item.values())
        elif key in ("created_ids", "updated_ids"):
            ok = isinstance(item, list) and all(_is_int(n) for n in item)
        elif key == "mapping":
            # a CSV of your own: which column was read as which field (summary.mapping_rows;
            # refused here, a backup after any such import could not be restored: a
            # newcomer's review)
            ok = isinstance(item, list) and all(
                isinstance(row, dict)
                and set(row) == {"column", "field"}
                and all(isinstance(v, str) for v in row.values())
                for row in item
            )
        else:
            ok = item is None or type(item) in (int, float, str, bool)
        if not ok:
            return False
    return True


def _is_problems(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, dict) and all(isinstance(v, str) for v in p.values()) for p in value
    )


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_pending(value: Any) -> bool:
    """warmpaths.inferencepass.pending: person ids, or "all" (see warmpaths.signals)."""
    return isinstance(value, list) and all(
        (isinstance(v, int) and not isinstance(v, bool)) or v == "all" for v in value
    )


# The shape of each JSON column a restore keeps, as the pages that read it expect
# it (a wrong shape would be a 500 there, not a refusal here); the JSON columns a
# restore never keeps are in SCRUBBED. Every JSON column of RESTORABLE is in one of
# the two (tests/test_restore_security.py).
def _real_day(values: dict[str, Any]) -> str | None:
    try:
        dt.date(2000, values["month"], values["day"])  # a leap year: 29 February is real
    except (TypeError, ValueError):
        return f"{values['month']}/{values['day']} is not a day of the year"
    return None


# Checks across a row's columns, each column already checked alone: a restored 31 February
# passed the column checks and then broke the person's page (found by a security review).
ROW_CHECKS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "people.persondate": _real_day,
}


def _is_counterparts(value: Any) -> bool:
    """A synced message's counterparts: [[email, display name, in To], ...]."""
    return isinstance(value, list) and all(
        isinstance(c, list)
        and len(c) == 3
        and isinstance(c[0], str)
        and isinstance(c[1], str)
        and isinstance(c[2], bool)
        for c in value
    )


SHAPES: dict[str, Callable[[Any], bool]] = {
    "importers.importrun.counts": _is_counts,
    "importers.importrun.problems": _is_problems,
    "identity.mergesuggestion.reasons": _is_texts,
    "sync.source.folders": _is_texts,
    "sync.source.me": _is_texts,
    "sync.seenmail.counterparts": _is_counterparts,
    "warmpaths.inferencepass.pending": _is_pending,
}
# Columns a restore never takes from the file, whatever it says, and what it writes
# instead (see _scrub): replay data and paths, which troth would act on later.
SCRUBBED = frozenset(
    {
        # "Undo this merge" replays a snapshot: rows to insert, rows to rewrite.
        # A file's snapshot is not ours to replay, so a restored merge stays merged.
        "identity.mergerecord.snapshot",
        # A run's upload is a file troth reads and deletes; its options feed a run.
        "importers.importrun.upload",
        "importers.importrun.options",
        # Where the file was on the machine that imported it: only its name is kept.
        "importers.importrun.path",
        # A sync source's memory of the server (UIDs, sync tokens, ETags) and figures:
        # a restored source starts afresh (reading everything again adds nothing twice).
        "sync.source.state",
        "sync.source.last_counts",
        "sync.source.added_total",
        "sync.syncrun.counts",
    }
)
INTERRUPTED = "interrupted before this backup was made; nothing of it was kept"


def _scrub(label: str, columns: list[str]) -> Callable[[list[Any]], None] | None:
    """What a restore does to a row of this table before it is written. A secret
    column (backup.tables.SECRETS) is always emptied: an export never holds one, so a
    file that does was made to smuggle one in (say another member's encrypted password,
    from a leaked copy of the database, for this server to decrypt and send
    wherever the row says)."""
    at = {c: i for i, c in enumerate(columns)}
    secret = [at[c] for c in sorted(SECRETS.get(label, ())) if c in at]
    rest = _scrub_columns(label, at)
    if not secret:
        return rest

    def scrub(row: list[Any]) -> None:
        for i in secret:
            row[i] = ""
        if rest is not None:
            rest(row)

    return scrub


def _scrub_columns(label: str, at: dict[str, int]) -> Callable[[list[Any]], None] | None:
    if label == "identity.mergerecord":
        snapshot = at["snapshot"]

        def merge(row: list[Any]) -> None:
            row[snapshot] = {}

        return merge
    if label == "importers.importrun":
        upload, options, path = at["upload"], at["options"], at["path"]
        status, error, finished = at["status"], at["error"], at["finished_at"]

        def run(row: list[Any]) -> None:
            row[upload], row[options] = "", {}
            row[path] = PurePath(str(row[path]).replace("\\", "/")).name
            if row[status] not in (ImportRun.DONE, ImportRun.FAILED):
                # no task will ever run it, and the page must not wait for one
                row[status], row[error] = ImportRun.FAILED, INTERRUPTED
                row[finished] = row[finished] or row[at["started_at"]]

        return run
    if label == "sync.source":
        state, counts, total = at["state"], at["last_counts"], at["added_total"]
        lease, token = at["lease_until"], at["lease_token"]

        def source(row: list[Any]) -> None:
            row[state], row[counts], row[total] = {}, {}, {}
            row[lease], row[token] = None, ""

        return source
    if label == "sync.syncrun":
        counts = at["counts"]

        def sync_run(row: list[Any]) -> None:
            row[counts] = {}

        return sync_run
    return None


def _decoder(path: Path, load: _Load, owner_id: Any) -> Callable[[Any, int], tuple[Any, ...]]:
    """A function turning one row of the file into the values to insert, in
    `load.table.fields` order (then the owner), or raising a one-line TrothError."""
    table = load.table
    at = {c: i for i, c in enumerate(load.columns)}
    plan: list[tuple[models.Field[Any, Any], int | None, Callable[[Any], Any] | None, Any]] = []
    for f in table.fields:
        i = at.get(f.attname)
        if i is None and not (f.has_default() or f.null):
            raise TrothError(f"{path}: table {table.label} has no {f.attname} column")
        default = f.get_default() if i is None else None
        convert = None if is_user_fk(f) else _converter(f)
        plan.append((f, i, convert, default))
    pk_at = at[table.model._meta.pk.attname]
    width = len(load.columns)
    scrub = _scrub(table.label, table.columns)
    names = [f.attname for f, *_rest in plan]

    def decode(row: Any, n: int) -> tuple[Any, ...]:
        where = f"{path}: {table.label} record {n + 1}"
        if not isinstance(row, list) or len(row) != width:
            raise TrothError(f"{where}: expected a list of {width} values")
        if row[pk_at] is not None:
            where = f"{path}: {table.label} #{row[pk_at]}"
        out = []
        for f, i, convert, default in plan:
            value = default if i is None else row[i]
            if value is None:
                if not f.null:
                    raise TrothError(f"{where}: {f.attname} is empty")
            elif convert is None:  # a user column
                if value != OWNER_MARK:
                    raise TrothError(f"{where}: {f.attname} must be {OWNER_MARK!r}")
                value = owner_id
            else:
                try:
                    value = convert(value)
                except (ValidationError, TypeError, ValueError) as exc:
                    message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
                    raise TrothError(f"{where}: {f.attname}: {message}") from None
                shape = SHAPES.get(f"{table.label}.{f.attname}")
                if shape is not None and not shape(value):
                    raise TrothError(f"{where}: {f.attname}: not what troth writes there")
            out.append(value)
        if scrub is not None:
            scrub(out)
        row_check = ROW_CHECKS.get(table.label)
        problem = row_check(dict(zip(names, out, strict=True))) if row_check else None
        if problem:
            raise TrothError(f"{where}: {problem}")
        if table.owned:
            out.append(owner_id)  # the restoring owner's, whatever the file says
        return tuple(out)

    return decode


def _plan(path: Path, entries: Iterable[Entry], owner_id: Any) -> dict[str, _Load]:
    """Check the file's shape and collect each table's ids; nothing is written."""
    known = {t.label: t for t in tables(include_derived=True) if t.label in RESTORABLE}
    loads: dict[str, _Load] = {}
    for i, (model, columns, rows) in enumerate(entries):
        if not isinstance(model, str):
            raise TrothError(f'{path}: table {i + 1} has no "model" name')
        label = RENAMED.get(model.lower(), model.lower())
        table = known.get(label)
        if table is None:
            if _is_model(label):
                raise TrothError(
                    f"{path}: table {label} is not restored: a restore brings back only"
                    " your own troth records"
                )
            raise TrothError(f"{path}: unknown table {model!r} (from another troth?)")
        if label in loads:
            raise TrothError(f"{path}: table {label} appears twice")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise TrothError(f'{path}: table {label} has no "columns" list')
        if not isinstance(rows, list | Iterator):
            raise TrothError(f'{path}: table {label} has no "rows" list')
        names = set(table.columns)
        unknown = [c for c in columns if c not in names]
        if unknown or len(set(columns)) != len(columns):
            what = f"unknown column {unknown[0]!r}" if unknown else "a column twice"
            raise TrothError(f"{path}: table {label} has {what}")
        pk = table.model._meta.pk
        if pk.attname not in columns:
            raise TrothError(f"{path}: table {label} has no id column")
        load = _Load(table, columns)
        loads[label] = load
        _decoder(path, load, owner_id)  # every required column is there
        if label in DERIVED:
            continue  # a cache: rebuilt from the rest on first use
        pk_at, width, convert = columns.index(pk.attname), len(columns), _converter(pk)
        me_at = columns.index("is_me") if table.model is Person and "is_me" in columns else None
        for n, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != width:
                raise TrothError(f"{path}: {label} record {n + 1}: expected {width} values")
            try:
                ident = convert(row[pk_at])
            except (ValidationError, TypeError, ValueError):
                ident = None
            if ident is None or (type(ident) is int and not 0 < ident <= MAX_ID):
                raise TrothError(f"{path}: {label} record {n + 1}: bad id {row[pk_at]!r}")
            if ident in load.ids:
                raise TrothError(f"{path}: {label} #{ident} appears twice")
            load.ids.add(ident)
            if me_at is not None and row[me_at] is True:
                load.has_me = True
    return loads


def _scan(path: Path, owner_id: Any) -> tuple[dict[str, _Load], Any]:
    """Check the file; return its tables and, when it had to be read whole, its data."""
    try:
        return _plan(path, _streamed(path), owner_id), None
    except (NotStreamable, UnicodeDecodeError, RecursionError):
        pass  # not troth's own layout (or broken): read it whole, for a precise error
    except TooBig as exc:
        raise TrothError(_too_big(path, exc)) from None
    except OSError as exc:
        raise TrothError(f"cannot read {path}: {exc.strerror or exc}") from None
    _check_whole_size(path)
    data = _read(path)
    return _plan(path, _whole(path, data), owner_id), data


def _too_big(path: Path, exc: TooBig) -> str:
    return f"{path}: {exc}, more than any export troth writes holds; nothing was restored"


def _check_whole_size(path: Path) -> None:
    try:
        size = path.expanduser().stat().st_size
    except OSError as exc:
        raise TrothError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > WHOLE_LIMIT:
        raise TrothError(
            f"{path}: not laid out as `troth export json` writes it (its header first, then"
            f" its tables), and too big to read whole ({size / 2**20:.0f} MiB,"
            f" {WHOLE_LIMIT // 2**20} MiB at most): export it again with troth export json"
        )


def _check_references(
    path: Path, load: _Load, rows: list[tuple[Any, ...]], ids: dict[Any, set[Any]]
) -> None:
    """Every reference points at a row of the file (or, for a table that is not the
    owner's, a row already in the database), so a mistake names its record."""
    for i, f in enumerate(load.table.fields):
        target = f.related_model if f.is_relation else None
        if not isinstance(target, type) or is_user_fk(f):
            continue
        have = ids.get(target)
        if have is None:
            # only rows of the file itself: never a row already here (another
            # owner's, or a table a restore does not bring)
            raise TrothError(
                f"{path}: {load.table.label}: {f.attname} refers to {target._meta.label_lower},"
                " which a restore does not bring"
            )
        for row in rows:
            if row[i] is not None and row[i] not in have:
                raise TrothError(
                    f"{path}: {load.table.label} #{row[load.table.pk_index]}: {f.attname} {row[i]} refers to"
                    f" a {target._meta.label_lower} row that is not there"
                )


def _existing(owner: Any) -> dict[str, int]:
    found = {}
    for table in tables(include_derived=True):
        if table.label in ("agenda.agendasnapshot", "trust.pastbase"):
            # an empty account's agenda is stored too, and the day its trust's past
            # was summed up to (troth.trust.past): that is not data
            continue
        rows = table.rows_of(owner)
        if table.model is Person:
            rows = rows.exclude(is_me=True)
        n = rows.count()
        if n:
            found[table.label] = n
    return found


_PLAIN = (
    models.IntegerField,
    models.AutoField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.FloatField,
)


def _preparer(f: models.Field[Any, Any], db: Any) -> Callable[[Any], Any] | None:
    target = f.target_field if isinstance(f, models.ForeignKey) else f
    if isinstance(target, _PLAIN):
        return None
    return lambda value: f.get_db_prep_save(value, db)


def _insert(path: Path, table: Table, rows: list[tuple[Any, ...]]) -> None:
    fields = list(table.fields)
    if table.owned:
        fields.append(table.model._meta.get_field("owner"))  # type: ignore[arg-type]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table.model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )

    # What the ORM does with each value on save (dates, binary, JSON per backend);
    # plain numbers, text and booleans already are what the driver takes.
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy, per value
    preps = [_preparer(f, db) for f in fields]

    def prepared(row: tuple[Any, ...]) -> list[Any]:
        return [v if p is None or v is None else p(v) for p, v in zip(preps, row, strict=True)]

    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            try:
                with transaction.atomic():
                    cursor.executemany(sql, [prepared(r) for r in batch])
            except DatabaseError:
                for row in batch:  # find the record to name
                    try:
                        with transaction.atomic():
                            cursor.execute(sql, prepared(row))
                    except DatabaseError as exc:
                        ident = row[table.pk_index]
                        if table.model._base_manager.filter(pk=ident).exists():
                            raise TrothError(
                                f"{path}: {table.label} #{ident} cannot be restored: the id is"
                                " taken by another account's row in this database; restore"
                                " into an empty database"
                            ) from None
                        raise TrothError(
                            f"{path}: {table.label} #{ident} cannot be restored: {_first_line(exc)}"
                        ) from None
                raise


def _advance_sequences(models_in: list[type[models.Model]]) -> None:
    """PostgreSQL's id sequences do not move for rows inserted with their ids: move
    each past the largest id now in its table, never back (Django's own reset sets
    it to the largest id, which hands out again an id a deleted row had, one a
    merge record still names). SQLite's AUTOINCREMENT follows by itself."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_in:
            table, column = model._meta.db_table, str(model._meta.pk.column)
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            found = cursor.fetchone()
            if not found or not found[0]:
                continue
            cursor.execute(
                f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX({quote(column)}), 0) FROM"
                f" {quote(table)}), (SELECT last_value FROM {found[0]}), 1))",
                [found[0]],
            )


def do_restore(owner: Any, path: Path) -> dict[str, int]:
    """Restore an export into `owner`'s empty account; return the rows restored per table.

    All or nothing: any problem is a TrothError naming the file (and the record),
    raised before the transaction commits.
    """
    loads, data = _scan(path, owner.pk)
    ids = {load.table.model: load.ids for load in loads.values()}
    for table in tables():  # a table the file does not have: no rows (an older export)
        ids.setdefault(table.model, set())
    # the search index: the restored rows (with their file's ids) indexed once at the end
    with transaction.atomic(), bulk_writes(deletes=True, any_ids=True):
        existing = _existing(owner)
        if existing:
            named = user_count_phrases(existing)  # "1 favour", not "1 favours"
            listed = ", ".join(named[:4])
            listed += f" and {count(len(named) - 4, 'more kind')}" if len(named) > 4 else ""
            raise TrothError(
                f"cannot restore {path}: your troth database already has data ({listed});"
                " restore only into an empty database (for a fresh one: "
                f"TROTH_HOME=NEW-FOLDER troth import json {path})"
            )
        for table in tables(include_derived=True):
            if table.label in DERIVED:
                table.rows_of(owner).delete()
        if any(load.has_me for load in loads.values()):
            # the exported "me" replaces the one a fresh database starts with
            Person.objects.filter(owner=owner, is_me=True).delete()
        counts: dict[str, int] = {}
        # Foreign keys are checked at commit, so tables go in in the file's order.
        entries = _whole(path, data) if data is not None else _streamed(path)
        try:
            for model, _columns, rows in entries:
                label = str(model).lower()
                load = loads.get(RENAMED.get(label, label))
                if load is None:
                    raise NotStreamable
                if load.table.label in DERIVED:
                    continue
                decode = _decoder(path, load, owner.pk)
                done = 0
                iterator = iter(rows)
                while batch := list(itertools.islice(iterator, BATCH)):
                    decoded = [decode(row, done + n) for n, row in enumerate(batch)]
                    _check_references(path, load, decoded, ids)
                    _insert(path, load.table, decoded)
                    done += len(batch)
                counts[load.table.label] = done
        except (NotStreamable, UnicodeDecodeError, OSError):
            raise TrothError(f"cannot restore {path}: it changed while being read") from None
        except TooBig as exc:  # it changed since _scan read it
            raise TrothError(_too_big(path, exc)) from None
        do_ensure_me(owner)
        models_in = [load.table.model for load in loads.values()]
        _advance_sequences(models_in)
        try:
            # Foreign keys are checked at commit; check here to report it as ours.
            connection.check_constraints(table_names=[m._meta.db_table for m in models_in])
        except DatabaseError as exc:
            raise TrothError(f"cannot restore {path}: {_first_line(exc)}") from None
    return counts
