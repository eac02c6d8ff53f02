"""troth export json: everything an owner has, in one file `troth import json` restores.

The file is JSON with one row per line, tables in dependency order:

    {"format": "troth-export", "version": 1, "troth_version": "0.1.0",
     "owner": "local", "exported_at": "2026-11-30T02:30:00+00:00",
     "derived": ["trust.trustscore"],
     "tables": [
      {"model": "people.tag", "columns": ["id", "name"], "rows": [
       [1, "python"],
       ...]},
      ...]}

Rows keep their ids (so ids written in notes, the agenda and elsewhere stay
valid); the owner column is left out and becomes the restoring owner's. Dates
and instants are ISO 8601 (instants with their UTC offset), binary values
(photos) base64. Tables listed in "derived" are caches rebuilt on first use
and are not written.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterator
from typing import IO, Any

from django.db import models
from django.utils import timezone
from django.utils.duration import duration_iso_string

from troth import __version__
from troth.backup.tables import DERIVED, SECRETS, Table, is_user_fk, tables
from troth.errors import TrothError

FORMAT = "troth-export"
VERSION = 1
OWNER_MARK = "@owner"  # a user column pointing at the owner (other than `owner` itself)
CHUNK = 2000


def encode(field: models.Field[Any, Any], value: Any, owner_id: Any) -> Any:
    """A column's value as JSON; `troth.backup.restore` reverses it with `field.to_python`."""
    if value is None:
        return None
    if is_user_fk(field):
        if value == owner_id:
            return OWNER_MARK
        raise TrothError(f"{field.model._meta.label_lower}.{field.name} points to another user")
    if isinstance(field, models.JSONField) or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot export {type(value).__name__} from {field}")


_PLAIN = (bool, int, float, str)


def _encoder(field: models.Field[Any, Any], owner_id: Any) -> Any:
    """`encode` for one column, with the common cases (plain values) made cheap."""
    if is_user_fk(field) or isinstance(field, models.JSONField):
        return lambda value: encode(field, value, owner_id)

    def plain(value: Any) -> Any:
        if value is None or type(value) in _PLAIN:
            return value
        return encode(field, value, owner_id)

    return plain


def _blank(_value: Any) -> str:
    return ""


def table_rows(table: Table, owner: Any) -> Iterator[list[Any]]:
    secret = SECRETS.get(table.label, frozenset())
    encoders = [_blank if f.name in secret else _encoder(f, owner.pk) for f in table.fields]
    query = table.rows_of(owner).order_by("pk").values_list(*table.columns)
    for row in query.iterator(chunk_size=CHUNK):
        yield [enc(v) for enc, v in zip(encoders, row, strict=True)]


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def write_export(owner: Any, out: IO[str]) -> dict[str, int]:
    """Write the owner's data to `out`; return the rows written per table.

    Call inside a transaction so every table is read from the same snapshot.
    """
    header = {
        "format": FORMAT,
        "version": VERSION,
        "troth_version": __version__,
        "owner": owner.get_username(),
        "exported_at": timezone.now().isoformat(),
        "derived": sorted(DERIVED),
    }
    counts: dict[str, int] = {}
    out.write(_dump(header)[:-1] + ',\n "tables": [')
    for i, table in enumerate(tables()):
        head = {"model": table.label, "columns": table.columns}
        out.write(("," if i else "") + "\n  " + _dump(head)[:-1] + ', "rows": [')
        n = 0
        for row in table_rows(table, owner):
            out.write(("," if n else "") + "\n   " + _dump(row))
            n += 1
        out.write("]}")
        counts[table.label] = n
    out.write("\n]}\n")
    return counts
