"""Everything about one person, newest first: one read (`person_timeline`) that both
`troth show` (`person_profile`, its JSON) and the person page (`web.views.person.records`)
render, so the two can never list different things.

It lives here, above the domain apps, and not in `people.queries`: it reads interactions,
the ledger and introductions, which sit above `people` in the layers `.importlinter`
enforces."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from troth import present
from troth.interactions.models import Interaction
from troth.interactions.queries import interactions_with
from troth.intros.models import Introduction
from troth.intros.queries import waiting
from troth.ledger.models import Commitment, Favor, Need
from troth.ledger.queries import favors_with, need_tags, needs_of, promises
from troth.owned import Owner
from troth.people.dates import date_row, dates_of
from troth.people.models import Employment, Note, Person, PersonDate
from troth.people.queries import owned_rows, person_card
from troth.prepared import Prepared


def _ref(pid: int | None, name: str | None, is_me: bool | None) -> dict[str, Any] | None:
    """present.person_ref from plain values."""
    if pid is None:
        return None
    return {"id": pid, "name": "me" if is_me else name}


def _sort_key(row: dict[str, Any]) -> str:
    # Dates and datetimes share one ISO prefix, so a plain string sort orders them.
    return row.get("when") or row.get("made_on") or row.get("noted_on") or ""


def _intros_of(owner: Owner, person: Person) -> QuerySet[Introduction]:
    # through the three person indexes, not every introduction of the owner
    return owned_rows(
        Introduction.objects.filter(Q(introducer=person) | Q(person_a=person) | Q(person_b=person)),
        owner,
    )


# Which of a person's lists the probe asks about: (model, its person columns).
_PROBED: dict[str, tuple[Any, tuple[str, ...]]] = {
    "favours": (Favor, ("giver", "receiver")),
    "promises": (Commitment, ("debtor", "creditor")),
    "needs": (Need, ("person",)),
    "notes": (Note, ("person",)),
    "intros": (Introduction, ("introducer", "person_a", "person_b")),
    # not a list of the timeline: the page shows their dates under their name
    "dates": (PersonDate, ("person",)),
}


@functools.cache
def _which_sql() -> str:
    """The probe as one SELECT of EXISTS, built once (names from the models). Each
    EXISTS seeks one person column's own index; `owner_id + 0` keeps SQLite off the
    owner index (as people.queries.owned_rows does), the owner's rows all the same."""
    q = connection.ops.quote_name

    def exists(model: Any, column: str) -> str:
        table = q(model._meta.db_table)
        person = q(model._meta.get_field(column).column)
        owner = q(model._meta.get_field("owner").column)
        return (
            f"EXISTS (SELECT 1 FROM {table}"
            f" WHERE {person} = %(person)s AND {owner} + 0 = %(owner)s)"
        )

    return "SELECT " + ",\n".join(
        " OR ".join(exists(model, column) for column in columns)
        for model, columns in _PROBED.values()
    )


def _which(owner: Owner, person: Person) -> dict[str, bool]:
    """Which of a person's lists have any rows, in one query: most people have no
    favours, promises, needs, notes, introductions or dates (at 30,000 people four
    in five have none of each), and a list's own query, built and run for nothing,
    cost the Person page more than this probe (issue 20). Raw SQL built once: the
    same probe through the ORM cost more to compose than the queries it saved."""
    with connection.cursor() as cursor:
        cursor.execute(_which_sql(), {"owner": owner.pk, "person": person.id})
        row = cursor.fetchone()
    return {kind: bool(found) for kind, found in zip(_PROBED, row, strict=True)}


_INTERACTIONS: dict[int | None, Prepared[dict[str, Any]]] = {}
# The limits the web pages and the CLI's defaults ask for: only these are kept composed.
# A limit comes from the caller (the API's ?history= takes 1-100000), and a statement
# kept for every value anyone asks for would grow without bound (the attacker's review:
# 14 KB a value a thread); any other limit is composed for its one call.
_KEPT_LIMITS = frozenset({None, 30, 50, 100, 5000})


