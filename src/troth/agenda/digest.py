"""Today's agenda as an e-mail, and sending it over SMTP.

The digest is recorded (`DigestLog`) only once the server has accepted it: a
refused or unreachable server is one clear error and nothing is marked sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import re
import smtplib
import socket
import ssl
import textwrap
from dataclasses import dataclass

from django.conf import global_settings, settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from troth.agenda.models import DigestLog, MailSettings
from troth.agenda.plan import LABEL, Item
from troth.agenda.queries import agenda
from troth.errors import FieldError, TrothError
from troth.lib.flags import parse_flag
from troth.lib.text import is_number
from troth.people.models import ContactPoint, Person
from troth.people.queries import owned_rows
from troth.settings import smtp_settings
from troth.sync.secrets import SecretLost, open_tagged, seal_tagged

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Where the SMTP settings came from. Precedence: the owner's own server (Settings)
# over the operator's TROTH_SMTP_* environment, over Django's EMAIL_* settings. The
# owner's choice is the more specific one (the environment is the operator's default
# for everyone on a server, and on a laptop a non-terminal user can only use
# Settings); an owner's record is used whole or not at all, never merged field by
# field, so the operator's login never goes to a server the owner named.
OWNER, ENVIRONMENT = "settings", "environment"
DEFAULT_PORTS = {MailSettings.STARTTLS: 587, MailSettings.SSL: 465, MailSettings.NONE: 25}
WIDTH = 76  # plain-text mail stays readable in any client at this width
HANDLE = (
    ("troth done ID", "done it (check-ins are logged)"),
    ("troth snooze ID --until DATE", "see it again on a later day"),
    ("troth skip ID", "drop it for good"),
    ("troth draft ID", "a short message to start from"),
)


@dataclass(frozen=True)
class Digest:
    subject: str
    to: str | None  # None: no address known yet (see recipient())
    body: str
    items: list[Item]  # the ones in the body, best first
    more: int  # worth doing too, left out to keep the day short


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: float
    sender: str
    source: str = ENVIRONMENT  # where these came from: the owner's Settings or the environment

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Sent:
    digest: Digest
    log: DigestLog
    server: str  # host:port that accepted it


def own_servers_allowed() -> bool:
    """Whether owners may use a mail server of their own (TROTH_MEMBER_SMTP): on a
    laptop yes; on a group's server only when its operator says so, since a member's
    server is one the group's machine connects to on that member's word."""
    choice = parse_flag("TROTH_MEMBER_SMTP", getattr(settings, "TROTH_MEMBER_SMTP", None))
    if choice is None:
        return not getattr(settings, "TROTH_NETWORK_MODE", False)
    return choice


OWN_SERVERS_OFF = (
    "this troth server sends all mail through its operator's mail server; members cannot"
    " set their own (the operator can allow it with TROTH_MEMBER_SMTP=1)"
)


def mail_settings(owner) -> MailSettings | None:
    """The owner's own mail server record, if they saved one."""
    return MailSettings.objects.filter(owner=owner).first()


# Encrypted, a password of this length fills the column (500 characters) and no more.
MAX_PASSWORD = 300


def _password(own: MailSettings) -> str:
    """The saved password in clear, to log in with; "" when the key that encrypted it
    is lost (the page then says no password is saved: it is typed again)."""
    try:
        return open_tagged(own.password, "your mail server's password")
    except SecretLost:
        return ""


def smtp_config(owner=None) -> Smtp:
    """The SMTP settings as they are now: the owner's own server (Settings) when it
    has a host, else TROTH_SMTP_* from the environment, then Django's EMAIL_*
    settings (read at call time, not at import)."""
    own = mail_settings(owner) if owner is not None and own_servers_allowed() else None
    if own is not None and own.host:
        return Smtp(
            host=own.host,
            port=own.port or DEFAULT_PORTS[own.security],
            user=own.username,
            password=_password(own),
            use_tls=own.security == MailSettings.STARTTLS,
            use_ssl=own.security == MailSettings.SSL,
            timeout=float(getattr(settings, "EMAIL_TIMEOUT", None) or 10),
            sender=own.from_address or (own.username if "@" in own.username else ""),
            source=OWNER,
        )
    try:
        s = smtp_settings(fallback=settings)
    except ImproperlyConfigured as exc:
        raise TrothError(str(exc)) from None
    sender = s["TROTH_DIGEST_FROM"]
    if not sender and settings.DEFAULT_FROM_EMAIL != global_settings.DEFAULT_FROM_EMAIL:
        sender = settings.DEFAULT_FROM_EMAIL
    if not sender and "@" in s["EMAIL_HOST_USER"]:
        sender = s["EMAIL_HOST_USER"]  # most providers only relay mail from the login's address
    return Smtp(
        host=s["EMAIL_HOST"],
        port=int(s["EMAIL_PORT"]),
        user=s["EMAIL_HOST_USER"],
        password=s["EMAIL_HOST_PASSWORD"],
        use_tls=bool(s["EMAIL_USE_TLS"]),
        use_ssl=bool(s["EMAIL_USE_SSL"]),
        timeout=float(s["EMAIL_TIMEOUT"]),
        sender=sender,
    )


