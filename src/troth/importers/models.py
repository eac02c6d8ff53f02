"""What imports leave behind: each run, and what it changed (for undo).

Where each person came from (`SourceRecord`) is identity's: troth.identity.models.
"""

from __future__ import annotations

from django.db import models

from troth.owned import Owned


class ImportRun(Owned):
    """One import. The CLI writes it when the file is done; an upload on the web page
    writes it first ("queued"), and the background task (troth.importers.tasks) moves
    it through "running" to "done" or "failed"."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    # A web upload is first imported as a dry run (rolled back): "preview" waits for
    # the owner to confirm it (the upload stays on disk until then).
    PREVIEW = "preview"
    STATUSES = [(s, s) for s in (QUEUED, RUNNING, DONE, FAILED, PREVIEW)]

    kind = models.CharField(max_length=20)
    path = models.CharField(max_length=1000)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"people_created": .., "people_updated": .., "people_merged": ..,
    #  "interactions_added": .., "skipped": ..}
    counts = models.JSONField(default=dict)
    # every skipped record: [{"where": "Connections.csv:12", "reason": "..."}]
    problems = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=STATUSES, default=DONE)
    # the stage it is in or ended in ("reading", "people", ...), and why it failed
    stage = models.CharField(max_length=20, blank=True, default="")
    error = models.TextField(blank=True, default="")
    # A web upload: the file as stored (under the data directory, deleted after the
    # run), the name it had, and the owner's own addresses (--me) for this run.
    upload = models.CharField(max_length=1000, blank=True, default="")
    file_name = models.CharField(max_length=255, blank=True, default="")
    options = models.JSONField(default=dict)
    # When `troth import --undo` (or the page's button) removed what this run did.
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "started_at"], name="import_run_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


class ImportChange(models.Model):
    """What one run wrote, so that it can be undone exactly (troth.importers.undo).

    Either the ids of rows the run created in one table (`ids`, one entry per table
    per batch), or one existing row it changed (`row`), with the fields it set
    (`after`) and the values they had (`before`). Written in the same transaction
    as the rows themselves, so a run's record is never behind what it wrote.

    Not `Owned` on purpose: it is replay data, reached only through its run (which
    is), never exported, and never brought in by a restore (security audit C1: an
    uploaded file must not carry instructions that an undo would follow)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    table = models.CharField(max_length=100)  # a model label: "people.contactpoint"
    ids = models.JSONField(default=list)
    row = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["run", "table"], name="import_change_run")]

    def __str__(self) -> str:
        return f"run {self.run_id} {self.table}"


class MessageParticipant(Owned):
    """One address on a small message besides the owner's (the sender, a To or a Cc
    recipient), written by the mail import for every message with two to
    `MAX_PARTICIPANTS` other people on it, incoming mail included.

    Not an interaction with the owner: it is the evidence of who knows whom among
    the owner's people ("A wrote to B with me in copy", "A and B on a small message
    together") that the warm paths' inference reads (troth.warmpaths.actions), and
    the activity model's sign that someone is still around (the last message someone
    else sent to the owner and them: troth.trust.summary.co_last_days). Kept by address, not by person, so that an
    address that becomes a person later (a vCard import, a merge) counts from then
    on without re-importing the mail. (source, external_id) is the message's, the
    same as its interactions'."""

    FROM, TO, CC = "from", "to", "cc"
    ROLES = [(r, r) for r in (FROM, TO, CC)]

    source = models.CharField(max_length=20)
    external_id = models.CharField(max_length=300)
    occurred_at = models.DateTimeField()
    address = models.CharField(max_length=254)
    role = models.CharField(max_length=4, choices=ROLES)
    # Where the owner was on it: "to", "cc", or "from" (the owner sent it).
    owner_role = models.CharField(max_length=4, choices=ROLES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id", "address"],
                name="message_participant_unique",
            )
        ]
        indexes = [
            # by address, then the columns activity's copies read (trust.summary.
            # co_last_days): a scan of this index answers it without the table's rows
            # (0.39 -> 0.05 s CPU for 200,000 rows on SQLite)
            models.Index(
                fields=["owner", "address", "role", "owner_role", "occurred_at"],
                name="message_participant_address",
            ),
            models.Index(fields=["owner", "source", "external_id"], name="message_participant_msg"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id} {self.role} {self.address}"
