"""A hostile IMAP server cannot exhaust troth: a header announced as hundreds of MB is
refused before it is read, and a server that trickles is stopped at the sync's
deadline; nothing is written, and the source says why (a security review's H2)."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

import pytest

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.sync import imap
from troth.sync.actions import do_add_imap, do_sync
from troth.sync.imap import SyncError
from troth.sync.models import Source

if TYPE_CHECKING:
    from collections.abc import Callable


class Hostile:
    """Just enough IMAP to reach a FETCH, then `answer(conn)` misbehaves."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n")
            reader = conn.makefile("rb")
            while line := reader.readline():
                tag, _, rest = line.decode().strip().partition(" ")
                command = rest.split(" ")[0].upper()
                if command == "UID" and "FETCH" in rest.upper():
                    self.answer(conn)
                    return
                replies = {
                    "CAPABILITY": "* CAPABILITY IMAP4rev1\r\n",
                    "LIST": '* LIST (\\HasNoChildren) "/" "INBOX"\r\n',
                    "EXAMINE": "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n",
                    "SELECT": "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n",
                    "UID": "* SEARCH 1\r\n",
                    "LOGOUT": "* BYE\r\n",
                }
                conn.sendall((replies.get(command, "") + f"{tag} OK done\r\n").encode())

    def close(self) -> None:
        self.sock.close()


def _source(owner: Owner, port: int) -> Source:
    return do_add_imap(
        owner, host="127.0.0.1", port=port, security="none", username="sam",
        password="pw", me=["sam@example.org"],
    )  # fmt: skip


def test_a_giant_header_is_refused_before_it_is_read(alice: Owner) -> None:
    def giant(conn: socket.socket) -> None:
        conn.sendall(b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {600000000}\r\nFrom: x")
        time.sleep(1)

    server = Hostile(giant)
    try:
        with pytest.raises(SyncError, match="announced 600,000,000 bytes"):
            do_sync(alice, _source(alice, server.port))
    finally:
        server.close()
    failed = Source.objects.get(owner=alice)
    assert failed.failures == 1 and "nothing of it was kept" in failed.last_error
    assert not Interaction.objects.filter(owner=alice).exists()


def test_a_server_that_trickles_is_stopped_at_the_deadline(
    alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imap, "SYNC_SECONDS", 2)

    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {5000}\r\n")
        for _ in range(40):  # a byte every quarter second: each read succeeds
            try:
                conn.sendall(b"x")
            except OSError:
                return
            time.sleep(0.25)

    server = Hostile(trickle)
    started = time.monotonic()
    try:
        with pytest.raises(SyncError, match="still reading after"):
            do_sync(alice, _source(alice, server.port))
    finally:
        server.close()
    assert time.monotonic() - started < 8  # not the 10 s the trickle would take
    assert not Interaction.objects.filter(owner=alice).exists()


def test_an_owner_has_a_dozen_sources_at_most(alice: Owner) -> None:
    from troth.errors import TrothError
    from troth.sync.actions import MAX_SOURCES

    for n in range(MAX_SOURCES):
        Source.objects.create(owner=alice, kind="ics", label=f"calendar {n}")
    with pytest.raises(TrothError, match=f"{MAX_SOURCES} sources already"):
        _source(alice, 993)
    assert Source.objects.filter(owner=alice).count() == MAX_SOURCES


def test_an_ics_address_that_trickles_is_stopped(
    alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from troth.sync import icsurl
    from troth.sync.actions import do_add_ics

    monkeypatch.setattr(icsurl, "READ_SECONDS", 1.0)

    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n")
        for _ in range(40):
            try:
                conn.sendall(b"X")
            except OSError:
                return
            time.sleep(0.2)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def serve() -> None:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            trickle(conn)

    threading.Thread(target=serve, daemon=True).start()
    source = do_add_ics(
        alice, url=f"http://127.0.0.1:{sock.getsockname()[1]}/c.ics", me=["a@example.org"],
        check=False,
    )  # fmt: skip
    started = time.monotonic()
    try:
        with pytest.raises(SyncError, match="still reading after 1 s"):
            do_sync(alice, source)
    finally:
        sock.close()
    assert time.monotonic() - started < 5
