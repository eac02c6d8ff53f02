"""Identity (`troth merges`, `troth unmerge`, `troth merge --suggestions` and
`--reject`): the merges so far and their undoing, and the people troth thinks may be
one, to accept (merge) or dismiss (they are different people). Merging two people by
hand is `POST /people/{id}/merge` (troth.api.people)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from troth.api.core import Out, answers, atomic_write, owner, paginate
from troth.api.people import row
from troth.api.schemas import PersonRef, PersonRow
from troth.errors import Conflict
from troth.identity import actions, queries
from troth.identity.models import MergeSuggestion

router = Router(tags=["identity"])
# the reason a merge accepted here carries (`troth merges` shows it)
ACCEPTED_HERE = "accepted a suggestion (API)"


class MergeRow(Out):
    id: int
    kept: PersonRef
    merged: PersonRef
    reason: str
    moved: int
    created_at: str
    undone_at: str | None


class MergePage(Out):
    items: list[MergeRow]
    next: str | None


@router.get("/merges", response=answers(MergePage), summary="Merges so far")
def list_merges(request: HttpRequest, limit: int = 50, cursor: str | None = None) -> dict:
    """`troth merges --json`: newest first, automatic ones from imports too."""
    return paginate(request, queries.merge_rows(owner(request)), cursor, limit)


class Unmerged(Out):
    merge_id: int
    kept: PersonRow
    restored: PersonRow


@router.post("/merges/{merge_id}/undo", response=answers(Unmerged), summary="Undo a merge")
def undo_merge(request: HttpRequest, merge_id: int) -> dict:
    """`troth unmerge ID`: both people again, each with their own history; they are
    then marked as different people, so troth does not suggest the pair again. 409 when
    it was undone already (with the import that made the merged person, say)."""
    who = owner(request)
    with atomic_write():
        record = queries.access_merge(who, merge_id)
        restored = actions.do_unmerge(who, record)
        kept = record.kept
    return {"merge_id": record.id, "kept": row(who, kept), "restored": row(who, restored)}


@router.post(
    "/people/{person_id}/unmerge", response=answers(Unmerged), summary="Undo the latest merge"
)
def unmerge_latest(request: HttpRequest, person_id: int) -> dict:
    """`troth unmerge NAME`: undo the latest merge into this person (400 if nobody was
    merged into them)."""
    from troth.api.people import contact

    who = owner(request)
    with atomic_write():
        record = queries.latest_merge_into(who, contact(who, person_id))
        restored = actions.do_unmerge(who, record)
        kept = record.kept
    return {"merge_id": record.id, "kept": row(who, kept), "restored": row(who, restored)}


class SuggestionRow(Out):
    id: int
    a: PersonRef
    b: PersonRef
    confidence: float
    reasons: list[str]


class SuggestionPage(Out):
    items: list[SuggestionRow]
    next: str | None


@router.get("/merge-suggestions", response=answers(SuggestionPage), summary="Maybe one person")
def list_suggestions(request: HttpRequest, limit: int = 50, cursor: str | None = None) -> dict:
    """`troth merge --suggestions --json`: open suggestions, likeliest first."""
    return paginate(request, queries.suggestion_rows(owner(request)), cursor, limit)


def _open(suggestion: MergeSuggestion) -> MergeSuggestion:
    if suggestion.status != MergeSuggestion.OPEN:
        raise Conflict(
            f"merge suggestion {suggestion.id} was decided already ({suggestion.status})"
        )
    return suggestion


class Accepted(Out):
    merge_id: int
    kept: PersonRow
    moved: int


@router.post(
    "/merge-suggestions/{suggestion_id}/accept",
    response=answers(Accepted),
    summary="Accept a suggestion",
)
def accept(request: HttpRequest, suggestion_id: int) -> dict:
    """They are one person: `b` is folded into `a` (the older record), as the Import
    page's Accept does; `POST /merges/{merge_id}/undo` takes it back."""
    who = owner(request)
    with atomic_write():
        suggestion = _open(queries.access_suggestion(who, suggestion_id))
        keep, other = suggestion.person_a, suggestion.person_b
        record = actions.do_accept(who, keep, other, reason=ACCEPTED_HERE)
    return {"merge_id": record.id, "kept": row(who, keep), "moved": len(record.snapshot["moved"])}


class Dismissed(Out):
    id: int
    a: PersonRef
    b: PersonRef
    status: str = Field(description='"rejected": troth will not suggest the pair again.')


@router.post(
    "/merge-suggestions/{suggestion_id}/dismiss",
    response=answers(Dismissed),
    summary="Dismiss a suggestion",
)
def dismiss(request: HttpRequest, suggestion_id: int) -> dict:
    """They are different people (`troth merge --reject A B`): the suggestion is closed
    and not made again."""
    who = owner(request)
    with atomic_write():
        suggestion = _open(queries.access_suggestion(who, suggestion_id))
        a, b = suggestion.person_a, suggestion.person_b
        done = actions.do_reject(who, a, b)
    return {
        "id": done.id,
        "a": {"id": a.id, "name": a.full_name},
        "b": {"id": b.id, "name": b.full_name},
        "status": done.status,
    }