def own_addresses(owner) -> list[str]:
    """The owner's own e-mail addresses (their "me" person's, as Settings adds
    them): the primary first, then in the order they were added."""
    me = Person.objects.filter(owner=owner, is_me=True).first()
    if me is None:
        return []
    points = owned_rows(ContactPoint.objects.filter(person=me, kind=ContactPoint.EMAIL), owner)
    return list(points.order_by("-is_primary", "id").values_list("value", flat=True))


def recipient(owner, to: str | None = None) -> str | None:
    """--to; else the owner's chosen address (Settings); else TROTH_DIGEST_TO; else
    the account's e-mail; else the first of the owner's own addresses."""
    if to is not None:
        address = to.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise FieldError("to", f": {to!r} is not an e-mail address") from None
        return address
    own = mail_settings(owner)
    if own is not None and own.digest_to:
        return own.digest_to
    try:
        configured = smtp_settings(fallback=settings)["TROTH_DIGEST_TO"]
    except ImproperlyConfigured as exc:
        raise TrothError(str(exc)) from None
    if configured:
        try:
            validate_email(configured)
        except ValidationError:
            raise TrothError(f"TROTH_DIGEST_TO={configured!r} is not an e-mail address") from None
        return configured
    account = (getattr(owner, "email", "") or "").strip()
    if account:
        return account
    return next(iter(own_addresses(owner)), None)


# -- the owner's mail server (Settings) ------------------------------------------------

_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def check_host(value: str) -> str:
    """A host name (smtp.example.org), an IPv4 address or an IPv6 one; '' for none."""
    host = value.strip().rstrip(".")
    if not host:
        return ""
    if "://" in host or "/" in host:
        raise TrothError(
            f"host: {value!r} is a URL; give only the server's name (smtp.example.org)"
        )
    if host.count(":") == 1 and host.rsplit(":", 1)[1].isdigit():
        raise TrothError(f"host: {value!r} has a port in it; put the port in its own field")
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise TrothError(
            f"host: {value!r} is not a server name (letters, digits, hyphens and dots,"
            " like smtp.example.org)"
        )
    if labels[-1].isdigit():
        raise TrothError(f"host: {value!r} is not a valid IP address")
    return host.lower()


def check_port(value: object) -> int | None:
    """A TCP port (1-65535); None or '' for the security's usual one."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not is_number(text) or not 1 <= int(text) <= 65535:
        raise TrothError(f"port: {value!r} is not a port number (1-65535)")
    return int(text)


def check_address(field: str, value: str) -> str:
    address = value.strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        raise TrothError(f"{field}: {value!r} is not an e-mail address") from None
    return address


def do_save_mail_settings(
    owner,
    *,
    host: str,
    port: object = None,
    username: str = "",
    password: str | None = None,
    security: str = MailSettings.STARTTLS,
    from_address: str = "",
    digest_to: str = "",
) -> MailSettings:
    """Save the owner's own mail server. `password` None keeps the stored one, ''
    clears it. Everything is checked before anything is written."""
    if not own_servers_allowed():
        raise TrothError(OWN_SERVERS_OFF)
    host = check_host(host)
    port = check_port(port)
    if security not in DEFAULT_PORTS:
        raise TrothError(f"security: {security!r} is not one of starttls, ssl, none")
    username = username.strip()
    if len(username) > 320:
        raise TrothError("username: longer than 320 characters")
    if password is not None and len(password) > MAX_PASSWORD:
        raise TrothError(f"password: longer than {MAX_PASSWORD} characters")
    from_address = check_address("from address", from_address)
    digest_to = check_address("send to", digest_to)
    if not host and (port or username or password or from_address):
        raise TrothError(
            "host: needed for the port, username, password and from address to mean"
            " anything (leave them all empty to use the server's default)"
        )
    own, _ = MailSettings.objects.get_or_create(
        owner=owner, defaults={"updated_at": timezone.now()}
    )
    moved = (own.host, own.username) != (host, username) or (
        security == MailSettings.NONE and own.security != MailSettings.NONE
    )
    own.host, own.port, own.username, own.security = host, port, username, security
    own.from_address, own.digest_to = from_address, digest_to
    if not host:
        own.password = ""  # no server of your own: nothing to log in to
    elif password is not None:
        own.password = seal_tagged(password)  # encrypted at rest (troth.sync.secrets)
    elif moved:
        # a password is for one login at one server, encrypted: never sent to another
        # server, or in clear, that somebody chose later (at an open session, say)
        # without typing it too
        own.password = ""
    own.updated_at = timezone.now()
    own.save()
    return own


def do_clear_mail_settings(owner) -> bool:
    """Forget the owner's own mail server (and its password)."""
    deleted, _ = MailSettings.objects.filter(owner=owner).delete()
    return bool(deleted)


