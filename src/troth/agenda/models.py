"""What the owner did with agenda items, and digests sent."""

from __future__ import annotations

from django.db import models

from troth.owned import Owned


class AgendaMark(Owned):
    """An agenda item handled by the owner. Items themselves are computed afresh
    each day; a mark on an item's key keeps that reason from coming back."""

    DONE, SNOOZED, SKIPPED = "done", "snoozed", "skipped"
    STATUSES = [(s, s) for s in (DONE, SNOOZED, SKIPPED)]

    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=12)
    ref = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=STATUSES)
    until = models.DateField(null=True, blank=True)  # snoozed until this day
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="agenda_mark_once"),
        ]


class DigestLog(Owned):
    """A digest that really left: written only after the SMTP server accepted it."""

    sent_at = models.DateTimeField()
    recipient = models.CharField(max_length=300)
    subject = models.CharField(max_length=200)
    items = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]


class CalendarToken(Owned):
    """The secret in the owner's calendar subscription URL (/calendar/<token>.ics).

    Only a SHA-256 digest of the token is stored: the URL is shown once, when it is
    made, and a stolen database or backup does not hand out the feed. One per owner;
    making a new one replaces (revokes) the old."""

    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="calendar_token_one_per_owner"),
        ]


class MailSettings(Owned):
    """The owner's own outgoing mail server for the digest, set in Settings.

    When `host` is set this whole record is used and the operator's TROTH_SMTP_*
    environment is not consulted at all (so the operator's login is never sent to
    a server the owner chose); with no host, the environment's server is used.
    The password is kept encrypted (troth.sync.secrets: Fernet, with a key kept
    outside the database; one saved in clear by an older version is read as it is
    and encrypted at the next save). It is never rendered back (see the Settings
    page) and never exported (troth.backup.tables.SECRETS): after a restore it is
    typed in again."""

    STARTTLS, SSL, NONE = "starttls", "ssl", "none"
    SECURITIES = [(STARTTLS, "STARTTLS"), (SSL, "SSL/TLS"), (NONE, "none")]

    host = models.CharField(max_length=253, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)  # None: by security
    username = models.CharField(max_length=320, blank=True)
    password = models.CharField(max_length=500, blank=True)
    security = models.CharField(max_length=8, choices=SECURITIES, default=STARTTLS)
    from_address = models.CharField(max_length=320, blank=True)
    digest_to = models.CharField(max_length=320, blank=True)  # empty: your own address
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "mail server settings"
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="mail_settings_one_per_owner"),
        ]


class AgendaSnapshot(Owned):
    """Today's ranked agenda, kept so a read is one row instead of a dozen queries
    over the whole network (issue 20). A cache: never exported, emptied on restore
    (troth.backup.tables.DERIVED).

    It is valid for `day` only, and only while nothing it was computed from has
    changed: database triggers on every table the agenda reads delete the owner's
    row on any insert, update or delete (troth.agenda.snapshot), so raw SQL, bulk
    loads, imports, restores and other processes all invalidate it as the ORM does.
    `token` marks one build: a build stores its items only if its own placeholder
    row is still there, so a write that lands while it computes is never hidden."""

    day = models.DateField()
    window = models.PositiveIntegerField()
    token = models.CharField(max_length=32)
    # the trust engine's version and the items' format: a snapshot from other code
    # is not read (a new trust engine rescores everyone first)
    version = models.CharField(max_length=80)
    # The ranked items as JSON: the first HEAD (troth.agenda.snapshot) in `head`, NULL
    # while a build is under way (an empty agenda is "[]"), the rest in `rest`, so
    # a page showing seven decodes a few rows, not a thousand.
    head = models.TextField(null=True, blank=True)  # noqa: DJ001
    rest = models.TextField(blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="agenda_snapshot_one_per_owner"),
        ]
