"""`troth digest`: the message, and sending it to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import re
import socket
from email.message import EmailMessage
from typing import TYPE_CHECKING, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pytest_django.fixtures import Settings

from troth.agenda.digest import build_digest, do_send_digest, own_addresses, recipient
from troth.agenda.models import DigestLog
from troth.errors import TrothError
from troth.ledger.actions import do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person, do_edit_person
from troth.settings import smtp_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from aiosmtpd.smtp import SMTP, Envelope, Session
    from typer.testing import Result

    from conftest import Cli

pytestmark = pytest.mark.usefixtures("no_mail_settings")


def _today() -> dt.date:
    return timezone.localdate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler that keeps what it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            # aiosmtpd keeps the raw bytes (decode_data is off)
            email.message_from_bytes(cast(bytes, e.content), policy=email.policy.default)
            for e in self.envelopes
        ]


class NoSuchMailbox(Inbox):
    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"


class Server:
    def __init__(self, handler: Inbox, **kwargs: Any) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(handler: Inbox | None = None, **kwargs: Any) -> Server:
        server = Server(handler or Inbox(), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        with contextlib.suppress(AssertionError, RuntimeError):  # stopped by the test
            server.stop()


def use(monkeypatch: pytest.MonkeyPatch, port: int, **more: str) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TROTH_SMTP_PORT", str(port))
    monkeypatch.setenv("TROTH_DIGEST_FROM", "troth@example.org")
    for name, value in more.items():
        monkeypatch.setenv(name, value)


def things(owner: Owner) -> list[str]:
    """A promise due soon, a late one, and a thank-you owed: agenda ids, in order."""
    me = me_person(owner)
    dana = do_add_person(owner, "Dana Whitfield")
    sam = do_add_person(owner, "Sam Okafor")
    day = dt.timedelta(days=1)
    late = do_make_promise(
        owner, me, sam, "review his CV", made_on=_today() - 9 * day, due=_today() - 2 * day
    )
    deck = do_make_promise(
        owner, me, dana, "send the deck", made_on=_today() - 5 * day, due=_today() + 2 * day
    )
    favor = do_record_favor(owner, sam, me, "intro", "to Pat at Acme", on=_today() - 3 * day)
    return [f"p{late.id}", f"p{deck.id}", f"t{favor.id}"]


def subject(n: int) -> str:
    today = _today()
    return f"troth: {n} things worth doing today ({today:%A} {today.day} {today:%B})"


def one_line_error(result: Result) -> str:
    assert result.stderr.startswith("troth: error: ") and result.stderr.count("\n") == 1
    return result.stderr


# -- the message --------------------------------------------------------------------


def test_digest_prints_the_message_and_records_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = things(local_owner())
    monkeypatch.setenv("TROTH_DIGEST_FROM", "troth@example.org")
    out = cli("digest", "--to", "me@example.org").stdout
    head, body = out.split("\n\n", 1)
    assert head.splitlines() == [
        "From: troth@example.org",
        "To: me@example.org",
        f"Subject: {subject(3)}",
    ]
    firsts = [line.split()[0] for line in body.splitlines() if line.strip()]
    assert [word for word in firsts if word in ids] == ids  # best first, as in troth agenda
    # ids are padded to one width, which depends on how large they are
    assert re.search(rf"^{ids[0]} +keep your word$", body, re.M)
    assert re.search(rf"^{ids[2]} +say thanks$", body, re.M)
    assert "You promised Sam Okafor “review his CV” (2 days late)" in body
    assert "troth done ID" in body and "troth snooze ID --until DATE" in body
    assert max(len(line) for line in body.splitlines()) <= 76
    assert DigestLog.objects.count() == 0


def test_digest_json_uses_the_agenda_rows(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = things(local_owner())
    monkeypatch.setenv("TROTH_DIGEST_TO", "me@example.org")
    data = cli.json("digest")
    assert set(data) == {"subject", "to", "body", "items"}
    assert data["subject"] == subject(3) and data["to"] == "me@example.org"
    assert [i["id"] for i in data["items"]] == ids
    assert set(data["items"][0]) == {"id", "kind", "person", "reason", "due", "priority"}
    assert data["items"][1]["person"]["name"] == "Dana Whitfield"
    flowing = " ".join(data["body"].split())  # the body wraps reasons at 76 columns
    assert all(i["reason"] in flowing for i in data["items"])


def test_an_empty_day_says_so(alice: Owner) -> None:
    digest = build_digest(alice)
    assert digest.subject.startswith("troth: nothing needs you today (")
    assert digest.items == [] and digest.to == "alice@example.org"
    assert "give first" in digest.body


# -- sending ------------------------------------------------------------------------


def test_send_reaches_the_server_and_is_logged(
    cli: Cli, servers: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = local_owner()
    ids = things(owner)
    server = servers()
    use(monkeypatch, server.port)
    result = cli("digest", "--send", "--to", "me@example.org")
    assert result.stdout == (f"Sent “{subject(3)}” to me@example.org via 127.0.0.1:{server.port}\n")
    [envelope] = server.handler.envelopes
    assert envelope.mail_from == "troth@example.org"
    assert envelope.rcpt_tos == ["me@example.org"]
    [message] = server.handler.messages
    assert message["From"] == "troth@example.org"
    assert message["To"] == "me@example.org"
    assert message["Subject"] == subject(3)
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    for item_id in ids:
        assert item_id in body
    assert "You promised Dana Whitfield “send the deck” (due in 2 days)" in body
    assert "Sam Okafor gave you an introduction (to Pat at Acme) 3 days ago" in body
    [log] = DigestLog.objects.all()
    assert (log.owner_id, log.recipient, log.subject, log.items) == (
        owner.id,
        "me@example.org",
        subject(3),
        3,
    )


def test_send_goes_to_the_account_address_from_django_settings(
    alice: Owner, servers: Callable[..., Server], settings: Settings
) -> None:
    """No TROTH_SMTP_* at all: Django's EMAIL_* settings are the fallback."""
    things(alice)
    server = servers()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    sent = do_send_digest(alice)
    assert sent.server == f"127.0.0.1:{server.port}"
    [envelope] = server.handler.envelopes
    # no TROTH_DIGEST_FROM: a digest to yourself comes from yourself
    assert envelope.rcpt_tos == ["alice@example.org"]
    assert envelope.mail_from == "alice@example.org"
    assert DigestLog.objects.get(owner=alice).recipient == "alice@example.org"


