"""Mail: who the owner really corresponds with, from mail headers only (pure: no Django).

Reads an mbox file, a Maildir, a folder tree of single-message files (`.eml`
files, or numbered files as MH and many archives store them; nested folders
and Maildir++ sub-folders included) or a single message file. Only headers are
read (see `troth.importers.mailscan`): From, To, Cc, Date, Message-ID, Subject,
List-Id, List-Unsubscribe, Precedence, Auto-Submitted, and for bounces
Return-Path, X-Failed-Recipients and Content-Type.

Options: `me` (required: the owner's addresses; without them nothing can tell
sent mail from received mail, so a `me` without any email address raises
ImportFileError asking for --me ADDRESS; other values, phones or URLs, are
ignored), `today` (a date; mail dated more than a day after it is a Problem),
`workers` (processes for a big mbox; default: one per idle CPU), `progress` (called
as progress("messages", n) every thousand messages read), `stats` (a dict
the parser fills with counts: messages, duplicates, excluded by reason, problems,
correspondents, interactions).

Each message, in this order:

1. No From address (missing header, "From: foo") -> Problem, skipped.
2. Excluded (counted in stats; at the end one `LeftOut` record per reason, the
   duplicates and the messages with no correspondent included): mailing lists
   (List-Id or List-Unsubscribe present, Precedence list/bulk/junk), automated mail
   (Auto-Submitted other than "no"), bounces (Return-Path <>, X-Failed-Recipients, Content-Type
   multipart/report, a MAILER-DAEMON or postmaster sender) and no-reply senders
   (noreply, no-reply, donotreply, notifications@, mailer-daemon, ...).
3. No Date, or one that cannot be read, or one in the future -> Problem, skipped.
4. Direction: sent by the owner (From is one of `me`) -> the counterparts are the
   To and Cc addresses other than the owner's and no-reply ones (they_started
   False). Sent by someone
   else with the owner in To or Cc -> the counterpart is the sender (they_started
   True). Anything else (list copies, Bcc) is not addressed to the owner: excluded.
5. Duplicates: the fingerprint is a hash of the sender's address, the Date in UTC
   to the second and the subject (encoded words decoded, case and spacing folded);
   the same mail seen twice (in several folders, with different Message-IDs) counts
   once. The fingerprint is each interaction's external_id, so importing the same
   mail again adds nothing.

Who becomes a person (a "correspondent"), over the deduplicated messages left:
an address X (not the owner's) is a correspondent when

- two-way: the owner sent at least one message with X in To or Cc, AND X sent at
  least one message with the owner in To or Cc; or
- the owner sent at least 2 messages with X in To (Cc alone does not count); or
- X sent at least 2 messages with the owner in To (Cc alone does not count).

So someone who only ever cc'd the owner, or whom the owner cc'd, or a one-off
sender, is not a person; nor is a mailing list the owner posts to (its address is
learnt from the List-Id of the list's own messages, see list_addresses). Each correspondent gets one PersonRecord (source "mail",
external_id the address, their most used display name, or the address when they
never gave one) and an InteractionRecord (channel "email") for every message
exchanged with them; nobody else gets interactions.

Who was on a message with whom (warm paths' evidence, issue 12): every kept message
with two to MAX_PARTICIPANTS people on it besides the owner, incoming mail included,
also yields one ParticipantsRecord: the sender, To and Cc addresses other than the
owner's and no-reply ones, and where the owner was (from, to or cc). These are not
interactions (the owner did not correspond with a co-recipient); the import keeps
them by address (importers.MessageParticipant).

Memory stays flat in the size of the mailbox: pass 1 writes one compact row per
message (fingerprint, time, direction, subject) and one per counterpart to a
temporary SQLite file, which also drops the duplicates; pass 2 counts per address
there and reads the interactions back in date order.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from django.utils import timezone

from troth.importers import mailscan
from troth.importers.mailscan import Headers
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    LeftOut,
    ParticipantsRecord,
    PersonRecord,
    Problem,
    Record,
)
from troth.lib.contact import ContactError, normalize_email

SOURCE = "mail"

# Senders (local parts) that are machines: no-reply and notification senders,
# bounce and daemon addresses, and mailing-list machinery (majordomo, listserv,
# mailman, owner-LIST, LIST-request, LIST-owner).
_NOREPLY = re.compile(
    r"^(?:.*no-?reply.*|do-?not-?reply.*|notifications?|notify|alerts?|mailer-daemon|"
    r"postmaster|bounces?(?:[+-].*)?|.*-bounces?(?:[+-].*)?|daemon|automated|auto-?confirm|"
    r"mail-?daemon|root|majordomo|listserv|mailman|owner-.+|.+-request|.+-owner)$"
)
_PIPERMAIL = re.compile(r"^\s*([^\s@()<>]+) at ([^\s@()<>]+\.[^\s@()<>]+)")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"^\d+$")
# Problems that carry a value: summaries count them by this much of the reason.
_VALUED = ("unreadable Date", "Date in the future")
_MESSAGE_KEYS = (b"from", b"to", b"date", b"subject", b"message-id")

# What pass 1 yields per message: ("p", reason) a Problem; ("x", why) excluded;
# ("m", fingerprint, unix time, outgoing, subject, ((email, name, in To), ...)).
Classified = tuple[Any, ...]


# -- decoding -------------------------------------------------------------------


def text(raw: bytes) -> str:
    """A raw header value as text: UTF-8, else Latin-1 (undecodable bytes never fail)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
