"""CSV that a spreadsheet opens without running anything (pure: no Django).

A cell starting with =, +, -, @ (or their fullwidth forms), a tab or a carriage
return is a formula to Excel, LibreOffice and Google Sheets, and names and notes come from imported third-party
files (LinkedIn, vCards, uploads): `=HYPERLINK(...)` or `=cmd|...` in a name would
run when the export is opened. OWASP's CSV-injection rule is to prefix such a
cell with a single quote, which spreadsheets show as text. Numbers are written as
they are (a plain -3 or +33612345678 runs nothing and must stay a number).

Every CSV troth writes for people to open goes through `writer` (troth export csv,
the import report.csv of the CLI and of the web app).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

# The fullwidth forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) too: a spreadsheet that
# applies NFKC normalisation on input (some CJK locales, some import dialogs)
# turns them into =, +, - and @ before it decides whether a cell is a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value: Any) -> Any:
    """`value`, with a leading ' when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every text cell goes through `safe_cell`."""

    def __init__(self, fh: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: Any, **kwargs: Any) -> SafeWriter:
    return SafeWriter(fh, **kwargs)
