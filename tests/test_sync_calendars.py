"""Calendar sync: a private ICS address served by a local HTTP server, and CalDAV
against a real Radicale on 127.0.0.1 (tests/servers.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from servers import PASSWORD, RADICALE, USER, Radicale, need
from troth.errors import TrothError
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import Person
from troth.sync.actions import do_add_caldav, do_add_ics, do_sync
from troth.sync.imap import SyncError
from troth.sync.models import Source

ME = "sam@example.org"


def event(uid: str, who: str, days_ago: int) -> str:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0, second=0) - dt.timedelta(days=days_ago)
    stamp = "%Y%m%dT%H%M%SZ"
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{start:{stamp}}\r\nSUMMARY:Coffee\r\n"
        f"DTSTART:{start:{stamp}}\r\nDTEND:{start + dt.timedelta(minutes=30):{stamp}}\r\n"
        f"ORGANIZER;CN=Sam:mailto:{ME}\r\nATTENDEE;CN=Sam:mailto:{ME}\r\n"
        f"ATTENDEE;CN={who.split('@')[0].title()} Example:mailto:{who}\r\nEND:VEVENT\r\n"
    )


def calendar(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//troth tests//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


class Served:
    """What the local HTTP server answers, by path, and how often it sent a body."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.bodies = 0


@pytest.fixture
def http() -> Iterator[tuple[str, Served]]:
    served = Served()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            if self.path not in served.pages:
                self.send_error(404)
                return
            kind, body = served.pages[self.path]
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            served.bodies += 1
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stopped reading (the size cap)
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_ics_address_only_when_changed(alice: Owner, http: tuple[str, Served]) -> None:
    base, served = http
    e1 = event("e1", "ann@example.com", 3)  # made once: made again a minute on, it moves
    served.pages["/secret/basic.ics"] = ("text/calendar", calendar(e1))
    # check=False: no fetch at add time, so the bodies counted below are the syncs'
    source = do_add_ics(alice, url=f"{base}/secret/basic.ics", me=[ME], check=False)
    assert "secret" not in source.label  # the secret part is never shown
    run = do_sync(alice, source)
    assert run.counts["interactions_added"] == 1
    assert Person.objects.filter(owner=alice, full_name="Ann Example").exists()
    again = do_sync(alice, Source.objects.get(pk=source.pk))
    assert again.counts == {"changed": False, "seconds": again.counts["seconds"]}
    assert served.bodies == 1  # the second answer was a 304
    served.pages["/secret/basic.ics"] = (
        "text/calendar",
        calendar(e1, event("e2", "bo@example.com", 2)),
    )
    third = do_sync(alice, Source.objects.get(pk=source.pk))
    assert third.counts["interactions_added"] == 1
    assert Interaction.objects.filter(owner=alice).count() == 2


@pytest.mark.parametrize(
    ("path", "kind", "body", "said"),
    [
        ("/page", "text/html", b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        ("/junk", "application/octet-stream", b"\x00\x01 not at all", "not a calendar"),
        ("/huge", "text/calendar", b"BEGIN:VCALENDAR\r\n" + b"X" * (21 << 20), "over 20 MB"),
        ("/gone", "", b"", "HTTP 404"),
    ],
)
def test_ics_address_refuses_what_is_not_a_calendar(
    alice: Owner, http: tuple[str, Served], path: str, kind: str, body: bytes, said: str
) -> None:
    base, served = http
    if kind:
        served.pages[path] = (kind, body)
    source = do_add_ics(alice, url=base + path, me=[ME], check=False)  # it broke since
    with pytest.raises(SyncError, match=said):
        do_sync(alice, source)
    failing = Source.objects.get(pk=source.pk)
    assert failing.failures == 1 and said in failing.last_error
    assert "\n" not in failing.last_error
    assert not Interaction.objects.filter(owner=alice).exists()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale", need(RADICALE, "radicale"))
    server.start()
    yield server
    server.stop()


def test_caldav_sync_tokens(alice: Owner, radicale: Radicale) -> None:
    from caldav.davclient import DAVClient

    with DAVClient(url=radicale.url, username=USER, password=PASSWORD) as client:
        # caldav ships no annotations on principal()
        cal = client.principal().make_calendar(name="Work")  # type: ignore[no-untyped-call]
        cal.save_event(calendar(event("c1", "ann@example.com", 5)).decode())
        source = do_add_caldav(alice, url=radicale.url, username=USER, password=PASSWORD, me=[ME])
        run = do_sync(alice, source)
        assert run.counts["events"] == 1 and run.counts["interactions_added"] == 1
        again = do_sync(alice, Source.objects.get(pk=source.pk))
        assert again.counts["events"] == 0  # the sync token: nothing changed, nothing read
        cal.save_event(calendar(event("c2", "bo@example.com", 1)).decode())
        third = do_sync(alice, Source.objects.get(pk=source.pk))
        assert third.counts["events"] == 1 and third.counts["interactions_added"] == 1
    assert Interaction.objects.filter(owner=alice).count() == 2


def test_caldav_wrong_password_and_stopped_server(alice: Owner, radicale: Radicale) -> None:
    source = do_add_caldav(alice, url=radicale.url, username=USER, password="nope", me=[ME])
    with pytest.raises(SyncError, match="login refused"):
        do_sync(alice, source)
    radicale.stop()
    with pytest.raises(SyncError, match="CalDAV"):
        do_sync(alice, Source.objects.get(pk=source.pk))
    assert Source.objects.get(pk=source.pk).failures == 2


def test_caldav_server_answering_garbage(alice: Owner, http: tuple[str, Served]) -> None:
    """A web server that is no CalDAV server (it knows no PROPFIND): one line, failing."""
    base, served = http
    served.pages["/dav/"] = ("text/html", b"<html>hello</html>")
    source = do_add_caldav(alice, url=f"{base}/dav/", username=USER, password=PASSWORD, me=[ME])
    with pytest.raises(SyncError, match=r"^CalDAV http://127\.0\.0\.1:\d+/dav/: ") as caught:
        do_sync(alice, source)
    assert "\n" not in str(caught.value), str(caught.value)
    assert Source.objects.get(pk=source.pk).failures == 1


def test_ics_address_without_an_owner_says_which_source(
    alice: Owner, http: tuple[str, Served]
) -> None:
    """Two people meet and neither is known to be the owner: the calendar import asks
    for --me, naming the source (not a temporary file)."""
    base, served = http
    served.pages["/x/c.ics"] = (
        "text/calendar",
        calendar(event("o1", "ann@example.com", 3).replace(ME, "zed@example.com")),
    )
    source = do_add_ics(alice, url=f"{base}/x/c.ics")
    with pytest.raises(
        TrothError, match=r"^http://127\.0\.0\.1:\d+/…c: calendar import needs your own"
    ):
        do_sync(alice, source)
    assert "/tmp" not in Source.objects.get(pk=source.pk).last_error