def _day(today: dt.date) -> str:
    return f"{today:%A} {today.day} {today:%B}"


def _things(n: int) -> str:
    return "1 thing" if n == 1 else f"{n} things"


def build_digest(owner, today: dt.date | None = None, *, to: str | None = None) -> Digest:
    """Today's agenda (the short list `troth agenda` shows) as a plain-text message.
    Reads only; the caller owns the transaction (the agenda refreshes cached scores)."""
    result = agenda(owner, today)
    items = result.items[: result.shown]
    more = len(result.items) - len(items)
    day = _day(result.today)
    if items:
        subject = f"troth: {_things(len(items))} worth doing today ({day})"
        lines = [f"{day} {result.today.year}: {_things(len(items))} worth doing today,"]
        lines += ["most important first.", ""]
        width = max(len(i.id) for i in items) + 2
        for item in items:
            lines.append(f"{item.id:<{width}}{LABEL[item.candidate.kind]}")
            lines += textwrap.wrap(
                item.candidate.reason,
                WIDTH,
                initial_indent=" " * width,
                subsequent_indent=" " * width,
                break_on_hyphens=False,
            )
            lines.append("")
        if more:
            lines += [f"{_things(more).capitalize()} more: troth agenda --all", ""]
        lines.append("Handle them from a terminal:")
        pad = max(len(cmd) for cmd, _ in HANDLE) + 2
        lines += [f"  {cmd:<{pad}}{why}" for cmd, why in HANDLE]
    else:
        subject = f"troth: nothing needs you today ({day})"
        lines = [
            f"{day} {result.today.year}: nothing needs you today.",
            "",
            "A good day to give first: troth needs shows what your contacts need right now.",
        ]
    lines += ["", "-- ", "troth: keep your word, give first."]
    return Digest(
        subject=subject,
        to=recipient(owner, to),
        body="\n".join(lines) + "\n",
        items=items,
        more=more,
    )


def _ready(owner) -> Smtp:
    smtp = smtp_config(owner)
    if not smtp.host:
        raise TrothError(
            "no SMTP server configured: fill in the mail server in Settings, or set"
            " TROTH_SMTP_HOST (and TROTH_SMTP_PORT, TROTH_SMTP_USER, TROTH_SMTP_PASSWORD as"
            " your provider asks)"
        )
    return smtp


NO_RECIPIENT = (
    "no address to send the digest to: use --to ADDRESS, add an e-mail address of yours"
    " in Settings, or set TROTH_DIGEST_TO"
)


def _deliver(smtp: Smtp, subject: str, body: str, to: str, what: str) -> None:
    """One message over SMTP, or one TrothError line saying why not."""
    sender = smtp.sender or to  # a message to yourself, from yourself
    connection = get_connection(
        SMTP_BACKEND,
        fail_silently=False,
        host=smtp.host,
        port=smtp.port,
        username=smtp.user,
        password=smtp.password,
        use_tls=smtp.use_tls,
        use_ssl=smtp.use_ssl,
        timeout=smtp.timeout,
    )
    message = EmailMessage(
        subject,
        body,
        sender,
        [to],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no vacation replies
    )
    try:
        sent = message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise TrothError(f"cannot send {what} via {smtp.where}: {_reason(exc, smtp, to)}") from None
    finally:
        # Django's backend leaves its socket open when the login or the send fails
        # after connecting; close it whatever happened (closing twice is harmless)
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    if sent != 1:  # nothing raised, yet nothing accepted: do not pretend
        raise TrothError(f"cannot send {what} via {smtp.where}: the server accepted nothing")


