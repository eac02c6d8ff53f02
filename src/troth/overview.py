"""A short account of an owner's whole network (what `troth demo` prints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.people.models import Knows, Organization, Person


def network_overview(owner, today: dt.date) -> dict[str, Any]:
    people = Person.objects.filter(owner=owner, is_me=False)
    interactions = Interaction.objects.filter(owner=owner)
    recent = interactions.filter(occurred_at__date__gte=today - dt.timedelta(days=90))
    favors = Favor.objects.filter(owner=owner)
    open_promises = Commitment.objects.filter(owner=owner, status=Commitment.OPEN)
    open_needs = Need.objects.filter(owner=owner, status=Need.OPEN, expires_on__gte=today)
    busiest = (
        people.annotate(n=Count("interactions"))
        .filter(n__gt=0)
        .order_by("-n", "id")
        .values_list("id", "full_name", "name_key")
        .first()
    )
    needy = open_needs.filter(person__is_me=False).select_related("person").first()

    def ref(pid: int, name: str, key: str) -> str:
        """How a command names them: the name, or #id when others bear it too (the
        30,000-person demo has five Maria Moores: "troth show 'Maria Moore'" asked
        which, a newcomer's review)."""
        return name if people.filter(name_key=key).count() == 1 else f"#{pid}"

    my_promise = open_promises.filter(debtor__is_me=True).order_by("due_on", "id").first()
    return {
        "people": people.count(),
        "organizations": Organization.objects.filter(owner=owner).count(),
        "interactions": interactions.count(),
        "interactions_last_90_days": recent.count(),
        "favors_given": favors.filter(giver__is_me=True).count(),
        "favors_received": favors.filter(receiver__is_me=True).count(),
        "my_open_promises": open_promises.filter(debtor__is_me=True).count(),
        "my_overdue_promises": open_promises.filter(debtor__is_me=True, due_on__lt=today).count(),
        "their_open_promises": open_promises.filter(creditor__is_me=True).count(),
        "open_needs": open_needs.filter(person__is_me=False).count(),
        "my_open_needs": open_needs.filter(person__is_me=True).count(),
        "introductions": Introduction.objects.filter(owner=owner).count(),
        "knows_links": Knows.objects.filter(owner=owner).count(),
        "examples": {
            "busiest_contact": busiest[1] if busiest else None,
            "busiest_contact_ref": ref(*busiest) if busiest else None,
            "contact_with_need": needy.person.full_name if needy else None,
            "contact_with_need_ref": (
                ref(needy.person_id, needy.person.full_name, needy.person.name_key)
                if needy
                else None
            ),
            "contact_need_id": needy.id if needy else None,
            "my_next_promise_id": my_promise.id if my_promise else None,
        },
    }
