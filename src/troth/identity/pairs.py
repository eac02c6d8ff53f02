"""Link tables stored as an ordered pair of people (low id first), and what a merge
carries over when both people had the same pair (used by identity.actions)."""

from __future__ import annotations

from typing import Any

from django.db import models

from troth.identity.models import MergeSuggestion
from troth.people.models import Knows

# Link tables stored as an ordered pair (low id first).
ORDERED_PAIRS: dict[type[models.Model], tuple[str, str]] = {
    Knows: ("person_a_id", "person_b_id"),
    MergeSuggestion: ("person_a_id", "person_b_id"),
}
# The same, named by label for the apps above identity: the warm paths' links.
ORDERED_PAIR_LABELS: dict[str, tuple[str, str]] = {"warmpaths.link": ("person_a_id", "person_b_id")}
# Link rows whose pair both people had: the merged person's row is dropped (and comes
# back on unmerge), and what the user said on it is carried to the kept person's row
# when that row has nothing said: (the fields said together, a flag that wins). The
# counted evidence needs no carrying: the interactions and addresses it is counted
# from moved to the kept person, and the next pass recounts them (warmpaths.signals).
COMBINED: dict[str, tuple[tuple[str, ...], str]] = {
    "warmpaths.link": (("manual_strength", "manual_how", "manual_at"), "forgotten")
}


def pair_columns(model: type[models.Model]) -> tuple[str, str] | None:
    """The two person columns of a table stored as an ordered pair, or None."""
    return ORDERED_PAIRS.get(model) or ORDERED_PAIR_LABELS.get(model._meta.label_lower)


def combine(
    model: type[models.Model],
    row: models.Model,
    after: dict[str, Any],
    pair: tuple[str, str],
    filled: dict[str, dict[str, Any]],
) -> None:
    """Carry what the user said on a dropped pair row to the kept person's row of the
    same pair (see COMBINED), recorded in the merge's `filled` so that unmerge takes
    it back."""
    label = model._meta.label_lower
    said, flag = COMBINED[label]
    twin = (
        model._base_manager.filter(
            owner_id=row.owner_id,  # type: ignore[attr-defined]
            **{pair[0]: after[pair[0]], pair[1]: after[pair[1]]},
        )
        .exclude(pk=row.pk)
        .first()
    )
    if twin is None or getattr(twin, said[-1]) is not None:
        return  # nothing to carry into, or the kept row's own word wins
    fill: dict[str, Any] = {}
    if getattr(row, said[-1]) is not None:
        fill = {f: getattr(row, f) for f in said}
        if getattr(twin, flag):
            fill[flag] = False  # said to know each other: as `troth knows` does
    elif getattr(row, flag) and not getattr(twin, flag):
        fill = {flag: True}  # said not to: stays so, whatever the mail says
    if not fill:
        return
    filled[f"{label}:{twin.pk}"] = {
        "pk": twin.pk,
        "before": {f: getattr(twin, f) for f in fill},
        "after": fill,
    }
    model._base_manager.filter(pk=twin.pk).update(**fill)
