"""Reading an owner's webhooks: subscriptions and their delivery log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from troth import present
from troth.errors import NotFound
from troth.owned import Owner
from troth.webhooks.models import Delivery, Subscription


def subscriptions(owner: Owner) -> QuerySet[Subscription]:
    return Subscription.objects.filter(owner=owner).order_by("id")


def subscription(owner: Owner, subscription_id: int) -> Subscription:
    found = subscriptions(owner).filter(pk=subscription_id).first()
    if found is None:
        raise NotFound(f"no webhook #{subscription_id}")
    return found


def deliveries(owner: Owner, subscription_id: int | None = None, limit: int = 20) -> list[Delivery]:
    rows = Delivery.objects.filter(subscription__owner=owner).select_related("event")
    if subscription_id is not None:
        rows = rows.filter(subscription_id=subscription_id)
    return list(rows.order_by("-id")[:limit])


def as_row(sub: Subscription) -> dict[str, Any]:
    """The `--json` shape of a subscription: never its secret."""
    last = sub.deliveries.order_by("-id").first()
    return {
        "id": sub.id,
        "url": sub.url,
        "events": list(sub.events) or ["*"],
        "active": sub.active,
        "disabled_reason": sub.disabled_reason or None,
        "created_at": present.iso(sub.created_at),
        "last_delivery": delivery_row(last) if last else None,
    }


def delivery_row(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "webhook": d.subscription_id,
        "event": d.event.kind,
        "event_id": str(d.event.uid),
        "status": d.status,
        "attempts": d.attempts,
        "last_attempt_at": present.iso(d.last_attempt_at),
        "next_attempt_at": present.iso(d.next_attempt_at) if d.status == Delivery.PENDING else None,
        "response_status": d.last_status,
        "response": d.last_response or None,
        "error": d.last_error or None,
    }
