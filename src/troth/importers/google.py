"""Google Contacts CSV ("Google CSV"), current and legacy layouts (pure: no Django).

Current exports (2023 on) start with a BOM and `First Name,Middle Name,Last Name,
...,Organization Name,Organization Title,...,Labels,E-mail 1 - Label,E-mail 1 - Value`;
legacy ones with `Name,Given Name,Additional Name,Family Name,...,Group Membership,
E-mail 1 - Type,E-mail 1 - Value`. Both are read by column name; the repeating
groups (E-mail N, Phone N, Website N, Organization N) are found by pattern, and
several values in one cell are joined by " ::: ". An address book says nothing
about how you met, so only names, addresses, job, labels and notes come in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from troth.importers import csvfiles
from troth.importers.records import ImportFileError, PersonRecord, Problem, Record
from troth.lib.contact import ContactError, normalize_email
from troth.lib.text import fold

SOURCE = "google"

CURRENT = ("First Name", "Last Name", "Labels")
CURRENT_ALT = ("First Name", "Middle Name", "Last Name", "File As")
LEGACY = ("Name", "Given Name", "Family Name")

_EMAILS = re.compile(r"e-mail \d+ - value")
_PHONES = re.compile(r"phone \d+ - value")
_SITES = re.compile(r"website \d+ - value")
_ORG_NAMES = re.compile(r"organization \d+ - name")
_ORG_TITLES = re.compile(r"organization \d+ - title")
# Google's own groups, not labels the user chose.
_SYSTEM_LABELS = {"mycontacts", "my contacts", "other contacts"}


def _find(text: str, where: str) -> csvfiles.Table | None:
    for columns in (CURRENT, CURRENT_ALT, LEGACY):
        # Google writes the header on the first line, always.
        table = csvfiles.find_table(text, where, *columns, scan=1)
        if table is not None:
            return table
    return None


def looks_like_google(keys: set[str]) -> bool:
    return any(
        all(csvfiles.column_key(c) in keys for c in cols) for cols in (CURRENT, CURRENT_ALT, LEGACY)
    )


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
        if not path.is_file():
            return False
        try:
            with path.open("rb") as fh:
                head = fh.read(16384)
        except OSError:
            return False
        text = csvfiles.decode(head, str(path))
        return any(looks_like_google(keys) for keys in csvfiles.header_keys(text, 1))

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
        where = str(path)
        table = _find(csvfiles.decode(data, where), where)
        if table is None:
            raise ImportFileError(
                f"{path}: not a Google Contacts CSV (no header row with First Name, Last Name "
                "and Labels, or Name, Given Name and Family Name)"
            )
        for item in table.rows():
            if isinstance(item, Problem):
                yield item
                continue
            line, row = item
            yield from _contact(row, f"{where}:{line}")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _contact(row: csvfiles.Row, where: str) -> Iterator[Record]:
    given = _clean(row.get("First Name") or row.get("Given Name"))
    middle = _clean(row.get("Middle Name") or row.get("Additional Name"))
    family = _clean(row.get("Last Name") or row.get("Family Name"))
    full = _clean(row.get("Name")) or _clean(" ".join(p for p in (given, middle, family) if p))
    emails, bad_emails = _emails(row)
    phones = _multi(row, _PHONES)
    urls = _multi(row, _SITES)
    company = _clean(row.get("Organization Name") or next(iter(row.matching(_ORG_NAMES)), ""))
    title = _clean(row.get("Organization Title") or next(iter(row.matching(_ORG_TITLES)), ""))
    full = full or _clean(row.get("File As")) or _clean(row.get("Nickname"))
    if not full:
        full = emails[0] if emails else company
    for value in bad_emails:
        yield Problem(
            where,
            f"not an email address: {value!r} (contact kept without it)",
            "not an email address (contact kept without it)",
        )
    if not full:
        yield Problem(where, "contact with no name, email or company")
        return
    # Google's export has no contact id: the first address or phone stands in, with
    # the name, since two contacts may share one (a family mailbox, a landline)
    if emails:
        external_id = f"email:{emails[0]}|{fold(full)}"
    elif phones:
        external_id = f"phone:{phones[0]}|{fold(full)}"
    else:
        external_id = f"name:{fold(full)}"
    note = row.get("Notes").strip()
    yield PersonRecord(
        source=SOURCE,
        external_id=external_id,
        full_name=full,
        given_name=given,
        family_name=family,
        nickname=_clean(row.get("Nickname")).split(":::")[0].strip()[:100],
        emails=emails,
        phones=phones,
        urls=urls,
        company=company.split(":::")[0].strip() if company else "",
        title=title.split(":::")[0].strip() if title else "",
        tags=_labels(row.get("Labels") or row.get("Group Membership")),
        note=note,
        where=where,
    )


PARSER = GoogleParser()
