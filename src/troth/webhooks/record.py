"""From an event to deliveries: what troth.events' signal does for webhooks.

Runs inside the action that emitted, so the event and its deliveries are written in
the action's transaction: an action that rolls back sends nothing, and one that
commits is sent even if the process dies just after. The payload is the same dict
the CLI's `--json` prints for that record (troth.present), built now: a receiver
sees the record as the event left it, and a deleted person can still be named.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from troth import present
from troth.webhooks.models import Delivery, Event, Subscription

# Set when a delivery is written, so that a delivery loop in this process sends it
# at once instead of at its next look (troth serve on a laptop).
wake = threading.Event()


def payload(kind: str, obj: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The event's `data`: the record as `--json` shows it, plus what the action added."""
    from troth.interactions.models import Interaction
    from troth.intros.models import Introduction
    from troth.ledger.models import Commitment, Favor, Need
    from troth.people.models import Person

    out: dict[str, Any] = {}
    if isinstance(obj, Person):
        person = Person.objects.prefetch_related("contact_points", "tags").get(pk=obj.pk)
        out["person"] = present.person_row(person)
    elif isinstance(obj, Interaction):
        out["interaction"] = present.interaction_row(obj)
    elif isinstance(obj, Favor):
        out["favour"] = present.favor_row(obj)
    elif isinstance(obj, Commitment):
        out["promise"] = present.promise_row(obj)
    elif isinstance(obj, Need):
        out["need"] = present.need_row(obj)
    elif isinstance(obj, Introduction):
        out["intro"] = present.intro_row(obj)
    out.update({k: v for k, v in data.items() if k != "key"})
    return out


def on_event(
    sender: Any, *, owner: Any, kind: str, obj: Any, data: dict[str, Any], **_: Any
) -> None:
    subs = [s for s in Subscription.objects.filter(owner=owner, active=True) if s.wants(kind)]
    if not subs:
        return
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the action whole
            event = Event.objects.create(
                owner=owner,
                kind=kind,
                data=payload(kind, obj, data),
                created_at=now,
                key=str(data.get("key", ""))[:100],
            )
            Delivery.objects.bulk_create(
                Delivery(subscription=s, event=event, next_attempt_at=now) for s in subs
            )
    except IntegrityError:
        if not data.get("key"):
            raise
        return  # sent once already (a promise's due date)
    transaction.on_commit(wake.set)
