"""Webhook subscriptions, the events they are sent, and each delivery's log.

Not `Owned` models on purpose: a subscription holds a signing secret and says where
to send the owner's data, so, like a token, it is configuration of the account, not
part of the owner's troth: a backup never carries one and a restore can never plant
one (an uploaded file that named a URL would otherwise start sending data there).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    url = models.CharField(max_length=1000)
    # The kinds asked for (troth.events.KINDS); empty: every kind.
    events = models.JSONField(default=list, blank=True)
    # The signing secret, encrypted with troth's encryption key (troth.sync.secrets):
    # it must be read back to sign, so a digest would not do.
    secret = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Deliveries that failed for good in a row; past a limit the subscription is
    # switched off (said in the list) instead of trying a dead address for ever.
    failures_in_row = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return self.active and (not self.events or kind in self.events or kind == "ping")


class Event(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    # Set for events that must be sent once only (a promise's "due" on its due date).
    key = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], condition=~models.Q(key=""), name="webhooks_event_once"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="webhooks_event_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"


class Delivery(models.Model):
    PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
    STATUSES = [(s, s) for s in (PENDING, DELIVERED, FAILED)]

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)  # HTTP status
    last_response = models.CharField(max_length=500, blank=True, default="")  # its start
    last_error = models.CharField(max_length=300, blank=True, default="")
    # Who is sending it now (several workers): claimed with a conditional UPDATE.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhooks_due")]

    def __str__(self) -> str:
        return f"delivery {self.id} ({self.status})"
