"""Rows rewritten under the links' feet (a merge, its undo, an import's undo) are
noted on the owner's InferencePass, so that the next pass recounts them: the marks
of what is new (ids that only grow) cannot see rows that moved or went away."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F

from troth.owned import rows_rewritten

ALL = "all"  # in `pending`: recount everyone (rows went away)


def _rewritten(
    sender: Any,
    owner: Any,
    person_ids: Iterable[int] | None = None,
    removed: bool = False,
    added: bool = False,
    **_: Any,
) -> None:
    from troth.warmpaths.models import InferencePass

    if added or (person_ids is None and not removed):
        return  # an import: its new rows have ids above the marks
    state = InferencePass.objects.filter(owner=owner).first()
    if state is None:
        return  # no pass yet: the first one counts everything
    pending = list(state.pending or [])
    if person_ids is None:
        pending = [ALL]
    elif ALL not in pending:
        pending = sorted({*pending, *(int(p) for p in person_ids)})
    # links may have moved or gone with the rows (a merge moves them in SQL): the
    # search's cached graph is stale whatever the next pass finds
    InferencePass.objects.filter(pk=state.pk).update(
        pending=pending, links_version=F("links_version") + 1
    )


def _knows_changed(sender: Any, instance: Any, **_: Any) -> None:
    """A Knows row saved outside a pass (an "Introduced by" on the Person page): the
    next pass rescores its pair, which no mark of new ids would see, so that `troth
    knows` and the path search agree with the Person page (which reads the row as it
    is now, `actions.links_now`). Not on delete: a receiver there would make Django
    fetch every row a person's deletion cascades to, and their links go with them."""
    _rewritten(sender, instance.owner_id, person_ids=[instance.person_a_id, instance.person_b_id])


def connect() -> None:
    """Called once from WarmPathsConfig.ready()."""
    from django.db.models.signals import post_save

    from troth.people.models import Knows

    rows_rewritten.connect(_rewritten, dispatch_uid="warmpaths-rewritten")
    post_save.connect(_knows_changed, sender=Knows, dispatch_uid="warmpaths-knows-saved")
