"""Sending one delivery: the signed POST and what the receiver answered.

The signature follows the scheme Stripe and GitHub made familiar: a header

    Troth-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

where v1 is HMAC-SHA256, keyed with the subscription's secret, of the timestamp, a
dot and the exact body bytes. A receiver recomputes it, compares in constant time and
refuses a timestamp older than a few minutes (a replayed delivery). Each delivery
also says `Troth-Event` (the kind), `Troth-Event-Id` (the same for every retry: a
receiver that saw it already can answer 200 and do nothing) and `Troth-Delivery`.

The connection goes through troth.sync.netguard like a source's: on a group's
server a member's webhook cannot reach the server's own database or the LAN, DNS
rebinding included. Redirects are not followed (a POST that is redirected is a
misconfigured address, and following it would be a way around the check).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

import troth
from troth import present
from troth.webhooks.models import Event

TIMEOUT = 10.0  # seconds for one attempt
READ_AT_MOST = 64 * 1024  # of the receiver's answer (the log keeps its start)
SIGNATURE_HEADER = "Troth-Signature"


def body_of(event: Event) -> bytes:
    return json.dumps(
        {
            "id": str(event.uid),
            "type": event.kind,
            "created_at": present.iso(event.created_at),
            "data": event.data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None
) -> bool:
    """What a receiver does (and the tests, as a receiver): check a signature header."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - stamp) > tolerance:
        return False
    expected = sign(secret, body, stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class Answer:
    ok: bool
    status: int | None = None
    text: str = ""
    error: str = ""


# One attempt, whole: connecting, sending, the answer's headers and its start. The
# socket's timeout is per read, so a receiver that drips a byte every few seconds
# would otherwise hold the sending thread for hours (a security review's finding);
# at the deadline a watchdog shuts the socket, which ends any read at once.
DEADLINE = 15.0


def _cut(conn: http.client.HTTPConnection, fired: threading.Event) -> None:
    fired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RDWR)


def _too_slow() -> str:
    return f"could not deliver: no whole answer within {DEADLINE:.0f} s"


def post(url: str, secret: str, event: Event, delivery_id: int, attempt: int) -> Answer:
    from troth.sync import netguard

    body = body_of(event)
    headers = {
        "Content-Type": "application/json",
        "Connection": "close",
        "User-Agent": f"troth-webhooks/{troth.__version__}",
        "Troth-Event": event.kind,
        "Troth-Event-Id": str(event.uid),
        "Troth-Delivery": f"{delivery_id}.{attempt}",
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
    }
    parts = urllib.parse.urlsplit(url)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = netguard.HTTPSConnection(
            parts.hostname or "", parts.port or 443, timeout=TIMEOUT,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        conn = netguard.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=TIMEOUT)
    fired = threading.Event()
    watchdog = threading.Timer(DEADLINE, _cut, args=(conn, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        # http.client follows no redirect: a 3xx is an answer, never a second request
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(READ_AT_MOST).decode("utf-8", "replace")
        if fired.is_set():  # the read ended because the watchdog shut the socket
            return Answer(ok=False, status=response.status, error=_too_slow())
        ok = 200 <= response.status < 300
        error = "" if ok else f"HTTP {response.status} {response.reason}"[:300]
        return Answer(ok=ok, status=response.status, text=text, error=error)
    except netguard.Refused as exc:
        return Answer(ok=False, error=str(exc))
    except (OSError, http.client.HTTPException, ValueError, UnicodeError) as exc:
        if fired.is_set():
            return Answer(
                ok=False, error=f"could not deliver: no whole answer within {DEADLINE:.0f} s"
            )
        reason = getattr(exc, "reason", None) or exc
        return Answer(ok=False, error=f"could not deliver: {reason}"[:300])
    finally:
        watchdog.cancel()
        conn.close()