_QP_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded (only when there are any). Bytes that do not
    fit the declared charset (or an unknown one) are read as Latin-1, and a word
    that is not valid base64 or quoted-printable is kept as written. (email.header
    does the same job about five times slower, and fails on a wrong charset.)"""
    if "=?" not in value:
        return value
    out: list[str] = []
    pos = 0
    for m in _ENCODED_WORD.finditer(value):
        gap = value[pos : m.start()]
        if not (out and pos and not gap.strip()):  # space between two words is dropped
            out.append(gap)
        out.append(_decode_word(*m.groups()) or m[0])
        pos = m.end()
    out.append(value[pos:])
    return "".join(out)


def _decode_word(charset: str, encoding: str, data: str) -> str:
    try:
        if encoding in "Bb":
            raw = base64.b64decode(data + "=" * (-len(data) % 4))
        else:
            raw = _QP_BYTE.sub(
                lambda m: bytes([int(m[1], 16)]), data.replace("_", " ").encode("ascii")
            )
    except (ValueError, UnicodeEncodeError):  # binascii.Error is a ValueError
        return ""
    try:
        return raw.decode(charset.partition("*")[0])  # "utf-8*en": RFC 2231 language
    except (LookupError, UnicodeDecodeError):
        return raw.decode("latin-1")


def _clean_name(name: str, addr: str) -> str:
    name = _SPACES.sub(" ", decode_words(name)).strip().strip("'\"").strip()
    return "" if name.lower() == addr else name


@lru_cache(maxsize=8192)
def addresses(raw: bytes) -> tuple[tuple[str, str], ...]:
    """(normalised email, display name) for each valid address in an address header."""
    value = text(raw)
    if "@" not in value and " at " in value:  # pipermail's "user at example.org (Name)"
        value = _PIPERMAIL.sub(r"\1@\2", value)
    found = _parse_addresses(value)
    if not found and "=?" in value:  # the whole address encoded (seen in spam)
        found = _parse_addresses(decode_words(value))
    return found


# The common shapes of one address: "Name" <a@b>, Name <a@b>, <a@b>, a@b; anything
# else (comments, groups, escapes, obsolete routes) goes to email.utils.getaddresses,
# which is exact but about ten times slower.
_ADDRESS = re.compile(
    r'[\s,]*(?:(?:"((?:[^"\\\r\n])*)"|([^",<>()\\:;@]*?))\s*<([^<>\s(),"]+)>'
    r'|([^\s<>(),":;"]+@[^\s<>(),":;"]+))\s*(?=,|$)'
)


def _parse_addresses(value: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    pos, end = 0, len(value.rstrip(", \t"))
    while pos < end:
        m = _ADDRESS.match(value, pos, end)
        if m is None:
            pairs = email.utils.getaddresses([value])
            break
        quoted, plain, bracketed, bare = m.groups()
        pairs.append((quoted or plain or "", bracketed or bare))
        pos = m.end()
    out = []
    for name, addr in pairs:
        try:
            norm = normalize_email(addr)
        except ContactError:
            continue
        out.append((norm, _clean_name(name, norm)))
    return tuple(out)


def subject_key(subject: str) -> str:
    return _SPACES.sub(" ", subject).strip().casefold()


def fingerprint(sender: str, when: dt.datetime | float, subject: str) -> str:
    """What identifies one mail wherever it is filed: the sender, the Date to the
    second (as UTC seconds since 1970) and the subject, case and spacing folded."""
    seconds = int(when.timestamp() if isinstance(when, dt.datetime) else when)
    key = f"{sender}\x00{seconds}\x00{subject_key(subject)}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_DATE = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d\d):(\d\d)(?::(\d\d))?"
    r"\s+([+-])(\d\d)(\d\d)(?:\s*\(.*\))?$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def date_seconds(raw: bytes) -> float | None:
    """A Date header as seconds since 1970 (UTC), or None if it cannot be read."""
    m = _DATE.match(text(raw).strip())
    if m:  # the usual form: arithmetic, no datetime objects
        day, mon, year, hh, mm, ss, sign, zh, zm = m.groups()
        month = _MONTHS.get(mon.lower())
        if month and int(hh) < 24 and int(mm) < 60 and int(ss or 0) < 61 and int(zm) < 60:
            try:
                days = dt.date(int(year), month, int(day)).toordinal() - _EPOCH_DAY
            except ValueError:
                return None
            offset = int(zh) * 3600 + int(zm) * 60
            return (
                days * 86400
                + int(hh) * 3600
                + int(mm) * 60
                + int(ss or 0)
                + (offset if sign == "-" else -offset)
            )
    when = parse_date(raw)
    if when is None:
        return None
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):
        return None


def parse_date(raw: bytes) -> dt.datetime | None:
    value = text(raw).strip()
    m = _DATE.match(value)
    if m:  # the usual "Mon, 3 Jun 2024 10:00:00 +0000", without the general parser
        day, mon, year, hh, mm, ss, sign, zh, zm = m.groups()
        month = _MONTHS.get(mon.lower())
        if month:
            try:
                offset = dt.timedelta(hours=int(zh), minutes=int(zm))
                zone = dt.timezone(-offset if sign == "-" else offset)
                return dt.datetime(
                    int(year), month, int(day), int(hh), int(mm), int(ss or 0), tzinfo=zone
                )
            except ValueError:
                pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:  # "2012-12-08 00:48", as some tools write it
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if when.tzinfo is None:  # "-0000": UTC, origin unknown
        when = when.replace(tzinfo=dt.UTC)
    return when


# -- pass 1: one message -------------------------------------------------------


def _exclusion(h: Headers, sender: str, mine: bool) -> str:
    if b"list-id" in h or b"list-unsubscribe" in h:
        return "mailing list"
    precedence = h.get(b"precedence", b"").strip().lower()
    if precedence in (b"list", b"bulk", b"junk"):
        return "mailing list"
    auto = h.get(b"auto-submitted", b"no").strip().lower()
    if auto and not auto.startswith(b"no"):
        return "automated"
    if (
        # A null Return-Path marks notifications (bounces, receipts, auto-replies); some
        # clients write it on the owner's own saved copies too, so not for those.
        (h.get(b"return-path", b"").replace(b" ", b"") == b"<>" and not mine)
        or b"x-failed-recipients" in h
        or h.get(b"content-type", b"").lower().lstrip().startswith(b"multipart/report")
    ):
        return "bounce"
    local = sender.partition("@")[0]
    if not mine and _NOREPLY.match(local):
        return "bounce" if local in ("mailer-daemon", "postmaster") else "no-reply sender"
    return ""


_LIST_ID = re.compile(r"<([^<>\s]+)>")


def list_addresses(h: Headers) -> tuple[str, ...]:
    """The list's own posting address in a list message: the To or Cc address that
    List-Id names (List-Id <dev.example.org> names dev@example.org). The owner's own
    posts, in a Sent folder, carry no List-Id: known this way, the list address
    never becomes a correspondent, however often the owner wrote to it."""
    found = _LIST_ID.findall(text(h[b"list-id"]))
    if not found:
        return ()
    ident = found[-1].lower()
    out = []
    for field in (b"to", b"cc"):
        for addr, _name in addresses(h[field]) if field in h else ():
            local, _, domain = addr.partition("@")
            if ident == f"{local}.{domain}":
                out.append(addr)
    return tuple(out)


def _no_reply(addr: str) -> bool:
    return bool(_NOREPLY.match(addr.partition("@")[0]))


def classify(h: Headers, me: frozenset[str], latest: float) -> Classified:
    """Decide what one message is (see the module docstring, steps 1-4)."""
    senders = addresses(h[b"from"]) if b"from" in h else ()
    if not senders:
        return ("p", "no From address" if b"from" not in h else "From has no address")
    sender, _sender_name = senders[0]
    why = _exclusion(h, sender, sender in me)
    if why:
        if b"list-id" in h:
            return ("x", why, list_addresses(h))
        return ("x", why)
    if b"date" not in h:
        return ("p", "no Date")
    ts = date_seconds(h[b"date"])
    if ts is None:
        return ("p", f"unreadable Date {text(h[b'date'])[:60]!r}")
    if ts > latest:
        return ("p", f"Date in the future ({dt.datetime.fromtimestamp(ts, dt.UTC):%Y-%m-%d})")
    to = addresses(h[b"to"]) if b"to" in h else ()
    cc = addresses(h[b"cc"]) if b"cc" in h else ()
    subject = _SPACES.sub(" ", decode_words(text(h.get(b"subject", b"")))).strip()
    if sender in me:
        seen: dict[str, tuple[str, str, bool]] = {}
        for group, in_to in ((to, True), (cc, False)):
            for addr, name in group:
                if addr not in me and addr not in seen and not _no_reply(addr):
                    seen[addr] = (addr, name, in_to)
        if not seen:
            return ("x", "no counterpart")  # to myself, or a reply to a no-reply address
        cps = tuple(seen.values())
        outgoing = True
    else:
        in_to = any(addr in me for addr, _ in to)
        if not in_to and not any(addr in me for addr, _ in cc):
            return ("x", "not addressed to me")
        cps = ((sender, _sender_name, in_to),)
        outgoing = False
    return ("m", fingerprint(sender, ts, subject), int(ts), outgoing, subject[:200], cps)


# A message with more people on it than this (the owner aside) is a blast or an
# announcement, no evidence that any two of them know each other (issue 12: "at most
# 10"; folk skips mail with more than 20 recipients, paths-and-groups-anchors.md [S36]).
MAX_PARTICIPANTS = 10


def parties(h: Headers, me: frozenset[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Where the owner is on a message ("from", "to" or "cc") and everyone else on
    it as (address, role), the sender first; no-reply addresses left out, each
    address once (its first role: from, then to, then cc)."""
    seen: dict[str, str] = {}
    owner_role = ""
    for field, role in ((b"from", "from"), (b"to", "to"), (b"cc", "cc")):
        found = addresses(h[field]) if field in h else ()
        if field == b"from":
            found = found[:1]
        for addr, _name in found:
            if addr in me:
                owner_role = owner_role or role
            elif addr not in seen and not _no_reply(addr):
                seen[addr] = role
    return owner_role, tuple(seen.items())


