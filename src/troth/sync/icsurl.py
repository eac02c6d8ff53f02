"""A calendar's private ICS address (Google's, Outlook's, iCloud's "secret address"),
read over HTTP only when it changed.

The request carries the ETag and Last-Modified of the last answer (If-None-Match,
If-Modified-Since): a server that has nothing new answers 304 and nothing is read.
A server that ignores them answers the whole calendar again, and an unchanged
body (same SHA-256) is not imported again either. What comes back must be a
calendar: a web page (a sign-in page, an expired address) or anything without
BEGIN:VCALENDAR is refused in one line, and nothing over MAX_BYTES is read.
"""

from __future__ import annotations

import hashlib
import http
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from troth.sync import netguard
from troth.sync.imap import SyncError

MAX_BYTES = 20 << 20  # a decade of a busy calendar is a few MB
TIMEOUT = 30.0


@dataclass
class Answer:
    changed: bool
    data: bytes = b""
    etag: str = ""
    last_modified: str = ""
    sha: str = ""


def shown(url: str) -> str:
    """The address without its secret part (path, query): what the owner is shown,
    with the port and a hint that tells two addresses of one host apart: the last 4
    characters of the path (after a common ending such as /basic.ics), never enough
    of a secret address to guess the rest."""
    parts = urlsplit(url)
    where = parts.hostname or "?"
    if ":" in where:
        where = f"[{where}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None:
        where += f":{port}"
    path = parts.path.rstrip("/")
    for ending in ("/basic.ics", "/full.ics", "/calendar.ics", ".ics"):
        path = path.removesuffix(ending)
    hint = path.rsplit("/", 1)[-1][-4:]
    return f"{parts.scheme}://{where}/…{hint}"


def check_url(url: str) -> str:
    """The address as fetched (webcal: is HTTPS), or one line saying what is wrong with
    it, including an address this server may not connect to (troth.sync.netguard)."""
    url = _normal(url)
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise SyncError(f"{shown(url)}: the port is not a number") from None
    netguard.check_host(parts.hostname or "", port)
    return url


def _normal(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "webcal":  # what calendar apps hand out: HTTPS underneath
        url = "https" + url[len("webcal") :]
        parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{url[:80]!r} is not an http(s) or webcal address")
    return url


# The whole answer within this long: the timeout above is per read, and a server
# sending a byte at a time would otherwise hold a sync (and its thread) for hours.
READ_SECONDS = 120.0


def _read_within(response: Any, limit: int, where: str) -> bytes:
    deadline = time.monotonic() + READ_SECONDS
    parts: list[bytes] = []
    got = 0
    while got < limit:
        if time.monotonic() > deadline:
            raise SyncError(
                f"ICS address {where}: still reading after {READ_SECONDS:.0f} s: not imported"
            )
        chunk = response.read1(min(65536, limit - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def fetch(url: str, state: dict[str, str], max_bytes: int = MAX_BYTES) -> Answer:
    where = shown(url)
    headers = {"User-Agent": "troth (calendar sync)", "Accept": "text/calendar, */*;q=0.5"}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    # not check_url: the connection itself checks the address it connects to
    request = urllib.request.Request(_normal(url), headers=headers)
    try:
        # every connection, redirects included, to an allowed address only (netguard)
        with netguard.opener().open(request, timeout=TIMEOUT) as response:
            data = _read_within(response, max_bytes + 1, where)
            kind = response.headers.get("Content-Type", "")
            etag = response.headers.get("ETag", "")
            modified = response.headers.get("Last-Modified", "")
    except netguard.Refused as exc:
        raise SyncError(f"ICS address {where}: {exc}") from None
    except urllib.error.HTTPError as exc:
        exc.close()
        # the standard phrase, not the server's: nothing it answered is repeated
        reason = _phrase(exc.code)
        if exc.code == 304:
            return Answer(changed=False)
        if exc.code in (401, 403, 404, 410):
            raise SyncError(
                f"ICS address {where}: HTTP {exc.code} {reason}: the address is wrong or no"
                " longer valid (calendars hand out a new one when it is reset)"
            ) from None
        raise SyncError(f"ICS address {where}: HTTP {exc.code} {reason}") from None
    except urllib.error.URLError as exc:
        why = exc.reason
        if isinstance(why, socket.gaierror):
            raise SyncError(f"ICS address {where}: no such host") from None
        if isinstance(why, TimeoutError):
            raise SyncError(f"ICS address {where}: no answer within {TIMEOUT:.0f} s") from None
        text = getattr(why, "strerror", None) or str(why)
        raise SyncError(f"ICS address {where}: cannot connect ({text})") from None
    except TimeoutError:
        raise SyncError(f"ICS address {where}: no answer within {TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise SyncError(f"ICS address {where}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SyncError(
            f"ICS address {where}: the answer is over {max_bytes >> 20} MB, more than any"
            " calendar: not imported"
        )
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        if "html" in kind.lower() or head.startswith((b"<!DOCTYPE", b"<HTML")) or b"<HTML" in head:
            raise SyncError(
                f"ICS address {where}: it answered a web page (HTML), not a calendar: use the"
                " calendar's secret address in iCal format"
            )
        raise SyncError(f"ICS address {where}: the answer is not a calendar (no BEGIN:VCALENDAR)")
    sha = hashlib.sha256(data).hexdigest()
    return Answer(True, data, etag, modified, sha)


def _phrase(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return ""
