"""Reading the CSV files that exports produce (pure: no Django).

Real exports are untidy: a UTF-8 BOM, a "Notes:" preamble before the header
(LinkedIn since 2021), CRLF or LF, quoted cells running over several lines,
columns added or dropped over the years. So a table is read by finding the
header row by its column names and mapping every row by name, never by position.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from troth.importers.records import ImportFileError, Problem

# How far into a file a header row may start (LinkedIn's preamble is 3 lines).
HEADER_SCAN_ROWS = 20
# The longest line (characters) a CSV may have. Python's csv module caps a cell
# (field_size_limit) but not the cells of a row: one line of 20 million empty cells
# (a 60 MiB upload) became lists of 20 million strings, again for every kind tried,
# and took a group's server to 4.7 GiB for minutes. No export troth reads has a line
# near this long.
MAX_LINE = 1 << 20
_SPACES = re.compile(r"\s+")


def column_key(name: str) -> str:
    """How a column name is compared: case, surrounding spaces, quotes and a BOM ignored."""
    return _SPACES.sub(" ", name.replace("\ufeff", "").strip().strip('"').casefold())


def _record(delimiter: str) -> re.Pattern[str]:
    """One record as the csv module reads it (its default dialect): fields split by
    `delimiter`; a field that starts with a quote runs to the closing quote ("" is
    a quote inside it, newlines are kept) and then, unquoted, to the next delimiter;
    any other field runs to the delimiter or a line end, quotes in it being text.
    Every quantifier is possessive and the alternatives start with different
    characters, so the match never backtracks: it is linear, done in C."""
    d = re.escape(delimiter)
    field = rf'(?:"[^"]*+(?:""[^"]*+)*+"[^{d}\r\n]*+|[^"{d}\r\n][^{d}\r\n]*+)?+'
    return re.compile(rf"{field}(?:{d}{field})*+")


def long_line(text: str, limit: int = MAX_LINE, delimiter: str = ",") -> int | None:
    """The number of the line where the first record longer than `limit` characters
    starts, or None. A record ends where the csv module ends it: at a newline or a
    carriage return (old Mac files) outside quotes; a quoted cell's newlines join
    lines into one record, and so did 500,000 empty cells, a quoted newline, and
    again, past a limit that counted lines (review 2 of issue 17). Lines are
    numbered by newlines, as before."""
    for start, end, number in records(text, delimiter):
        if end - start > limit:
            return number
    return None


def records(text: str, delimiter: str = ",") -> Iterator[tuple[int, int, int]]:
    """(start, end, line number) of every record in `text`, its line end left out."""
    record = _record(delimiter)
    pos, number, size = 0, 1, len(text)
    while pos < size:
        match = record.match(text, pos)
        end = match.end() if match else pos
        if end < size and text[end] not in "\r\n":
            end = size  # a quote never closed: the csv module reads to the end
        yield pos, end, number
        following = end + 2 if text.startswith("\r\n", end) else end + 1
        number += text.count("\n", pos, following)
        pos = following


def decode(data: bytes, where: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(f"{where}: not valid UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the ANSI code page; cp1252 fails only on
        # five unused bytes, latin-1 on none.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


@dataclass
class Table:
    """A CSV table found in a file: its header and its rows, each with its line number."""

    where: str  # the file's name as shown in messages
    header: list[str]
    header_line: int
    columns: dict[str, int]  # column_key -> index
    _rows: Iterator[list[str]]
    _reader: Iterable[list[str]]

    def has(self, *names: str) -> bool:
        return all(column_key(n) in self.columns for n in names)

    def index(self, name: str) -> int | None:
        return self.columns.get(column_key(name))

    @property
    def width(self) -> int:
        """How many cells a whole row has: up to the header's last named column."""
        named = [i for i, cell in enumerate(self.header) if column_key(cell)]
        return named[-1] + 1 if named else len(self.header)

    def rows(self, short_ok: bool = False) -> Iterator[tuple[int, Row] | Problem]:
        """(line number, row) for every data row; rows with no content are left out,
        and a row with fewer cells than the header names (a file cut off mid-row, a
        line broken in two) is a Problem, never a half-read record; with `short_ok`
        (a file typed by hand, trailing empty cells left out) it is read as it is."""
        reader = self._reader
        lookup = _Lookup(self.columns)
        width = self.width
        try:
            for cells in self._rows:
                line = getattr(reader, "line_num", 0)
                if not any(cells) or not "".join(cells).strip():
                    continue
                if len(cells) < width and not short_ok:
                    yield Problem(
                        f"{self.where}:{line}",
                        f"row cut short ({len(cells)} of {width} columns)",
                    )
                    continue
                yield line, Row(lookup, cells)
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0)
            raise ImportFileError(f"{self.where}:{line}: broken CSV ({exc})") from None


