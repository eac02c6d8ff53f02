"""Mail over IMAP, headers only: what is new in each folder since the last sync.

The network half of a mail sync (the writing half is troth.sync.mailsync). For each
folder it remembers UIDVALIDITY and the highest UID seen; a sync asks only for UIDs
above it (and asks nothing when UIDNEXT says there is none), and a changed
UIDVALIDITY means the server renumbered the folder: it is read again from the
start, which the fingerprints make idempotent.

Only header fields are fetched, with BODY.PEEK (nothing is marked read), a batch of
UIDs per command: the six that identify a message and its people (From, To, Cc,
Date, Message-ID, In-Reply-To) and those the mail import needs to leave out what it
leaves out on purpose (Subject for the duplicate fingerprint; List-Id,
List-Unsubscribe, Precedence, Auto-Submitted, Return-Path, X-Failed-Recipients and
Content-Type for mailing lists, automated mail and bounces). Each header block goes
through the file import's own scanner and classifier (troth.importers.mailscan,
troth.importers.mail.classify): the same rules, whatever the mail came from.
"""

from __future__ import annotations

import contextlib
import imaplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from imapclient import IMAPClient, imap4, tls
from imapclient.exceptions import IMAPClientError, LoginError

from troth.errors import TrothError
from troth.importers import mailscan
from troth.importers.mail import Classified, classify_with_parties
from troth.sync import netguard

FIELDS = (
    "FROM TO CC DATE MESSAGE-ID IN-REPLY-TO SUBJECT LIST-ID LIST-UNSUBSCRIBE PRECEDENCE"
    " AUTO-SUBMITTED RETURN-PATH X-FAILED-RECIPIENTS CONTENT-TYPE"
)
FETCH = f"BODY.PEEK[HEADER.FIELDS ({FIELDS})]"
# UIDs per FETCH: one round trip per batch; a batch's headers are a few hundred KB.
BATCH = 2000
# UIDs per SEARCH: the answer lists at most this many numbers, whatever the folder holds
# (a few round trips more on a sparse folder, such as Gmail's All Mail, than one search).
SEARCH_WINDOW = 20_000
TIMEOUT = 30.0  # seconds for connecting and for each answer
# Folders named Sent by the common servers and clients, for a server without SPECIAL-USE.
SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX/Sent")


class SyncError(TrothError):
    """A sync that could not run: one line saying why (host, login, folder...)."""


# Where each batch goes once read: its classified messages and the state of the folder
# after it ({folder: {"uidvalidity": .., "uid": the batch's highest UID}}), to be kept
# only once the messages are written (troth.sync.actions).
Write = Callable[[list[tuple[str, Classified]], dict[str, dict[str, int]]], None]


@dataclass
class Fetched:
    """What a sync read: how many messages (each batch went to `write` as it came),
    and each folder's final state (kept once the last batch is written)."""

    messages: int = 0
    state: dict[str, dict[str, int]] = field(default_factory=dict)
    folders: list[str] = field(default_factory=list)
    rescanned: list[str] = field(default_factory=list)  # UIDVALIDITY changed


@dataclass
class Account:
    host: str
    port: int
    security: str  # tls | starttls | none
    username: str
    password: str

    def where(self) -> str:
        return f"{self.host}:{self.port}"


# What one sync may read, whatever the server sends (a security review's H2: a server
# answering a 600 MB header took the web process to 2 GB; one sending a byte every
# second and a half kept a sync going for minutes). A message's header fields are a
# few hundred bytes; 50,000 of them about 20 MB. The whole sync ends well within the
# source's 30-minute lease (troth.sync.actions.LEASE).
MAX_LITERAL = 1 << 20
MAX_SYNC_BYTES = 256 << 20
SYNC_SECONDS = 20 * 60


# typed as imaplib's class, a plain mixin at run time (before IMAP4_TLS in the order)
_Mixin: Any = imaplib.IMAP4 if TYPE_CHECKING else object


