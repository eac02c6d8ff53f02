"""Rows as plain dicts with stable field names: the `--json` contract.

The README documents these fields; scripts build on them, so rename nothing
without a deprecation. Tables in the CLI are drawn from the same dicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Prefetch
from django.utils import timezone

from troth.agenda.plan import Item
from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.ledger.queries import need_status, need_tags
from troth.lib import dates
from troth.lib.text import whole as whole  # the one rounding of a score
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Note, Person, Tag
from troth.people.queries import current_job, find_people, owned_rows
from troth.prepared import Prepared


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


def need_row(
    n: Need, today: dt.date | None = None, tags: list[str] | None = None
) -> dict[str, Any]:
    """`tags`: the need's tags by name, if already read (ledger.queries.need_tags)."""
    today = today or timezone.localdate()
    return {
        "id": n.id,
        "person": person_ref(n.person),
        "mine": n.person.is_me,
        "what": n.what,
        "tags": tags if tags is not None else [t.name for t in n.tags.all()],
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


# People as rows: the reads behind `troth people --json` and the People page. Here, not
# in people.queries: the last contact comes from the interactions, a layer above people.


# A page of people (the People list's 50, an API page, a merge's pair) is read by
# statements composed once per thread (troth.prepared), each for ROWS_AT_ONCE ids padded
# with 0 (nobody's id), so that any page is the same few statements. Composing the five
# reads through the ORM for each page was most of a search's time (issue 20: 20 ms of CPU
# for a page of 50 at 30,000 people, against 3.5 ms running the same SQL).
ROWS_AT_ONCE = 50
# Past this many people (ten groups, the API's largest page), the owner's whole tables
# are read in one statement each instead of a round trip per group.
EVERYONE = 500


def _at_once(ids: list[int]) -> list[tuple[int, ...]]:
    """The ids in groups of ROWS_AT_ONCE, the last one padded with 0."""
    groups = []
    for start in range(0, len(ids), ROWS_AT_ONCE):
        group = ids[start : start + ROWS_AT_ONCE]
        groups.append((*group, *[0] * (ROWS_AT_ONCE - len(group))))
    return groups


_LAST: Prepared[tuple[int, Any]] = Prepared(
    lambda owner_id, *ids: (
        Interaction.objects.filter(owner_id=owner_id, person_id__in=ids)
        .values("person_id")
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    )
)


def last_contacts(owner: Owner, ids: list[int]) -> dict[int, Any]:
    if len(ids) <= EVERYONE:
        return {pid: last for group in _at_once(ids) for pid, last in _LAST(owner.id, *group)}
    # past that, one grouped scan beats a huge IN list
    last = Interaction.objects.filter(owner=owner)
    return dict(
        last.values("person_id").annotate(last=Max("occurred_at")).values_list("person_id", "last")
    )


def list_people(owner: Owner, **filters: Any) -> list[Person]:
    """People matching `find_people` filters as model instances, each with `last_contact`."""
    ids = find_people(owner, **filters)
    people: dict[int, Person] = {
        p.id: p
        for p in Person.objects.filter(owner=owner, id__in=ids)
        .select_related("relationship")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch(
                "employments",
                queryset=Employment.objects.filter(is_current=True).select_related("organization"),
                to_attr="current_jobs",
            ),
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("-is_primary", "id")),
        )
    }
    last_by_person = last_contacts(owner, ids)
    ordered = [people[i] for i in ids]
    for p in ordered:
        p.last_contact = last_by_person.get(p.id)  # type: ignore[attr-defined]
    return ordered


_PAGE_PEOPLE: Prepared[tuple[int, str, str, int | None, bool | None]] = Prepared(
    lambda owner_id, *ids: owned_rows(
        Person.objects.filter(is_me=False, id__in=ids), owner_id
    ).values_list(
        "id", "full_name", "nickname", "relationship__closeness", "relationship__archived"
    )
)
_PAGE_JOBS: Prepared[tuple[int, str, str]] = Prepared(
    lambda owner_id, *ids: (
        owned_rows(Employment.objects.filter(is_current=True, person_id__in=ids), owner_id)
        .order_by("-started_on", "-id")
        .values_list("person_id", "organization__name", "title")
    )
)
_PAGE_POINTS: Prepared[tuple[int, str, str]] = Prepared(
    lambda owner_id, *ids: (
        owned_rows(ContactPoint.objects.filter(person_id__in=ids), owner_id)
        .order_by("-is_primary", "id")
        .values_list("person_id", "kind", "value")
    )
)
_PAGE_TAGS: Prepared[tuple[int, str]] = Prepared(
    lambda owner_id, *ids: (
        Person.tags.through.objects.filter(person_id__in=ids, tag__owner_id=owner_id)
        .order_by("tag__name")
        .values_list("person_id", "tag__name")
    )
)

