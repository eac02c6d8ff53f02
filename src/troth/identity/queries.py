"""Reads about merges and suggestions, always scoped to one owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from troth.errors import NotFound, TrothError
from troth.identity import match
from troth.identity.models import MergeRecord, MergeSuggestion, SourceRecord
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Person


def access_merge(owner: Owner, merge_id: int) -> MergeRecord:
    try:
        return MergeRecord.objects.select_related("kept").get(owner=owner, id=merge_id)
    except MergeRecord.DoesNotExist:
        raise NotFound(f"no merge with id {merge_id}") from None


def access_suggestion(owner: Owner, suggestion_id: int) -> MergeSuggestion:
    """One of the owner's merge suggestions (any status); anyone else's is not found."""
    found = (
        MergeSuggestion.objects.filter(owner=owner, id=suggestion_id)
        .select_related("person_a", "person_b")
        .first()
    )
    if found is None:
        raise NotFound(f"no merge suggestion with id {suggestion_id}")
    return found


def latest_merge_into(owner: Owner, person: Person) -> MergeRecord:
    found = (
        MergeRecord.objects.filter(owner=owner, kept=person, undone_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if found is None:
        raise TrothError(f"nobody was merged into {person.full_name} (#{person.id})")
    return found


def merges_for(owner: Owner) -> QuerySet[MergeRecord]:
    return MergeRecord.objects.filter(owner=owner).select_related("kept")


def open_suggestions(owner: Owner) -> QuerySet[MergeSuggestion]:
    return MergeSuggestion.objects.filter(owner=owner, status=MergeSuggestion.OPEN)


def rejected_pairs(owner: Owner) -> set[tuple[int, int]]:
    rows = MergeSuggestion.objects.filter(owner=owner, status=MergeSuggestion.REJECTED)
    return set(rows.values_list("person_a_id", "person_b_id"))


def rejected(owner: Owner, a: Person, b: Person) -> bool:
    """Whether the owner said these two are different people."""
    low, high = sorted((a.id, b.id))
    return MergeSuggestion.objects.filter(
        owner=owner, person_a_id=low, person_b_id=high, status=MergeSuggestion.REJECTED
    ).exists()


def suggestion_rows(owner: Owner) -> list[dict[str, Any]]:
    rows = open_suggestions(owner).values_list(
        "id",
        "person_a_id",
        "person_a__full_name",
        "person_b_id",
        "person_b__full_name",
        "confidence",
        "reasons",
    )
    return [
        {
            "id": sid,
            "a": {"id": a, "name": a_name},
            "b": {"id": b, "name": b_name},
            "confidence": round(conf, 2),
            "reasons": list(reasons),
        }
        for sid, a, a_name, b, b_name, conf, reasons in rows
    ]


def merge_rows(owner: Owner) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "kept": {"id": m.kept_id, "name": m.kept.full_name},
            "merged": {"id": m.merged_id, "name": m.merged_name},
            "reason": m.reason,
            "moved": len(m.snapshot.get("moved", [])),
            "created_at": m.created_at.isoformat(),
            "undone_at": m.undone_at.isoformat() if m.undone_at else None,
        }
        for m in merges_for(owner)
    ]


def where_records_are(
    owner: Owner,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Which person holds each imported record ((source, external_id) -> person id) and
    each contact point ((kind, value) -> person id): how a record is traced to the
    person it ended in after imports and merges (troth.sim.dirty_files.DirtyFiles.locate)."""
    from troth.identity.models import SourceRecord
    from troth.people.models import ContactPoint

    source_ids = {
        (s, e): pid
        for s, e, pid in SourceRecord.objects.filter(owner=owner).values_list(
            "source", "external_id", "person_id"
        )
    }
    points = {
        (k, v): pid
        for k, v, pid in ContactPoint.objects.filter(owner=owner).values_list(
            "kind", "value", "person_id"
        )
    }
    return source_ids, points


def interactions_dropped(owner: Owner, since: dt.datetime) -> int:
    """How many interactions written since `since` the merges made since then
    dropped: a merge keeps one of two identical interactions (one mail sent to two
    addresses of a person: one row each, until the two are found to be one person)
    and keeps the other in its snapshot, so an import counts only what is stored."""
    dropped = 0
    records = MergeRecord.objects.filter(owner=owner, created_at__gte=since)
    for snapshot in records.values_list("snapshot", flat=True).iterator():
        for row in (snapshot or {}).get("deleted", []):
            if row.get("model") != "interactions.interaction":
                continue
            written = parse_datetime(str((row.get("fields") or {}).get("created_at", "")))
            if written is not None and written >= since:
                dropped += 1
    return dropped


def candidates(owner: Owner, ids: Collection[int] | None = None) -> list[match.Candidate]:
    """Every contact of the owner (or these of them) as the matcher sees them (plain
    values, no models).

    Read into plain dicts and lists: this runs after every import over all the
    owner's people (30,000 after a LinkedIn export), and a dict of defaultdicts per
    person cost more than the four queries (issue 20)."""
    # in id order: the matcher names each pair in the order it meets them ("nickname
    # liz~elizabeth"), and PostgreSQL returns rows in the order they lie on disk, which
    # after deletes and rolled-back writes is not the order they were made in (found by
    # a whole-rows test that failed only after another test's rollback)
    mine: dict[str, Any] = {"owner": owner}
    theirs: dict[str, Any] = {"owner": owner}
    if ids is not None:
        mine["id__in"] = list(ids)
        theirs["person_id__in"] = list(ids)
    people = (
        Person.objects.filter(is_me=False, **mine)
        .order_by("id")
        .values_list("id", "full_name", "given_name", "family_name", "nickname")
    )
    emails: dict[int, list[str]] = {}
    phones: dict[int, list[str]] = {}
    urls: dict[int, list[str]] = {}
    by_kind = {ContactPoint.EMAIL: emails, ContactPoint.PHONE: phones, ContactPoint.URL: urls}
    for pid, kind, value in ContactPoint.objects.filter(**theirs).values_list(
        "person_id", "kind", "value"
    ):
        held = by_kind.get(kind)
        if held is not None:
            found = held.get(pid)
            if found is None:
                held[pid] = [value]
            else:
                found.append(value)
    companies: dict[int, str] = {}
    for pid, org in (
        Employment.objects.filter(is_current=True, **theirs)
        .order_by("-started_on", "-id")
        .exclude(organization=None)  # a headline job (a title alone) names no employer
        .values_list("person_id", "organization__name")
    ):
        companies.setdefault(pid, org)
    # Where each person came from: a source lists a person once, so two people with one
    # name from the same source are namesakes (match.py's once-per-source rule).
    sources: dict[int, list[str]] = {}
    for pid, source in SourceRecord.objects.filter(**theirs).values_list("person_id", "source"):
        seen = sources.get(pid)
        if seen is None:
            sources[pid] = [source]
        else:
            seen.append(source)
    out = []
    none: tuple[str, ...] = ()
    for pid, full, given, family, nickname in people:
        came = sources.get(pid)
        out.append(
            match.Candidate(
                id=pid,
                full_name=full,
                given_name=given,
                family_name=family,
                nickname=nickname,
                emails=tuple(emails[pid]) if pid in emails else none,
                phones=tuple(phones[pid]) if pid in phones else none,
                urls=tuple(urls[pid]) if pid in urls else none,
                company=companies.get(pid, ""),
                # each source once; the weight counts every record (see Candidate)
                sources=tuple(sorted(set(came))) if came else none,
                weight=len(came) if came else 1,
            )
        )
    return out
