"""Making and revoking personal access tokens."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.owned import Owner
from troth.tokens.models import AccessToken
from troth.tokens.queries import PREFIX, digest, token_by_name, tokens

NAME_MAX = 100
# Live tokens per account: each is a key to the whole troth, and the API's rate limit
# is per account, so more would only be more keys to lose.
MAX_TOKENS = 20


def do_create_token(owner: Owner, name: str, *, read_only: bool = False) -> tuple[AccessToken, str]:
    """A new token and its secret, which is shown this once and never stored."""
    name = " ".join(name.split())
    if not name:
        raise TrothError("a token needs a name (what will use it: 'phone', 'zapier')")
    if len(name) > NAME_MAX:
        raise TrothError(f"a token's name is at most {NAME_MAX} characters")
    raw = PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            # locked rows, not COUNT(*) FOR UPDATE (which PostgreSQL refuses)
            if len(tokens(owner).select_for_update().values_list("id", flat=True)) >= MAX_TOKENS:
                raise TrothError(f"at most {MAX_TOKENS} live tokens: revoke one first")
            token = AccessToken.objects.create(
                owner=owner,
                name=name,
                prefix=raw[: len(PREFIX) + 4],
                digest=digest(raw),
                read_only=read_only,
            )
    except IntegrityError:
        raise TrothError(
            f"you already have a token named {name!r}: revoke it or pick another name"
        ) from None
    return token, raw


def do_revoke_token(owner: Owner, ref: str | int) -> AccessToken:
    """Revoke one of the owner's live tokens, by id or by name."""
    token: AccessToken | None
    if isinstance(ref, int) or str(ref).isdigit():
        token = tokens(owner).filter(pk=int(ref)).first()
    else:
        token = token_by_name(owner, str(ref))
    if token is None:
        raise NotFound(f"no live token {ref!r}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
