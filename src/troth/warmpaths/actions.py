"""Writes for warm paths (`do_*`; callers own the transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count, F, Field, Max, Q
from django.utils import timezone

from troth.errors import FieldError, TrothError
from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Knows, Person, Relationship
from troth.warmpaths import infer
from troth.warmpaths.models import InferencePass, Link, PlannedAsk
from troth.warmpaths.signals import ALL

# Introductions whose two people were put in touch and got at least as far as
# meeting (or an outcome after it): they know each other.
REACHED_MET = ("met", "outcome", "thanked")
# As requester, the connector agreed to introduce me: the connector knows the target.
CONNECTOR_KNEW = ("introduced", "followed_up", "met", "outcome", "thanked")
CHUNK = 900  # SQLite's bound-parameter limit, with room to spare

EVIDENCE_FIELDS = (
    "mail_together",
    "mail_cc",
    "meetings",
    "met_through",
    "intros_met",
    "mail_weight",
    "meeting_weight",
    "days_seen",
    "knows_source",
    "knows_strength",
    "employer_id",
    "overlap_from",
    "overlap_to",
    "first_seen",
    "last_seen",
    "strength",
    "usable",
    "computed_on",
)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rows_of(
    owner: Owner, keys: set[tuple[str, str]]
) -> list[tuple[str, str, int, dt.datetime, str]]:
    """Every interaction row of these (source, external_id) groups."""
    by_source: dict[str, list[str]] = {}
    for source, ext in keys:
        by_source.setdefault(source, []).append(ext)
    rows: list[tuple[str, str, int, dt.datetime, str]] = []
    for source, exts in by_source.items():
        for part in _chunks(sorted(exts)):
            rows.extend(
                Interaction.objects.filter(owner=owner, source=source, external_id__in=part)
                .values_list("source", "external_id", "person_id", "occurred_at", "channel")
                .iterator(chunk_size=5000)
            )
    return rows


def _keys_of_people(owner: Owner, people: set[int]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for part in _chunks(sorted(people)):
        keys.update(
            Interaction.objects.filter(owner=owner, person_id__in=part)
            .exclude(external_id="")
            .values_list("source", "external_id")
            .distinct()
        )
    return keys


PartRow = tuple[str, str, str, str, str, dt.datetime]  # source, id, address, role, mine, when


def _holders(owner: Owner) -> dict[str, int]:
    """E-mail address -> the one person holding it. An address several people share
    (a family mailbox) cannot say which of them was on a message: left out."""
    holders: dict[str, set[int]] = {}
    for value, pid in ContactPoint.objects.filter(owner=owner, kind=ContactPoint.EMAIL).values_list(
        "value", "person_id"
    ):
        holders.setdefault(value, set()).add(pid)
    return {value: next(iter(pids)) for value, pids in holders.items() if len(pids) == 1}


def _participant_rows(owner: Owner, keys: set[tuple[str, str]] | None) -> list[PartRow]:
    """Everyone on these messages (None: on every message) by address."""
    fields = ("source", "external_id", "address", "role", "owner_role", "occurred_at")
    rows = MessageParticipant.objects.filter(owner=owner)
    if keys is None:
        return list(rows.values_list(*fields).iterator(chunk_size=20000))
    by_source: dict[str, list[str]] = {}
    for source, ext in keys:
        by_source.setdefault(source, []).append(ext)
    out: list[PartRow] = []
    for source, exts in by_source.items():
        for part in _chunks(sorted(exts)):
            out.extend(rows.filter(source=source, external_id__in=part).values_list(*fields))
    return out


def _touched(
    owner: Owner, state: InferencePass | None, mark: int, holders: dict[str, int]
) -> set[int]:
    """The people with new evidence since the last pass: on new interactions' or new
    participants' messages, with a new address, or rewritten by a merge."""
    new_keys = set(
        Interaction.objects.filter(owner=owner, id__gt=mark)
        .exclude(external_id="")
        .values_list("source", "external_id")
        .distinct()
    )
    touched = {pid for _s, _e, pid, _t, _c in _rows_of(owner, new_keys)}
    if state is not None:
        part_keys = set(
            MessageParticipant.objects.filter(owner=owner, id__gt=state.participants_max_id)
            .values_list("source", "external_id")
            .distinct()
        )
        for row in _participant_rows(owner, part_keys):
            if row[2] in holders:
                touched.add(holders[row[2]])
        touched.update(
            ContactPoint.objects.filter(
                owner=owner, kind=ContactPoint.EMAIL, id__gt=state.points_max_id
            ).values_list("person_id", flat=True)
        )
        touched.update(pid for pid in state.pending if isinstance(pid, int))
    return touched


