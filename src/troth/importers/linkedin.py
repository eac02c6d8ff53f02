"""LinkedIn data export: Connections.csv, messages.csv, Invitations.csv, or the whole
export as a folder or a zip (pure: no Django).

Every file is read by column name (see `csvfiles`), because LinkedIn has added,
dropped and renamed columns over the years. A connection becomes a person with
no interactions: being connected is not a relationship, so the trust engine
keeps them at stranger tier until something actually happens between you.
Messages become "message" interactions with whoever was on the other side;
the owner is recognised by profile URL or name (options `me` and `me_names`,
or the export's own Profile.csv). Sponsored InMail, system notices and drafts
are skipped; an invitation counts only when it carried a message.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from troth.importers import csvfiles, zipsafe
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    PersonRecord,
    Problem,
    Record,
    canonical_url,
)
from troth.lib.contact import ContactError, normalize_email
from troth.lib.credentials import plain_family_name, plain_given_name
from troth.lib.text import fold, is_number

SOURCE = "linkedin"
MET_HOW = "LinkedIn connection"

CONNECTIONS = ("First Name", "Last Name", "Connected On")
MESSAGES = ("From", "To", "Date", "Content")
INVITATIONS = ("From", "To", "Sent At", "Direction")
PROFILE = ("First Name", "Last Name", "Headline")

# The files of an export this importer reads, in the order they are applied:
# people first, so messages and invitations find them.
EXPORT_FILES = ("connections.csv", "messages.csv", "invitations.csv")

_DATE_FORMATS = (
    "%d %b %Y",  # 15 Dec 2024 (2021 onwards)
    "%d %B %Y",
    "%m/%d/%y, %I:%M %p",  # 1/8/18, 6:14 PM (2018; Invitations "Sent At")
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d-%b-%y",  # 23-Apr-23 (re-saved by Excel)
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S UTC",  # messages.csv
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M UTC",
    "%Y-%m-%d %H:%M",
)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


@functools.lru_cache(maxsize=8192)
def parse_when(text: str) -> dt.datetime | None:
    """A LinkedIn date or timestamp, as an aware datetime (UTC when none is given)."""
    value = " ".join(text.replace("\u202f", " ").split())
    if not value:
        return None
    parts = value.split(" ")
    if len(parts) == 3 and is_number(parts[0], 2) and is_number(parts[2], 4) and len(parts[2]) == 4:
        month = _MONTHS.get(parts[1][:3].lower())  # 15 Dec 2024: the common case, fast
        if month:
            try:
                return dt.datetime(int(parts[2]), month, int(parts[0]), tzinfo=dt.UTC)
            except ValueError:
                return None
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _url(text: str) -> str:
    if not text:
        return ""
    try:
        return canonical_url(text)
    except ContactError:
        return ""


def _email(text: str) -> str:
    if not text or "@" not in text:
        return ""
    try:
        return normalize_email(text)
    except ContactError:
        return ""


def _clean(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Me:
    """How the owner appears in the export: profile URLs and names (folded)."""

    urls: set[str]
    names: set[str]

    def is_me(self, url: str, name: str) -> bool:
        if url and url in self.urls:
            return True
        return bool(name) and fold(name) in self.names


def _me_from(options: dict[str, object]) -> Me:
    urls: set[str] = set()
    names: set[str] = set()
    for value in _strings(options.get("me")):
        if "@" not in value and _url(value):
            urls.add(_url(value))
    for value in _strings(options.get("me_names")):
        if fold(value) and fold(value) != "me":
            names.add(fold(value))
    return Me(urls, names)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return []


# ---------------------------------------------------------------- sources of text


@dataclass
class Member:
    """One CSV of the export: its display name and its text."""

    where: str
    text: str


def _read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return csvfiles.decode(data, str(path))


def _export_members(path: Path) -> dict[str, Member]:
    """The export's CSV files by lower-cased base name (folder or zip)."""
    found: dict[str, Member] = {}
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            key = child.name.lower()
            if child.is_file() and key.endswith(".csv") and key not in found:
                found[key] = Member(str(child), "")
        return found
    budget = zipsafe.Budget()  # the zip may be a bomb: limits per member and in total
    try:
        with zipsafe.open_zip(path) as archive:
            for info in archive.infolist():
                key = PurePosixPath(info.filename).name.lower()
                # A crafted entry may have no name at all (is_dir() would fail on it).
                if not key or info.is_dir() or not key.endswith(".csv") or key in found:
                    continue
                if key in EXPORT_FILES or key == "profile.csv":
                    where = f"{path}/{info.filename}"
                    data = zipsafe.read_member(archive, info, where, budget)
                    found[key] = Member(where, csvfiles.decode(data, where))
                    del data  # only the text stays
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(f"{path}: not a readable zip archive ({exc})") from None
    return found


def _looks_zipped(path: Path) -> bool:
    """A zip by its first bytes or its name, even when it cannot be opened (cut short
    in a download): it is then reported as a broken zip, not as a CSV of no kind."""
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _member_text(member: Member) -> str:
    return member.text or _read_file(Path(member.where))


