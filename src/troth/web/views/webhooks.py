"""Settings → Webhooks: the same service calls as `troth webhooks`.

Posts: /settings/webhooks/add, /settings/webhooks/<id>/remove, /<id>/ping, /<id>/enable.
A new webhook's signing secret is in the answer to the add, once (rendered, never
put in a flash message, which may travel in a cookie)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from troth.errors import NotFound, TrothError, web_text
from troth.events import KINDS
from troth.owned import Owner
from troth.web.forms import Form
from troth.web.views.common import owner_of, page
from troth.webhooks import actions
from troth.webhooks.queries import as_row, deliveries, delivery_row, subscription, subscriptions

PARTIAL = "web/_settings_webhooks.html"
CHOICES = [(k, f"{k}: {v}") for k, v in KINDS.items() if k != "ping"]


class WebhookForm(Form):
    url = forms.CharField(max_length=1000, label="Address (http or https)")
    events = forms.MultipleChoiceField(
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="none ticked: every event",
    )


def webhooks_context(owner: Owner, **bound: Any) -> dict[str, Any]:
    return {
        "webhooks": [as_row(s) for s in subscriptions(owner)],
        "webhook_log": [delivery_row(d) for d in deliveries(owner, limit=10)],
        "webhook_form": bound.get("webhook_form") or WebhookForm(prefix="wh"),
        "webhook_secret": bound.get("webhook_secret", ""),
        "webhooks_done": bound.get("webhooks_done", ""),
        "webhooks_error": bound.get("webhooks_error", ""),
    }


def _section(request: HttpRequest, status: int, **bound: Any) -> HttpResponse:
    from troth.web.views.settings import _context  # the whole page, on a plain post

    context = {**_context(request), **webhooks_context(owner_of(request), **bound)}
    return page(request, "web/settings.html", context, partial=PARTIAL, status=status)


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST, prefix="wh")
    if not form.is_valid():
        return _section(request, 400, webhook_form=form)
    try:
        sub, secret = actions.do_add_subscription(
            owner_of(request), form.cleaned_data["url"], form.cleaned_data["events"]
        )
    except TrothError as exc:
        form.add_error("url", web_text(exc))
        return _section(request, 400, webhook_form=form)
    return _section(
        request,
        200,
        webhook_secret=secret,
        webhooks_done=f"Added webhook #{sub.id}. Its signing secret, shown this once:",
    )


def _on_mine(
    request: HttpRequest, webhook_id: int, act: Callable[[Any, Any], object], done: str
) -> HttpResponse:
    """One of the owner's webhooks, acted on; another's (or none) is not found."""
    owner = owner_of(request)
    try:
        sub = subscription(owner, webhook_id)
    except NotFound as exc:
        return _section(request, 404, webhooks_error=web_text(exc))
    act(owner, sub)
    return _section(request, 200, webhooks_done=done)


@require_POST
def remove(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _on_mine(
        request, webhook_id, actions.do_remove_subscription, f"Removed webhook #{webhook_id}."
    )


@require_POST
def enable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _on_mine(request, webhook_id, actions.do_enable, f"Webhook #{webhook_id} is on again.")


@require_POST
def ping(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Queue a test event; the delivery loop sends it within seconds (the log shows it)."""
    return _on_mine(
        request,
        webhook_id,
        actions.do_ping,
        f"A test event is on its way to webhook #{webhook_id}.",
    )
