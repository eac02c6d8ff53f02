"""Where troth keeps up by itself: mail over IMAP, calendars over CalDAV or a private
ICS address (issue 14).

A `Source` is one account or address the owner added, with what the last sync
remembered (`state`: per IMAP folder its UIDVALIDITY and highest UID, per CalDAV
calendar its sync token, for an ICS address its ETag and Last-Modified), how it
went, and a lease (`lease_until`) so that one sync per source runs at a time across
processes. Its password (or, for an ICS address, the secret URL itself) is kept
only encrypted (`secret`, see troth.sync.secrets); a backup writes it empty.

A `SyncRun` is one sync; what it wrote is an ordinary `ImportRun` (so it is shown
by `troth imports`, undone by `troth import --undo`, and purged with the source).

`SeenMail` is what the correspondent rule of the mail import needs to remember
from earlier syncs (one compact row per message kept: fingerprint, time,
direction, subject, counterparts): whether an address is a correspondent is
decided over the whole mailbox, and a sync fetches only what is new.
"""

from __future__ import annotations

from django.db import models

from troth.importers.models import ImportRun
from troth.owned import Owned


class Source(Owned):
    IMAP, CALDAV, ICS = "imap", "caldav", "ics"
    KINDS = [(IMAP, "IMAP mail"), (CALDAV, "CalDAV calendar"), (ICS, "ICS address")]

    kind = models.CharField(max_length=10, choices=KINDS)
    # What the owner sees: "sam@mail.example.org", "calendar.example.org" (never the
    # secret part of an ICS address).
    label = models.CharField(max_length=300)
    host = models.CharField(max_length=300, blank=True, default="")  # IMAP
    port = models.PositiveIntegerField(null=True, blank=True)
    # "tls" (implicit, port 993), "starttls" (port 143, upgraded), "none" (127.0.0.1 tests)
    SECURITY = [("tls", "TLS"), ("starttls", "STARTTLS"), ("none", "none")]
    security = models.CharField(max_length=10, choices=SECURITY, default="tls")
    url = models.CharField(max_length=1000, blank=True, default="")  # CalDAV
    username = models.CharField(max_length=300, blank=True, default="")
    # Fernet token of the password (IMAP, CalDAV) or of the whole ICS address.
    secret = models.TextField(blank=True, default="")
    # IMAP folders asked for (empty: the inbox, Sent and All Mail, found by SPECIAL-USE)
    folders = models.JSONField(default=list, blank=True)
    me = models.JSONField(default=list, blank=True)  # the owner's addresses (--me)
    every_minutes = models.PositiveIntegerField(default=15)
    state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0)  # in a row: the backoff
    last_counts = models.JSONField(default=dict, blank=True)
    added_total = models.JSONField(default=dict, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "kind"], name="sync_source_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.label}"


class SyncRun(Owned):
    RUNNING, DONE, FAILED = "running", "done", "failed"
    STATUSES = [(s, s) for s in (RUNNING, DONE, FAILED)]

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    # what it wrote, when it wrote anything (kept when the source is removed
    # without --purge: the import stays, and stays undoable)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "source", "started_at"], name="sync_run_time")]

    def __str__(self) -> str:
        return f"sync {self.source_id} {self.status}"


class SeenMail(Owned):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    fp = models.CharField(max_length=32)  # troth.importers.mail.fingerprint
    ts = models.BigIntegerField()
    outgoing = models.BooleanField()
    subject = models.CharField(max_length=200, blank=True, default="")
    # [[email, display name, in To], ...]: as troth.importers.mail.classify gives them
    counterparts = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "fp"], name="sync_seen_mail_unique")
        ]

    def __str__(self) -> str:
        return self.fp