def test_a_stopped_server_is_one_line_and_nothing_is_marked_sent(
    cli: Cli, servers: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    things(local_owner())
    server = servers()
    use(monkeypatch, server.port)
    cli("digest", "--send", "--to", "me@example.org")
    assert DigestLog.objects.count() == 1
    server.stop()
    result = cli("digest", "--send", "--to", "me@example.org", code=2)
    assert one_line_error(result).startswith(
        f"troth: error: cannot send the digest via 127.0.0.1:{server.port}: connection refused"
    )
    assert DigestLog.objects.count() == 1

    # a port where nothing ever listened
    port = free_port()
    monkeypatch.setenv("TROTH_SMTP_PORT", str(port))
    result = cli("digest", "--send", "--to", "me@example.org", "--json", code=2)
    assert f"127.0.0.1:{port}: connection refused" in one_line_error(result)
    assert result.stdout == ""
    assert DigestLog.objects.count() == 1


def test_a_refused_recipient_is_not_marked_sent(
    cli: Cli, servers: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    things(local_owner())
    server = servers(NoSuchMailbox())
    use(monkeypatch, server.port)
    result = cli("digest", "--send", "--to", "nobody@example.org", code=2)
    assert one_line_error(result) == (
        f"troth: error: cannot send the digest via 127.0.0.1:{server.port}: the server refused"
        " the recipient nobody@example.org (550 5.1.1 <nobody@example.org>: Recipient address"
        " rejected: no such mailbox)\n"
    )
    assert server.handler.envelopes == []
    assert DigestLog.objects.count() == 0


def _refuse_everyone(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
) -> AuthResult:
    return AuthResult(success=False, handled=False)


def test_a_refused_login_is_not_marked_sent(
    cli: Cli, servers: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    things(local_owner())
    server = servers(authenticator=_refuse_everyone, auth_require_tls=False)
    use(
        monkeypatch,
        server.port,
        TROTH_SMTP_USER="digest-user",
        TROTH_SMTP_PASSWORD="wrong",
        TROTH_SMTP_TLS="0",
    )
    result = cli("digest", "--send", "--to", "me@example.org", code=2)
    line = one_line_error(result)
    assert f"via 127.0.0.1:{server.port}: the server refused the login of digest-user (535" in line
    assert "check TROTH_SMTP_USER and TROTH_SMTP_PASSWORD" in line
    assert DigestLog.objects.count() == 0

    # with a user, STARTTLS is on by default; this server does not offer it
    monkeypatch.delenv("TROTH_SMTP_TLS")
    result = cli("digest", "--send", "--to", "me@example.org", code=2)
    assert "does not offer STARTTLS (set TROTH_SMTP_TLS=0" in one_line_error(result)
    assert server.handler.envelopes == [] and DigestLog.objects.count() == 0


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        (
            {},
            ["--to", "me@example.org"],
            "no SMTP server configured: fill in the mail server in Settings",
        ),
        ({"TROTH_SMTP_HOST": "127.0.0.1"}, [], "no address to send the digest to: use --to"),
        ({"TROTH_SMTP_HOST": "127.0.0.1"}, ["--to", "me"], "--to: 'me' is not an e-mail address"),
        (
            {"TROTH_SMTP_HOST": "127.0.0.1", "TROTH_SMTP_PORT": "smtp"},
            ["--to", "me@example.org"],
            "TROTH_SMTP_PORT='smtp' is not a port number (1-65535)",
        ),
        (
            {"TROTH_SMTP_HOST": "127.0.0.1", "TROTH_SMTP_TLS": "maybe"},
            ["--to", "me@example.org"],
            "TROTH_SMTP_TLS='maybe' is neither on nor off",
        ),
    ],
)
def test_bad_mail_settings_are_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], message: str
) -> None:
    things(local_owner())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = cli("digest", "--send", *args, code=2)
    assert one_line_error(result).startswith(f"troth: error: {message}")
    assert DigestLog.objects.count() == 0


