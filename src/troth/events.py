"""What happened to an owner's records, said once, for whoever listens.

The domain apps call `emit` from their `do_…` actions (a person added, an
interaction logged, a promise kept, an introduction's step...). They do not know
who listens: today the webhooks app (troth.webhooks) turns an event into signed
deliveries for the owner's subscriptions. Keeping the signal here, at the bottom of
the layers, lets the apps that emit sit below the one that delivers.

Bulk writers (imports, restores, merges of many) do not emit a row's event each;
an import says `import.finished` once.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# Every kind a subscription can ask for, with what it means (shown by
# `troth webhooks kinds`, the Settings form and the README).
KINDS: dict[str, str] = {
    "person.created": "a person was added (one by one: an import says import.finished)",
    "person.updated": "a person's name, nickname, job, contact points or tags changed",
    "person.deleted": "a person was deleted",
    "person.merged": "two people were merged into one",
    "interaction.logged": "an interaction was logged",
    "favour.recorded": "a favour was recorded (given or received)",
    "promise.made": "a promise was made (yours or theirs)",
    "promise.due": "an open promise reached its due date",
    "promise.kept": "a promise was kept",
    "promise.broken": "a promise was broken",
    "promise.released": "a promise was released",
    "need.opened": "a need was added",
    "need.met": "a need was met",
    "need.closed": "a need was withdrawn or expired",
    "intro.step": "an introduction was started or moved a step",
    "import.finished": "an import finished",
    "ping": "a test event (troth webhooks ping)",
}

# Sent with: owner, kind, obj (the model instance the event is about, or None),
# data (extra fields for the payload).
happened = Signal()


def emit(owner: Any, kind: str, obj: Any = None, **data: Any) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    happened.send(sender=kind, owner=owner, kind=kind, obj=obj, data=data)