def classify_with_parties(h: Headers, me: frozenset[str], latest: float) -> Classified:
    """`classify`, and for a message kept with two to MAX_PARTICIPANTS other people
    on it, two more items: where the owner is on it and the others (see `parties`).
    `classify` itself keeps its shape for the callers that only need it."""
    found = classify(h, me, latest)
    if found[0] != "m":
        return found
    owner_role, others = parties(h, me)
    if owner_role and 2 <= len(others) <= MAX_PARTICIPANTS:
        return (*found, owner_role, others)
    return found


def _classify_at(offset: int, h: Headers, me: frozenset[str], latest: float) -> Classified:
    return classify_with_parties(h, me, latest)


# -- reading mailboxes ---------------------------------------------------------


def looks_like_message(path: Path) -> bool:
    try:
        found = mailscan.file_headers(path)
    except (OSError, ValueError):
        return False
    return sum(key in found for key in _MESSAGE_KEYS) >= 2


def _blank(path: Path) -> bool:
    """Nothing but blank lines (or MMDF's ^A^A^A^A separators): an empty mailbox."""
    with open(path, "rb") as fh:
        return not fh.read(4096).strip(b" \t\r\n\x01")


def _message_files(root: Path) -> Iterator[Path]:
    """Every candidate message file under root, sorted; hidden files and the tmp/
    folders of Maildirs (messages still being delivered) are left out."""
    for folder, dirs, files in os.walk(root):
        here = set(dirs)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (d == "tmp" and "cur" in here)
        )
        for name in sorted(files):
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file():  # no FIFOs, sockets
                yield path