# ---------------------------------------------------------------- the parser


class LinkedInParser:
    name = SOURCE

    def detect(self, path: Path) -> bool:
        if path.is_dir():
            return any(p.name.lower() == "connections.csv" for p in path.iterdir())
        if zipfile.is_zipfile(path):
            try:
                with zipsafe.open_zip(path) as archive:
                    names = {PurePosixPath(n).name.lower() for n in archive.namelist()}
            except (zipfile.BadZipFile, OSError, ImportFileError):
                return False
            return "connections.csv" in names
        text = csvfiles.head_text(path)
        return text is not None and which_table(text) is not None

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        me = _me_from(options)
        if path.is_dir() or zipfile.is_zipfile(path) or _looks_zipped(path):
            yield from self._parse_export(path, me)
            return
        text = _read_file(path)
        kind = which_table(text)
        if kind is None:
            raise ImportFileError(
                f"{path}: not a LinkedIn Connections.csv, messages.csv or Invitations.csv "
                "(no header row with their column names)"
            )
        yield from _parse_table(kind, text, str(path), me)

    def _parse_export(self, path: Path, me: Me) -> Iterator[Record]:
        members = _export_members(path)
        if not any(name in members for name in EXPORT_FILES):
            raise ImportFileError(
                f"{path}: not a LinkedIn export (no Connections.csv, messages.csv or "
                "Invitations.csv in it)"
            )
        profile = members.get("profile.csv")
        if profile is not None:
            table = csvfiles.find_table(_member_text(profile), profile.where, *PROFILE[:2])
            if table is not None:
                for item in table.rows():
                    if isinstance(item, Problem):
                        continue  # the owner's name is a nicety: a cut row just lacks it
                    _line, row = item
                    name = _clean(f"{row.get('First Name')} {row.get('Last Name')}")
                    if name:
                        me.names.add(fold(name))
                    break
        for name in EXPORT_FILES:
            member = members.get(name)
            if member is None:
                continue
            text = _member_text(member)
            kind = which_table(text)
            if kind is None:
                raise ImportFileError(f"{member.where}: no header row with the expected columns")
            yield from _parse_table(kind, text, member.where, me)


def which_table(text: str) -> str | None:
    """ "connections", "messages" or "invitations" from the header row, else None."""
    for keys in csvfiles.header_keys(text):
        if all(csvfiles.column_key(c) in keys for c in CONNECTIONS):
            return "connections"
        if all(csvfiles.column_key(c) in keys for c in INVITATIONS):
            return "invitations"
        if all(csvfiles.column_key(c) in keys for c in MESSAGES):
            return "messages"
    return None


def _parse_table(kind: str, text: str, where: str, me: Me) -> Iterator[Record]:
    required = {"connections": CONNECTIONS, "messages": MESSAGES, "invitations": INVITATIONS}
    table = csvfiles.find_table(text, where, *required[kind])
    if table is None:  # which_table found it, so this cannot happen
        raise ImportFileError(f"{where}: no header row")
    if kind == "connections":
        yield from _connections(table)
    elif kind == "messages":
        yield from _messages(table, me)
    else:
        yield from _invitations(table, me)


def _connections(table: csvfiles.Table) -> Iterator[Record]:
    # Each column's place read once, its cells read straight from the row (what
    # Row.get does, a call fewer per cell: seven cells of 30,000 rows, issue 20).
    # Table.rows() yields no row shorter than the header's named columns.
    places = [
        table.index(name)
        for name in (
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        )
    ]
    for item in table.rows():
        if isinstance(item, Problem):
            yield item
            continue
        line, row = item
        cells = row.cells
        first, last, url_cell, raw_email, company, position, connected_on = (
            "" if i is None else cells[i].strip() for i in places
        )
        where = f"{table.where}:{line}"
        first, last = _clean(first), _clean(last)
        typed = _clean(f"{first} {last}")  # as the member wrote it, for an old export's id
        # "Jane Raman, PhD" is Jane Raman: the credentials would keep her apart from the
        # address book's (troth.lib.credentials)
        first, last = plain_given_name(first), plain_family_name(last)
        full = _clean(f"{first} {last}")
        url = _url(url_cell)
        email = _email(raw_email)
        if not full:
            what = "only a date" if connected_on else "no name"
            yield Problem(where, f"connection with {what} (LinkedIn hides some members)")
            continue
        connected = parse_when(connected_on)
        if url:
            external_id = url
        elif raw_email.startswith("urn:li:member:"):
            external_id = raw_email
        elif email:
            external_id = f"email:{email}"
        else:
            # Exports before 2021 have no URL: name and day is as stable as it gets.
            day = connected.date().isoformat() if connected else ""
            external_id = f"name:{fold(typed)}|{day}"
        yield PersonRecord(
            source=SOURCE,
            external_id=external_id,
            full_name=full,
            given_name=first,
            family_name=last,
            emails=[email] if email else [],
            urls=[url] if url else [],
            company=_clean(company),
            title=_clean(position),
            met_on=connected.date() if connected else None,
            met_how=MET_HOW,
            where=where,
        )


