"""Reading tokens: an owner's own list, and the one lookup a request makes."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from troth.lib import dates
from troth.owned import Owner
from troth.tokens.models import AccessToken

PREFIX = "troth_"

# last_used_at is written at most this often per token: a busy client would
# otherwise turn every read into a write (and, on SQLite, contend for the lock).
TOUCH_EVERY = dt.timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def tokens(owner: Owner, *, include_revoked: bool = False) -> QuerySet[AccessToken]:
    rows = AccessToken.objects.filter(owner=owner)
    if not include_revoked:
        rows = rows.filter(revoked_at__isnull=True)
    return rows.order_by("id")


def token_by_name(owner: Owner, name: str) -> AccessToken | None:
    return tokens(owner).filter(name=name).first()


def authenticate(raw: str) -> AccessToken | None:
    """The live token `raw` is, with its owner loaded; None for anything else (unknown,
    revoked, malformed, an inactive account). Records when it was last used."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = (
        AccessToken.objects.select_related("owner")
        .filter(digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def authenticate_basic(username: str, raw: str) -> AccessToken | None:
    """HTTP Basic as CardDAV clients send it: the account name and a token as the
    password. The token must belong to that account (a token alone is not enough to
    name someone else's)."""
    token = authenticate(raw)
    if token is None:
        return None
    User = get_user_model()
    if getattr(token.owner, User.USERNAME_FIELD) != username:
        return None
    return token


def as_row(token: AccessToken) -> dict[str, object]:
    """The `--json` (and API) shape of a token: never its secret or its digest."""

    def iso(value: dt.datetime | None) -> str | None:
        return dates.iso(value, timezone.get_current_timezone())

    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "read_only": token.read_only,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
    }