def _observed(
    owner: Owner,
    me_id: int,
    state: InferencePass | None,
    mark: int,
    people: Iterable[int] | None,
    full: bool,
    *,
    before: dt.datetime | None = None,
) -> tuple[set[int] | None, dict[str, dict[tuple[int, int], infer.Seen]]]:
    """Co-occurrence counts for every pair touching a changed person (None: everyone):
    "mail" and "meeting" from the interactions of one message or meeting and from
    who was on a message with whom (MessageParticipant), "mail_cc" from the messages
    one of them wrote to the other with me in copy."""
    holders = _holders(owner)
    if full:
        stored = Interaction.objects.filter(owner=owner).exclude(external_id="")
        if before is not None:  # as of a past day (links_as_of)
            stored = stored.filter(occurred_at__lt=before)
        rows = list(
            stored.values_list(
                "source", "external_id", "person_id", "occurred_at", "channel"
            ).iterator(chunk_size=20000)
        )
        parts = _participant_rows(owner, None)
        if before is not None:
            parts = [r for r in parts if r[5] < before]
        touched: set[int] | None = None
    else:
        touched = _touched(owner, state, mark, holders)
        touched.update(people or ())
        touched.discard(me_id)
        keys = _keys_of_people(owner, touched) if touched else set()
        rows = _rows_of(owner, keys) if touched else []
        mine = [a for a, pid in holders.items() if pid in touched]
        part_keys: set[tuple[str, str]] = set()
        for part in _chunks(sorted(mine)):
            part_keys.update(
                MessageParticipant.objects.filter(owner=owner, address__in=part)
                .values_list("source", "external_id")
                .distinct()
            )
        part_keys |= keys  # a message matched by name rather than address
        parts = _participant_rows(owner, part_keys) if part_keys else []
    # who was on a message with whom: the same groups as the message's interactions
    copied: dict[tuple[str, str], tuple[int | None, list[int], float]] = {}
    for source, ext, addr, role, owner_role, when in parts:
        pid = holders.get(addr)
        if pid is None or pid == me_id:
            continue
        rows.append((source, ext, pid, when, "email"))
        if owner_role == MessageParticipant.CC:
            sender, to, stamp = copied.get((source, ext), (None, [], when.timestamp()))
            if role == MessageParticipant.FROM:
                sender = pid
            elif role == MessageParticipant.TO:
                to.append(pid)
            copied[(source, ext)] = (sender, to, stamp)
    codes: dict[tuple[str, str], int] = {}
    found: dict[str, dict[tuple[int, int], infer.Seen]] = {}
    for kind, channels in (("mail", ("email", "message")), ("meeting", ("meeting", "event"))):
        picked = [r for r in rows if r[4] in channels and r[2] != me_id]
        groups = [codes.setdefault((r[0], r[1]), len(codes)) for r in picked]
        found[kind] = infer.co_occurrences(
            groups,
            [r[2] for r in picked],
            [r[3].timestamp() for r in picked],
            only=touched,
        )
    found["mail_cc"] = infer.copied_exchanges(
        ((s, to, t) for s, to, t in copied.values() if s is not None), only=touched
    )
    return touched, found


Counts = dict[tuple[int, int], int]
KnowsRows = dict[tuple[int, int], tuple[str, float | None]]


