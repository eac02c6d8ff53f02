"""Issue 17 follow-up (attacker review 2, item 2): the 1 MiB line limit counted
physical lines, but the csv module joins lines whose newline is inside a quoted
cell into one record: (500,000 commas, a quoted newline) repeated is one record
of any length with every line short, and went past the limit (29x the memory of
the text). The limit now counts records the way the csv module reads them."""

from __future__ import annotations

import csv
import io
import random

import pytest

from troth.importers import csvfiles
from troth.importers.records import ImportFileError

# every physical line of it is 500,002 characters, under MAX_LINE; its records are not
JOINED = (("," * 500_000 + '"\n"') * 4) + "\n"


def test_quoted_newlines_do_not_hide_a_long_record() -> None:
    assert max(len(line) for line in JOINED.splitlines()) < csvfiles.MAX_LINE
    rows = list(csv.reader(io.StringIO(JOINED, newline="")))
    assert len(rows) == 1 and len(rows[0]) > csvfiles.MAX_LINE // 2  # what the csv module makes
    assert csvfiles.long_line(JOINED) == 1
    with pytest.raises(ImportFileError, match=r"^x\.csv:1: a line of more than 1,048,576"):
        csvfiles.find_table(JOINED, "x.csv", "name")
    assert csvfiles.header_keys(JOINED) == []


def test_the_record_is_named_by_the_line_it_starts_on() -> None:
    text = "Name,Notes\nAnn,short\n" + 'Bob,"' + "a\n" * 8 + '"\nCy,x\n'
    assert csvfiles.long_line(text, limit=15) == 3  # Bob's record spans lines 3-11
    assert csvfiles.long_line(text, limit=30) is None


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ('a"b,"x\ny",z\nq', ['a"b,"x\ny",z', "q"]),  # a quote inside a cell is text
        ('"a""b\nc",d\r\ne', ['"a""b\nc",d', "e"]),  # "" is a quote; CRLF ends a record
        ('"ab"c"d,e\rf', ['"ab"c"d,e', "f"]),  # after the closing quote, quotes are text
        ('a,"never closed\nb\nc', ['a,"never closed\nb\nc']),
        ("\n\na,b\n", ["", "", "a,b"]),
    ],
)
def test_records_end_where_the_csv_module_ends_them(text: str, spans: list[str]) -> None:
    assert [text[start:end] for start, end, _ in csvfiles.records(text)] == spans


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_records_agree_with_the_csv_module_on_random_text(delimiter: str) -> None:
    """Cut where `records` says and read each piece alone: the rows are those the csv
    module reads from the whole text (a blank line is read as [] from the whole text,
    as nothing from an empty piece: those are left out)."""
    pick = random.Random(17)
    alphabet = ["a", "b", '"', '"', delimiter, ",", "\n", "\r", "\r\n", " "]
    for _ in range(3000):
        text = "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 30)))
        whole = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
        pieces = [
            row
            for start, end, _ in csvfiles.records(text, delimiter)
            for row in csv.reader(io.StringIO(text[start:end], newline=""), delimiter=delimiter)
        ]
        assert pieces == whole, repr(text)
