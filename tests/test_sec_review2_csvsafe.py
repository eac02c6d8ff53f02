"""Issue 17 follow-up (attacker review 2, item 4): the fullwidth forms of =, +, -
and @ start a formula too in a spreadsheet that normalises its input (NFKC), so a
cell starting with one is neutralised like the ASCII ones."""

from __future__ import annotations

import io

import pytest

from troth.lib import csvsafe


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_a_fullwidth_formula_start_is_neutralised(start: str) -> None:
    cell = start + 'HYPERLINK("http://evil.example/","x")'
    assert csvsafe.safe_cell(cell) == "'" + cell
    out = io.StringIO()
    csvsafe.writer(out).writerow([cell, "Ann"])
    assert out.getvalue().startswith("\"'" + start)


def test_plain_and_fullwidth_text_elsewhere_is_left_as_it_is() -> None:
    assert csvsafe.safe_cell("Ann \uff1d Bob") == "Ann \uff1d Bob"
    assert csvsafe.safe_cell("+33612345678") == "+33612345678"
