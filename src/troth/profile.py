"""Everything about one person, newest first: what `troth show` prints."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from troth import present
from troth.interactions.queries import interactions_with
from troth.intros.models import Introduction
from troth.ledger.models import Need
from troth.ledger.queries import favors_with, open_needs, promises
from troth.people.dates import date_row, dates_of
from troth.people.models import Employment, Note, Person, Relationship


def person_profile(owner, person: Person, limit: int | None = 50) -> dict[str, Any]:
    today = timezone.localdate()
    person = (
        Person.objects.filter(owner=owner, id=person.id)
        .prefetch_related("tags", "contact_points")
        .get()
    )
    data = present.person_row(person)
    rel = (
        Relationship.objects.filter(owner=owner, person=person)
        .select_related("met_through")
        .first()
    )
    data["met"] = {
        "how": rel.met_how if rel else "",
        "on": present.iso(rel.met_on) if rel else None,
        "through": present.person_ref(rel.met_through) if rel else None,
    }
    data["cadence_days"] = rel.cadence_days if rel else None
    data["dates"] = [date_row(d) for d in dates_of(owner, person)]
    data["jobs"] = [
        {
            "company": e.company or None,
            "title": e.title or None,
            "current": e.is_current,
            "from": present.iso(e.started_on),
            "to": present.iso(e.ended_on),
        }
        for e in Employment.objects.filter(owner=owner, person=person).select_related(
            "organization"
        )
    ]
    interactions = interactions_with(owner, person).select_related("person")
    data["interaction_count"] = interactions.count()
    last = interactions.first()
    data["last_contact"] = present.iso(last.occurred_at) if last else None

    timeline: list[dict[str, Any]] = []
    sliced = interactions[:limit] if limit else interactions
    timeline += [{"type": "interaction", **present.interaction_row(i)} for i in sliced]
    timeline += [{"type": "favor", **present.favor_row(f)} for f in favors_with(owner, person)]
    timeline += [
        {"type": "promise", **present.promise_row(c, today)}
        for c in promises(owner, status=None, person=person)
    ]
    needs = Need.objects.filter(owner=owner, person=person).select_related("person", "met_by")
    timeline += [
        {"type": "need", **present.need_row(n, today)} for n in needs.prefetch_related("tags")
    ]
    timeline += [
        {"type": "note", **present.note_row(n)}
        for n in Note.objects.filter(owner=owner, person=person)
    ]
    intros = Introduction.objects.filter(owner=owner).filter(
        Q(introducer=person) | Q(person_a=person) | Q(person_b=person)
    )
    timeline += [
        {"type": "introduction", "when": present.iso(i.updated_at), **present.intro_row(i)}
        for i in intros.select_related("introducer", "person_a", "person_b")
    ]
    # Dates and datetimes share one ISO prefix, so a plain string sort orders them.
    timeline.sort(
        key=lambda row: row.get("when") or row.get("made_on") or row.get("noted_on") or "",
        reverse=True,
    )
    if limit:
        timeline = timeline[:limit]
    data["timeline"] = timeline
    # Open items come from their own queries so a long timeline cannot push them out.
    data["open_promises"] = [
        present.promise_row(c, today) for c in promises(owner, status="open", person=person)
    ]
    data["open_needs"] = [present.need_row(n, today) for n in open_needs(owner, today, person)]
    return data