_Reads = tuple[
    dict[int, dict[str, Any]],
    dict[int, tuple[str, str]],
    dict[int, dict[str, list[str]]],
    dict[int, list[str]],
]


def _base(pid: int, name: str, nickname: str, closeness: int | None, archived: Any) -> dict:
    return {
        "id": pid,
        "name": name,
        "nickname": nickname or None,
        "closeness": closeness,
        "archived": bool(archived),
    }


def _page_reads(owner: Owner, ids: list[int]) -> _Reads:
    """A few people's rows, jobs, contact points and tags: the prepared statements above,
    a group of ROWS_AT_ONCE ids at a time (each person's rows come in one group, in
    the statement's order)."""
    base: dict[int, dict[str, Any]] = {}
    jobs: dict[int, tuple[str, str]] = {}
    points: dict[int, dict[str, list[str]]] = {}
    tags: dict[int, list[str]] = {}
    for group in _at_once(list(dict.fromkeys(ids))):
        for row in _PAGE_PEOPLE(owner.id, *group):
            base[row[0]] = _base(*row)
        for pid, org, title in _PAGE_JOBS(owner.id, *group):
            jobs.setdefault(pid, (org, title))
        for pid, kind, value in _PAGE_POINTS(owner.id, *group):
            points.setdefault(pid, {}).setdefault(kind, []).append(value)
        for pid, name in _PAGE_TAGS(owner.id, *group):
            tags.setdefault(pid, []).append(name)
    return base, jobs, points, tags


def _everyone_reads(owner: Owner, ids: list[int]) -> _Reads:
    """The same for many people: the owner's whole tables, not huge IN lists."""
    wanted = set(ids)
    base = {
        row[0]: _base(*row)
        for row in Person.objects.filter(owner=owner, is_me=False).values_list(
            "id", "full_name", "nickname", "relationship__closeness", "relationship__archived"
        )
        if row[0] in wanted
    }
    jobs: dict[int, tuple[str, str]] = {}
    for pid, org, title in (
        Employment.objects.filter(owner=owner, is_current=True)
        .order_by("-started_on", "-id")
        .values_list("person_id", "organization__name", "title")
    ):
        jobs.setdefault(pid, (org, title))
    points: dict[int, dict[str, list[str]]] = {}
    for pid, kind, value in (
        ContactPoint.objects.filter(owner=owner)
        .order_by("-is_primary", "id")
        .values_list("person_id", "kind", "value")
    ):
        points.setdefault(pid, {}).setdefault(kind, []).append(value)
    tags: dict[int, list[str]] = {}
    for pid, name in (
        Person.tags.through.objects.filter(tag__owner=owner)
        .order_by("tag__name")
        .values_list("person_id", "tag__name")
    ):
        tags.setdefault(pid, []).append(name)
    return base, jobs, points, tags


def people_rows(owner: Owner, ids: list[int]) -> list[dict[str, Any]]:
    """The `people --json` rows for these ids, from plain values: no model instances, so
    30,000 people take about a second instead of ten. Same fields as present.person_row."""
    few = len(ids) <= EVERYONE
    base, jobs, points, tags = _page_reads(owner, ids) if few else _everyone_reads(owner, ids)
    last = last_contacts(owner, ids)
    rows = []
    for pid in ids:
        if pid not in base:
            continue
        org, title = jobs.get(pid, (None, ""))
        cp = points.get(pid, {})
        person = base[pid]
        rows.append(
            {
                "id": pid,
                "name": person["name"],
                "nickname": person["nickname"],
                "company": org,
                "title": title or None,
                "emails": cp.get(ContactPoint.EMAIL, []),
                "phones": cp.get(ContactPoint.PHONE, []),
                "urls": cp.get(ContactPoint.URL, []),
                "tags": tags.get(pid, []),
                "closeness": person["closeness"],
                "archived": person["archived"],
                "last_contact": iso(last.get(pid)),
            }
        )
    return rows


def agenda_item_row(item: Item) -> dict[str, Any]:
    """One item of `troth agenda --json` (and of the API's agenda)."""
    c = item.candidate
    return {
        "id": c.id,
        "kind": c.kind,
        "person": {"id": c.person_id, "name": c.person},
        "reason": c.reason,
        "due": c.due.isoformat() if c.due else None,
        "priority": round(item.priority, 2),
    }


def draft_row(result: Any) -> dict[str, Any]:
    """`troth draft --json`: an agenda.drafts.Draft as a row (`intro` and `to` only for
    an introduction's draft)."""
    person = result.person
    row: dict[str, Any] = {
        "person": {"id": person.id, "name": person.full_name},
        "kind": result.kind,
        "subject": result.subject,
        "body": result.body,
        "template": str(result.template),
        "item": result.item,
    }
    if result.intro is not None:
        row["intro"] = result.intro
        row["to"] = [{"id": p.id, "name": p.full_name} for p in result.to]
    return row


