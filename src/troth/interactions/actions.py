"""Writes about interactions. Callers own the transaction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.errors import FieldError, NotFound, TrothError
from troth.events import emit
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import check_length
from troth.people.models import Person

CHANNELS = [c for c, _label in Interaction.CHANNELS]
# A meeting longer than a day is a typo, not a relationship milestone.
MAX_MINUTES = 24 * 60


def do_log_interaction(
    owner: Owner,
    person: Person,
    channel: str,
    *,
    when: dt.datetime | None = None,
    minutes: int | None = None,
    they_started: bool = False,
    summary: str = "",
    source: str = "manual",
    external_id: str = "",
) -> Interaction:
    if person.is_me:
        raise TrothError("log an interaction with someone else, not yourself")
    if channel not in CHANNELS:
        raise TrothError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise FieldError("minutes", f"must be between 1 and {MAX_MINUTES}, got {minutes}")
    check_length(summary, "the notes")
    when = when or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise FieldError("when", f"{when.date()} is in the future; log what has happened")
    interaction = Interaction.objects.create(
        owner=owner,
        person=person,
        occurred_at=when,
        channel=channel,
        initiated_by=Interaction.THEM if they_started else Interaction.ME,
        duration_minutes=minutes,
        summary=summary.strip(),
        source=source,
        external_id=external_id,
    )
    emit(owner, "interaction.logged", interaction)
    return interaction


def do_delete_interaction(owner: Owner, interaction_id: int) -> None:
    deleted, _ = Interaction.objects.filter(owner=owner, id=interaction_id).delete()
    if not deleted:
        raise NotFound(f"no interaction with id {interaction_id}")