def _newest_interactions(limit: int | None) -> Prepared[dict[str, Any]]:
    """A person's `limit` newest interactions (all: None), as person_timeline lists
    them, composed once per limit the app itself uses (troth.prepared: the Person
    page's every visit)."""
    read = _INTERACTIONS.get(limit)
    if read is None:

        def build(owner_id: int, person_id: int) -> QuerySet[Interaction, Any]:
            found = (
                Interaction.objects.filter(owner_id=owner_id, person_id=person_id)
                .order_by("-occurred_at", "-id")  # as interactions_with
                .values(
                    "id",
                    "occurred_at",
                    "channel",
                    "initiated_by",
                    "duration_minutes",
                    "summary",
                    "source",
                )
            )
            return found[:limit] if limit else found

        read = Prepared(build)
        if limit in _KEPT_LIMITS:
            read = _INTERACTIONS.setdefault(limit, read)
    return read


def person_timeline(owner: Owner, person: Person, *, limit: int | None) -> dict[str, Any]:
    """One person's records as plain rows (the `--json` contract's fields), each read
    once and owner-scoped:

    - `card`: person_card (who they are, how you met, how you keep in touch);
    - `interactions`: the `limit` newest (all when None), `interaction_count` all of them;
    - `favours`, `promises`, `needs`, `notes`, `intros`: all of them, in their own order;
    - `timeline`: all of the above merged newest first and cut to `limit` entries, each
      row with its `type`; the interactions in it are those the page lists;
      `timeline_count` the entries before the cut;
    - `has_dates`: whether they have key dates (the page reads them only then).
    """
    today = timezone.localdate()
    card = person_card(owner, person)
    has = _which(owner, person)
    me = person.is_me
    ref = _ref(person.id, person.full_name, me)
    rows = _newest_interactions(limit)(owner.id, person.id)
    # fewer than asked for: that is all of them, no need to count
    count = (
        len(rows) if not limit or len(rows) < limit else interactions_with(owner, person).count()
    )
    interactions = [
        {
            "id": i["id"],
            "person": ref,
            "when": present.iso(i["occurred_at"]),
            "channel": i["channel"],
            "started_by": i["initiated_by"],
            "minutes": i["duration_minutes"],
            "summary": i["summary"],
            "source": i["source"],
        }
        for i in rows
    ]
    favours = [
        {
            "id": f["id"],
            "giver": _ref(f["giver_id"], f["giver__full_name"], f["giver__is_me"]),
            "receiver": _ref(f["receiver_id"], f["receiver__full_name"], f["receiver__is_me"]),
            "direction": "gave"
            if f["giver__is_me"]
            else ("got" if f["receiver__is_me"] else "between"),
            "kind": f["kind"],
            "what": f["what"],
            "when": present.iso(f["given_on"]),
            "need_id": f["need_id"],
            "thanked_on": present.iso(f["thanked_on"]),
        }
        for f in (
            favors_with(owner, person).values(
                "id",
                "kind",
                "what",
                "given_on",
                "thanked_on",
                "need_id",
                "giver_id",
                "giver__full_name",
                "giver__is_me",
                "receiver_id",
                "receiver__full_name",
                "receiver__is_me",
            )
            if has["favours"]
            else ()  # not even composed: composing a query costs more than the probe
        )
    ]
    all_promises = [
        {
            "id": c["id"],
            "mine": c["debtor__is_me"],
            "from": _ref(c["debtor_id"], c["debtor__full_name"], c["debtor__is_me"]),
            "to": _ref(c["creditor_id"], c["creditor__full_name"], c["creditor__is_me"]),
            "what": c["what"],
            "made_on": present.iso(c["made_on"]),
            "due": present.iso(c["due_on"]),
            "status": c["status"],
            # as present.promise_row says it
            "overdue": c["status"] == Commitment.OPEN
            and c["due_on"] is not None
            and c["due_on"] < today,
            "changed_at": present.iso(c["status_changed_at"]),
        }
        for c in (
            promises(owner, status=None, person=person).values(
                "id",
                "what",
                "made_on",
                "due_on",
                "status",
                "status_changed_at",
                "debtor_id",
                "debtor__full_name",
                "debtor__is_me",
                "creditor_id",
                "creditor__full_name",
                "creditor__is_me",
            )
            if has["promises"]
            else ()
        )
    ]
    need_values = (
        list(
            needs_of(owner, person)
            .order_by("expires_on", "id")
            .values(
                "id",
                "what",
                "noted_on",
                "expires_on",
                "status",
                "met_by_id",
                "met_by__full_name",
                "met_by__is_me",
            )
        )
        if has["needs"]
        else []
    )
    tags = need_tags(owner, [n["id"] for n in need_values])
    needs: list[dict[str, Any]] = [
        {
            "id": n["id"],
            "person": ref,
            "mine": me,
            "what": n["what"],
            "tags": tags[n["id"]],
            "noted_on": present.iso(n["noted_on"]),
            "expires_on": present.iso(n["expires_on"]),
            # as ledger.queries.need_status: past its horizon an open need has expired
            "status": Need.EXPIRED
            if n["status"] == Need.OPEN and n["expires_on"] < today
            else n["status"],
            "met_by": _ref(n["met_by_id"], n["met_by__full_name"], n["met_by__is_me"]),
        }
        for n in need_values
    ]
    notes = [
        {"id": n["id"], "when": present.iso(n["created_at"]), "text": n["text"]}
        for n in (
            Note.objects.filter(owner=owner, person=person).values("id", "created_at", "text")
            if has["notes"]
            else ()
        )
    ]
    intros = []
    for i in (
        _intros_of(owner, person)
        .select_related("introducer", "person_a", "person_b")
        .order_by("-updated_at", "-id")
        if has["intros"]
        else ()
    ):
        w = waiting(i)
        row = {"when": present.iso(i.updated_at), **present.intro_row(i)}
        intros.append({**row, "next": w.step if w else ""})
    timeline: list[dict[str, Any]] = [{"type": "interaction", **r} for r in interactions]
    timeline += [{"type": "favor", **r} for r in favours]
    timeline += [{"type": "promise", **r} for r in all_promises]
    timeline += [{"type": "need", **r} for r in needs]
    timeline += [{"type": "note", **r} for r in notes]
    timeline += [{"type": "introduction", **r} for r in intros]
    # stable: on equal dates the interactions stay first
    timeline.sort(key=_sort_key, reverse=True)
    # every entry, those cut off included: only the interactions were read up to `limit`
    timeline_count = count + len(timeline) - len(interactions)
    if limit:
        timeline = timeline[:limit]
    return {
        "card": card,
        "interaction_count": count,
        "timeline_count": timeline_count,
        "last_contact": interactions[0]["when"] if interactions else None,
        "interactions": interactions,
        "favours": favours,
        "promises": all_promises,
        "needs": needs,
        "notes": notes,
        "intros": intros,
        "timeline": timeline,
        "has_dates": has["dates"],
    }