def _one_message_file(path: Path) -> bool:
    """Files that hold one message even when they begin with an mbox From_ line (a
    message can carry a git patch whose own "From <sha> Mon Sep 17 ..." line would
    read as a separator): .eml files, Maildir entries (in cur/ or new/) and MH's
    numbered files. Other files that begin with "From " are mboxes."""
    return (
        path.suffix.lower() == ".eml"
        or path.parent.name in ("cur", "new")
        or bool(_DIGITS.match(path.name))
    )


def _single(path: Path, me: frozenset[str], latest: float) -> Iterator[tuple[str, Classified]]:
    yield str(path), classify_with_parties(mailscan.file_headers(path), me, latest)


def _mbox(
    path: Path, me: frozenset[str], latest: float, workers: int | None
) -> Iterator[tuple[str, Classified]]:
    func = partial(_classify_at, me=me, latest=latest)
    for n, result in enumerate(mailscan.scan_mbox(path, func, workers=workers), 1):
        yield f"{path}#{n}", result


def _walk(
    root: Path, me: frozenset[str], latest: float, workers: int | None
) -> Iterator[tuple[str, Classified]]:
    for path in _message_files(root):
        try:
            if mailscan.is_mbox(path) and not _one_message_file(path):
                yield from _mbox(path, me, latest, workers)
            elif looks_like_message(path):
                yield from _single(path, me, latest)
            elif not _blank(path):
                yield str(path), ("p", "not a mail message")
        except (OSError, ValueError) as exc:
            yield str(path), ("p", f"unreadable: {getattr(exc, 'strerror', None) or exc}")


