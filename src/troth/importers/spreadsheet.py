"""A CSV of the user's own making -> PersonRecords (pure: no Django).

Any spreadsheet with a column that names people imports: `Name,Email,Company,Title`
typed by hand, Outlook's export (`First Name,...,Job Title,...,E-mail Address`), a
CRM's or a conference's attendee list. Columns are matched to troth's fields by
their header, as people write them (case, spacing, punctuation and numbering
ignored: "E-mail 2 - Value" is an email column), with rapidfuzz catching small
misspellings ("Compnay"); `--map field=Column` names a column by hand. The
separator is found by csv.Sniffer (Excel in much of Europe writes ";"). The
mapping is reported first (`ColumnMap`), so a wrong guess shows before anything
else. LinkedIn and Google exports have their own importers and are detected first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from nameparser import HumanName
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from troth.importers import csvfiles
from troth.importers.records import (
    ColumnMap,
    ImportFileError,
    PersonRecord,
    Problem,
    Record,
    bad_email,
    clean,
    contact_id,
)
from troth.lib.contact import ContactError, normalize_email
from troth.lib.keydates import (
    ANNIVERSARY,
    BIRTHDAY,
    KeyDate,
    KeyDateError,
    is_blank,
    read_date,
    slash_order,
)
from troth.lib.text import fold

SOURCE = "csv"

# troth's fields, each with the headers that mean it (normalised, see header_key),
# the most telling first: when several columns could fill a one-value field, the
# one with the earlier header wins (Outlook's "Job Title" over its "Title", which
# there is "Mr." or "Dr.").
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "display name", "contact name", "contact",
             "person", "contact full name", "who"),
    "first_name": ("first name", "firstname", "given name", "forename", "first", "given"),
    "last_name": ("last name", "lastname", "surname", "family name", "last", "family"),
    "middle_name": ("middle name", "additional name", "middle"),
    "email": ("email", "email address", "emails", "email addresses", "work email", "home email",
              "personal email", "business email", "other email", "primary email",
              "private email", "mail"),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "mobile number", "cell",
              "cell phone", "cellphone", "telephone", "tel", "phones", "work phone",
              "home phone", "business phone", "other phone", "primary phone", "main phone",
              "phone numbers"),
    "company": ("company", "organization", "organisation", "organization name",
                "organisation name", "company name", "employer", "org", "firm"),
    "title": ("job title", "position", "organization title", "organisation title", "role",
              "jobtitle", "occupation", "job", "title"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "tags": ("tags", "tag", "labels", "label", "groups", "group", "group membership",
             "categories", "category", "lists"),
    "birthday": ("birthday", "birth date", "birthdate", "date of birth", "dob", "bday", "born"),
    "anniversary": ("anniversary", "wedding anniversary"),
    "nickname": ("nickname", "nick name", "nick", "goes by", "preferred name", "known as"),
    "url": ("url", "website", "web site", "web page", "webpage", "homepage", "home page",
            "linkedin", "linkedin url", "linkedin profile", "linkedin profile url", "profile url",
            "profile", "personal web page", "business web page", "personal website", "web"),
}  # fmt: skip
FIELDS = tuple(ALIASES)
# fields a row may fill from several columns (two email columns are two addresses)
MULTI = frozenset({"email", "phone", "url", "tags", "notes"})
NAME_FIELDS = ("name", "first_name", "last_name")
# what else people call the fields in --map
FIELD_NAMES = {
    "full_name": "name",
    "given_name": "first_name",
    "family_name": "last_name",
    "first": "first_name",
    "last": "last_name",
    "middle": "middle_name",
    "organization": "company",
    "organisation": "company",
    "job_title": "title",
    "website": "url",
    "linkedin": "url",
    "note": "notes",
    "tag": "tags",
    "labels": "tags",
    "e-mail": "email",
    "mobile": "phone",
}
_BY_ALIAS = {alias: (name, rank) for name, aliases in ALIASES.items() for rank, alias in enumerate(aliases)}  # fmt: skip
_ALL_ALIASES = list(_BY_ALIAS)
# A header this close to one of the aliases is read as it (rapidfuzz's Damerau-
# Levenshtein similarity, 0-1: a swapped pair of letters is one edit): "Emial" (0.8)
# and "Compnay" (0.86) are, "Last Name" for "First Name" (0.7) and "Company Size"
# for "Company Name" (0.67) are not.
FUZZY_CUTOFF = 0.79  # 0.8 less a hair: 1 - 1/5 is a little under 0.8 in floating point
FUZZY_MIN_LENGTH = 5
# Columns that describe another column ("E-mail 1 - Label", "Phone Type") or spell
# a name for pronunciation: never data of their own.
_NOT_DATA = {"label", "type", "yomi", "phonetic", "pronunciation", "display"}
_TOKENS = re.compile(r"[^\W_]+")
_SPLIT_MANY = re.compile(r"\s*(?::::|;|\n)\s*")
_SPLIT_EMAILS = re.compile(r"[\s,;]+|:::")
_SPLIT_TAGS = re.compile(r"\s*(?::::|;|,|\n)\s*")
_SYSTEM_TAGS = {"mycontacts", "my contacts", "other contacts", "starred"}


def header_key(header: str) -> str:
    """How a header is compared: case, punctuation and numbering ignored, "e-mail"
    read as "email" ("E-mail 2 - Value" -> "email"); "" for a column that only
    describes another ("E-mail 1 - Label")."""
    text = csvfiles.column_key(header).replace("e-mail", "email").replace("e mail", "email")
    tokens = [t for t in _TOKENS.findall(text) if not t.isdigit() and t != "value"]
    if len(tokens) > 1 and _NOT_DATA & set(tokens):
        return ""
    return " ".join(tokens)


def field_of(header: str, fuzzy: bool = True) -> tuple[str, int] | None:
    """(field, rank) a header means, or None; an exact alias ranks before a near one."""
    key = header_key(header)
    if not key:
        return None
    if key in _BY_ALIAS:
        return _BY_ALIAS[key]
    if not fuzzy or len(key) < FUZZY_MIN_LENGTH:
        return None
    found = process.extractOne(
        key,
        _ALL_ALIASES,
        scorer=DamerauLevenshtein.normalized_similarity,
        score_cutoff=FUZZY_CUTOFF,
    )
    if found is None:
        return None
    name, rank = _BY_ALIAS[found[0]]
    return name, 1000 + rank


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """`--map field=Column` options -> {field: column}; a column of "" leaves the
    field unread. Raises ImportFileError naming the bad one."""
    out: dict[str, str] = {}
    for item in items:
        field, eq, column = item.partition("=")
        key = field.strip().casefold().replace(" ", "_")
        key = FIELD_NAMES.get(key, key)
        if not eq:
            raise ImportFileError(f"--map {item!r}: write it as field=Column, e.g. email='E-mail'")
        if key not in ALIASES:
            raise ImportFileError(
                f"--map {item}: unknown field {field.strip()!r}; fields: {', '.join(FIELDS)}"
            )
        if key in out:
            raise ImportFileError(f"--map: {key} is mapped twice")
        out[key] = column.strip()
    return out


def mapping(
    header: list[str],
    chosen: Mapping[str, str] | None = None,
    fuzzy: bool = True,
    email_columns: frozenset[int] = frozenset(),
) -> list[tuple[int, str]]:
    """(column index, field) for the columns troth will read, in column order.

    `chosen` ({field: column} from --map) wins: its columns are read as named and
    are not guessed for anything else; a field mapped to "" is not read at all.
    `email_columns`: columns whose values are mostly e-mail addresses, read as e-mail
    whatever their header says (see `email_columns`)."""
    chosen = dict(chosen or {})
    keys = [csvfiles.column_key(h) for h in header]
    taken: dict[int, str] = {}
    for name, column in chosen.items():
        if column:
            index = keys.index(csvfiles.column_key(column))
            taken[index] = name
    if "email" not in chosen or chosen["email"]:
        for index in email_columns:
            taken.setdefault(index, "email")
    best: dict[str, tuple[tuple[int, int], int]] = {}
    multi: list[tuple[int, str]] = []
    for i, cell in enumerate(header):
        if i in taken or not keys[i]:
            continue
        found = field_of(cell, fuzzy)
        if found is None or found[0] in chosen:
            continue
        name, rank = found
        if name in MULTI:
            multi.append((i, name))
        elif name not in best or (rank, i) < best[name][0]:
            best[name] = ((rank, i), i)
    pairs = list(taken.items()) + multi + [(i, name) for name, (_r, i) in best.items()]
    # a file with a whole name never needs its parts guessed from "First"/"Last" too
    return sorted(pairs)


# A column is e-mail when more than half of its filled cells (of the first rows) are
# addresses: "Contact" holding anna@example.se was taken as the name (issue 18).
EMAIL_SHARE = 0.5
EMAIL_SAMPLE = 200


def email_columns(header: list[str], rows: list[list[str]]) -> frozenset[int]:
    """Indexes of the columns whose values are mostly e-mail addresses."""
    out = set()
    sample = rows[:EMAIL_SAMPLE]
    for i in range(len(header)):
        values = [r[i].strip() for r in sample if i < len(r) and r[i].strip()]
        if not values:
            continue
        addresses = 0
        for value in values:
            try:
                normalize_email(value)
            except ContactError:
                continue
            addresses += 1
        if addresses / len(values) > EMAIL_SHARE:
            out.add(i)
    return frozenset(out)


def _has_name(pairs: list[tuple[int, str]]) -> bool:
    return any(name in NAME_FIELDS for _i, name in pairs)


# The Import page and the API take no --map: there, the file itself says which column
# holds the names.
RENAME_FOR_THE_WEB = (
    'head the column that holds names "Name" (or two columns "First Name" and'
    ' "Last Name") and upload the file again'
)


def _columns_line(header: list[str]) -> str:
    """The first row's cells for a message: a file that is no table at all has a
    "header" of noise, so each is cut short and only the first 30 are named."""
    shown = [" ".join(h.split()) for h in header if h.strip()]
    shown = [h if len(h) <= 40 else h[:39] + "…" for h in shown]
    more = len(shown) - 30
    return ", ".join(shown[:30]) + (f" and {more} more" if more > 0 else "")


def looks_like_contacts(text: str) -> bool:
    """Does the first row of this text name a column of people? (detection: exact
    headers only, so a letter with commas in it is not a spreadsheet)"""
    delimiter = csvfiles.sniff_delimiter(text)
    for keys in csvfiles.header_keys(text, 1, delimiter):
        cells = [k for k in keys if k]
        if len(cells) >= 2 and _has_name([(0, f[0]) for c in cells if (f := field_of(c, False))]):
            return True
    return False


def _find(text: str, where: str, chosen: dict[str, str]) -> tuple[csvfiles.Table, list]:
    sniffed = csvfiles.sniff_delimiter(text)
    wanted = [c for c in chosen.values() if c]
    found: list[list[tuple[int, str]]] = []

    def accept(cells: list[str]) -> bool:
        pairs = mapping(cells, chosen)
        if _has_name(pairs):
            found.append(pairs)
            return True
        return False

    # the Sniffer reads a preamble line ("Attendees, exported 2026") as much as the
    # table: when its guess finds no header, the other separators are tried
    for delimiter in dict.fromkeys(sniffed + csvfiles.DELIMITERS):
        table = csvfiles.find_table(text, where, *wanted, delimiter=delimiter, accept=accept)
        if table is not None:
            return table, found[-1]
    first = next((cells for cells in _rows(text, sniffed) if any(c.strip() for c in cells)), [])
    if not first:
        raise ImportFileError(f"{where}: empty file (no header row)")
    keys = {csvfiles.column_key(c) for c in first}
    for name, column in chosen.items():
        if column and csvfiles.column_key(column) not in keys:
            raise ImportFileError(
                f"--map {name}={column}: {where} has no column {column!r}"
                f" (its columns: {_columns_line(first)})"
            )
    said = f"{where}: no column troth recognises as a name (its columns: {_columns_line(first)});"
    raise ImportFileError(
        f"{said} say which: --map name=COLUMN (or first_name=COLUMN last_name=COLUMN)",
        web=f"{said} {RENAME_FOR_THE_WEB}",
    )


def _rows(text: str, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter)
    except csv.Error:
        return


class SpreadsheetParser:
    name = SOURCE

    def detect(self, path: Path) -> bool:
        text = csvfiles.head_text(path)
        return text is not None and looks_like_contacts(text)

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        raw = options.get("map") or {}
        chosen = dict(raw) if isinstance(raw, dict) else parse_map(_strings(raw))
        where = str(path)
        table, pairs = _find(csvfiles.read_text(path), where, chosen)
        # typed by hand, a row often stops at its last filled cell: missing cells are empty
        rows = list(table.rows(short_ok=True))
        # a header says what a column was meant for, its values what it holds: a column
        # of addresses is e-mail, never the name, whatever its header ("Contact")
        emails = email_columns(
            table.header, [item[1].cells for item in rows if not isinstance(item, Problem)]
        )
        if any(i in emails and name != "email" for i, name in pairs):
            pairs = mapping(table.header, chosen, email_columns=emails)
            if not _has_name(pairs):
                found = (
                    f"{where}: no column troth recognises as a name (its columns:"
                    f" {_columns_line(table.header)}; "
                    f"{', '.join(table.header[i].strip() for i in sorted(emails))} holds"
                    " e-mail addresses);"
                )
                raise ImportFileError(
                    f"{found} say which: --map name=COLUMN", web=f"{found} {RENAME_FOR_THE_WEB}"
                )
        yield ColumnMap([(table.header[i].strip(), name) for i, name in pairs])
        # 3/4/1980 is March 4 in Outlook's US export and 3 April in a British one: a
        # file's other dates (a 13 or more in first or second place) tell which
        dated = [i for i, name in pairs if name in ("birthday", "anniversary")]
        order = slash_order(
            row.cells[i] for item in rows if not isinstance(item, Problem) for row in (item[1],)
            for i in dated if i < len(row.cells)
        )  # fmt: skip
        for item in rows:
            if isinstance(item, Problem):
                yield item
                continue
            line, row = item
            yield from _contact(row.cells, pairs, f"{where}:{line}", order)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def _contact(
    cells: list[str], pairs: list[tuple[int, str]], where: str, order: str | None = None
) -> Iterator[Record]:
    values: dict[str, list[str]] = {}
    for i, name in pairs:
        cell = cells[i].strip() if i < len(cells) else ""
        if cell:
            values.setdefault(name, []).append(cell)

    def one(name: str) -> str:
        found = values.get(name)
        return clean(csvfiles.split_multi(found[0])[0]) if found else ""

    given, middle, family = one("first_name"), one("middle_name"), one("last_name")
    full = one("name") or " ".join(p for p in (given, middle, family) if p)
    if "," in full and not (given or family):
        # "Brandt, Hugo" as CRMs and mail merges write it (not "Hugo Brandt, PhD")
        parsed = HumanName(full)
        if parsed.first and parsed.last and not parsed.suffix:
            full = " ".join(p for p in (parsed.first, parsed.middle, parsed.last) if p)
    emails: list[str] = []
    for cell in values.get("email", []):
        for value in _SPLIT_EMAILS.split(cell):
            if not value:
                continue
            try:
                email = normalize_email(value)
            except ContactError:
                yield bad_email(where, value)
                continue
            if email not in emails:
                emails.append(email)
    phones = _many(values.get("phone", []), _SPLIT_MANY)
    urls = _many(values.get("url", []), _SPLIT_MANY)
    tags = [
        t
        for t in _many(values.get("tags", []), _SPLIT_TAGS, strip="* ")
        if fold(t) not in _SYSTEM_TAGS
    ]
    company, title, nickname = one("company"), one("title"), one("nickname")[:100]
    full = full or nickname or (emails[0] if emails else "") or company
    dates: list[KeyDate] = []
    for name, kind in (("birthday", BIRTHDAY), ("anniversary", ANNIVERSARY)):
        value = one(name)
        if is_blank(value):
            continue
        try:
            dates.append(read_date(kind, "", value, order))
        except KeyDateError as error:
            yield Problem(
                where,
                f"{kind} is not a date: {value!r} ({error}; contact kept without it)",
                "a birthday or other date is not a date (contact kept without it)",
            )
    if not full:
        yield Problem(where, "row with no name, email or company")
        return
    yield PersonRecord(
        source=SOURCE,
        external_id=contact_id(full, emails, phones),
        full_name=full,
        given_name=given,
        family_name=family,
        nickname=nickname,
        emails=emails,
        phones=phones,
        urls=urls,
        company=company,
        title=title,
        tags=tags,
        note="\n\n".join(values.get("notes", [])),
        where=where,
        dates=dates,
    )


def _many(cells: list[str], split: re.Pattern[str], strip: str = "") -> list[str]:
    out: list[str] = []
    for cell in cells:
        for value in split.split(cell):
            value = value.strip(strip).strip() if strip else value.strip()
            if value and value not in out:
                out.append(value)
    return out


PARSER = SpreadsheetParser()
