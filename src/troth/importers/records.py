"""What every importer produces (pure: no Django).

A parser reads one file and yields `PersonRecord`s, `InteractionRecord`s and
`Problem`s; `troth.importers.apply` turns them into people and interactions,
resolving identities and never duplicating anything on re-import. Keeping the
parsers pure lets each format be tested on real files without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from troth.lib.contact import normalize_url
from troth.lib.keydates import KeyDate
from troth.lib.text import fold


@dataclass
class PersonRecord:
    source: str  # "linkedin", "google", "vcard", "ics", "mail", ...
    # Stable within the source (a profile URL, a vCard UID, an address); "" if none.
    external_id: str
    full_name: str
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""  # what they go by ("Bobby"), when the source says
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    company: str = ""
    title: str = ""
    # When the relationship began, as far as this source knows (LinkedIn "Connected On").
    met_on: dt.date | None = None
    met_how: str = ""
    tags: list[str] = field(default_factory=list)
    note: str = ""
    photo: bytes | None = None
    where: str = ""  # file:line or file#record, for reports
    # birthdays, anniversaries and other dates (vCard BDAY, Google's Birthday column)
    dates: list[KeyDate] = field(default_factory=list)


@dataclass
class InteractionRecord:
    source: str
    # Unique within the source (a Message-ID, an event UID + occurrence); the
    # database keeps (source, external_id, person) unique, so re-import adds nothing.
    external_id: str
    when: dt.datetime  # aware
    channel: str  # meeting, call, email, message, event
    # The counterpart(s): matched to people by email/URL first, then by name.
    emails: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    they_started: bool = False
    minutes: int | None = None
    summary: str = ""
    where: str = ""


@dataclass
class ParticipantsRecord:
    """Everyone on one small message besides the owner, by address: evidence of who
    knows whom among the owner's people (warm paths), never an interaction with the
    owner. `external_id` is the message's, as on its InteractionRecords; `parties`
    are (address, role) with role "from", "to" or "cc"; `owner_role` is where the
    owner was on it ("from" when the owner sent it)."""

    source: str
    external_id: str
    when: dt.datetime  # aware
    parties: list[tuple[str, str]]
    owner_role: str
    where: str = ""


@dataclass
class Problem:
    """A record that was skipped, with why (reported, never fatal).

    `group`, when the reason carries a value (an address, a date), is the reason
    without it: summaries count problems by group, so 5,000 different unknown
    senders make one line, with a few of them as examples."""

    where: str
    reason: str
    group: str = ""


@dataclass
class LeftOut:
    """Records a parser leaves out on purpose (mailing-list mail, duplicates...),
    counted by reason rather than listed: a big mailbox leaves out most of itself.
    `reason` names what was left out, plural ("mailing-list messages")."""

    reason: str
    count: int


@dataclass
class ColumnMap:
    """How a parser read a spreadsheet's columns (a CSV of the user's own making):
    (column as written in the file, the troth field it fills), in column order.
    Shown with the import's summary so a wrong guess is seen at once."""

    columns: list[tuple[str, str]]

    def describe(self) -> str:
        """'Name → name, E-mail → email'."""
        return ", ".join(f"{column} → {name}" for column, name in self.columns)


Record = PersonRecord | InteractionRecord | ParticipantsRecord | Problem | LeftOut | ColumnMap


class Parser(Protocol):
    """One importer: `detect` says whether a path is its kind (cheaply), `parse`
    yields what the file holds. A file that cannot be read at all raises
    ImportFileError (one line naming the file); a bad record is a Problem."""

    name: str

    def detect(self, path: Path) -> bool: ...

    def parse(self, path: Path, **options: object) -> Iterator[Record]: ...


class ImportFileError(Exception):
    """The whole file is unusable (wrong format, unreadable): nothing from it is kept.

    `web`: the message as the Import page and the API say it, when the command line's
    names a flag they do not have (`--map`); as `TrothError.web_message`."""

    def __init__(self, message: str, *, web: str | None = None) -> None:
        super().__init__(message)
        self.web_message = web or message


def canonical_url(value: str) -> str:
    """normalize_url, with a fast path for a URL already in its normal form (most
    LinkedIn profile URLs but for their "www."); raises ContactError like it."""
    if value.startswith("https://www.linkedin.com/") and value.isprintable():
        rest = value[25:]
        if " " not in rest and "?" not in rest and "#" not in rest:
            rest = rest.rstrip("/")
            return "https://linkedin.com/" + rest if rest else "https://linkedin.com"
    if (
        value.startswith("https://")
        and value[8:12].lower() != "www."
        and value == value.strip()
        and not value.endswith("/")
        and " " not in value
        and "?" not in value
        and "#" not in value
    ):
        host = value[8:].partition("/")[0]
        if "." in host and host == host.lower():
            return value
    return normalize_url(value)


def clean(text: str) -> str:
    """A name, company or title cell with its runs of white space folded to one space."""
    return " ".join(text.split())


def contact_id(full_name: str, emails: list[str], phones: list[str]) -> str:
    """The external id of a contact row from an export with no contact id of its own
    (Google's CSV, a spreadsheet): the first address or phone stands in, with the name,
    since two contacts may share one (a family mailbox, a landline)."""
    key = fold(full_name)
    if emails:
        return f"email:{emails[0]}|{key}"
    if phones:
        return f"phone:{phones[0]}|{key}"
    return f"name:{key}"


def bad_email(where: str, value: str) -> Problem:
    """An address cell that is not an e-mail address: reported, the contact kept."""
    return Problem(
        where,
        f"not an email address: {value!r} (contact kept without it)",
        "not an email address (contact kept without it)",
    )