class _Bounded(_Mixin):
    """imaplib's reads, bounded: no literal over MAX_LITERAL, no more than
    MAX_SYNC_BYTES in all, nothing after the sync's deadline (checked between the
    socket's reads, so a server that trickles cannot stretch one read either)."""

    deadline = 0.0
    taken = 0

    def _over(self, what: str) -> SyncError:
        return SyncError(f"IMAP {self.host}: {what}: the sync stopped, nothing of it was kept")

    def _spend(self, n: int) -> None:
        self.taken += n
        if self.taken > MAX_SYNC_BYTES:
            raise self._over(f"the server sent more than {MAX_SYNC_BYTES >> 20} MB of headers")
        if self.deadline and time.monotonic() > self.deadline:
            raise self._over(f"still reading after {SYNC_SECONDS // 60} minutes")

    def read(self, size: int) -> bytes:
        if size > MAX_LITERAL:
            raise self._over(f"the server announced {size:,} bytes for one message's headers")
        parts: list[bytes] = []
        left = size
        while left > 0:
            self._spend(0)
            chunk = self.file.read1(min(left, 65536))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
            self._spend(len(chunk))
        return b"".join(parts)

    def readline(self) -> bytes:
        self._spend(0)
        line = super().readline()  # imaplib refuses a line over its _MAXLINE itself
        self._spend(len(line))
        return line


class _TLS(_Bounded, tls.IMAP4_TLS):
    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = netguard.connect(self.host, self.port, timeout or self._timeout)
        return tls.wrap_socket(sock, self.ssl_context, self.host)  # the name's certificate


class _Plain(_Bounded, imap4.IMAP4WithTimeout):
    # STARTTLS (imaplib) wraps this socket with server_hostname=self.host: still the name
    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return netguard.connect(self.host, self.port, timeout or self._timeout)


class _Client(IMAPClient):
    """imapclient whose connection goes to an address troth.sync.netguard allowed,
    resolved once, checked and connected to (no second lookup that could differ)."""

    def _create_IMAP4(self) -> Any:  # noqa: N802 - imapclient's name
        connect_timeout = getattr(self._timeout, "connect", None)
        imap: _Bounded
        if self.ssl:
            imap = _TLS(self.host, self.port, self.ssl_context, connect_timeout)
        else:
            imap = _Plain(self.host, self.port, connect_timeout)
        imap.deadline = time.monotonic() + SYNC_SECONDS
        return imap


