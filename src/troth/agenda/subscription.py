"""The calendar subscription: a private URL a calendar app polls for the agenda feed.

The URL carries a random token (256 bits); only its SHA-256 digest is stored, so
the URL is shown once, when it is made. Making a new one revokes the old (one per
owner); revoking leaves none. A calendar app cannot sign in, so the token is the
whole of the access: keep the URL private. Callers own the transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from troth.agenda.models import CalendarToken

TOKEN_BYTES = 32
# What token_urlsafe(32) produces: 43 characters of the URL-safe base64 alphabet.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def calendar_token(owner) -> CalendarToken | None:
    """The owner's subscription, if there is one (its digest, never the token)."""
    return CalendarToken.objects.filter(owner=owner).first()


def do_new_calendar_token(owner) -> str:
    """A fresh token for the owner's feed, replacing (revoking) any old one; returns
    the token itself, which is not stored and cannot be read back later."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarToken.objects.filter(owner=owner).delete()
    CalendarToken.objects.create(owner=owner, digest=digest_of(token), created_at=timezone.now())
    return token


def do_revoke_calendar_token(owner) -> bool:
    """Stop the feed; True when there was one to stop."""
    deleted, _ = CalendarToken.objects.filter(owner=owner).delete()
    return bool(deleted)


def owner_for_calendar_token(token: str):
    """The active owner whose feed this token opens (noting that it was used), or None
    for an unknown, revoked or malformed token."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    row = CalendarToken.objects.filter(digest=digest_of(token)).first()
    if row is None:
        return None
    owner = get_user_model().objects.filter(id=row.owner_id, is_active=True).first()
    if owner is None:
        return None
    CalendarToken.objects.filter(id=row.id).update(last_used_at=timezone.now())
    return owner
