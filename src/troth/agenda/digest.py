"""Today's agenda as an e-mail, and sending it over SMTP.

The digest is recorded (`DigestLog`) only once the server has accepted it: a
refused or unreachable server is one clear error and nothing is marked sent.
"""

from __future__ import annotations

import datetime as dt
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

from troth.agenda.models import DigestLog
from troth.agenda.plan import LABEL, Item
from troth.agenda.queries import agenda
from troth.errors import TrothError
from troth.settings import smtp_settings

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
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

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Sent:
    digest: Digest
    log: DigestLog
    server: str  # host:port that accepted it


def smtp_config() -> Smtp:
    """The SMTP settings as they are now: TROTH_SMTP_* from the environment first,
    then Django's EMAIL_* settings (read at call time, not at import)."""
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


def recipient(owner, to: str | None = None) -> str | None:
    """--to, else TROTH_DIGEST_TO, else the account's own e-mail address."""
    if to is not None:
        address = to.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise TrothError(f"--to: {to!r} is not an e-mail address") from None
        return address
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
    return (getattr(owner, "email", "") or "").strip() or None


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


def do_send_digest(owner, to: str | None = None, today: dt.date | None = None) -> Sent:
    """Build today's digest, send it, and record it once the server accepted it.

    Unlike other actions this one owns its transactions: building the digest is
    one, the log row another, and the SMTP conversation (up to the timeout)
    happens between them so no database lock is held while the network answers."""
    smtp = smtp_config()
    if not smtp.host:
        raise TrothError(
            "no SMTP server configured: set TROTH_SMTP_HOST (and TROTH_SMTP_PORT, TROTH_SMTP_USER,"
            " TROTH_SMTP_PASSWORD as your provider asks)"
        )
    with transaction.atomic():
        digest = build_digest(owner, today, to=to)
    if digest.to is None:
        raise TrothError(
            "no address to send the digest to: use --to ADDRESS or set TROTH_DIGEST_TO"
        )
    sender = smtp.sender or digest.to  # a digest to yourself, from yourself
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
        digest.subject,
        digest.body,
        sender,
        [digest.to],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no vacation replies
    )
    try:
        sent = message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise TrothError(
            f"cannot send the digest via {smtp.where}: {_reason(exc, smtp, digest.to)}"
        ) from None
    if sent != 1:  # nothing raised, yet nothing accepted: do not pretend
        raise TrothError(f"cannot send the digest via {smtp.where}: the server accepted nothing")
    with transaction.atomic():
        log = DigestLog.objects.create(
            owner=owner,
            sent_at=timezone.now(),
            recipient=digest.to,
            subject=digest.subject,
            items=len(digest.items),
        )
    return Sent(digest=digest, log=log, server=smtp.where)


def _said(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _reason(exc: BaseException, smtp: Smtp, to: str) -> str:
    """What went wrong, in one line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = exc.recipients.get(to) or next(iter(exc.recipients.values()), (0, b""))
        return f"the server refused the recipient {to} ({_said(*refused)})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"the server refused the login of {smtp.user} ({_said(exc.smtp_code, exc.smtp_error)});"
            " check TROTH_SMTP_USER and TROTH_SMTP_PASSWORD"
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"the server refused the sender {exc.sender} ({_said(exc.smtp_code, exc.smtp_error)});"
            " set TROTH_DIGEST_FROM to an address it accepts"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if smtp.use_tls and "STARTTLS" in str(exc):
            return "the server does not offer STARTTLS (set TROTH_SMTP_TLS=0 to send unencrypted)"
        if "AUTH" in str(exc):
            return "the server does not offer a login (AUTH); unset TROTH_SMTP_USER or use TLS"
        return f"the server does not support this: {' '.join(str(exc).split())}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server said {_said(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection" + (
            " (is it an SSL port? try TROTH_SMTP_SSL=1)" if not smtp.use_ssl else ""
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
            f"TLS failed ({exc.reason or exc}); check TROTH_SMTP_SSL, TROTH_SMTP_TLS and the port"
        )
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return " ".join(str(exc).split()) or type(exc).__name__