def connect(account: Account) -> IMAPClient:
    """Connected and logged in, or a SyncError in one line."""
    where = account.where()
    try:
        client = _Client(
            account.host,
            port=account.port,
            ssl=account.security == "tls",
            ssl_context=ssl.create_default_context() if account.security == "tls" else None,
            timeout=TIMEOUT,
        )
    except socket.gaierror:
        raise SyncError(f"IMAP {where}: no such host {account.host!r}") from None
    except netguard.Refused as exc:
        raise SyncError(f"IMAP {where}: {exc}") from None
    except ssl.SSLError as exc:
        raise SyncError(f"IMAP {where}: TLS failed ({exc.reason or exc})") from None
    except TimeoutError:
        raise SyncError(f"IMAP {where}: no answer within {TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise SyncError(f"IMAP {where}: cannot connect ({exc.strerror or exc})") from None
    try:
        if account.security == "starttls":
            if b"STARTTLS" not in client.capabilities():
                _close(client)
                raise SyncError(
                    f"IMAP {where}: the server offers no STARTTLS, and TLS was asked for"
                    " (use its TLS port, 993, or --security none only on a trusted network)"
                )
            client.starttls(ssl.create_default_context())
        client.login(account.username, account.password)
    except LoginError:
        _close(client)
        raise SyncError(
            f"IMAP {where}: login refused for {account.username!r}: wrong user name or"
            " password (many providers want an app password)"
        ) from None
    except ssl.SSLError as exc:
        _close(client)
        raise SyncError(f"IMAP {where}: TLS failed ({exc.reason or exc})") from None
    except (IMAPClientError, OSError) as exc:
        _close(client)
        raise SyncError(f"IMAP {where}: {_said(exc)}") from None
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - closing a broken connection: nothing to say
        with contextlib.suppress(Exception):
            client.shutdown()


def _said(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    return text[:300]


def default_folders(listing: list[tuple[tuple[bytes, ...], Any, str]]) -> list[str]:
    """The inbox and the Sent folder (by SPECIAL-USE, else by name); on Gmail only
    All Mail, which holds both (reading them too would fetch each message twice)."""
    names = [name for _flags, _sep, name in listing]
    for flags, _sep, name in listing:
        if b"\\All" in flags:
            return [name]
    chosen = [next((n for n in names if n.upper() == "INBOX"), "INBOX")]
    sent = [name for flags, _sep, name in listing if b"\\Sent" in flags]
    if not sent:
        lowered = {n.lower(): n for n in names}
        sent = [lowered[s.lower()] for s in SENT_NAMES if s.lower() in lowered][:1]
    chosen.extend(s for s in sent if s not in chosen)
    return chosen


def fetch_new(
    account: Account,
    asked: list[str],
    state: dict[str, dict[str, int]],
    me: frozenset[str],
    latest: float,
    write: Write,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> Fetched:
    """Every message above each folder's remembered UID, classified and handed to
    `write` a batch at a time (each written before the next is read: what a sync
    holds is one batch, whatever the size of the mailbox)."""
    client = connect(account)
    out = Fetched()
    try:
        try:
            listing = client.list_folders()
        except (IMAPClientError, OSError) as exc:
            raise SyncError(f"IMAP {account.where()}: cannot list folders ({_said(exc)})") from None
        names = {name for _f, _s, name in listing}
        if asked:
            missing = [f for f in asked if f not in names and f.upper() != "INBOX"]
            if missing:
                raise SyncError(
                    f"IMAP {account.where()}: no folder {missing[0]!r} on the server (it has:"
                    f" {', '.join(sorted(names)[:12])})"
                )
            out.folders = list(asked)
        else:
            out.folders = default_folders(listing)
        for folder in out.folders:
            for batch in _folder(client, account, folder, state.get(folder), out, me, latest):
                messages: list[tuple[str, Classified]] = []
                for where, result in batch:
                    messages.append((where, result))
                    out.messages += 1
                    if progress is not None and not out.messages % 1000:
                        progress("messages", out.messages, None)
                write(messages, {folder: dict(out.state[folder])})
    finally:
        _close(client)
    if progress is not None:
        progress("messages", out.messages, None)
    return out


def _folder(
    client: IMAPClient,
    account: Account,
    folder: str,
    known: dict[str, int] | None,
    out: Fetched,
    me: frozenset[str],
    latest: float,
) -> Iterator[Iterator[tuple[str, Classified]]]:
    """Each batch of the folder's new messages; out.state[folder] is the folder's
    state once the batch is read."""
    try:
        info = client.select_folder(folder, readonly=True)
    except (IMAPClientError, OSError) as exc:
        raise SyncError(
            f"IMAP {account.where()}: cannot open folder {folder!r} ({_said(exc)})"
        ) from None
    validity = int(info.get(b"UIDVALIDITY", 0))
    uidnext = info.get(b"UIDNEXT")
    low = 1
    if known and known.get("uidvalidity") == validity:
        low = int(known.get("uid", 0)) + 1
    elif known:
        out.rescanned.append(folder)
    highest = low - 1
    out.state[folder] = {"uidvalidity": validity, "uid": highest}
    if uidnext is None or int(uidnext) > low:
        for uids in _searched(client, account, folder, low, uidnext):
            for start in range(0, len(uids), BATCH):
                batch = uids[start : start + BATCH]
                try:
                    answer = client.fetch(batch, [FETCH])
                except (IMAPClientError, OSError) as exc:
                    raise SyncError(
                        f"IMAP {account.where()}: {folder}: the connection broke ({_said(exc)})"
                    ) from None
                highest = max(highest, batch[-1])
                out.state[folder] = {"uidvalidity": validity, "uid": highest}
                yield _classified(folder, batch, answer, me, latest)


def _searched(
    client: IMAPClient, account: Account, folder: str, low: int, uidnext: Any
) -> Iterator[list[int]]:
    """The folder's UIDs from `low` up, a window of the UID space at a time: one SEARCH
    answer for a whole 50,000-message folder (its line, then its list of numbers) was
    the sync's peak memory (120 MiB against 103 between batches), and would grow with
    the mailbox; a window's answer does not. Without UIDNEXT, one search as before."""
    top = int(uidnext) if uidnext is not None else None
    start = low
    while top is None or start < top:
        end = "*" if top is None else str(min(start + SEARCH_WINDOW, top) - 1)
        try:
            found = client.search(["UID", f"{start}:{end}"])
        except (IMAPClientError, OSError) as exc:
            raise SyncError(f"IMAP {account.where()}: {folder}: {_said(exc)}") from None
        # "n:*" always matches the highest UID, even one below n: hence the filter
        yield sorted(u for u in found if u >= start)
        if top is None:
            return
        start += SEARCH_WINDOW


def _classified(
    folder: str, batch: list[int], answer: dict[int, Any], me: frozenset[str], latest: float
) -> Iterator[tuple[str, Classified]]:
    for uid in batch:
        data = answer.pop(uid, None)
        if data is None:  # expunged meanwhile
            continue
        raw = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""
        headers = mailscan.parse_block(raw, 0, len(raw))
        yield f"{folder} UID {uid}", classify_with_parties(headers, me, latest)