def _records(
    owner: Owner,
    me_id: int,
    *,
    before: dt.datetime | None = None,
    people: set[int] | None = None,
) -> tuple[Counts, Counts, KnowsRows]:
    """troth's own records: met through, introductions that reached "met", Knows rows
    (`before`: only introductions started before then; `people`: only the pairs
    among these people)."""
    met: dict[tuple[int, int], int] = {}
    relationships = Relationship.objects.filter(owner=owner, met_through__isnull=False)
    knows_rows = Knows.objects.filter(owner=owner)
    if people is not None:
        relationships = relationships.filter(person_id__in=people, met_through_id__in=people)
        knows_rows = knows_rows.filter(person_a_id__in=people, person_b_id__in=people)
    for pid, via in relationships.values_list("person_id", "met_through_id"):
        if me_id not in (pid, via) and pid != via:
            key = _pair(pid, via)
            met[key] = met.get(key, 0) + 1
    intros: dict[tuple[int, int], int] = {}
    rows = Introduction.objects.filter(owner=owner).filter(
        Q(role=Introduction.CONNECTOR, state__in=REACHED_MET)
        | Q(role=Introduction.REQUESTER, state__in=CONNECTOR_KNEW)
    )
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    if people is not None:  # both roles name the second person in person_b
        rows = rows.filter(person_b_id__in=people)
    for role, a, b, c in rows.values_list("role", "person_a_id", "person_b_id", "introducer_id"):
        x, y = (a, b) if role == Introduction.CONNECTOR else (c, b)
        if me_id not in (x, y) and x != y and (people is None or x in people):
            key = _pair(x, y)
            intros[key] = intros.get(key, 0) + 1
    knows = {
        (a, b): (source, strength)
        for a, b, source, strength in knows_rows.values_list(
            "person_a_id", "person_b_id", "source", "strength"
        )
    }
    return met, intros, knows


def _overlaps(
    owner: Owner, me_id: int, people: set[int] | None = None
) -> dict[tuple[int, int], infer.Overlap]:
    """Employer overlaps (`people`: those of these people's organisations that are
    small enough to count, infer.MAX_EMPLOYER_GROUP)."""
    jobs = Employment.objects.filter(owner=owner).exclude(person_id=me_id)
    if people is not None:
        orgs = jobs.filter(person_id__in=people).values("organization_id")
        small = (
            jobs.filter(organization_id__in=orgs)
            .values("organization_id")
            .annotate(n=Count("person_id", distinct=True))
            .filter(n__lte=infer.MAX_EMPLOYER_GROUP)
            .values("organization_id")
        )
        jobs = jobs.filter(organization_id__in=small)
    return infer.employer_overlaps(
        jobs.values_list("person_id", "organization_id", "started_on", "ended_on", "is_current")
    )


def links_now(owner: Owner, person_id: int, others: Iterable[int]) -> dict[int, Link]:
    """`person`'s link with each of `others` scored as a pass would score it today:
    its stored co-occurrence counts (none for a pair no pass has seen yet), with
    troth's own records, Knows rows and employer overlaps read now, through the one
    `_score` (infer.strength) every pass runs. The Person page's "Who they know"
    reads its strengths here, so they are the ones `troth knows` and the path search
    show for the same pair (it showed the bare Knows strength: 0.68 where they,
    adding the employer overlap, said 0.73). A few queries, however many others."""
    today = timezone.localdate()
    others = {o for o in others if o != person_id}
    if not others:
        return {}
    me_id = Person.objects.get(owner=owner, is_me=True).id
    people = {person_id, *others}
    met, intros, knows = _records(owner, me_id, people=people)
    overlaps = _overlaps(owner, me_id, people)
    # one query per side, each on its index (an OR of the two walks every link)
    rows = Link.objects.filter(owner=owner)
    stored = {
        (lk.person_a_id, lk.person_b_id): lk
        for side in (
            rows.filter(person_a_id=person_id, person_b_id__in=others),
            rows.filter(person_b_id=person_id, person_a_id__in=others),
        )
        for lk in side
    }
    out: dict[int, Link] = {}
    for other in others:
        key = _pair(person_id, other)
        link = stored.get(key) or Link(owner=owner, person_a_id=key[0], person_b_id=key[1])
        _fill(link, key, None, met, intros, knows, overlaps)
        _score(link, today)
        out[other] = link
    return out


