"""Needs meet helpers: who in the owner's network could meet a need, and which needs the
owner could meet. Reads only, always scoped to the owner.

Profiles (titles, companies, tags, notes, the favours each person gave) are read in a
few flat queries and handed to a `troth.matching` matcher, which knows nothing of
Django. The keyword matcher ranks by evidence; here the trust score adds a boost, so
of two people who fit alike the closer tie comes first, and a stranger who fits is
shown but marked: sending a need to someone you have never really talked to is the
networking handoff troth warns against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from troth.errors import NotFound
from troth.ledger.models import Favor, Need
from troth.ledger.queries import open_needs
from troth.matching.keywords import Match, Matcher, NeedText, Profile, default_matcher
from troth.owners import me_person
from troth.people.models import Employment, Note, Person
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, warm_among

# Of two people who fit a need alike, the stronger tie first: a trust score of 100
# multiplies the match by 1.5, a stranger's (about 0) leaves it as it is.
TRUST_BOOST = 0.5
# Tiers that are not "someone you know" right now. Who is a warm tie, worth
# suggesting as a helper, is trust's one rule (troth.trust.warmth).
STRANGER_TIERS = ("stranger",)
# The agenda's hint and `needs --i-can-help` speak only of evidence at least this
# strong (the matcher's confidence, 0-1): a known skill word in a title or tag, a
# synonym there, or the need's own word in a title; not a word in passing in a note.
HINT_CONFIDENCE = 0.4
# The pool the agenda and --i-can-help match against: the strongest real ties
# (Dunbar's 150), enough to know which words are rare.
HELPER_POOL = 150
HINTS_PER_NEED = 2
# What someone did for others says what they can do; the most recent favours say it
# best, and a giver of thousands must not match every need ever written.
FAVOUR_TEXTS = 50


@dataclass(frozen=True)
class Helper:
    person_id: int
    name: str
    score: float  # the match with the trust boost: the order shown
    match: float  # the matcher's own score
    confidence: float
    trust: float | None  # 0-100, None when never scored
    tier: str  # the trust tier, "stranger" when never scored
    reasons: tuple[str, ...]

    @property
    def stranger(self) -> bool:
        return self.tier in STRANGER_TIERS


@dataclass(frozen=True)
class HelpResult:
    need: Need
    helpers: list[Helper]
    me: Match | None  # what the owner could give themself; None for the owner's own need


def need_text(need: Need) -> NeedText:
    return NeedText(
        what=need.what, tags=tuple(t.name for t in need.tags.all()), person_id=need.person_id
    )


def profiles(owner, ids: Collection[int] | None = None) -> list[Profile]:
    """Matching profiles of the owner's people (archived ones left out), the owner's own
    included; `ids` limits them. Flat queries, no model instances: 30,000 people in well
    under a second, the agenda's 150 in a few milliseconds."""
    wanted = None if ids is None else list(ids)

    def scoped(qs, person: str = "person"):
        # A few people: look them up by person (through their owner, so scoped all the
        # same); SQLite would otherwise walk the owner's whole table by its owner index.
        if wanted is None:
            return qs.filter(owner=owner)
        return qs.filter(**{f"{person}_id__in": wanted, f"{person}__owner": owner})

    people = Person.objects.filter(owner=owner).exclude(relationship__archived=True)
    if wanted is not None:
        people = people.filter(id__in=wanted)
    base = {
        pid: (name, is_me) for pid, name, is_me in people.values_list("id", "full_name", "is_me")
    }
    titles: dict[int, list[str]] = {}
    past_titles: dict[int, list[str]] = {}
    companies: dict[int, list[str]] = {}
    past_companies: dict[int, list[str]] = {}
    jobs = scoped(Employment.objects.all()).order_by("-is_current", "-started_on", "-id")
    for pid, title, org, current in jobs.values_list(
        "person_id", "title", "organization__name", "is_current"
    ):
        if title:
            (titles if current else past_titles).setdefault(pid, []).append(title)
        if org:  # None: a headline job, a title alone
            (companies if current else past_companies).setdefault(pid, []).append(org)
    tags: dict[int, list[str]] = {}
    links = Person.tags.through.objects.all()
    links = (
        links.filter(tag__owner=owner)
        if wanted is None
        else links.filter(person_id__in=wanted, person__owner=owner)
    )
    for pid, name in links.order_by("tag__name").values_list("person_id", "tag__name"):
        tags.setdefault(pid, []).append(name)
    notes: dict[int, list[str]] = {}
    for pid, text in scoped(Note.objects.all()).values_list("person_id", "text"):
        notes.setdefault(pid, []).append(text)
    # favours: what contacts gave the owner, and what the owner gave anyone
    gave: dict[int, dict[str, int]] = {}
    favours: dict[int, list[str]] = {}
    me = me_person(owner).id
    if wanted is None:
        rows = [Favor.objects.filter(owner=owner).filter(Q(receiver_id=me) | Q(giver_id=me))]
    else:
        contacts = [pid for pid in wanted if pid != me]
        rows = [
            Favor.objects.filter(giver_id__in=contacts, giver__owner=owner, receiver__is_me=True)
        ]
        if me in base:
            rows.append(Favor.objects.filter(giver_id=me, giver__owner=owner))
    for qs in rows:
        for pid, kind, what in qs.order_by("-given_on", "-id").values_list(
            "giver_id", "kind", "what"
        ):
            kinds = gave.setdefault(pid, {})
            kinds[kind] = kinds.get(kind, 0) + 1
            texts = favours.setdefault(pid, [])
            if what and len(texts) < FAVOUR_TEXTS:
                texts.append(what)
    return [
        Profile(
            id=pid,
            name="" if is_me else name,
            titles=tuple(titles.get(pid, ())),
            past_titles=tuple(past_titles.get(pid, ())),
            companies=tuple(dict.fromkeys(companies.get(pid, ()))),
            past_companies=tuple(dict.fromkeys(past_companies.get(pid, ()))),
            tags=tuple(tags.get(pid, ())),
            notes=tuple(notes.get(pid, ())),
            gave=gave.get(pid, {}),
            favours=tuple(favours.get(pid, ())),
            me=is_me,
        )
        for pid, (name, is_me) in base.items()
    ]


