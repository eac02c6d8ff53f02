"""Sources on a group's server reach only public addresses (server-side request
forgery), on a real HTTP server on 127.0.0.1: refused at add time and at each
connection (a redirect, a name resolving to 127.0.0.1, a name that changes its
answer between the check and the connection), allowed with TROTH_SOURCES_PRIVATE=1
and on a laptop. Also: ICS labels that tell two addresses apart, --label, and the
fetch at add time.

`public_name` stands for a public host on the internet, which a test cannot reach:
socket.getaddrinfo answers a global address for one name, and connections to that
address go to the local server (the standard library's functions, not troth's)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from servers import PASSWORD, USER
from test_sync_calendars import ME, calendar, event
from troth.owned import Owner
from troth.sync.actions import do_add_caldav, do_add_ics, do_add_imap, do_sync
from troth.sync.imap import SyncError
from troth.sync.models import Source
from troth.sync.netguard import Refused, is_public

if TYPE_CHECKING:
    from conftest import Cli

PUBLIC = "100.0.0.7"  # a global address; nothing is ever sent to it (see public_name)
NAME = "calendar.example.com"
HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class Local:
    """A calendar server on 127.0.0.1: /cal.ics answers a calendar, /away redirects to
    `redirect_to`, /secret answers something internal; `asked` is every path asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.redirect_to = ""
        self.base = ""
        self.port = 0