# -- pass 2: correspondents ----------------------------------------------------


class _Store:
    """The deduplicated messages and their counterparts, in a temporary SQLite file."""

    def __init__(self, folder: str) -> None:
        self.db = sqlite3.connect(os.path.join(folder, "mail.sqlite3"))
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE msg (fp TEXT PRIMARY KEY, ts INTEGER, outgoing INTEGER,
                              subject TEXT, place TEXT) WITHOUT ROWID;
            CREATE TABLE cp (fp TEXT, email TEXT, name TEXT, in_to INTEGER,
                             PRIMARY KEY (fp, email)) WITHOUT ROWID;
            CREATE TABLE party (fp TEXT, email TEXT, role TEXT, owner_role TEXT,
                                PRIMARY KEY (fp, email)) WITHOUT ROWID;
            """
        )
        self.msgs: list[tuple[Any, ...]] = []
        self.cps: list[tuple[Any, ...]] = []
        self.parties: list[tuple[Any, ...]] = []
        self.stored = 0
        self.lists: set[str] = set()  # mailing-list addresses seen (one per list)

    def add(self, where: str, m: Classified) -> None:
        _, fp, ts, outgoing, subject, cps = m[:6]
        self.msgs.append((fp, ts, outgoing, subject, where))
        self.cps.extend((fp, addr, name, in_to) for addr, name, in_to in cps)
        if len(m) > 6:  # classify_with_parties: everyone on a small message
            owner_role, others = m[6], m[7]
            self.parties.extend((fp, addr, role, owner_role) for addr, role in others)
        if len(self.msgs) >= 5000:
            self.flush()

    def flush(self) -> None:
        with self.db:
            cur = self.db.executemany("INSERT OR IGNORE INTO msg VALUES (?, ?, ?, ?, ?)", self.msgs)
            self.stored += max(cur.rowcount, 0)
            self.db.executemany("INSERT OR IGNORE INTO cp VALUES (?, ?, ?, ?)", self.cps)
            self.db.executemany("INSERT OR IGNORE INTO party VALUES (?, ?, ?, ?)", self.parties)
        self.msgs.clear()
        self.cps.clear()
        self.parties.clear()

    def correspondents(self) -> dict[str, str]:
        """Address -> display name of each correspondent (the rule in the docstring)."""
        rows = self.db.execute(
            """
            SELECT cp.email,
                   SUM(m.outgoing), SUM(m.outgoing AND cp.in_to),
                   SUM(NOT m.outgoing), SUM(NOT m.outgoing AND cp.in_to)
            FROM cp JOIN msg m ON m.fp = cp.fp GROUP BY cp.email
            """
        )
        chosen = {
            addr: ""
            for addr, out_any, out_to, in_any, in_to in rows
            if ((out_any and in_any) or out_to >= 2 or in_to >= 2) and addr not in self.lists
        }
        names = self.db.execute(
            "SELECT email, name, COUNT(*) AS n FROM cp WHERE name != '' "
            "GROUP BY email, name ORDER BY email, n DESC, name"
        )
        for addr, name, _n in names:
            if addr in chosen and not chosen[addr]:
                chosen[addr] = name
        self.db.execute("CREATE TEMP TABLE corr (email TEXT PRIMARY KEY)")
        self.db.executemany("INSERT INTO corr VALUES (?)", ((a,) for a in chosen))
        return chosen

    def interactions(self) -> Iterator[tuple[Any, ...]]:
        return self.db.execute(
            """
            SELECT m.fp, m.ts, m.outgoing, m.subject, m.place, cp.email, cp.name
            FROM msg m JOIN cp ON cp.fp = m.fp JOIN corr ON corr.email = cp.email
            ORDER BY m.ts, m.fp, cp.email
            """
        )

    def participants(self) -> Iterator[tuple[Any, ...]]:
        """(fingerprint, time, where, owner's role, address, role) of every small
        message's people, a message's rows together, in time order."""
        return self.db.execute(
            """
            SELECT m.fp, m.ts, m.place, p.owner_role, p.email, p.role
            FROM party p JOIN msg m ON m.fp = p.fp
            ORDER BY m.ts, m.fp, p.email
            """
        )

    def close(self) -> None:
        self.db.close()


def _owner(options: dict[str, object]) -> frozenset[str]:
    """The owner's addresses from the `me` option. Values that are not email
    addresses (the importer core may pass all the owner's contact points, phones
    and profile URLs included) are ignored; at least one address is required."""
    raw = options.get("me") or ()
    if isinstance(raw, str):
        raw = [raw]
    me = set()
    for value in raw if isinstance(raw, Iterable) else ():
        try:
            me.add(normalize_email(str(value)))
        except ContactError:
            continue
    if not me:
        raise ImportFileError(
            "mail import needs your own address to tell sent from received mail: "
            "pass --me ADDRESS (once per address you use)"
        )
    return frozenset(me)


class MailParser:
    name = "mail"

    def detect(self, path: Path) -> bool:
        """mbox (first non-empty line "From "), a Maildir (cur/ and new/), a folder
        tree holding message files, or a single message file (.eml, or any file
        whose header block has two of From/To/Date/Subject/Message-ID). A file with
        no "From " line and no message headers (neomutt's not-an-mbox) is not mail."""
        path = Path(path)
        try:
            if path.is_dir():
                if (path / "cur").is_dir() and (path / "new").is_dir():
                    return True
                for n, file in enumerate(_message_files(path)):
                    if n >= 200:
                        return False
                    if mailscan.is_mbox(file) or looks_like_message(file):
                        return True
                return False
            if not path.is_file():
                return False
            if mailscan.is_mbox(path) or looks_like_message(path):
                return True
            return path.suffix.lower() in (".mbox", ".mbx", ".eml") and _blank(path)
        except OSError:
            return False

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        path = Path(path)
        me = _owner(options)
        # troth's one clock (TROTH_TIMEZONE), not the system zone's date
        today = options.get("today") or timezone.localdate()
        assert isinstance(today, dt.date)
        latest = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), dt.UTC).timestamp()
        workers = options.get("workers")
        progress = options.get("progress")
        report = progress if callable(progress) else None
        stats = options.get("stats")
        counts: dict[str, int] = stats if isinstance(stats, dict) else {}
        for key in ("messages", "problems", "duplicates", "correspondents", "interactions"):
            counts[key] = 0
        assert workers is None or isinstance(workers, int)

        if path.is_dir():
            found = _walk(path, me, latest, workers)
        elif not path.is_file():
            raise ImportFileError(f"{path}: no such file or folder")
        elif _blank(path):
            return  # an empty mailbox holds nothing
        elif mailscan.is_mbox(path) and not _one_message_file(path):
            found = _mbox(path, me, latest, workers)
        elif looks_like_message(path):
            found = _single(path, me, latest)
        else:
            raise ImportFileError(
                f"{path}: not an mbox (no 'From ' separator line) nor a mail message"
            )

        with tempfile.TemporaryDirectory(prefix="troth-mail-") as folder:
            store = _Store(folder)
            try:
                yield from self._collect(found, store, counts, report)
                yield from self._decide(store, counts)
            finally:
                store.close()
        yield from left_out(counts)

    def _collect(
        self,
        found: Iterable[tuple[str, Classified]],
        store: _Store,
        counts: dict[str, int],
        report: Callable[[str, int], object] | None = None,
    ) -> Iterator[Record]:
        kept = 0
        for where, result in found:
            counts["messages"] += 1
            if report is not None and not counts["messages"] % 1000:
                report("messages", counts["messages"])
            kind = result[0]
            if kind == "m":
                store.add(where, result)
                kept += 1
            elif kind == "p":
                counts["problems"] += 1
                reason = result[1]
                group = next((g for g in _VALUED if reason.startswith(g)), "")
                yield Problem(where, reason, group)
            else:
                if len(result) > 2:
                    store.lists.update(result[2])
                key = f"excluded: {result[1]}"
                counts[key] = counts.get(key, 0) + 1
        store.flush()
        if report is not None:
            report("messages", counts["messages"])
        counts["duplicates"] = kept - store.stored

    def _decide(self, store: _Store, counts: dict[str, int]) -> Iterator[Record]:
        chosen = store.correspondents()
        counts["correspondents"] = len(chosen)
        for addr in sorted(chosen):
            yield PersonRecord(
                source=SOURCE,
                external_id=addr,
                full_name=chosen[addr] or addr,
                emails=[addr],
                where=f"mail correspondent {addr}",
            )
        used, last = 0, None
        for fp, ts, outgoing, subject, place, addr, name in store.interactions():
            counts["interactions"] += 1
            if fp != last:  # rows come ordered by time then fingerprint
                used, last = used + 1, fp
            yield InteractionRecord(
                source=SOURCE,
                external_id=fp,
                when=dt.datetime.fromtimestamp(ts, dt.UTC),
                channel="email",
                emails=[addr],
                names=[name or chosen[addr]] if (name or chosen[addr]) else [],
                they_started=not outgoing,
                summary=subject,
                where=place,
            )
        counts["no correspondent"] = store.stored - used
        yield from _participants(store)


