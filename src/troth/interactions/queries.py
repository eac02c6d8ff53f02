from __future__ import annotations

from django.db.models import QuerySet

from troth.errors import NotFound
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import Person


def access_interaction(owner: Owner, interaction_id: int) -> Interaction:
    try:
        return Interaction.objects.select_related("person").get(owner=owner, id=interaction_id)
    except Interaction.DoesNotExist:
        raise NotFound(f"no interaction with id {interaction_id}") from None


def interactions_with(owner: Owner, person: Person) -> QuerySet[Interaction]:
    return Interaction.objects.filter(owner=owner, person=person).order_by("-occurred_at", "-id")
