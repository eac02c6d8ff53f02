"""Webhooks (`troth webhooks`): subscribe another program to troth's events, see the
delivery log, send a test. The same service calls as the command and Settings."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from troth.api.core import In, Out, answers, atomic_write, owner, paginate
from troth.events import KINDS
from troth.webhooks import actions
from troth.webhooks.models import Delivery
from troth.webhooks.queries import as_row, deliveries, delivery_row, subscription, subscriptions

router = Router(tags=["webhooks"])


class DeliveryRow(Out):
    id: int
    webhook: int
    event: str
    event_id: str
    status: str
    attempts: int
    last_attempt_at: str | None
    next_attempt_at: str | None
    response_status: int | None
    response: str | None
    error: str | None


class WebhookRow(Out):
    id: int
    url: str
    events: list[str]
    active: bool
    disabled_reason: str | None
    created_at: str | None
    last_delivery: DeliveryRow | None


class WebhookMade(WebhookRow):
    secret: str = Field(description="The signing secret, shown this once.")


class WebhookPage(Out):
    items: list[WebhookRow]
    next: str | None


class DeliveryPage(Out):
    items: list[DeliveryRow]
    next: str | None


class Kind(Out):
    event: str
    means: str


class WebhookIn(In):
    url: str = Field(max_length=1000, description="Where to POST (http or https).")
    events: list[str] = Field(
        default_factory=list, max_length=len(KINDS), description="Kinds to send; empty: all."
    )


@router.get("/webhooks", response=answers(WebhookPage), summary="List webhooks")
def list_webhooks(request: HttpRequest, limit: int = 50, cursor: str | None = None) -> dict:
    """`troth webhooks --json`: each webhook and its last delivery (never its secret)."""
    rows = [as_row(s) for s in subscriptions(owner(request))]
    return paginate(request, rows, cursor, limit)


@router.get("/webhooks/kinds", response=answers(list[Kind]), summary="Event kinds")
def kinds(request: HttpRequest) -> list[dict]:
    """`troth webhooks kinds`: what a webhook can ask for."""
    owner(request)
    return [{"event": k, "means": v} for k, v in KINDS.items()]


@router.post("/webhooks", response=answers(WebhookMade, 201), summary="Add a webhook")
def add_webhook(request: HttpRequest, payload: WebhookIn) -> Status:
    """`troth webhooks add URL --event ...`: the answer has the signing secret, once."""
    with atomic_write():
        sub, secret = actions.do_add_subscription(owner(request), payload.url, payload.events)
    return Status(201, {**as_row(sub), "secret": secret})


@router.delete("/webhooks/{webhook_id}", response=answers(None, 204), summary="Remove one")
def remove_webhook(request: HttpRequest, webhook_id: int) -> Status:
    """`troth webhooks remove ID`."""
    who = owner(request)
    with atomic_write():
        actions.do_remove_subscription(who, subscription(who, webhook_id))
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/enable", response=answers(WebhookRow), summary="Switch on")
def enable_webhook(request: HttpRequest, webhook_id: int) -> dict:
    """`troth webhooks enable ID`: on again after troth switched it off for failing."""
    who = owner(request)
    sub = subscription(who, webhook_id)
    actions.do_enable(who, sub)
    sub.refresh_from_db()
    return as_row(sub)


@router.post(
    "/webhooks/{webhook_id}/ping", response=answers(DeliveryRow, 202), summary="Send a test"
)
def ping_webhook(request: HttpRequest, webhook_id: int) -> Status:
    """A `ping` event to this webhook, queued: the delivery log says how it went."""
    who = owner(request)
    d = actions.do_ping(who, subscription(who, webhook_id))
    return Status(202, delivery_row(Delivery.objects.select_related("event").get(pk=d.pk)))


@router.get(
    "/webhooks/{webhook_id}/deliveries", response=answers(DeliveryPage), summary="Delivery log"
)
def webhook_deliveries(
    request: HttpRequest, webhook_id: int, limit: int = 50, cursor: str | None = None
) -> dict:
    """`troth webhooks deliveries ID`: newest first, the last 1000."""
    who = owner(request)
    subscription(who, webhook_id)  # another's or none: 404
    rows = [delivery_row(d) for d in deliveries(who, webhook_id, limit=1000)]
    return paginate(request, rows, cursor, limit)