@pytest.fixture
def local() -> Iterator[Local]:
    state = Local()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            state.asked.append(self.path)
            if self.path == "/away":
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
                self.end_headers()
                return
            if self.path == "/cal.ics":
                body = calendar(event("n1", "ann@example.com", 2))
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
            else:
                body = b"INTERNAL-ONLY db password hunter2"
                self.send_response(404, "INTERNAL-ONLY reason")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PROPFIND = do_GET  # noqa: N815 - CalDAV's first request, answered the same

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.port = server.server_address[1]
    state.base = f"http://127.0.0.1:{state.port}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def public_name(monkeypatch: pytest.MonkeyPatch, local: Local) -> list[str]:
    """NAME resolves to PUBLIC (a public host), whose connections reach `local`; the
    answers returned are counted in the list (the test may change what comes next)."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    answers: list[str] = []

    def getaddrinfo(host: str, port: int | str, *args: Any, **kwargs: Any) -> list[Any]:
        if host == NAME:
            address = answers.pop(0) if answers else PUBLIC
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] == PUBLIC:
            address = ("127.0.0.1", address[1])
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return answers


@pytest.fixture
def server_mode(settings: Settings) -> Settings:
    settings.TROTH_NETWORK_MODE = True
    settings.TROTH_SOURCES_PRIVATE = False
    return settings


def test_which_addresses_are_public() -> None:
    for private in ("127.0.0.1", "10.1.2.3", "192.168.1.9", "169.254.169.254", "::1", "fe80::1",
                    "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1"):  # fmt: skip
        assert not is_public(private), private
    for public in (PUBLIC, "8.8.8.8", "2606:4700::1111"):
        assert is_public(public), public


def test_local_server_refused_on_a_group_server(
    alice: Owner, local: Local, server_mode: Settings
) -> None:
    with pytest.raises(
        Refused, match=r"^127\.0\.0\.1 is not a public address: .*TROTH_SOURCES_PRIVATE=1"
    ):
        do_add_ics(alice, url=f"{local.base}/cal.ics", me=[ME])
    with pytest.raises(Refused, match=r"^localhost \(127\.0\.0\.1\) is not a public address"):
        do_add_ics(alice, url=f"http://localhost:{local.port}/cal.ics", me=[ME], check=False)
    assert not Source.objects.exists() and local.asked == []


def test_checked_again_at_each_connection(alice: Owner, local: Local, settings: Settings) -> None:
    """Added when it was allowed (or by a name that resolved elsewhere then): the
    connection is refused all the same, and nothing reaches the server."""
    by_ip = do_add_ics(alice, url=f"{local.base}/secret", me=[ME], check=False)
    by_name = do_add_ics(alice, url=f"http://localhost:{local.port}/secret", me=[ME], check=False)
    settings.TROTH_NETWORK_MODE = True
    for source, shown in ((by_ip, "127.0.0.1"), (by_name, r"localhost \(127\.0\.0\.1\)")):
        with pytest.raises(SyncError, match=rf"^ICS address .*…cret: {shown} is not a public"):
            do_sync(alice, source)
        failing = Source.objects.get(pk=source.pk)
        assert "not a public address" in failing.last_error and "\n" not in failing.last_error
    assert local.asked == []


@pytest.mark.parametrize("private", ["local", "operator"])
def test_allowed_on_a_laptop_or_when_the_operator_says_so(
    alice: Owner, local: Local, settings: Settings, private: str
) -> None:
    if private == "operator":
        settings.TROTH_NETWORK_MODE = True
        settings.TROTH_SOURCES_PRIVATE = True
    source = do_add_ics(alice, url=f"{local.base}/cal.ics", me=[ME])
    assert do_sync(alice, source).counts["interactions_added"] == 1
    assert local.asked == ["/cal.ics", "/cal.ics"]  # the check at add time, then the sync


def test_redirect_to_a_private_address_refused(
    alice: Owner, local: Local, public_name: list[str], server_mode: Settings
) -> None:
    local.redirect_to = f"{local.base}/secret"
    with pytest.raises(
        SyncError, match=r"ICS address http://calendar\.example\.com:\d+/…away: 127"
    ):
        do_add_ics(alice, url=f"http://{NAME}:{local.port}/away", me=[ME])
    local.redirect_to = f"http://localhost:{local.port}/secret"
    with pytest.raises(SyncError, match=r"localhost \(127\.0\.0\.1\) is not a public address"):
        do_add_ics(alice, url=f"http://{NAME}:{local.port}/away", me=[ME])
    assert local.asked == ["/away", "/away"]  # never /secret
    assert not Source.objects.exists()
    # the public name itself is fine, and its redirects to itself are followed
    local.redirect_to = f"http://{NAME}:{local.port}/cal.ics"
    source = do_add_ics(alice, url=f"http://{NAME}:{local.port}/away", me=[ME])
    assert do_sync(alice, source).counts["interactions_added"] == 1


def test_caldav_redirect_to_a_private_address_refused(
    alice: Owner, local: Local, public_name: list[str], server_mode: Settings
) -> None:
    from troth.sync import calendars

    local.redirect_to = f"http://localhost:{local.port}/secret"
    with pytest.raises(SyncError, match=r"localhost \(127\.0\.0\.1\) is not a public address"):
        calendars.fetch_changed(f"http://{NAME}:{local.port}/away", USER, PASSWORD, {})
    assert local.asked == ["/away"]  # never /secret


def test_a_name_that_changes_its_answer_gets_nowhere(
    alice: Owner, local: Local, public_name: list[str], server_mode: Settings
) -> None:
    """DNS rebinding: public when checked, 127.0.0.1 when connecting. The connection
    goes to an address checked at that moment, so it is refused."""
    public_name.extend([PUBLIC, "127.0.0.1"])  # the add-time check, then the connection
    with pytest.raises(SyncError, match=r"calendar\.example\.com \(127\.0\.0\.1\) is not a public"):
        do_add_ics(alice, url=f"http://{NAME}:{local.port}/cal.ics", me=[ME])
    assert local.asked == [] and not Source.objects.exists()


def test_error_does_not_repeat_what_the_server_answered(
    alice: Owner, local: Local, settings: Settings
) -> None:
    with pytest.raises(SyncError) as caught:
        do_add_ics(alice, url=f"{local.base}/secret", me=[ME])
    assert "HTTP 404 Not Found" in str(caught.value) and "INTERNAL" not in str(caught.value)
    assert not Source.objects.exists()


def test_caldav_and_imap_refused_too(
    alice: Owner, local: Local, server_mode: Settings, settings: Settings
) -> None:
    with pytest.raises(Refused, match="^127.0.0.1 is not a public address"):
        do_add_caldav(alice, url=f"{local.base}/dav/", username=USER, password=PASSWORD)
    with pytest.raises(Refused, match=r"^localhost \(127\.0\.0\.1\) is not a public address"):
        do_add_imap(alice, host="localhost", port=local.port, security="none", username=USER,
                    password=PASSWORD, me=[ME])  # fmt: skip
    assert not Source.objects.exists()
    # added on a laptop, synced on the group's server: refused at the connection
    settings.TROTH_NETWORK_MODE = False
    dav = do_add_caldav(alice, url=f"{local.base}/dav/", username=USER, password=PASSWORD)
    mail = do_add_imap(alice, host="127.0.0.1", port=local.port, security="none",
                       username=USER, password=PASSWORD, me=[ME])  # fmt: skip
    settings.TROTH_NETWORK_MODE = True
    with pytest.raises(
        SyncError, match=r"^CalDAV http://127\.0\.0\.1:\d+/dav/: 127\.0\.0\.1 is not a"
    ):
        do_sync(alice, dav)
    with pytest.raises(SyncError, match=r"^IMAP 127\.0\.0\.1:\d+: 127\.0\.0\.1 is not a public"):
        do_sync(alice, mail)
    assert local.asked == []  # the CalDAV client never reached the server either


def test_web_add_refused_in_one_line(
    web: Client, alice: Owner, local: Local, server_mode: Settings
) -> None:
    answer = web.post(
        "/settings/sources/add",
        {"src-kind": "ics", "src-url": f"{local.base}/cal.ics", "src-every": "15"},
        **HX,
    )
    assert answer.status_code == 400 and b"is not a public address" in answer.content
    assert not Source.objects.exists() and local.asked == []


# -- telling sources apart, and the fetch at add time --------------------------------


def test_ics_sources_told_apart_in_80_columns(
    cli: Cli, local: Local, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli.json("sources", "add", "ics", f"{local.base}/cal.ics", "--me", ME)
    assert first["label"] == f"http://127.0.0.1:{local.port}/…cal"
    second = cli.json(
        "sources", "add", "ics", f"{local.base}/secret", "--no-check", "--label", "work calendar"
    )
    assert second["label"] == f"work calendar: http://127.0.0.1:{local.port}/…cret"
    out = cli("sources").stdout
    assert all(len(line) <= 80 for line in out.splitlines()), out
    assert f"127.0.0.1:{local.port}/…" in out.replace("\n", "") and "work calendar" in out
    assert "ICS address" in out


def test_ics_add_fetches_once_and_refuses_in_the_syncs_line(cli: Cli, local: Local) -> None:
    failed = cli("sources", "add", "ics", f"{local.base}/nothing-here.ics", "--me", ME, code=2)
    assert failed.stderr.strip().count("\n") == 0
    assert "HTTP 404 Not Found: the address is wrong or no longer valid" in failed.stderr
    assert cli.json("sources") == []
    cli("sources", "add", "ics", f"{local.base}/nothing-here.ics", "--no-check")
    assert len(cli.json("sources")) == 1
    assert local.asked == ["/nothing-here.ics"]  # --no-check fetched nothing


def test_label_for_every_kind(cli: Cli, alice: Owner, local: Local) -> None:
    row = cli.json(
        "sources", "add", "caldav", "--url", f"{local.base}/dav/", "--user", USER,
        "--password", PASSWORD, "--label", "  home   calendar ",
    )  # fmt: skip
    assert row["label"] == f"home calendar: {USER} at http://127.0.0.1:{local.port}"
    row = cli.json(
        "sources", "add", "imap", "--host", "127.0.0.1", "--port", str(local.port),
        "--security", "none", "--user", USER, "--password", PASSWORD, "--me", ME,
        "--label", "work mail",
    )  # fmt: skip
    assert row["label"] == f"work mail: {USER} at 127.0.0.1:{local.port}"
    too_long = cli("sources", "add", "ics", f"{local.base}/cal.ics", "--label", "x" * 81, code=2)
    assert "--label" in too_long.stderr


def test_web_form_has_a_label(web: Client, alice: Owner, local: Local) -> None:
    assert b'name="src-label"' in web.get("/settings/").content
    added = web.post(
        "/settings/sources/add",
        {
            "src-kind": "ics",
            "src-url": f"{local.base}/cal.ics",
            "src-me": ME,
            "src-every": "15",
            "src-label": "team",
        },  # fmt: skip
        **HX,
    )
    assert added.status_code == 200
    assert Source.objects.get().label.startswith("team: http://127.0.0.1:")
    bad = web.post(
        "/settings/sources/add",
        {"src-kind": "ics", "src-url": f"{local.base}/nothing.ics", "src-every": "15"},
        **HX,
    )
    assert bad.status_code == 400 and b"HTTP 404 Not Found" in bad.content
    assert Source.objects.count() == 1


def _self_signed(folder: Path, name: str) -> tuple[str, str]:
    """A certificate for `name` (and its key), signed by itself, as PEM files."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    # OpenSSL checks validity against the real clock, which the tests' pinned day (a
    # leap day years ahead in CI) is not: a window wide enough for any day a test runs
    start, end = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_tls_still_checked_against_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection goes to the address checked, but the certificate must still be
    the name's: a certificate for localhost is good for https://localhost, not for
    https://127.0.0.1, and not at all unless trusted."""
    import ssl

    from troth.sync import icsurl

    cert, key = _self_signed(tmp_path, "localhost")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            body = calendar()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        with pytest.raises(SyncError, match="certificate verify failed"):
            icsurl.fetch(f"https://localhost:{port}/c.ics", {})  # not trusted
        monkeypatch.setenv("SSL_CERT_FILE", cert)
        assert icsurl.fetch(f"https://localhost:{port}/c.ics", {}).changed
        with pytest.raises(SyncError, match="certificate verify failed: IP address mismatch"):
            icsurl.fetch(f"https://127.0.0.1:{port}/c.ics", {})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
