"""Subscribing, and sending what is due: the delivery loop `troth worker` (and
`troth serve` on a laptop) runs, and `troth webhooks send` runs once.

A failed attempt waits longer each time (BACKOFF: a minute, then 5 and 30 minutes,
2, 6, 12 and 24 hours: eight attempts over about two days, as Stripe and GitHub
retry for days rather than minutes, since a receiver is often down for a deploy or
a night). A delivery that fails all of them is marked failed; a subscription whose
deliveries fail for good DISABLE_AFTER times in a row is switched off and says why.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import urllib.parse
from typing import Any

from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from troth.errors import TrothError
from troth.events import KINDS, emit
from troth.owned import Owner
from troth.webhooks.models import Delivery, Event, Subscription
from troth.webhooks.record import wake

logger = logging.getLogger(__name__)

BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(hours=24),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
DISABLE_AFTER = 10
LEASE = dt.timedelta(minutes=2)  # longer than one attempt can take (send.DEADLINE)
KEEP = dt.timedelta(days=30)  # events and their deliveries, then pruned
MAX_SUBSCRIPTIONS = 20  # per owner: each event is one POST per subscription
SECRET_PREFIX = "whsec_"


def check_url(url: str) -> str:
    url = url.strip()
    if len(url) > 1000:
        raise TrothError("a webhook's address is at most 1000 characters")
    # Spaces and control characters are refused here, not at sending time (where
    # http.client refuses them: a security review found one such address stopping
    # every member's deliveries); so is a percent sign in the host, which this check
    # and the connection would read differently (%31%32%37.0.0.1 is 127.0.0.1).
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise TrothError(f"{url!r}: an address has no spaces or control characters")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise TrothError(f"{url!r} is not an http(s) address") from None
    if parts.scheme not in ("http", "https") or not host:
        raise TrothError(f"{url!r} is not an http(s) address")
    if "%" in host:
        raise TrothError(f"{url!r}: write the host as it is, without %-escapes")
    try:
        host.encode("idna")
    except UnicodeError:
        raise TrothError(f"{url!r}: the host is not a valid name") from None
    if parts.username or parts.password:
        raise TrothError(
            "put no user or password in a webhook's address; check its signature instead"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TrothError(f"{url!r} has a bad port") from None
    from troth.sync import netguard

    netguard.check_host(host, port)  # on a group's server: public addresses only
    return url


def check_kinds(kinds: list[str]) -> list[str]:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise TrothError(
            f"unknown event {unknown[0]!r}; one of {', '.join(k for k in KINDS if k != 'ping')}"
        )
    return sorted(set(kinds))


def do_add_subscription(
    owner: Owner, url: str, kinds: list[str] | None = None
) -> tuple[Subscription, str]:
    """A new subscription and its signing secret (shown this once)."""
    from troth.sync.secrets import seal

    url = check_url(url)
    events = check_kinds(list(kinds or []))
    with transaction.atomic():
        if (
            # locked rows, not COUNT(*) FOR UPDATE (which PostgreSQL refuses)
            len(Subscription.objects.select_for_update().filter(owner=owner).values_list("id"))
            >= MAX_SUBSCRIPTIONS
        ):
            raise TrothError(f"at most {MAX_SUBSCRIPTIONS} webhooks: remove one first")
        raw = SECRET_PREFIX + secrets.token_urlsafe(32)
        sub = Subscription.objects.create(owner=owner, url=url, events=events, secret=seal(raw))
    return sub, raw


def do_remove_subscription(owner: Owner, sub: Subscription) -> None:
    Subscription.objects.filter(owner=owner, pk=sub.pk).delete()


def do_enable(owner: Owner, sub: Subscription) -> None:
    Subscription.objects.filter(owner=owner, pk=sub.pk).update(
        active=True, failures_in_row=0, disabled_reason=""
    )


def do_ping(owner: Owner, sub: Subscription) -> Delivery:
    """A `ping` event to this subscription alone (is the receiver there, does it check
    the signature?)."""
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.create(
            owner=owner, kind="ping", data={"message": "troth says hello"}, created_at=now
        )
        delivery = Delivery.objects.create(subscription=sub, event=event, next_attempt_at=now)
    wake.set()
    return delivery


def _claim(now: dt.datetime, limit: int) -> list[int]:
    due = (
        Delivery.objects.filter(status=Delivery.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    claimed = []
    for delivery_id in list(due):
        # Conditional: two workers looking at once send it once.
        if (
            Delivery.objects.filter(pk=delivery_id, status=Delivery.PENDING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + LEASE)
        ):
            claimed.append(delivery_id)
    return claimed


def do_deliver_due(now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every delivery due by `now`; what happened, counted."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery_id in _claim(now or timezone.now(), limit):
        try:
            outcome = _deliver_one(delivery_id)
        except Exception as exc:  # one delivery never stops the others
            logger.exception("webhook delivery %s failed", delivery_id)
            Delivery.objects.filter(pk=delivery_id).update(
                status=Delivery.FAILED,
                next_attempt_at=None,
                lease_until=None,
                last_error=f"could not be sent: {type(exc).__name__}"[:300],
            )
            outcome = "failed"
        counts[outcome] += 1
    return counts


def _deliver_one(delivery_id: int) -> str:
    from troth.sync.secrets import SecretLost, reveal
    from troth.webhooks.send import post

    d = Delivery.objects.select_related("subscription", "event", "subscription__owner").get(
        pk=delivery_id
    )
    sub = d.subscription
    attempt = d.attempts + 1
    if not sub.active or not sub.owner.is_active:
        answer_ok, status, text = False, None, ""
        error = "the webhook is switched off" if sub.active else "the account is switched off"
        final = True
    else:
        try:
            secret = reveal(sub.secret, f"webhook #{sub.id}'s secret")
        except SecretLost as exc:
            answer_ok, status, text, error, final = False, None, "", str(exc), True
        else:
            answer = post(sub.url, secret, d.event, d.id, attempt)
            answer_ok, status, text, error = answer.ok, answer.status, answer.text, answer.error
            # a test event is sent once: its answer is what was asked for
            final = answer_ok or attempt >= MAX_ATTEMPTS or d.event.kind == "ping"
    at = timezone.now()
    d.attempts = attempt
    d.last_attempt_at = at
    d.last_status = status
    d.last_response = text[:500]
    d.last_error = error[:300]
    d.lease_until = None
    if answer_ok:
        d.status, d.delivered_at, d.next_attempt_at = Delivery.DELIVERED, at, None
        outcome = "delivered"
    elif final:
        d.status, d.next_attempt_at = Delivery.FAILED, None
        outcome = "failed"
    else:
        d.next_attempt_at = at + BACKOFF[attempt - 1]
        outcome = "retrying"
    with transaction.atomic():
        d.save()
        if d.event.kind != "ping":  # a failed test says nothing of the real deliveries
            _count_outcome(sub, answer_ok, final)
    return outcome


def _count_outcome(sub: Subscription, ok: bool, final: bool) -> None:
    if ok:
        Subscription.objects.filter(pk=sub.pk).update(failures_in_row=0)
        return
    if not final or not sub.active:
        return
    sub.refresh_from_db(fields=["failures_in_row"])
    failures = sub.failures_in_row + 1
    fields: dict[str, Any] = {"failures_in_row": failures}
    if failures >= DISABLE_AFTER:
        fields.update(
            active=False,
            disabled_reason=f"switched off after {failures} deliveries in a row failed",
        )
    Subscription.objects.filter(pk=sub.pk).update(**fields)


def do_emit_due_promises(today: dt.date | None = None) -> int:
    """`promise.due` for each open promise whose due date has come, once per promise and
    due date, for owners subscribed to it (and only promises due since they subscribed:
    a new subscription is not flooded with last year's)."""
    from troth.ledger.models import Commitment

    today = today or timezone.localdate()
    sent = 0
    owners: dict[int, dt.date] = {}
    for sub in Subscription.objects.filter(active=True, owner__is_active=True):
        if sub.wants("promise.due"):
            since = timezone.localtime(sub.created_at).date()
            owners[sub.owner_id] = min(owners.get(sub.owner_id, since), since)
    for owner_id, since in owners.items():
        due = Commitment.objects.filter(
            owner_id=owner_id,
            status=Commitment.OPEN,
            due_on__lte=today,
            due_on__gte=since,
        ).select_related("owner", "debtor", "creditor")
        for promise in due:
            key = f"promise.due:{promise.id}:{promise.due_on}"
            if Event.objects.filter(owner_id=owner_id, key=key).exists():
                continue  # said already (the key's constraint holds if two look at once)
            emit(promise.owner, "promise.due", promise, key=key)
            sent += 1
    return sent


def do_prune(now: dt.datetime | None = None) -> int:
    """Events (and their deliveries) older than KEEP that nothing still has to send."""
    cutoff = (now or timezone.now()) - KEEP
    old = Event.objects.filter(created_at__lt=cutoff).exclude(deliveries__status=Delivery.PENDING)
    deleted, _ = old.delete()
    return deleted


LOOK_EVERY = 5.0  # seconds between two looks for due deliveries (another process's events)
CHORES_EVERY = 300.0  # seconds between two looks for due promises and old events


def start_deliveries(every: float = LOOK_EVERY) -> threading.Event:
    """A daemon thread that sends due deliveries for as long as the process runs
    (`troth worker`; `troth serve` on a laptop): at once when this process wrote one,
    else every `every` seconds. Set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        last_chores = 0.0
        import time

        while not stop.is_set():
            wake.clear()  # before the look: a delivery written during it wakes the next
            try:
                close_old_connections()
                if time.monotonic() - last_chores >= CHORES_EVERY:
                    last_chores = time.monotonic()
                    do_emit_due_promises()
                    do_prune()
                do_deliver_due()
            except Exception:  # a bad look must not end the loop
                logger.exception("could not send the due webhook deliveries")
            finally:
                close_old_connections()
            wake.wait(every)

    threading.Thread(target=loop, name="troth-webhooks", daemon=True).start()
    return stop
