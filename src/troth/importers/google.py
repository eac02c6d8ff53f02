"""Google Contacts CSV ("Google CSV"), current and legacy layouts (pure: no Django).

Current exports (2023 on) start with a BOM and `First Name,Middle Name,Last Name,
...,Organization Name,Organization Title,...,Labels,E-mail 1 - Label,E-mail 1 - Value`;
legacy ones with `Name,Given Name,Additional Name,Family Name,...,Group Membership,
E-mail 1 - Type,E-mail 1 - Value`. Both are read by column name; the repeating
groups (E-mail N, Phone N, Website N, Organization N) are found by pattern, and
several values in one cell are joined by " ::: ". An address book says nothing
about how you met, so only names, addresses, job, labels, notes and dates (the
Birthday column, the Event N groups) come in.

A header with First Name and Last Name and Google's own repeating groups
("E-mail 1 - Value") is Google's even without Labels (a trimmed export, or one
made by another tool in Google's layout). Other spreadsheets are
`troth.importers.spreadsheet`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from troth.importers import csvfiles
from troth.importers.records import (
    ImportFileError,
    PersonRecord,
    Problem,
    Record,
    bad_email,
    clean,
    contact_id,
)
from troth.lib.contact import ContactError, normalize_email
from troth.lib.keydates import BIRTHDAY, KeyDate, KeyDateError, is_blank, kind_of, read_date
from troth.lib.text import fold

SOURCE = "google"

CURRENT = ("First Name", "Last Name", "Labels")
CURRENT_ALT = ("First Name", "Middle Name", "Last Name", "File As")
LEGACY = ("Name", "Given Name", "Family Name")
# Google's own column names: with First Name and Last Name, the file is Google's.
_GOOGLE_ONLY = re.compile(
    r"(e-mail|phone|address|website|event|relation|custom field|im|organization) \d+ - "
    r"(value|label|type|name|title|formatted)|organization (name|title)|file as|labels"
    r"|group membership"
)

_EMAILS = re.compile(r"e-mail \d+ - value")
_PHONES = re.compile(r"phone \d+ - value")
_SITES = re.compile(r"website \d+ - value")
_EVENTS = re.compile(r"event \d+ - value")
_ORG_NAMES = re.compile(r"organization \d+ - name")
_ORG_TITLES = re.compile(r"organization \d+ - title")
# Google's own groups, not labels the user chose.
_SYSTEM_LABELS = {"mycontacts", "my contacts", "other contacts"}


def _find(text: str, where: str) -> csvfiles.Table | None:
    for columns in (CURRENT, CURRENT_ALT, LEGACY, ("First Name", "Last Name")):
        # Google writes the header on the first line, always.
        table = csvfiles.find_table(text, where, *columns, scan=1)
        if table is not None and looks_like_google(set(table.columns)):
            return table
    return None


def looks_like_google(keys: set[str]) -> bool:
    if any(
        all(csvfiles.column_key(c) in keys for c in cols) for cols in (CURRENT, CURRENT_ALT, LEGACY)
    ):
        return True
    return {"first name", "last name"} <= keys and any(_GOOGLE_ONLY.fullmatch(k) for k in keys)


def _labels(value: str) -> list[str]:
    out = []
    for label in csvfiles.split_multi(value):
        label = label.lstrip("*").strip()
        if label.lower().startswith("system group:"):
            continue
        if label and fold(label) not in _SYSTEM_LABELS:
            out.append(label)
    return out


def _emails(row: csvfiles.Row) -> tuple[list[str], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for cell in row.matching(_EMAILS):
        for value in csvfiles.split_multi(cell):
            try:
                email = normalize_email(value)
            except ContactError:
                bad.append(value)
                continue
            if email not in good:
                good.append(email)
    return good, bad


def _multi(row: csvfiles.Row, pattern: re.Pattern[str]) -> list[str]:
    out: list[str] = []
    for cell in row.matching(pattern):
        for value in csvfiles.split_multi(cell):
            if value not in out:
                out.append(value)
    return out


class GoogleParser:
    name = SOURCE

    def detect(self, path: Path) -> bool:
        text = csvfiles.head_text(path)
        return text is not None and any(
            looks_like_google(keys) for keys in csvfiles.header_keys(text, 1)
        )

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        where = str(path)
        table = _find(csvfiles.read_text(path), where)
        if table is None:
            raise ImportFileError(
                f"{path}: not a Google Contacts CSV (no header row with First Name, Last Name "
                "and Google's columns, or Name, Given Name and Family Name); for a spreadsheet"
                f" of your own: troth import csv {path}"
            )
        for item in table.rows():
            if isinstance(item, Problem):
                yield item
                continue
            line, row = item
            yield from _contact(row, f"{where}:{line}")


def _contact(row: csvfiles.Row, where: str) -> Iterator[Record]:
    given = clean(row.get("First Name") or row.get("Given Name"))
    middle = clean(row.get("Middle Name") or row.get("Additional Name"))
    family = clean(row.get("Last Name") or row.get("Family Name"))
    full = clean(row.get("Name")) or clean(" ".join(p for p in (given, middle, family) if p))
    emails, bad_emails = _emails(row)
    phones = _multi(row, _PHONES)
    urls = _multi(row, _SITES)
    company = clean(row.get("Organization Name") or next(iter(row.matching(_ORG_NAMES)), ""))
    title = clean(row.get("Organization Title") or next(iter(row.matching(_ORG_TITLES)), ""))
    full = full or clean(row.get("File As")) or clean(row.get("Nickname"))
    if not full:
        full = emails[0] if emails else company
    for value in bad_emails:
        yield bad_email(where, value)
    if not full:
        yield Problem(where, "contact with no name, email or company")
        return
    note = row.get("Notes").strip()
    dates: list[KeyDate] = []
    yield from _dates(row, where, dates)
    yield PersonRecord(
        source=SOURCE,
        external_id=contact_id(full, emails, phones),  # Google's export has no id
        full_name=full,
        given_name=given,
        family_name=family,
        nickname=clean(row.get("Nickname")).split(":::")[0].strip()[:100],
        emails=emails,
        phones=phones,
        urls=urls,
        company=company.split(":::")[0].strip() if company else "",
        title=title.split(":::")[0].strip() if title else "",
        tags=_labels(row.get("Labels") or row.get("Group Membership")),
        note=note,
        where=where,
        dates=dates,
    )


def _dates(row: csvfiles.Row, where: str, dates: list[KeyDate]) -> Iterator[Problem]:
    """The Birthday column and the Event N groups (Anniversary, Other, a custom
    label) into `dates`; a value that is not a date is a Problem (contact kept)."""
    cells = [(BIRTHDAY, "", row.get("Birthday"))]
    for key, i in row.columns.items():
        if _EVENTS.fullmatch(key) and i < len(row.cells):
            prefix = key.removesuffix(" - value")
            label = row.get(f"{prefix} - label") or row.get(f"{prefix} - type")
            cells.append((*kind_of(label), row.cells[i].strip()))
    for kind, label, cell in cells:
        for value in csvfiles.split_multi(cell)[:1]:
            if is_blank(value) or any(d.kind == kind and d.label == label for d in dates):
                continue
            try:
                dates.append(read_date(kind, label, value))
            except KeyDateError as error:
                yield Problem(
                    where,
                    f"{label or kind} is not a date: {value!r} ({error}; contact kept without it)",
                    "a birthday or other date is not a date (contact kept without it)",
                )


PARSER = GoogleParser()
