"""vCard 2.1, 3.0 and 4.0 address books -> PersonRecords (pure: no Django).

vobject reads each card (unfolding, quoted-printable, parameters), but the file
is first split into cards here, line by line, so that one broken card becomes a
`Problem` naming its line while the rest of the file is still imported. The
split also does what real exports need before any parser sees them:

* line endings CRLF, LF, CR and iOS's doubled CR;
* raw 8-bit values in the charset a line names (``N;CHARSET=SHIFT_JIS:...`` from
  Japanese feature phones), else UTF-8, else Windows-1252;
* ``#`` comment lines dropped (but not a quoted-printable continuation that
  happens to start with ``#``);
* nested cards (``BEGIN:VCARD`` inside a card) read as cards of their own;
* group prefixes on BEGIN/END (``item1.BEGIN``) and stray whitespace before them.

Within a card, vobject's line reader unfolds lines (RFC folding and
quoted-printable soft breaks) and parses names, groups and parameters; its
per-version behaviours are not used (they mangle some values, e.g. an FN with a
comma, and fail a whole card on a bad photo), so values are decoded here: a
malformed photo is dropped, a birthday or anniversary that is not a date is
reported and dropped (`card_dates`), a contact point that does not normalise is dropped, and only a line that cannot be read at all costs the
card (reported as a Problem).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import vobject.base

from troth.importers.records import ImportFileError, PersonRecord, Problem, Record
from troth.lib.contact import ContactError, normalize_email, normalize_phone, normalize_url
from troth.lib.keydates import ANNIVERSARY, BIRTHDAY, KeyDate, KeyDateError, kind_of, read_date

SOURCE = "vcard"

_LINES = re.compile(rb"\r\r\n|\r\n|\n|\r")
_BEGIN = re.compile(r"^\s*(?:[A-Za-z0-9_-]*\.)?BEGIN\s*:\s*VCARD\s*$", re.I)
_END = re.compile(r"^\s*(?:[A-Za-z0-9_-]*\.)?END\s*:\s*VCARD\s*$", re.I)
_CHARSET = re.compile(rb"""CHARSET\s*=\s*"?([A-Za-z0-9_.:-]+)""", re.I)
_QP = re.compile(rb"QUOTED-PRINTABLE", re.I)
_PROPERTY = re.compile(rb"^[A-Za-z0-9_.-]+[;:]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Google Contacts system groups, which say nothing about the person.
_SYSTEM_TAGS = {"my contacts", "starred in android", "* mycontacts", "* starred"}


@dataclass
class _Card:
    line: int  # 1-based line of its BEGIN
    lines: list[str]
    closed: bool = False


def _decode(raw: bytes, charset: str | None) -> str:
    for name in (charset, "utf-8"):
        if not name:
            continue
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


def _charset(header: bytes) -> str | None:
    found = _CHARSET.search(header)
    if not found:
        return None
    name = found.group(1).decode("ascii")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def split_cards(data: bytes) -> tuple[list[_Card], list[Problem], bool]:
    """The cards in a file (by BEGIN/END lines, nested ones apart), problems with
    the file's structure, and whether any BEGIN:VCARD was seen at all."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    physical = _LINES.split(data)
    cards: list[_Card] = []
    problems: list[Problem] = []
    stack: list[_Card] = []
    seen_begin = False
    charset: str | None = None
    qp_header = False  # the current logical line is quoted-printable
    qp_next = False  # ... and its last physical line ended with a soft break
    backslash = False  # the last line ended with "\\" (Android 2.1 multi-line values)
    for number, raw in enumerate(physical, start=1):
        folded = raw[:1] in (b" ", b"\t")
        continuation = qp_next or (bool(stack) and folded)
        if backslash and stack and raw.strip() and not folded and not _PROPERTY.match(raw):
            backslash = raw.rstrip().endswith(b"\\")
            stack[-1].lines[-1] = stack[-1].lines[-1][:-1] + "\\n" + _decode(raw, charset)
            continue
        if not continuation:
            if not raw.strip() or raw.startswith(b"#"):
                qp_header = qp_next = False
                continue
            header = raw.split(b":", 1)[0]
            charset = _charset(header)
            qp_header = bool(_QP.search(header))
        text = _decode(raw, charset)
        qp_next = qp_header and raw.rstrip(b" \t").endswith(b"=")
        backslash = not qp_header and raw.rstrip().endswith(b"\\")
        if not stack:
            text = text.lstrip(" \t")  # a fold before any card: nothing to continue
        if not continuation and _BEGIN.match(text):
            seen_begin = True
            stack.append(_Card(number, ["BEGIN:VCARD"]))
            continue
        if not continuation and _END.match(text):
            if not stack:
                problems.append(Problem(str(number), "END:VCARD without a BEGIN:VCARD"))
                continue
            card = stack.pop()
            card.lines.append("END:VCARD")
            card.closed = True
            cards.append(card)
            continue
        if not stack:
            continue  # text between cards
        if continuation and len(stack[-1].lines) == 1:
            text = text.lstrip(" \t")  # a fold with nothing before it to continue
        stack[-1].lines.append(text)
    for card in stack:
        cards.append(card)
    cards.sort(key=lambda card: card.line)
    return cards, problems, seen_begin


def _split(value: str, sep: str) -> list[str]:
    """Split a raw value on `sep` where it is not backslash-escaped."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char in "nN" else char

    return re.sub(r"\\(.)", one, value, flags=re.S).strip()


@dataclass
class _Line:
    """One property of a card as read: name and group upper-case, parameters by
    upper-case name (bare vCard 2.1 ones in `bare`), the value still escaped."""

    name: str
    value: str
    group: str = ""
    params: dict[str, list[str]] = field(default_factory=dict)
    bare: set[str] = field(default_factory=set)

    def kinds(self) -> set[str]:
        """Every TYPE/ENCODING/VALUE value and bare parameter, upper-case."""
        found = set(self.bare)
        for key in ("TYPE", "ENCODING", "VALUE"):
            for value in self.params.get(key, []):
                found.update(part.strip().upper() for part in value.split(","))
        if "PREF" in self.params:
            found.add("PREF")
        return found


def _qp(value: str, charset: str | None) -> str:
    raw = quopri.decodestring(value.encode("utf-8", errors="replace"))
    return _decode(raw, charset)


def read_card(lines: list[str]) -> list[_Line]:
    """The properties of one card (its BEGIN/END lines excluded); raises
    vobject's ParseError on a line that is not a property at all."""
    found: list[_Line] = []
    stream = io.StringIO("\r\n".join(lines))
    for text, number in vobject.base.getLogicalLines(stream, allowQP=True):
        name, params, value, group = vobject.base.parseLine(text, number)
        line = _Line(name.upper(), value or "", (group or "").upper())
        for param in params:
            if len(param) == 1:
                line.bare.add(str(param[0]).upper())
            else:
                line.params.setdefault(str(param[0]).upper(), []).extend(map(str, param[1:]))
        if "QUOTED-PRINTABLE" in line.kinds():
            charset = next(iter(line.params.get("CHARSET", [])), None)
            try:
                codecs.lookup(charset or "utf-8")
            except LookupError:
                charset = None
            line.value = _qp(line.value, charset)
        found.append(line)
    return found


def _email(value: str) -> str | None:
    value = re.sub(r"^mailto:", "", value.strip(), flags=re.I)
    for candidate in (value, parseaddr(value)[1]):
        try:
            return normalize_email(candidate)
        except ContactError:
            continue
    return None


def _phone(value: str) -> str | None:
    value = value.strip()
    if value.lower().startswith(("sip:", "mailto:")):
        return None
    value = re.sub(r"^tel:", "", value, flags=re.I)
    try:
        return normalize_phone(value)
    except ContactError:
        return None


def _url(value: str) -> str | None:
    try:
        return normalize_url(value)
    except ContactError:
        return None


# The largest photo kept: phones and address books export well under 1 MiB; 8 MiB as
# base64 is under 11 MiB, within a restorable row (an attacker review of issue 17).
PHOTO_MAX = 8 * 1024 * 1024


def _photo(line: _Line, value: str) -> bytes | None:
    kinds = line.kinds()
    value = value.strip()
    if value.lower().startswith("data:"):
        meta, _, value = value.partition(",")
        if ";base64" not in meta.lower():
            return None
    elif not kinds & {"B", "BASE64"}:
        return None  # a URI (or nothing): photos are kept only when inline
    data = re.sub(r"\s+", "", value)
    if not data or len(data.rstrip("=")) * 3 // 4 > PHOTO_MAX:
        # too big is dropped like a malformed one: a backup's row holding it must stay
        # under the restore's 16 MiB a row (backup/jsonstream.py), as base64 inside JSON
        return None
    try:
        photo = base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return photo or None


def _name_from_n(parts: list[str]) -> tuple[str, str, str]:
    fields = [_unescape(p).replace(",", " ").strip() for p in parts] + [""] * 5
    family, given, additional, prefix, suffix = fields[:5]
    if _CJK.search(family + given):
        full = " ".join(p for p in (family, given) if p)
    else:
        full = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
    return re.sub(r"\s+", " ", full).strip(), given, family


def _add(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


def person(card: list[_Line], where: str, me: set[str]) -> PersonRecord | Problem:
    """One card's properties -> a PersonRecord (or why not)."""
    full_name = given = family = company = title = uid = nickname = ""
    emails: list[str] = []
    pref_emails: list[str] = []
    phones: list[str] = []
    urls: list[str] = []
    tags: list[str] = []
    notes: list[str] = []
    photo: bytes | None = None
    name_from_n = ""
    for line in card:
        name, value = line.name, line.value
        if name == "FN" and not full_name:
            full_name = re.sub(r"\s+", " ", _unescape(value))
        elif name == "N" and not name_from_n:
            name_from_n, given, family = _name_from_n(_split(value, ";"))
        elif name == "EMAIL":
            email = _email(_unescape(value))
            _add(pref_emails if "PREF" in line.kinds() else emails, email)
        elif name == "TEL":
            _add(phones, _phone(_unescape(value)))
        elif name in ("URL", "X-SOCIALPROFILE"):
            _add(urls, _url(_unescape(value)))
        elif name == "NICKNAME" and not nickname:  # several, comma-separated: the first
            nickname = _unescape(_split(value, ",")[0]).strip()[:100]
        elif name == "ORG" and not company:
            company = _unescape(_split(value, ";")[0])
        elif name == "TITLE" and not title:
            title = _unescape(value)
        elif name == "NOTE":
            note = _unescape(value).replace("\r\n", "\n").replace("\r", "\n")
            if note and note not in notes:
                notes.append(note)
        elif name == "CATEGORIES":
            for tag in _split(value, ","):
                tag = _unescape(tag)
                if tag and tag.lower() not in _SYSTEM_TAGS and tag not in tags:
                    tags.append(tag)
        elif name == "PHOTO" and photo is None:
            photo = _photo(line, value)
        elif name == "UID" and not uid:
            uid = _unescape(value)
    emails = pref_emails + [e for e in emails if e not in pref_emails]
    if me and me.intersection(emails):
        return Problem(where, "the owner's own card")
    full_name = full_name or name_from_n
    if not full_name:
        # A card with only an address or a company still names someone reachable.
        full_name = company or (emails[0] if emails else "") or (phones[0] if phones else "")
    if not full_name and not urls:
        return Problem(where, "card has no name, email, phone or company")
    full_name = full_name or urls[0]
    if not uid:
        identity = "\x1f".join([full_name.casefold(), *sorted(emails), *sorted(phones)])
        uid = "hash:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
    return PersonRecord(
        source=SOURCE,
        external_id=uid,
        full_name=full_name,
        given_name=given,
        family_name=family,
        nickname=nickname,
        emails=emails,
        phones=phones,
        urls=urls,
        company=company,
        title=title,
        tags=tags,
        note="\n\n".join(notes),
        photo=photo,
        where=where,
    )


# Where address books keep an anniversary (vCard 4 has ANNIVERSARY; 3.0 had none).
_ANNIVERSARY = ("ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY")


def card_dates(card: list[_Line], where: str) -> tuple[list[KeyDate], list[Problem]]:
    """A card's birthday (BDAY), anniversary and Apple's labelled dates (X-ABDATE with
    the X-ABLabel of its group); the first of each kind counts, one that is not a
    date is reported (the contact is kept without it)."""
    labels = {line.group: _unescape(line.value) for line in card if line.name == "X-ABLABEL"}
    dates: list[KeyDate] = []
    problems: list[Problem] = []
    for line in card:
        if line.name == "BDAY":
            kind, label = BIRTHDAY, ""
        elif line.name in _ANNIVERSARY:
            kind, label = ANNIVERSARY, ""
        elif line.name == "X-ABDATE":
            kind, label = kind_of(labels.get(line.group, "") if line.group else "")
        else:
            continue
        if any(d.kind == kind and d.label == label for d in dates):
            continue  # vCard 4's ALTID gives one date in several forms: the first is enough
        value = _unescape(line.value)
        try:
            dates.append(read_date(kind, label, value))
        except KeyDateError as error:
            what = label or kind
            problems.append(
                Problem(
                    where,
                    f"{what} is not a date: {value!r} ({error}; contact kept without it)",
                    "a birthday or other date is not a date (contact kept without it)",
                )
            )
    return dates, problems


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class VCardParser:
    name = "vcard"

    def detect(self, path: Path) -> bool:
        if not path.is_file():
            return False
        if path.suffix.lower() in (".vcf", ".vcard"):
            return True
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            return False
        return re.search(rb"^\s*BEGIN\s*:\s*VCARD", head, re.I | re.M) is not None

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        me_option = options.get("me")
        if isinstance(me_option, str):
            me_option = {me_option}
        me = (
            {str(m).lower() for m in me_option}
            if isinstance(me_option, set | frozenset | list | tuple)
            else set()
        )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ImportFileError(f"{path}: cannot read ({error.strerror})") from None
        cards, problems, seen_begin = split_cards(data)
        if not seen_begin:
            raise ImportFileError(f"{path}: not a vCard file (no BEGIN:VCARD line)")
        for problem in problems:
            yield Problem(f"{path}:{problem.where}", problem.reason)
        for card in cards:
            where = f"{path}:{card.line}"
            if not card.closed:
                yield Problem(where, "card has no END:VCARD (file cut short?)")
                continue
            try:
                parsed = read_card(card.lines[1:-1])
            except Exception as error:  # vobject raises many kinds on bad input
                # vobject counts lines within the card; the card's own line is in `where`.
                reason = re.sub(r"^At line \d+: ", "", _one_line(error))
                yield Problem(where, f"unreadable card: {reason}")
                continue
            found = person(parsed, where, me)
            if isinstance(found, PersonRecord):
                found.dates, bad = card_dates(parsed, where)
                yield from bad
            yield found


PARSER = VCardParser()