def _score(link: Link, today: dt.date) -> None:
    days = (today - timezone.localtime(link.last_seen).date()).days if link.last_seen else None
    by_hand = link.manual_at is not None
    link.strength = infer.strength(
        mail=link.mail_together,
        mail_cc=link.mail_cc,
        meetings=link.meetings,
        # counts stored before weights were (days_seen 0) until their recount
        mail_weight=link.mail_weight if link.days_seen else None,
        meeting_weight=link.meeting_weight if link.days_seen else None,
        days=link.days_seen or None,
        days_since_last=days,
        records=link.met_through + link.intros_met,
        knows=(link.knows_strength if link.knows_strength is not None else infer.KNOWS_DEFAULT)
        if link.knows_source
        else None,
        employer=link.employer_id is not None,
        manual=link.manual_strength,
        by_hand=by_hand and link.manual_strength is None,
    )
    link.usable = infer.confirmed(
        mail=link.mail_together,
        mail_cc=link.mail_cc,
        meetings=link.meetings,
        records=link.met_through + link.intros_met,
        knows=bool(link.knows_source),
        manual=by_hand,
    )
    link.computed_on = today


Observed = dict[str, dict[tuple[int, int], infer.Seen]]


def _fill(
    link: Link,
    key: tuple[int, int],
    observed: Observed | None,
    met: dict[tuple[int, int], int],
    intros: dict[tuple[int, int], int],
    knows: dict[tuple[int, int], tuple[str, float | None]],
    overlaps: dict[tuple[int, int], infer.Overlap],
) -> None:
    """A link's evidence from one pass's counts (`observed` None: its co-occurrence
    counts stay as they are, nobody on them changed)."""
    if observed is not None:
        mail = observed["mail"].get(key)
        meet = observed["meeting"].get(key)
        cc = observed["mail_cc"].get(key)
        # a message one wrote to the other with me in copy has them on it together
        # too: counted once, as the stronger kind
        link.mail_cc = cc.count if cc else 0
        link.mail_together = max(0, (mail.count if mail else 0) - link.mail_cc)
        link.meetings = meet.count if meet else 0
        link.mail_weight = mail.weight if mail else 0.0
        link.meeting_weight = meet.weight if meet else 0.0
        seen = [s for s in (mail, meet, cc) if s is not None]
        link.days_seen = len(set().union(*(s.days for s in seen)))
        link.first_seen = (
            dt.datetime.fromtimestamp(min(s.first for s in seen), dt.UTC) if seen else None
        )
        link.last_seen = (
            dt.datetime.fromtimestamp(max(s.last for s in seen), dt.UTC) if seen else None
        )
    link.met_through = met.get(key, 0)
    link.intros_met = intros.get(key, 0)
    source, strength = knows.get(key, ("", None))
    link.knows_source, link.knows_strength = source, strength
    overlap = overlaps.get(key)
    link.employer_id = overlap.org_id if overlap else None
    link.overlap_from = overlap.start if overlap else None
    link.overlap_to = overlap.end if overlap else None


def links_as_of(owner: Owner, day: dt.date) -> dict[tuple[int, int], Link]:
    """Who knew whom on a past day, in memory (nothing is written): evidence seen
    before the end of that day, decayed to it; what the user said by hand counts if
    said by then, and a forgotten link stays forgotten."""
    end = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), timezone.get_current_timezone()
    )
    me_id = Person.objects.get(owner=owner, is_me=True).id
    _touched_none, observed = _observed(owner, me_id, None, 0, None, True, before=end)
    met, intros, knows = _records(owner, me_id, before=end)
    overlaps = _overlaps(owner, me_id)
    stored = {(lk.person_a_id, lk.person_b_id): lk for lk in Link.objects.filter(owner=owner)}
    wanted = set(met) | set(intros) | set(knows) | set(overlaps)
    for found in observed.values():
        wanted.update(found)
    wanted |= {k for k, lk in stored.items() if lk.manual_at is not None and lk.manual_at < end}
    out: dict[tuple[int, int], Link] = {}
    for key in wanted:
        old = stored.get(key)
        if old is not None and old.forgotten:
            continue
        link = Link(owner=owner, person_a_id=key[0], person_b_id=key[1])
        if old is not None and old.manual_at is not None and old.manual_at < end:
            link.manual_strength, link.manual_how = old.manual_strength, old.manual_how
            link.manual_at = old.manual_at
        _fill(link, key, observed, met, intros, knows, overlaps)
        _score(link, day)
        out[key] = link
    return out


