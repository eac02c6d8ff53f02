"""Personal access tokens: what the HTTP API (Authorization: Bearer) and the CardDAV
address book (HTTP Basic, the token as the password) accept instead of a password.

A token is shown once, when it is made; only its SHA-256 digest is stored. A plain
digest (not a slow password hash) is enough because the token is 256 random bits,
not something a person chose: there is nothing to guess from a leaked digest, and
every API request can be checked with one indexed lookup.

Not an `Owned` model on purpose: a token is a credential, not part of the owner's
troth, so a backup never carries one and a restore can never plant one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    name = models.CharField(max_length=100)
    # The first characters of the token, shown in lists so the owner can tell two
    # tokens apart ("troth_3xQ..."); not enough to use it.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="tokens_one_live_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