def test_send_service_errors_are_trotherrors(alice: Owner) -> None:
    with pytest.raises(TrothError, match="no SMTP server configured"):
        do_send_digest(alice)


def test_smtp_settings_defaults() -> None:
    plain = smtp_settings({})
    assert (plain["EMAIL_HOST"], plain["EMAIL_PORT"], plain["EMAIL_TIMEOUT"]) == ("", 587, 10)
    assert not plain["EMAIL_USE_TLS"] and not plain["EMAIL_USE_SSL"]
    # a login means STARTTLS unless told otherwise
    user = smtp_settings({"TROTH_SMTP_USER": "me", "TROTH_SMTP_PASSWORD": "pw"})
    assert user["EMAIL_USE_TLS"] and user["EMAIL_PORT"] == 587
    assert not smtp_settings({"TROTH_SMTP_USER": "me", "TROTH_SMTP_TLS": "off"})["EMAIL_USE_TLS"]
    # SSL from the start: port 465 and no STARTTLS
    ssl = smtp_settings({"TROTH_SMTP_USER": "me", "TROTH_SMTP_SSL": "1"})
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_SSL"], ssl["EMAIL_USE_TLS"]) == (465, True, False)
    assert smtp_settings({"TROTH_SMTP_SSL": "1", "TROTH_SMTP_PORT": "2465"})["EMAIL_PORT"] == 2465
    with pytest.raises(ImproperlyConfigured, match="exclusive"):
        smtp_settings({"TROTH_SMTP_SSL": "1", "TROTH_SMTP_TLS": "1"})

    # what the environment leaves unset comes from Django's settings
    class Django:
        EMAIL_HOST = "mail.example.org"
        EMAIL_PORT = 2525
        EMAIL_USE_TLS = True
        EMAIL_TIMEOUT = 30

    merged = smtp_settings({"TROTH_SMTP_USER": "me"}, fallback=Django)
    assert (merged["EMAIL_HOST"], merged["EMAIL_PORT"], merged["EMAIL_HOST_USER"]) == (
        "mail.example.org",
        2525,
        "me",
    )
    assert merged["EMAIL_USE_TLS"] and merged["EMAIL_TIMEOUT"] == 30
    assert smtp_settings({"TROTH_SMTP_HOST": "smtp.other.org"}, Django)["EMAIL_HOST"] == (
        "smtp.other.org"
    )


# -- whom it goes to ----------------------------------------------------------------


def test_the_digest_goes_to_your_own_address_when_nothing_else_says(
    cli: Cli, servers: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local owner has no account e-mail: the address added in Settings (the
    "me" person's) is where the digest goes, for the CLI as for the web page."""
    owner = local_owner()
    things(owner)
    assert build_digest(owner).to is None
    do_edit_person(owner, me_person(owner), emails=["me@home.example.org"])
    do_edit_person(owner, me_person(owner), emails=["me@work.example.org"])
    assert build_digest(owner).to == "me@home.example.org"  # the first one added
    assert "To: me@home.example.org" in cli("digest").stdout
    server = servers()
    use(monkeypatch, server.port)
    assert "to me@home.example.org via" in cli("digest", "--send").stdout
    assert server.handler.envelopes[0].rcpt_tos == ["me@home.example.org"]
    # an explicit recipient still wins: TROTH_DIGEST_TO, then --to
    monkeypatch.setenv("TROTH_DIGEST_TO", "digest@example.org")
    assert build_digest(owner).to == "digest@example.org"
    assert build_digest(owner, to="other@example.org").to == "other@example.org"


def test_the_account_address_comes_before_your_other_addresses(alice: Owner) -> None:
    do_edit_person(alice, me_person(alice), emails=["alice@home.example.org"])
    assert recipient(alice) == "alice@example.org"
    assert own_addresses(alice) == ["alice@home.example.org"]
