"""What introductions tell the trust score: each step's verdict on someone's
follow-through. Registered with troth.trust.sources when the app starts (apps.py);
light, since every start of troth loads it."""

from __future__ import annotations

import datetime as dt

from troth.intros.models import IntroStep
from troth.owned import Owner


def conduct_rows(
    owner: Owner, person_ids: list[int] | None = None
) -> list[tuple[int, dt.datetime, bool]]:
    """(person id, when, good?) of each step with a verdict on someone's follow-through,
    for these people (None: everyone): what the trust score reads of introductions
    (registered with troth.trust.sources in intros/apps.py)."""
    # one queryset built, not two (a one-tie update reads this for its tie: Django
    # building a queryset is most of that read's cost)
    if person_ids is None:
        steps = IntroStep.objects.filter(owner=owner, person__isnull=False, good__isnull=False)
    else:
        steps = IntroStep.objects.filter(owner=owner, person_id__in=person_ids, good__isnull=False)
    return [(pid, at, bool(good)) for pid, at, good in steps.values_list("person_id", "at", "good")]