def _trust(owner, ids: Collection[int] | None = None) -> dict[int, tuple[float, str]]:
    qs = TrustScore.objects.filter(owner=owner)
    if ids is not None:
        qs = qs.filter(person_id__in=list(ids))
    return {pid: (score, tier) for pid, score, tier in qs.values_list("person_id", "score", "tier")}


def _by_trust(pool: list[Profile], trust: dict[int, tuple[float, str]]) -> list[Profile]:
    """Strongest ties first: the matcher keeps this order between equal scores."""
    return sorted(pool, key=lambda p: (-trust.get(p.id, (0.0, ""))[0], p.id))


def who_can_help(owner, need: Need, k: int = 5, matcher: Matcher | None = None) -> HelpResult:
    """The `k` people in the owner's network best placed to meet `need`, and whether the
    owner could meet it themself. Never the person with the need; never another owner's
    people."""
    if need.owner_id != owner.id:  # callers pass access_need's result; this is a backstop
        raise NotFound(f"no need with id {need.id}")
    if k < 1:
        raise ValueError("k must be at least 1")
    fresh_scores(owner)
    matcher = matcher or default_matcher()
    trust = _trust(owner)
    me = me_person(owner)
    pool = _by_trust([p for p in profiles(owner) if p.id != need.person_id], trust)
    text = need_text(need)
    names = {p.id: p.name for p in pool}
    # ask for more than k: the trust boost may reorder them
    ranked = matcher.rank_many([text], pool, max(4 * k, 20))[0]
    helpers = []
    for m in ranked:
        if m.person_id == me.id:
            continue
        score, tier = trust.get(m.person_id, (None, "stranger"))
        boost = 1 + TRUST_BOOST * (score or 0.0) / 100
        helpers.append(
            Helper(
                person_id=m.person_id,
                name=names[m.person_id],
                score=round(m.score * boost, 3),
                match=m.score,
                confidence=m.confidence,
                trust=None if score is None else round(score, 1),
                tier=tier,
                reasons=m.reasons,
            )
        )
    helpers.sort(key=lambda h: -h.score)  # stable: equal scores keep the matcher's order
    mine = None
    if need.person_id != me.id:
        found = matcher.rank_many([text], pool, 1, among={me.id})[0]
        mine = found[0] if found and found[0].confidence >= HINT_CONFIDENCE else None
    return HelpResult(need=need, helpers=helpers[:k], me=mine)


