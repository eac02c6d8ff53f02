"""Calendars over CalDAV (the caldav library): what changed in each calendar since the
last sync, by the collection's sync token (RFC 6578; the library falls back to
comparing ETags on a server without one). The events come back as iCalendar text
and go through the .ics import (troth.sync.actions._import_calendar)."""

from __future__ import annotations

from dataclasses import dataclass, field

import niquests
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from troth.sync import netguard
from troth.sync.imap import SyncError

TIMEOUT = 30


@dataclass
class Changed:
    events: list[bytes] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # calendar URL -> sync token


def fetch_changed(url: str, username: str, password: str, tokens: dict[str, str]) -> Changed:
    out = Changed()
    try:
        with DAVClient(url=url, username=username, password=password, timeout=TIMEOUT) as client:
            # the same session, but every name it connects to (redirects too) resolved
            # through troth.sync.netguard: only allowed addresses
            client.session.close()
            client.session = niquests.Session(resolver=netguard.caldav_resolver())
            principal = client.principal()
            for calendar in principal.calendars():
                key = str(calendar.url)
                found = calendar.objects_by_sync_token(
                    sync_token=tokens.get(key), load_objects=True
                )
                for obj in found:
                    data = obj.data
                    if data:
                        out.events.append(data.encode("utf-8") if isinstance(data, str) else data)
                out.tokens[key] = str(found.sync_token)
    except Exception as exc:  # noqa: BLE001 - the HTTP stack's own errors (niquests, lxml)
        raise _failed(url, username, exc) from None
    return out


def _failed(url: str, username: str, exc: BaseException) -> SyncError:
    refused = _refused(exc)  # niquests wraps what its resolver raised
    if refused is not None:
        return SyncError(f"CalDAV {url}: {refused}")
    if isinstance(exc, dav_error.AuthorizationError):
        return SyncError(
            f"CalDAV {url}: login refused for {username!r}: wrong user name or password"
        )
    if isinstance(exc, dav_error.DAVError):
        return SyncError(f"CalDAV {url}: the server's answer cannot be used ({_said(exc)})")
    if isinstance(exc, OSError):
        return SyncError(f"CalDAV {url}: cannot connect ({exc.strerror or _said(exc)})")
    return SyncError(f"CalDAV {url}: {type(exc).__name__}: {_said(exc)}")


def _said(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _refused(exc: BaseException) -> netguard.Refused | None:
    """The guard's refusal, however deep the HTTP stack wrapped it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, netguard.Refused):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
