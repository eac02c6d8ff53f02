"""Reading an export a row at a time, so restoring a million rows needs no
gigabyte of parsed JSON.

An export is written header keys first, then "tables", each table as
{"model", "columns", "rows"} in that order. `read_stream` follows exactly that
layout with the standard library's decoder on a sliding buffer; anything else
(a file reformatted by another tool, or one that is not valid JSON) raises
`NotStreamable`, and the caller reads the whole file with `json.loads` instead,
which accepts any key order and reports errors with their line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

CHUNK = 1 << 20
_SPACE = " \t\r\n"


class NotStreamable(Exception):
    """Not in the layout troth writes (or not valid JSON): read it whole."""


class _Reader:
    def __init__(self, fh: IO[str], chunk: int) -> None:
        self.fh = fh
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(self.chunk)
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

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise NotStreamable from None
            # a number cut by the buffer's end ("12" of "123") looks complete: make
            # sure something follows it
            if end == len(self.buf) and not self.eof:
                self._fill()
                continue
            self.pos = end
            return value

    def key(self, wanted: str | None = None) -> str:
        name = self.value()
        if not isinstance(name, str) or (wanted is not None and name != wanted):
            raise NotStreamable
        self.expect(":")
        return name


def _rows(reader: _Reader) -> Iterator[Any]:
    reader.expect("[")
    if reader.peek() == "]":
        reader.pos += 1
        return
    while True:
        yield reader.value()
        char = reader.peek()
        reader.pos += 1
        if char == "]":
            return
        if char != ",":
            raise NotStreamable


def read_stream(path: Path, chunk: int = CHUNK) -> Iterator[tuple[str, Any, Any, Iterator[Any]]]:
    """Yield ("header", dict, None, empty) once, then ("table", model, columns, rows)
    per table; each table's rows must be consumed before the next table comes."""
    with open(path, encoding="utf-8-sig") as fh:
        reader = _Reader(fh, chunk)
        reader.expect("{")
        header: dict[str, Any] = {}
        while True:
            name = reader.key()
            if name == "tables":
                break
            header[name] = reader.value()
            reader.expect(",")
        yield "header", header, None, iter(())
        reader.expect("[")
        if reader.peek() == "]":
            reader.pos += 1
        else:
            while True:
                reader.expect("{")
                reader.key("model")
                model = reader.value()
                reader.expect(",")
                reader.key("columns")
                columns = reader.value()
                reader.expect(",")
                reader.key("rows")
                rows = _rows(reader)
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
