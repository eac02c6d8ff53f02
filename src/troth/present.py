"""Rows as plain dicts with stable field names: the `--json` contract.

The README documents these fields; scripts build on them, so rename nothing
without a deprecation. Tables in the CLI are drawn from the same dicts.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.ledger.queries import need_status
from troth.lib import dates
from troth.people.models import ContactPoint, Note, Person
from troth.people.queries import current_job


def whole(score: float) -> int:
    """A trust score as shown everywhere (CLI, People, a person's page): the score to
    one decimal, as the engine reports it, then half up, so 90.5 is 91 in every view
    (Python's round() and format would say 90)."""
    return math.floor(round(score, 1) + 0.5)


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """troth.lib.dates.iso in troth's time zone (TROTH_TIMEZONE)."""
    return dates.iso(value, timezone.get_current_timezone())


def person_ref(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.id, "name": "me" if person.is_me else person.full_name}


def person_row(person: Person) -> dict[str, Any]:
    job = current_job(person)
    points: list[ContactPoint] = list(person.contact_points.all())
    rel = getattr(person, "relationship", None)
    last = getattr(person, "last_contact", None)
    return {
        "id": person.id,
        "name": person.full_name,
        "nickname": person.nickname or None,
        "company": (job.company or None) if job else None,
        "title": (job.title or None) if job else None,
        "emails": [p.value for p in points if p.kind == ContactPoint.EMAIL],
        "phones": [p.value for p in points if p.kind == ContactPoint.PHONE],
        "urls": [p.value for p in points if p.kind == ContactPoint.URL],
        "tags": [t.name for t in person.tags.all()],
        "closeness": rel.closeness if rel else None,
        "archived": rel.archived if rel else False,
        "last_contact": iso(last),
    }


def interaction_row(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.id,
        "person": person_ref(i.person),
        "when": iso(i.occurred_at),
        "channel": i.channel,
        "started_by": i.initiated_by,
        "minutes": i.duration_minutes,
        "summary": i.summary,
        "source": i.source,
    }


def favor_row(f: Favor) -> dict[str, Any]:
    return {
        "id": f.id,
        "giver": person_ref(f.giver),
        "receiver": person_ref(f.receiver),
        "direction": "gave" if f.giver.is_me else ("got" if f.receiver.is_me else "between"),
        "kind": f.kind,
        "what": f.what,
        "when": iso(f.given_on),
        "need_id": f.need_id,
        "thanked_on": iso(f.thanked_on),
    }


def promise_row(c: Commitment, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    overdue = c.status == Commitment.OPEN and c.due_on is not None and c.due_on < today
    return {
        "id": c.id,
        "mine": c.debtor.is_me,
        "from": person_ref(c.debtor),
        "to": person_ref(c.creditor),
        "what": c.what,
        "made_on": iso(c.made_on),
        "due": iso(c.due_on),
        "status": c.status,
        "overdue": overdue,
        "changed_at": iso(c.status_changed_at),
    }


def need_row(n: Need, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": n.id,
        "person": person_ref(n.person),
        "mine": n.person.is_me,
        "what": n.what,
        "tags": [t.name for t in n.tags.all()],
        "noted_on": iso(n.noted_on),
        "expires_on": iso(n.expires_on),
        "status": need_status(n, today),
        "met_by": person_ref(n.met_by),
    }


def note_row(n: Note) -> dict[str, Any]:
    return {"id": n.id, "when": iso(n.created_at), "text": n.text}


def intro_row(i: Introduction) -> dict[str, Any]:
    return {
        "id": i.id,
        "role": i.role,
        "introducer": person_ref(i.introducer),
        "a": person_ref(i.person_a),
        "b": person_ref(i.person_b),
        "why": i.why,
        "state": i.state,
        "updated_at": iso(i.updated_at),
    }