_SPONSORED = re.compile(r"%[A-Z]+%")


def _split_names(text: str, count: int) -> list[str]:
    """Recipient names; several only when the URLs say there are several."""
    if count <= 1:
        return [_clean(text)] if _clean(text) else []
    parts = [_clean(p) for p in text.split(",")]
    return parts if len(parts) == count else []


def _summary(subject: str, content: str) -> str:
    text = subject or re.sub(r"<[^>]+>", " ", html.unescape(content))
    text = _clean(text)
    return text if len(text) <= 200 else text[:199] + "…"


def _message_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"msg:{digest}"


def _messages(table: csvfiles.Table, me: Me) -> Iterator[Record]:
    rows: list[tuple[int, csvfiles.Row]] = []
    for item in table.rows():
        if isinstance(item, Problem):
            yield item
        else:
            rows.append(item)
    if not me.urls and not me.names:
        _guess_me(rows, me)
    for line, row in rows:
        where = f"{table.where}:{line}"
        sender, sender_url = _clean(row.get("From")), _url(row.get("Sender Profile URL"))
        to_text = row.get("To")
        to_urls = [u for u in (_url(x) for x in row.get("Recipient Profile URLs").split(",")) if u]
        folder = row.get("Folder").upper()
        title = row.get("Conversation Title")
        content = row.get("Content")
        if row.get("Is Message Draft").lower() == "true" or folder == "DRAFT":
            yield Problem(where, "draft message (never sent)")
            continue
        if (
            fold(title) == "sponsored conversation"
            or folder == "SPONSORED"
            or (fold(sender) == "linkedin member" and not sender_url)
            or _SPONSORED.search(content)
        ):
            yield Problem(where, "sponsored message")
            continue
        if not sender or not _clean(to_text):
            yield Problem(where, "system message (no sender or recipient)")
            continue
        when = parse_when(row.get("Date"))
        if when is None:
            yield Problem(
                where,
                f"message with an unreadable date {row.get('Date')!r}",
                "message with an unreadable date",
            )
            continue
        direction = row.get("Direction").upper()
        if direction in {"OUTGOING", "INCOMING"}:
            outgoing = direction == "OUTGOING"
        elif me.is_me(sender_url, sender):
            outgoing = True
        elif any(u in me.urls for u in to_urls) or me.is_me("", to_text):
            outgoing = False
        else:
            yield Problem(
                where,
                "message neither from nor to you (tell troth who you are: "
                "--me YOUR-LINKEDIN-URL, or import the whole export)",
            )
            continue
        if outgoing:
            urls = [u for u in to_urls if u not in me.urls]
            names = [n for n in _split_names(to_text, len(to_urls)) if fold(n) not in me.names]
        else:
            urls = [sender_url] if sender_url else []
            names = [sender]
        key = row.get("Conversation ID") or title
        yield InteractionRecord(
            source=SOURCE,
            external_id=_message_id(key, row.get("Date"), sender, content),
            when=when,
            channel="message",
            names=names,
            urls=urls,
            they_started=not outgoing,
            summary=_summary(row.get("Subject"), content),
            where=where,
        )


def _guess_me(rows: list[tuple[int, csvfiles.Row]], me: Me) -> None:
    """The owner is on every message: the one sender/recipient present in the most rows."""
    seen: Counter[str] = Counter()
    for _line, row in rows:
        found = {_url(row.get("Sender Profile URL"))}
        found.update(_url(x) for x in row.get("Recipient Profile URLs").split(","))
        found.discard("")
        seen.update(found)
    if not seen:
        return
    (best, n), *rest = seen.most_common(2) + [("", 0)]
    if n >= 2 and n > rest[0][1]:
        me.urls.add(best)


def _invitations(table: csvfiles.Table, me: Me) -> Iterator[Record]:
    for item in table.rows():
        if isinstance(item, Problem):
            yield item
            continue
        line, row = item
        message = row.get("Message")
        if not message:
            continue  # a click, not a conversation
        where = f"{table.where}:{line}"
        when = parse_when(row.get("Sent At"))
        if when is None:
            yield Problem(
                where,
                f"invitation with an unreadable date {row.get('Sent At')!r}",
                "invitation with an unreadable date",
            )
            continue
        incoming = row.get("Direction").upper() == "INCOMING"
        name = row.get("From") if incoming else row.get("To")
        url = _url(row.get("inviterProfileUrl") if incoming else row.get("inviteeProfileUrl"))
        yield InteractionRecord(
            source=SOURCE,
            external_id=_message_id("invitation", row.get("Sent At"), name, message),
            when=when,
            channel="message",
            names=[_clean(name)] if _clean(name) else [],
            urls=[url] if url else [],
            they_started=incoming,
            summary=_summary("", "Invitation: " + message),
            where=where,
        )


PARSER = LinkedInParser()