def _participants(store: _Store) -> Iterator[ParticipantsRecord]:
    """One ParticipantsRecord per small message (see MessageParticipant)."""
    current: ParticipantsRecord | None = None
    for fp, ts, place, owner_role, addr, role in store.participants():
        if current is None or current.external_id != fp:
            if current is not None:
                yield current
            current = ParticipantsRecord(
                source=SOURCE,
                external_id=fp,
                when=dt.datetime.fromtimestamp(ts, dt.UTC),
                parties=[],
                owner_role=owner_role,
                where=place,
            )
        current.parties.append((addr, role))
    if current is not None:
        yield current


# What a summary says of the messages left out, by the reason counted in stats.
LEFT_OUT = {
    "excluded: mailing list": "mailing-list messages",
    "excluded: automated": "automated messages (auto-replies, notifications)",
    "excluded: bounce": "bounces and delivery reports",
    "excluded: no-reply sender": "messages from no-reply senders",
    "excluded: no counterpart": "messages only to yourself or to no-reply addresses",
    "excluded: not addressed to me": "messages not addressed to you (Bcc, list copies)",
    "duplicates": "duplicate messages (the same mail filed twice)",
    "no correspondent": "messages with no correspondent (one-offs, Cc only)",
}


def left_out(counts: dict[str, int]) -> Iterator[LeftOut]:
    """The messages left out on purpose, counted by reason (see the module docstring)."""
    for key, reason in LEFT_OUT.items():
        if counts.get(key):
            yield LeftOut(reason, counts[key])
    for key, n in counts.items():  # a reason classify learns later still gets counted
        if key.startswith("excluded: ") and key not in LEFT_OUT and n:
            yield LeftOut(f"messages left out: {key.removeprefix('excluded: ')}", n)


PARSER = MailParser()