def intro_full_row(i: Introduction) -> dict[str, Any]:
    """`troth intros --json`: intro_row with where it stands and what may come next."""
    from troth.intros import flow
    from troth.intros.queries import days_since, waiting

    row = intro_row(i)
    w = waiting(i)
    row["outcome"] = i.outcome or None
    row["blurb"] = i.blurb
    row["anyway"] = i.anyway or None
    row["waiting_on"] = None if w is None else ("me" if w.on_me else person_ref(w.who))
    row["next"] = None if w is None else w.step
    row["days_in_state"] = days_since(i, timezone.localdate())
    row["legal_next"] = flow.words(flow.next_states(i.role, i.state, i.a_asked))
    row["offered"] = i.offered
    row["due"] = i.due_on.isoformat() if i.due_on else None
    return row


def intro_story_row(i: Introduction) -> dict[str, Any]:
    """`troth intro ID --json`: intro_full_row and its steps, oldest first."""
    from troth.intros import flow

    row = intro_full_row(i)
    row["steps"] = [
        {
            "from": flow.word(s.from_state) if s.from_state else None,
            "to": flow.word(s.state),
            "at": iso(s.at),
            "note": s.note,
        }
        for s in i.steps.all()
    ]
    return row


def import_run_row(run: Any) -> dict[str, Any]:
    """`troth imports --json` (and the API's imports): one import run and its counts."""
    from pathlib import Path

    counts = run.counts or {}
    return {
        "id": run.pk,
        "when": timezone.localtime(run.started_at).isoformat(timespec="seconds"),
        "kind": run.kind,
        "file": run.file_name or Path(run.path).name or run.path,
        "people_created": int(counts.get("people_created", 0) or 0),
        "people_updated": int(counts.get("people_updated", 0) or 0),
        "people_merged": int(counts.get("people_merged", 0) or 0),
        "interactions_added": int(counts.get("interactions_added", 0) or 0),
        "skipped": int(counts.get("skipped", 0) or 0),
        "status": run.status,
        "undone": run.undone_at is not None,
        "undone_at": run.undone_at.isoformat() if run.undone_at else None,
    }


def help_row(result: Any) -> dict[str, Any]:
    """`troth help NEED --json`: a troth.helping.HelpResult (who could meet a need)."""
    today = timezone.localdate()
    return {
        "need": need_row(result.need, today),
        "helpers": [
            {
                "person": {"id": h.person_id, "name": h.name},
                "score": h.score,
                "match": h.match,
                "confidence": h.confidence,
                "trust": h.trust,
                "tier": h.tier,
                "stranger": h.stranger,
                "why": list(h.reasons),
            }
            for h in result.helpers
        ],
        "me": None
        if result.me is None
        else {
            "score": result.me.score,
            "confidence": result.me.confidence,
            "why": list(result.me.reasons),
        },
    }


def i_can_help_rows(
    me_owner: Owner, person: Person | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """`troth needs --i-can-help`: contacts' open needs you could meet, best match first
    (the first `limit` of them, if given: only those are read whole)."""
    ranked = i_can_help_ranked(me_owner, person)
    return can_help_rows(me_owner, ranked[:limit] if limit is not None else ranked)


def i_can_help_ranked(me_owner: Owner, person: Person | None = None) -> list[Any]:
    """The needs `i_can_help_rows` lists, best match first, as helping.RankedNeed
    (ids and matches): a caller showing a page turns only those into rows."""
    from django.db import transaction

    from troth.helping import rank_needs_i_can_help

    with transaction.atomic():
        return rank_needs_i_can_help(
            me_owner, timezone.localdate(), person_id=None if person is None else person.id
        )


def can_help_rows(me_owner: Owner, ranked: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of `i_can_help_ranked`'s needs (a page of them, or all)."""
    today = timezone.localdate()
    ids = [r.need_id for r in ranked]
    needs = Need.objects.filter(owner=me_owner).select_related("person").in_bulk(ids)
    tags = need_tags(me_owner, ids)
    return [
        {
            **need_row(needs[r.need_id], today, tags[r.need_id]),
            "score": r.match.score,
            "confidence": r.match.confidence,
            "why": list(r.match.reasons),
        }
        for r in ranked
        if r.need_id in needs  # (deleted since it was ranked: left out, not a 500)
    ]


def rhythm_rows(owner: Owner) -> list[dict[str, Any]]:
    """`troth rhythms --json`: each tier's check-in rhythm in days, troth's default,
    and whether it is the owner's own."""
    from troth.agenda.queries import default_tier_cadences, own_tier_cadences, tier_cadences

    rhythm, defaults, own = (
        tier_cadences(owner),
        default_tier_cadences(),
        own_tier_cadences(owner),
    )
    return [
        {"tier": t, "days": d, "default": defaults[t], "yours": t in own} for t, d in rhythm.items()
    ]
