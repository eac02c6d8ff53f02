"""Reading an export a row at a time, so restoring a million rows needs no
gigabyte of parsed JSON.

An export is written header keys first, then "tables", each table as
{"model", "columns", "rows"} in that order. `read_stream` follows exactly that
layout with the standard library's decoder on a sliding buffer; anything else
(a file reformatted by another tool, or one that is not valid JSON) raises
`NotStreamable`, and the caller reads the whole file with `json.loads` instead,
which accepts any key order and reports errors with their line and column.

Every value is read under a size cap (`TooBig` names the place), and a value
longer than the buffer grows it geometrically before the decoder tries again, so
reading stays linear: re-decoding a value from its start on every 1 MiB chunk took
34 s of CPU for an 11 MiB header (review 2 of issue 17).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

CHUNK = 1 << 20
_SPACE = " \t\r\n"
# The largest row (one JSON value). The largest legitimate row is a person with a
# photo, kept as base64 (4/3 of its bytes). Nothing caps a photo but the upload
# (vCard import), and phones and Google/iCloud export contact photos well under
# 1 MiB, so 16 MiB holds a 12 MiB photo: 2x the largest photo met plus slack. It is
# also the size of a whole file restore.WHOLE_LIMIT accepts: one row costs no more
# than a file read whole already may.
ROW_LIMIT = 16 << 20
# The header's values (format, version, troth_version, owner, exported_at, derived),
# a table's model name and its column list are a few hundred characters.
SMALL_LIMIT = 64 << 10
# Header keys troth writes. Another key's value is read under the same SMALL_LIMIT
# and ignored rather than refused: a newer troth may add a small key without a new
# format version, and its exports should still restore; a large one is refused
# before more than SMALL_LIMIT of it is read, so skipping it costs nothing.
HEADER_KEYS = frozenset({"format", "version", "troth_version", "owner", "exported_at", "derived"})


class NotStreamable(Exception):
    """Not in the layout troth writes (or not valid JSON): read it whole."""


class TooBig(Exception):
    """A value over its cap; the message names where it is (refuse, never read whole)."""


class _Reader:
    def __init__(self, fh: IO[str], chunk: int) -> None:
        self.fh = fh
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self, size: int | None = None) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(size or self.chunk)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise NotStreamable
        self.pos += 1

    def value(self, limit: int, where: str) -> Any:
        """The next value, at most `limit` characters long; `where` names it in TooBig."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if not _cut(exc, len(self.buf)):
                    raise NotStreamable from None  # broken JSON: read whole, for its place
                if not self._more(limit, where):
                    raise NotStreamable from None
                continue
            # a number cut by the buffer's end ("12" of "123") looks complete: make
            # sure something follows it
            if end == len(self.buf) and not self.eof:
                self._more(limit, where)
                continue
            if end - self.pos > limit:
                raise TooBig(f"{where} is over {_size(limit)}")
            self.pos = end
            return value

    def _more(self, limit: int, where: str) -> bool:
        """Read on, doubling what the value has, so each decode attempt covers twice
        the text of the last: the attempts cost twice the value's size in all."""
        have = len(self.buf) - self.pos
        if have > limit:
            raise TooBig(f"{where} is over {_size(limit)}")
        return self._fill(max(self.chunk, have))

    def key(self, wanted: str | None = None) -> str:
        name = self.value(SMALL_LIMIT, "a key")
        if not isinstance(name, str) or (wanted is not None and name != wanted):
            raise NotStreamable
        self.expect(":")
        return name


def _cut(exc: json.JSONDecodeError, size: int) -> bool:
    """Whether the decoder stopped because the buffer ended (read on) rather than at
    a mistake: a string left open, or trouble within a literal's length of the end
    ("tru" of "true", "\\u12" of an escape)."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= size - 6


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def _rows(reader: _Reader, model: str, limit: int) -> Iterator[Any]:
    reader.expect("[")
    if reader.peek() == "]":
        reader.pos += 1
        return
    number = 0
    while True:
        number += 1
        yield reader.value(limit, f"row {number} of {model}")
        char = reader.peek()
        reader.pos += 1
        if char == "]":
            return
        if char != ",":
            raise NotStreamable


def read_stream(
    path: Path, chunk: int = CHUNK, row_limit: int = ROW_LIMIT
) -> Iterator[tuple[str, Any, Any, Iterator[Any]]]:
    """Yield ("header", dict, None, empty) once, then ("table", model, columns, rows)
    per table; each table's rows must be consumed before the next table comes."""
    with open(path, encoding="utf-8-sig") as fh:
        yield from read_from(fh, chunk, row_limit)


def read_from(
    fh: IO[str], chunk: int = CHUNK, row_limit: int = ROW_LIMIT
) -> Iterator[tuple[str, Any, Any, Iterator[Any]]]:
    """`read_stream` of an open text file."""
    reader = _Reader(fh, chunk)
    reader.expect("{")
    header: dict[str, Any] = {}
    while True:
        name = reader.key()
        if name == "tables":
            break
        value = reader.value(SMALL_LIMIT, f'the header\'s "{_short(name)}"')
        if name in HEADER_KEYS:
            header[name] = value
        reader.expect(",")
    yield "header", header, None, iter(())
    reader.expect("[")
    if reader.peek() == "]":
        reader.pos += 1
    else:
        number = 0
        while True:
            number += 1
            reader.expect("{")
            reader.key("model")
            model = reader.value(SMALL_LIMIT, f"the model name of table {number}")
            reader.expect(",")
            reader.key("columns")
            where = _short(str(model))
            columns = reader.value(SMALL_LIMIT, f"the columns of {where}")
            reader.expect(",")
            reader.key("rows")
            rows = _rows(reader, where, row_limit)
            yield "table", model, columns, rows
            for _ in rows:  # whatever the caller left unread
                pass
            reader.expect("}")
            char = reader.peek()
            reader.pos += 1
            if char == "]":
                break
            if char != ",":
                raise NotStreamable
    if reader.peek() != "}":
        raise NotStreamable  # keys after "tables": not troth's layout
    reader.pos += 1
    if reader.peek() != "":
        raise NotStreamable


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