def _strongest_ties(owner, limit: int = HELPER_POOL) -> list[int]:
    """The owner's strongest warm ties (`troth.trust.warmth`: the handoff guard would
    let you ask them), strongest first."""
    warm = warm_among(owner)
    archived = set(
        Person.objects.filter(owner=owner, id__in=warm, relationship__archived=True).values_list(
            "id", flat=True
        )
    )
    return [pid for pid in warm if pid not in archived][:limit]


def needs_i_can_help(
    owner, today: dt.date | None = None, matcher: Matcher | None = None
) -> list[tuple[Need, Match]]:
    """Contacts' open needs the owner could meet, best match first (then soonest horizon)."""
    ranked = rank_needs_i_can_help(owner, today, matcher)
    needs = (
        Need.objects.filter(owner=owner)
        .select_related("person")
        .in_bulk([r.need_id for r in ranked])
    )
    return [(needs[r.need_id], r.match) for r in ranked if r.need_id in needs]


class RankedNeed(NamedTuple):
    need_id: int
    person_id: int  # whose need it is
    match: Match


def rank_needs_i_can_help(
    owner,
    today: dt.date | None = None,
    matcher: Matcher | None = None,
    person_id: int | None = None,
) -> list[RankedNeed]:
    """`needs_i_can_help` as ids and matches: the needs are read as plain rows, their
    tags in one query, and a page that shows fifty of thousands builds only those
    fifty (at 30,000 people, 4,500 open needs: the model instances, Django's prefetch
    of their tags and a megabyte of HTML were a second of CPU, issue 20)."""
    today = today or timezone.localdate()
    fresh_scores(owner)
    is_open = open_needs(owner, today).filter(person__is_me=False)
    if person_id is not None:  # one person's: each need is scored on its own anyway
        is_open = is_open.filter(person_id=person_id)
    rows = list(is_open.order_by().values_list("id", "what", "person_id", "expires_on"))
    if not rows:
        return []
    tags: dict[int, list[str]] = {}
    through = Need.tags.through.objects.filter(need__in=is_open.values("id"), tag__owner=owner)
    for need_id, name in through.order_by("tag__name", "tag_id").values_list(
        "need_id", "tag__name"
    ):
        tags.setdefault(need_id, []).append(name)
    me = me_person(owner)
    trust = _trust(owner)
    ties = _strongest_ties(owner)
    # the owner beside their strongest ties, so how rare a word is means something
    pool = _by_trust(profiles(owner, [me.id, *ties]), trust)
    matcher = matcher or default_matcher()
    texts = [
        NeedText(what=what, tags=tuple(tags.get(nid, ())), person_id=pid)
        for nid, what, pid, _until in rows
    ]
    ranked = matcher.rank_many(texts, pool, 1, among={me.id})
    out = [
        (row, found[0])
        for row, found in zip(rows, ranked, strict=True)
        if found and found[0].confidence >= HINT_CONFIDENCE
    ]
    out.sort(key=lambda pair: (-pair[1].score, pair[0][3], pair[0][0]))
    return [RankedNeed(row[0], row[2], match) for row, match in out]


def agenda_hints(
    owner, needs: Sequence[Need], matcher: Matcher | None = None
) -> dict[int, list[str]]:
    """For the agenda: per need, up to two of the owner's strongest real ties who might
    meet it (only when the evidence is solid). Matches the given needs (the agenda's top
    ones) against the strongest ties only, so it stays cheap in a network of 30,000."""
    if not needs:
        return {}
    ties = _strongest_ties(owner)
    if not ties:
        return {}
    rank = {pid: i for i, pid in enumerate(ties)}
    pool = sorted(profiles(owner, ties), key=lambda p: rank[p.id])
    names = {p.id: p.name for p in pool}
    matcher = matcher or default_matcher()
    ranked = matcher.rank_many(
        [need_text(n) for n in needs], pool, HINTS_PER_NEED + 1, explain=False
    )
    out: dict[int, list[str]] = {}
    for n, found in zip(needs, ranked, strict=True):
        hint = [names[m.person_id] for m in found if m.confidence >= HINT_CONFIDENCE]
        if hint:
            out[n.id] = hint[:HINTS_PER_NEED]
    return out