def do_infer_links(
    owner: Owner,
    since: int | None = None,
    *,
    people: Iterable[int] | None = None,
    full: bool = False,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Recompute who knows whom from what troth stores, incrementally.

    Co-occurrence is recounted for the people touched by interactions newer than
    the last pass (or than interaction id `since`), plus `people`; `full` recounts
    everyone. troth's own records (met through, introductions, Knows, employment)
    are small and re-read every pass. Every link's strength is re-decayed to
    `today`. Never touches `forgotten` nor what the user said by hand.
    """
    today = today or timezone.localdate()
    me_id = Person.objects.get(owner=owner, is_me=True).id
    state = InferencePass.objects.filter(owner=owner).first()
    mark = since if since is not None else (state.interactions_max_id if state else 0)
    top = Interaction.objects.filter(owner=owner).aggregate(m=Max("id"))["m"] or 0
    if (state is None and since is None and not people) or (
        state is not None and ALL in (state.pending or [])
    ):
        full = True
    top_part = MessageParticipant.objects.filter(owner=owner).aggregate(m=Max("id"))["m"] or 0
    top_point = ContactPoint.objects.filter(owner=owner).aggregate(m=Max("id"))["m"] or 0
    touched, observed = _observed(owner, me_id, state, mark, people, full)
    met, intros, knows = _records(owner, me_id)
    overlaps = _overlaps(owner, me_id)

    links = {(lk.person_a_id, lk.person_b_id): lk for lk in Link.objects.filter(owner=owner)}
    before = {key: _values(lk) for key, lk in links.items()}
    wanted = set(met) | set(intros) | set(knows) | set(overlaps)
    for found in observed.values():
        wanted.update(found)
    created: list[Link] = []
    for key in wanted - set(links):
        link = Link(owner=owner, person_a_id=key[0], person_b_id=key[1])
        links[key] = link
        created.append(link)
    for key, link in links.items():
        recount = full or touched is None or key[0] in touched or key[1] in touched
        _fill(link, key, observed if recount else None, met, intros, knows, overlaps)
        _score(link, today)
    _insert_new(created)
    changed = [lk for key, lk in links.items() if key in before and _values(lk) != before[key]]
    _save_changed(changed)
    now = timezone.now()
    version = (state.links_version if state else 0) + (1 if created or changed else 0)
    InferencePass.objects.update_or_create(
        owner=owner,
        defaults={
            "interactions_max_id": max(top, mark),
            "participants_max_id": top_part,
            "points_max_id": top_point,
            "pending": [],
            "links_version": version,
            "decayed_on": today,
            "ran_at": now,
        },
    )
    return {
        "links": sum(1 for lk in links.values() if not lk.forgotten),
        "new": len(created),
        "touched": len(links) if touched is None else len(touched),
    }


def _values(link: Link) -> tuple[Any, ...]:
    return tuple(getattr(link, name) for name in EVIDENCE_FIELDS)


def _adapter(field: Field[Any, Any]) -> Any:
    """How one column's Python value goes to the database, without Django's per-value
    preparation (ints, floats, text and booleans go as they are)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _insert_new(created: list[Link]) -> None:
    """New links as plain INSERTs, a thousand per executemany, each batch its own
    short transaction: bulk_create prepared every value of every row through the
    field (3.4 million calls, 30 of the 49 s a first pass over 146,658 links took)."""
    if not created:
        return
    fields = [f for f in Link._meta.concrete_fields if not f.primary_key]
    adapters = [_adapter(cast("Field[Any, Any]", f)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(Link._meta.db_table)} ({columns}) VALUES ({marks})"
    now = timezone.now()
    rows = []
    for lk in created:
        lk.updated_at = now  # auto_now, as save() would set it
        rows.append(
            [
                value if adapt is None or value is None else adapt(value)
                for value, adapt in zip(
                    (getattr(lk, f.attname) for f in fields), adapters, strict=True
                )
            ]
        )
    for start in range(0, len(rows), 1000):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[start : start + 1000])


def _save_changed(changed: list[Link]) -> None:
    """One plain UPDATE per changed row, sent as one executemany: Django's bulk_update
    builds a CASE per field and row, minutes for the tens of thousands of links a
    daily re-decay touches."""
    if not changed:
        return
    fields = [
        cast("Field[Any, Any]", Link._meta.get_field(name.removesuffix("_id")))
        for name in EVIDENCE_FIELDS
    ]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(Link._meta.db_table)} SET {sets}, {quote('updated_at')} = %s WHERE id = %s"
    )
    now = Link._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    rows = [
        [
            *(f.get_db_prep_value(getattr(lk, f.attname), connection) for f in fields),
            now,
            lk.pk,
        ]
        for lk in changed
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])


