"""Rate limiting per account (all its tokens together; a security review made a few
tokens to multiply a per-token limit): at most TROTH_API_RATE_LIMIT requests a minute (default
600; 0 turns it off), counted in the database (api.RateWindow) so that the limit holds
however many server processes answer (see the model for why not a cache).

A fixed window of one calendar minute: simple, one row per account per minute, and a
client that goes over is told exactly when the next minute starts (Retry-After). A
burst of up to twice the limit across a minute's boundary is possible; for a limit
meant to stop runaway scripts, not to meter, that is fine.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from ninja.errors import Throttled

from troth.api.models import RateWindow
from troth.tokens.models import AccessToken


def limit() -> int:
    return int(getattr(settings, "TROTH_API_RATE_LIMIT", 600))


def check(token: AccessToken) -> None:
    """Count this request against the token's account; raise Throttled (429) past the limit."""
    cap = limit()
    if cap <= 0:
        return
    clock = time.time()
    minute = int(clock // 60)
    # Each statement commits on its own (no transaction around them): on SQLite a
    # transaction takes the write lock at BEGIN, and every request would hold it for
    # longer than the one UPDATE that needs it.
    mine = RateWindow.objects.filter(account_id=token.owner_id, minute=minute)
    if not mine.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateWindow.objects.create(account_id=token.owner_id, minute=minute, count=1)
        except IntegrityError:  # another process made this minute's row first
            mine.update(count=F("count") + 1)
        else:
            # the account's earlier minutes are of no further use
            RateWindow.objects.filter(account_id=token.owner_id, minute__lt=minute).delete()
    count = mine.values_list("count", flat=True).first()
    if count is not None and count > cap:
        raise Throttled(wait=max(1, math.ceil((minute + 1) * 60 - clock)))