def _check_recipient(owner, smtp: Smtp, address: str) -> None:
    """On a group's server, mail through the operator's server goes only to the
    member's account address (the one the operator gave the account): an address a
    member merely typed in Settings would let anyone send mail anywhere through the
    group's server, as often as they click."""
    if not getattr(settings, "TROTH_NETWORK_MODE", False) or smtp.source == OWNER:
        return
    account = (getattr(owner, "email", "") or "").strip()
    if not account:
        raise TrothError(
            "on this troth server mail goes only to your account's e-mail address, and your"
            " account has none: ask the server's operator to set it"
        )
    if address.strip().lower() != account.lower():
        raise TrothError(
            f"on this troth server mail goes only to your account's address ({account}),"
            f" not to {address}"
        )


def do_send_digest(owner, to: str | None = None, today: dt.date | None = None) -> Sent:
    """Build today's digest, send it, and record it once the server accepted it.

    Unlike other actions this one owns its transactions: building the digest is
    one, the log row another, and the SMTP conversation (up to the timeout)
    happens between them so no database lock is held while the network answers."""
    smtp = _ready(owner)
    with transaction.atomic():
        digest = build_digest(owner, today, to=to)
    if digest.to is None:
        raise TrothError(NO_RECIPIENT)
    _check_recipient(owner, smtp, digest.to)
    _deliver(smtp, digest.subject, digest.body, digest.to, "the digest")
    with transaction.atomic():
        log = DigestLog.objects.create(
            owner=owner,
            sent_at=timezone.now(),
            recipient=digest.to,
            subject=digest.subject,
            items=len(digest.items),
        )
    return Sent(digest=digest, log=log, server=smtp.where)


def do_send_test_message(owner, to: str | None = None) -> tuple[str, str]:
    """A short message through the mail server the digest would use, to check it;
    nothing is recorded. Returns (recipient, host:port)."""
    smtp = _ready(owner)
    address = recipient(owner, to)
    if address is None:
        raise TrothError(NO_RECIPIENT.replace("the digest", "a test message"))
    _check_recipient(owner, smtp, address)
    body = (
        "This is a test from troth: the mail server in your settings works,\n"
        "so your daily digest can reach you here.\n\n-- \ntroth: keep your word, give first.\n"
    )
    _deliver(smtp, "troth: test message", body, address, "a test message")
    return address, smtp.where


def _said(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _names(smtp: Smtp, environment: str, owner: str) -> str:
    """What to change, in the words of where the settings came from."""
    return owner if smtp.source == OWNER else environment


def _reason(exc: BaseException, smtp: Smtp, to: str) -> str:
    """What went wrong, in one line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = exc.recipients.get(to) or next(iter(exc.recipients.values()), (0, b""))
        return f"the server refused the recipient {to} ({_said(*refused)})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"the server refused the login of {smtp.user} ({_said(exc.smtp_code, exc.smtp_error)});"
            f" check {_names(smtp, 'TROTH_SMTP_USER and TROTH_SMTP_PASSWORD', 'the username and password')}"
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"the server refused the sender {exc.sender} ({_said(exc.smtp_code, exc.smtp_error)});"
            f" set {_names(smtp, 'TROTH_DIGEST_FROM', 'the from address')} to an address it accepts"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if smtp.use_tls and "STARTTLS" in str(exc):
            fix = _names(smtp, "set TROTH_SMTP_TLS=0", "choose security: none")
            return f"the server does not offer STARTTLS ({fix} to send unencrypted)"
        if "AUTH" in str(exc):
            fix = _names(smtp, "unset TROTH_SMTP_USER", "clear the username")
            return f"the server does not offer a login (AUTH); {fix} or use TLS"
        return f"the server does not support this: {' '.join(str(exc).split())}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server said {_said(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection" + (
            f" (is it an SSL port? try {_names(smtp, 'TROTH_SMTP_SSL=1', 'security: SSL/TLS')})"
            if not smtp.use_ssl
            else ""
        )
    if isinstance(exc, smtplib.SMTPException):
        return " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, socket.gaierror):
        return f"unknown host {smtp.host!r}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is this the right port?)"
    if isinstance(exc, TimeoutError):
        return f"no answer within {smtp.timeout:g} s (unreachable, or a firewall drops the port)"
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS failed ({exc.reason or exc}); check"
            f" {_names(smtp, 'TROTH_SMTP_SSL, TROTH_SMTP_TLS', 'the security')} and the port"
        )
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return " ".join(str(exc).split()) or type(exc).__name__


def do_send_server_mail(subject: str, body: str, to: str, what: str) -> None:
    """One plain message through the server's own mail settings (TROTH_SMTP_*), for
    the group server's invitations and reminders; one TrothError line when it fails."""
    _deliver(_ready(None), subject, body, to, what)