def bump_links_version(owner: Owner) -> None:
    """The owner's links changed outside a pass: cached search graphs are stale."""
    InferencePass.objects.filter(owner=owner).update(links_version=F("links_version") + 1)


def _two(owner: Owner, a: Person, b: Person) -> tuple[Person, Person]:
    if a.owner_id != owner.id or b.owner_id != owner.id:
        raise TrothError("no such person")  # never reached through resolve_person
    if a.id == b.id:
        raise TrothError(f"{a.full_name} and {b.full_name} are the same person")
    if a.is_me or b.is_me:
        raise TrothError("that is you: your own ties come from the trust engine, not from knows")
    return (a, b) if a.id < b.id else (b, a)


@dataclass
class Said:
    """What `troth knows A B` (or --forget) did: the link now, its strength before
    (None: there was no link), whether the user had already said the same by hand
    (`again`), and whether anything was written (`changed`)."""

    link: Link
    before: float | None
    again: bool
    changed: bool


def do_knows(
    owner: Owner, a: Person, b: Person, *, how: str = "", strength: int | None = None
) -> Link:
    """By hand: A and B know each other (a forgotten link comes back: the user said so)."""
    return do_say_knows(owner, a, b, how=how, strength=strength).link


def do_say_knows(
    owner: Owner, a: Person, b: Person, *, how: str = "", strength: int | None = None
) -> Said:
    """`do_knows`, saying what it did. Saying it again is not more evidence: a link
    already said by hand with the same words and strength is left as it is (nothing
    written, `manual_at` still the day it was first said, which `links_as_of` reads);
    a new --strength replaces the one given, a new --how the words."""
    a, b = _two(owner, a, b)
    if strength is not None and not 1 <= strength <= 5:
        raise FieldError("strength", f"must be 1 to 5, got {strength}")
    how = how.strip()
    if len(how) > 300:
        raise FieldError("how", "is too long (300 characters at most)")
    link, created = Link.objects.get_or_create(owner=owner, person_a=a, person_b=b)
    before = None if created or link.forgotten else link.strength
    again = not link.forgotten and link.manual_at is not None
    new_how = how or link.manual_how
    new_strength = link.manual_strength if strength is None else strength
    if again and (new_how, new_strength) == (link.manual_how, link.manual_strength):
        return Said(link, before, again=True, changed=False)
    link.manual_how = new_how
    link.manual_strength = new_strength
    if not again:
        link.manual_at = timezone.now()
    link.forgotten = False
    _score(link, timezone.localdate())
    link.save()
    bump_links_version(owner)
    return Said(link, before, again=again, changed=True)


def do_forget(owner: Owner, a: Person, b: Person) -> Link:
    """A and B do not know each other, whatever the mail says: stays so after re-imports."""
    return do_say_forget(owner, a, b).link


def do_say_forget(owner: Owner, a: Person, b: Person) -> Said:
    """`do_forget`, saying what it did: a link already forgotten is left as it is."""
    a, b = _two(owner, a, b)
    link, created = Link.objects.get_or_create(owner=owner, person_a=a, person_b=b)
    if link.forgotten:
        return Said(link, None, again=True, changed=False)
    before = None if created else link.strength
    link.forgotten = True
    link.manual_strength = None
    link.manual_how = ""
    link.manual_at = None
    _score(link, timezone.localdate())
    link.save()
    bump_links_version(owner)
    return Said(link, before, again=False, changed=True)


def _paths_via(result: dict[str, Any], via: int | None, what: str) -> list[dict[str, Any]]:
    """The paths of `result` to act on: all of them (the best first), or those whose
    first hop is `via` (`--via`, the web's per-path buttons)."""
    if not result["paths"]:
        raise TrothError(f"no warm path to {what}: build one first (see the closest people)")
    if via is None:
        return list(result["paths"])
    paths = [p for p in result["paths"] if p["hops"][0]["id"] == via]
    if not paths:
        raise TrothError(
            f"no warm path shown goes through #{via} first: troth path lists the first hops"
            " it found (the best five, each through someone else)"
        )
    return paths