# The person fields of `troth show --json`, in present.person_row's order.
_PERSON_FIELDS = (
    "id",
    "name",
    "nickname",
    "company",
    "title",
    "emails",
    "phones",
    "urls",
    "tags",
    "closeness",
    "archived",
)


def person_profile(owner: Owner, person: Person, limit: int | None = 50) -> dict[str, Any]:
    """`troth show --json`: person_timeline rendered as the README's contract, plus the
    dates and the job history the page reads on its own."""
    return person_profile_counted(owner, person, limit)[0]


def person_profile_counted(
    owner: Owner, person: Person, limit: int | None
) -> tuple[dict[str, Any], int]:
    """person_profile and how many timeline entries there are before the cut, which
    `troth show` says when it lists fewer (the JSON contract, and so the API's, has no
    such field: the count stays beside the data, not in it)."""
    read = person_timeline(owner, person, limit=limit)
    card = read["card"]
    data: dict[str, Any] = {key: card[key] for key in _PERSON_FIELDS}
    data["last_contact"] = read["last_contact"]
    data["met"] = card["met"]
    data["cadence_days"] = card["cadence_days"]
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
    data["interaction_count"] = read["interaction_count"]
    # `next` is the page's (what the introduction waits for), not the JSON contract's
    data["timeline"] = [{k: v for k, v in row.items() if k != "next"} for row in read["timeline"]]
    # Open items come from the whole lists, so a long timeline cannot push them out.
    data["open_promises"] = [p for p in read["promises"] if p["status"] == Commitment.OPEN]
    data["open_needs"] = [n for n in read["needs"] if n["status"] == Need.OPEN]
    return data, read["timeline_count"]
