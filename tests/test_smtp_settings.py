"""The owner's own mail server, saved in Settings: validated, the password never
shown back, used by the web page and the CLI alike over a real SMTP server on
127.0.0.1 (aiosmtpd), before the operator's TROTH_SMTP_* environment."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from typing import TYPE_CHECKING, Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.test import Client
from pytest_django.fixtures import Settings

from troth.agenda.digest import do_save_mail_settings, smtp_config
from troth.agenda.models import DigestLog, MailSettings
from troth.errors import TrothError
from troth.owned import Owner
from troth.owners import local_owner
from troth.sync.secrets import open_tagged

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import EmailMessage

    from aiosmtpd.smtp import SMTP, Envelope, LoginPassword, Session
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from conftest import Cli

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.usefixtures("no_mail_settings")


def opened(stored: str) -> str:
    return open_tagged(stored, "the password")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """Keeps what it is given, and the logins it was offered."""

    port: int  # set by the `smtp` fixture once its server listens

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"

    def authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: LoginPassword,
    ) -> AuthResult:
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        ok = login == ("digest-user", "s3cret pass")
        return AuthResult(success=ok, handled=ok)

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            # aiosmtpd keeps the raw bytes (decode_data is off)
            email.message_from_bytes(cast(bytes, e.content), policy=email.policy.default)
            for e in self.envelopes
        ]


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that asks for a login (without TLS: loopback)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    inbox.port = port
    yield inbox
    with contextlib.suppress(AssertionError, RuntimeError):
        controller.stop()


def text(response: Response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def form(mail_port: int | str, **more: str) -> dict[str, str]:
    data = {
        "action": "save",
        "mail-host": "127.0.0.1",
        "mail-port": str(mail_port),
        "mail-security": "none",
        "mail-username": "digest-user",
        "mail-password": "s3cret pass",
        "mail-from_address": "troth@example.org",
        "mail-digest_to": "",
    }
    data.update({f"mail-{k}": v for k, v in more.items()})
    return data


def test_save_then_send_the_digest_and_a_test_message(
    web: Client, alice: Owner, smtp: Inbox
) -> None:
    r = web.post("/settings/digest", form(smtp.port), **HTMX)
    assert r.status_code == 200, text(r)
    assert "Saved: the digest goes through 127.0.0.1." in text(r)
    own = MailSettings.objects.get(owner=alice)
    assert (own.host, own.port, own.security, opened(own.password)) == (
        "127.0.0.1",
        smtp.port,
        "none",
        "s3cret pass",
    )
    assert "s3cret" not in own.password  # encrypted at rest (issue 14)
    page = text(web.get("/settings/"))
    assert f"127.0.0.1:{smtp.port} (unencrypted) (yours, saved here)" in page
    assert "s3cret pass" not in page and "set (not shown)" in page

    r = web.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 200, text(r)
    assert f"Test message sent to alice@example.org via 127.0.0.1:{smtp.port}" in text(r)
    r = web.post("/settings/digest", {"action": "send"}, **HTMX)
    assert r.status_code == 200 and "Sent 0 things to alice@example.org" in text(r)
    assert smtp.logins == [("digest-user", "s3cret pass")] * 2
    for envelope, message in zip(smtp.envelopes, smtp.messages, strict=True):
        assert envelope.mail_from == "troth@example.org"
        assert envelope.rcpt_tos == ["alice@example.org"]
        assert message["From"] == "troth@example.org" and message["To"] == "alice@example.org"
    assert [m["Subject"] for m in smtp.messages][0] == "troth: test message"
    assert DigestLog.objects.filter(owner=alice).count() == 1  # the test is not a digest


def test_an_empty_password_keeps_the_saved_one_and_the_box_clears_it(
    web: Client, alice: Owner, smtp: Inbox
) -> None:
    web.post("/settings/digest", form(smtp.port))
    r = web.post("/settings/digest", form(smtp.port, password="", username="digest-user"))
    assert r.status_code == 302
    assert opened(MailSettings.objects.get(owner=alice).password) == "s3cret pass"
    page = text(web.get("/settings/"))
    assert "A password is saved (not shown)." in page and "Forget the saved password" in page
    assert 'type="password" name="mail-password"' in page and "s3cret" not in page
    web.post("/settings/digest", form(smtp.port, password="", clear_password="on"))
    assert MailSettings.objects.get(owner=alice).password == ""
    # and forgetting the whole server goes back to the environment's (none here)
    r = web.post("/settings/digest", {"action": "forget"}, **HTMX)
    assert r.status_code == 200 and "Forgot your mail server." in text(r)
    assert not MailSettings.objects.filter(owner=alice).exists()


def test_a_saved_password_never_follows_a_new_server_or_a_downgrade(
    web: Client, alice: Owner, smtp: Inbox
) -> None:
    web.post("/settings/digest", form(smtp.port, security="starttls", host="smtp.good.example"))
    assert opened(MailSettings.objects.get(owner=alice).password) == "s3cret pass"
    # another server typed in, the password box left empty: the password is not sent there
    web.post("/settings/digest", form(smtp.port, host="smtp.typo.example", password=""))
    assert MailSettings.objects.get(owner=alice).password == ""
    # the same server, another login: the same
    web.post("/settings/digest", form(smtp.port, host="smtp.good.example", security="starttls"))
    web.post(
        "/settings/digest",
        form(
            smtp.port,
            host="smtp.good.example",
            security="starttls",
            username="someone-else",
            password="",
        ),
    )
    assert MailSettings.objects.get(owner=alice).password == ""
    # the same server and login, but no encryption any more: not in clear either
    web.post("/settings/digest", form(smtp.port, host="smtp.good.example", security="starttls"))
    web.post("/settings/digest", form(smtp.port, host="smtp.good.example", password=""))
    assert MailSettings.objects.get(owner=alice).password == ""


def test_a_groups_server_mails_only_the_members_account_address(
    web: Client, alice: Owner, smtp: Inbox, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from troth.owners import do_ensure_me
    from troth.people.models import ContactPoint

    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TROTH_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("TROTH_SMTP_USER", "digest-user")
    monkeypatch.setenv("TROTH_SMTP_PASSWORD", "s3cret pass")
    monkeypatch.setenv("TROTH_SMTP_TLS", "0")
    settings.TROTH_NETWORK_MODE, settings.TROTH_MEMBER_SMTP = True, "1"
    # an address typed in Settings is not where the operator's server sends
    ContactPoint.objects.create(
        owner=alice, person=do_ensure_me(alice), kind="email", value="victim@example.com"
    )
    alice.email = ""
    alice.save()
    r = web.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 400 and "your account has none" in text(r)
    nothing_but = {"host": "", "port": "", "username": "", "password": "", "from_address": ""}
    saved = web.post("/settings/digest", form("", **nothing_but, digest_to="victim2@example.com"))
    assert saved.status_code == 302
    assert MailSettings.objects.get(owner=alice).digest_to == "victim2@example.com"
    alice.email = "alice@example.org"
    alice.save()
    r = web.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 400 and "not to victim2@example.com" in text(r)
    assert smtp.messages == []
    # the account's own address is fine
    web.post("/settings/digest", form("", **nothing_but, digest_to=""))
    r = web.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 200, text(r)
    assert [m["To"] for m in smtp.messages] == ["alice@example.org"]


def test_a_wrong_port_is_one_clear_line_and_nothing_is_logged(web: Client, alice: Owner) -> None:
    port = free_port()  # nobody listens there
    web.post("/settings/digest", form(port))
    for action in ("test", "send"):
        r = web.post("/settings/digest", {"action": action}, **HTMX)
        assert r.status_code == 400
        assert (
            f"via 127.0.0.1:{port}: connection refused (is the server running, and is this"
            " the right port?)"
        ) in text(r)
    assert not DigestLog.objects.exists()


def test_a_refused_login_names_the_settings_fields(web: Client, smtp: Inbox) -> None:
    web.post("/settings/digest", form(smtp.port, password="wrong"))
    r = web.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 400
    assert "the server refused the login of digest-user (535" in text(r)
    assert "check the username and password" in text(r)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("port", "0", "'0' is not a port number (1-65535)"),
        ("port", "65536", "'65536' is not a port number (1-65535)"),
        ("port", "smtp", "'smtp' is not a port number (1-65535)"),
        ("host", "smtp.example.org:587", "has a port in it; put the port in its own field"),
        ("host", "smtp://mail.example.org", "is a URL; give only the server's name"),
        ("host", "mail server", "is not a server name"),
        ("host", "-bad-.example.org", "is not a server name"),
        ("host", "300.1.2.3", "is not a valid IP address"),
        ("from_address", "troth at example", "'troth at example' is not an e-mail address"),
        ("digest_to", "me@", "'me@' is not an e-mail address"),
        ("security", "starttls-please", "Select a valid choice"),
    ],
)
def test_bad_values_are_400_with_the_field_and_write_nothing(
    web: Client, alice: Owner, field: str, value: str, message: str
) -> None:
    r = web.post("/settings/digest", form(25, **{field: value}), **HTMX)
    assert r.status_code == 400
    page = text(r)
    assert message in page
    # the message sits with its field
    assert page.index(message) > page.index(f'name="mail-{field}"') - 2000
    assert not MailSettings.objects.exists()


def test_a_login_without_a_host_is_refused(web: Client) -> None:
    r = web.post("/settings/digest", form("", host=""), **HTMX)
    assert r.status_code == 400 and "needed for the port, username, password" in text(r)
    assert not MailSettings.objects.exists()
    # all empty: the server's default, saved as such
    empty = {k: "" for k in form(1)} | {"action": "save", "mail-security": "starttls"}
    r = web.post("/settings/digest", empty, **HTMX)
    assert r.status_code == 200 and "uses the server's default mail settings" in text(r)


def test_unknown_action_is_400(web: Client) -> None:
    r = web.post("/settings/digest", {"action": "explode"}, **HTMX)
    assert r.status_code == 400 and "unknown action" in text(r)


def test_your_server_comes_before_the_environment(
    alice: Owner, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "smtp.operator.example")
    monkeypatch.setenv("TROTH_SMTP_USER", "operator")
    monkeypatch.setenv("TROTH_SMTP_PASSWORD", "operator-secret")
    monkeypatch.setenv("TROTH_DIGEST_FROM", "operator@example.org")
    assert smtp_config(alice).host == "smtp.operator.example"
    do_save_mail_settings(alice, host="127.0.0.1", port=smtp.port, security="none")
    mine = smtp_config(alice)
    # used whole: the operator's login never goes to the server alice named
    assert (mine.host, mine.port, mine.user, mine.password) == ("127.0.0.1", smtp.port, "", "")
    assert mine.sender == "" and mine.source == "settings"
    assert smtp_config().host == "smtp.operator.example"  # nobody's: the environment


def test_a_groups_server_keeps_members_off_their_own_mail_servers(
    web: Client, alice: Owner, smtp: Inbox, settings: Settings
) -> None:
    do_save_mail_settings(alice, host="127.0.0.1", port=smtp.port, security="none")
    settings.TROTH_NETWORK_MODE = True  # troth serve --host
    settings.TROTH_MEMBER_SMTP = None
    # what alice saved on her laptop is not used on a group's server...
    assert smtp_config(alice).source != "settings"
    # ...and nothing new can be saved: one clear line, nothing written
    before = MailSettings.objects.get(owner=alice).updated_at
    r = web.post("/settings/digest", form(smtp.port, host="10.0.0.9"), **HTMX)
    assert r.status_code == 400 and "TROTH_MEMBER_SMTP=1" in text(r)
    assert MailSettings.objects.get(owner=alice).updated_at == before
    page = text(web.get("/settings/"))
    assert "Save mail server" not in page and "operator's mail server" in page
    # the operator may allow it
    settings.TROTH_MEMBER_SMTP = "1"
    assert smtp_config(alice).source == "settings"
    assert "Save mail server" in text(web.get("/settings/"))
    # or forbid it on a laptop too
    settings.TROTH_NETWORK_MODE, settings.TROTH_MEMBER_SMTP = False, "0"
    assert smtp_config(alice).source != "settings"


def test_the_cli_uses_the_owners_saved_server(cli: Cli, smtp: Inbox) -> None:
    owner = local_owner()
    do_save_mail_settings(
        owner,
        host="127.0.0.1",
        port=smtp.port,
        security="none",
        username="digest-user",
        password="s3cret pass",
        from_address="troth@example.org",
        digest_to="me@example.org",
    )
    result = cli("digest", "--send")
    assert f"to me@example.org via 127.0.0.1:{smtp.port}" in result.stdout
    assert smtp.envelopes[0].rcpt_tos == ["me@example.org"]
    assert smtp.messages[0]["From"] == "troth@example.org"


def test_service_checks_before_writing(alice: Owner) -> None:
    for kwargs, message in (
        ({"host": "x..y"}, "host: 'x..y' is not a server name"),
        ({"host": "ok.example.org", "port": 70000}, "port: 70000 is not a port number"),
        ({"host": "ok.example.org", "security": "tls"}, "security: 'tls' is not one of"),
    ):
        with pytest.raises(TrothError, match=message):
            do_save_mail_settings(alice, **kwargs)
    assert not MailSettings.objects.exists()
    own = do_save_mail_settings(alice, host="[::1]", port=None, security="ssl")
    assert own.host == "::1" and smtp_config(alice).port == 465


def test_bob_never_sees_or_uses_alices_server(
    client: Client, alice: Owner, bob: Owner, smtp: Inbox
) -> None:
    client.force_login(alice)
    client.post("/settings/digest", form(smtp.port, from_address="alice-relay@example.org"))
    client.force_login(bob)
    page = text(client.get("/settings/"))
    assert "alice-relay@example.org" not in page and "digest-user" not in page
    assert "Server</dt><dd>not set" in page
    r = client.post("/settings/digest", {"action": "test"}, **HTMX)
    assert r.status_code == 400 and "no SMTP server configured" in text(r)
    # bob forgetting his (none) leaves alice's alone
    client.post("/settings/digest", {"action": "forget"})
    assert MailSettings.objects.filter(owner=alice).exists()
    assert smtp.envelopes == []


def test_mail_forms_need_csrf(alice: Owner, smtp: Inbox) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    for data in (form(smtp.port), {"action": "test"}, {"action": "forget"}):
        assert strict.post("/settings/digest", data).status_code == 403
    assert not MailSettings.objects.exists() and smtp.envelopes == []