class _Rehearsal(Exception):
    """Rolls back an ask tried only to learn whether it would be taken."""


def _would_ask(owner: Owner, first: Person, target: Person, why: str) -> bool:
    from troth.intros.actions import do_ask

    try:
        with transaction.atomic():
            do_ask(owner, first, target, why)
            raise _Rehearsal
    except _Rehearsal:
        return True
    except TrothError:
        return False


def _ask_why(hops: list[dict[str, Any]], target: Person, why: str) -> str:
    why = why.strip()
    if len(hops) > 2 and why:
        second = hops[1]["name"]
        why = (
            f"{why} (through {second}: would you be comfortable asking {second} whether"
            f" they would be open to an introduction to {target.full_name}?)"
        )
    return why


def do_ask_best_path(
    owner: Owner,
    result: dict[str, Any],
    why: str,
    *,
    blurb: str = "",
    anyway: str = "",
    via: int | None = None,
) -> Introduction:
    """Start the requester workflow (`intros.do_ask`) with the best path's first hop
    (or the best path through `via`).

    For a longer path the ask never commits the second connector: the first is asked
    whether they would be comfortable asking the second (issue 12). When the best
    path's first hop cannot be asked yet (not ready, a tie too weak for an ask), the
    refusal names the next path whose first hop could be, to ask along with --via."""
    from troth.intros.actions import do_ask

    paths = _paths_via(result, via, "ask along")
    hops = paths[0]["hops"]
    ids = {h["id"] for p in paths for h in (p["hops"][0], p["hops"][-1])}
    people = {p.id: p for p in Person.objects.filter(owner=owner, id__in=ids)}
    first, target = people[hops[0]["id"]], people[hops[-1]["id"]]
    try:
        return do_ask(owner, first, target, _ask_why(hops, target, why), blurb=blurb, anyway=anyway)
    except TrothError as exc:
        if via is not None:
            raise
        tried = {first.id}
        for path in paths[1:]:
            other = path["hops"][0]
            if other["id"] in tried:
                continue
            tried.add(other["id"])
            goal = people[path["hops"][-1]["id"]]
            if _would_ask(owner, people[other["id"]], goal, _ask_why(path["hops"], goal, why)):
                raise TrothError(
                    f"{exc} Or ask along the next path, through {other['name']}"
                    f" ({other['tier']}): add --via '#{other['id']}'"
                ) from None
        raise


def do_plan_checkin(
    owner: Owner, result: dict[str, Any], via: int | None = None
) -> PlannedAsk | None:
    """`troth path ... --plan`: when the best path's first hop (or the path through
    `via`) is cooling, a check-in with them goes on the agenda and the ask waits
    (None: they are not cooling, ask now). Planning the same ask again while it is
    open adds nothing."""
    from troth.warmpaths.load import PLAN_DAYS

    paths = _paths_via(result, via, "plan for")
    if result.get("open_ask"):  # (its check-in would say "then ask", which is refused)
        asked = result["open_ask"]
        raise TrothError(
            f"you already asked {asked['connector']['name']} for this introduction"
            f" (#{asked['id']}, {asked['state']}): follow it with troth intros"
        )
    hops = paths[0]["hops"]
    first = hops[0]
    if not first.get("cooling"):
        return None
    goal = result["target"]
    target_id = goal.get("id")
    company = "" if target_id is not None else str(goal.get("company", ""))[:200]
    since = timezone.now() - dt.timedelta(days=PLAN_DAYS)
    open_plan = PlannedAsk.objects.filter(
        owner=owner,
        connector_id=first["id"],
        target_id=target_id,
        company=company,
        created_at__gte=since,
    ).first()
    if open_plan is not None:
        return open_plan
    return PlannedAsk.objects.create(
        owner=owner,
        connector_id=first["id"],
        target_id=target_id,
        company=company,
        why=str(first["cooling"])[:300],
        created_at=timezone.now(),
    )