class _Lookup(dict[str, int | None]):
    """Column name as written in code -> index, each name folded only once per table."""

    def __init__(self, columns: dict[str, int]) -> None:
        super().__init__()
        self.columns = columns

    def __missing__(self, name: str) -> int | None:
        index = self[name] = self.columns.get(column_key(name))
        return index


class Row:
    """One data row, read by column name; a missing column or cell reads as ""."""

    __slots__ = ("cells", "lookup")

    def __init__(self, lookup: _Lookup, cells: list[str]) -> None:
        self.lookup = lookup
        self.cells = cells

    @property
    def columns(self) -> dict[str, int]:
        return self.lookup.columns

    def get(self, name: str) -> str:
        i = self.lookup[name]
        if i is None or i >= len(self.cells):
            return ""
        return self.cells[i].strip()

    def matching(self, pattern: re.Pattern[str]) -> list[str]:
        """Every non-empty cell whose column key matches `pattern`, in column order."""
        out = []
        for key, i in self.columns.items():
            if pattern.fullmatch(key) and i < len(self.cells) and self.cells[i].strip():
                out.append(self.cells[i].strip())
        return out


def find_table(
    text: str,
    where: str,
    *required: str,
    scan: int = HEADER_SCAN_ROWS,
    delimiter: str = ",",
    accept: Callable[[list[str]], bool] | None = None,
) -> Table | None:
    """The table whose header row holds every `required` column (and that `accept`,
    given the row's cells, accepts), or None.

    Only the first `scan` rows are searched, so a file of another kind is
    rejected quickly."""
    too_long = long_line(text, delimiter=delimiter)
    if too_long is not None:
        raise ImportFileError(
            f"{where}:{too_long}: a line of more than {MAX_LINE:,} characters; not a table"
            " troth reads"
        )
    wanted = {column_key(n) for n in required}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = iter(reader)
    try:
        for _ in range(scan):
            cells = next(rows, None)
            if cells is None:
                return None
            keys = [column_key(c) for c in cells]
            if wanted <= set(keys) and (accept is None or accept(cells)):
                columns: dict[str, int] = {}
                for i, key in enumerate(keys):
                    if key and key not in columns:
                        columns[key] = i
                return Table(where, cells, reader.line_num, columns, rows, reader)
    except csv.Error as exc:
        raise ImportFileError(f"{where}:{reader.line_num}: broken CSV ({exc})") from None
    return None


def header_keys(text: str, rows: int = HEADER_SCAN_ROWS, delimiter: str = ",") -> list[set[str]]:
    """The column keys of the first few rows (for cheap format detection)."""
    out: list[set[str]] = []
    if long_line(text, delimiter=delimiter) is not None:
        return out  # no table troth reads (find_table says why)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            out.append({column_key(c) for c in cells})
            if len(out) >= rows:
                break
    except csv.Error:
        pass
    return out


def split_multi(value: str) -> list[str]:
    """Google joins several values in one cell with " ::: "."""
    return [v.strip() for v in value.split(":::") if v.strip()]


# What spreadsheets separate cells with: Excel in much of Europe writes ";" (the
# decimal comma takes ","), and a tab-separated export is common too.
DELIMITERS = ",;\t|"


def sniff_delimiter(text: str) -> str:
    """The cell separator of a CSV, from its first lines (csv.Sniffer); "," when unsure."""
    sample = "\n".join(text[:8192].splitlines()[:HEADER_SCAN_ROWS])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","
    # the Sniffer picks a character that happens to be regular in a one-column
    # file; a separator the first line does not even hold is not the separator
    first = sample.split("\n", 1)[0]
    if found != "," and found not in first and "," in first:
        return ","
    return found


# How much of a file `detect` reads to recognise an export by its header.
DETECT_BYTES = 16384


def head_text(path: Path) -> str | None:
    """The start of a file as text, for a parser's `detect`; None when it is not a
    file that can be read."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(DETECT_BYTES)
    except OSError:
        return None
    return decode(head, str(path))


def read_text(path: Path) -> str:
    """A whole CSV file as text, or one clear ImportFileError naming it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode(data, str(path))
