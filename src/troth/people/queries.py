"""Reads about people, always scoped to one owner."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Replace
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    IContains,
    IExact,
    IStartsWith,
    StartsWith,
)

from troth.errors import Ambiguous, NotFound
from troth.lib.dates import iso
from troth.lib.names import resolve, suggest_at
from troth.lib.text import fold, is_number
from troth.owned import Owner
from troth.people.models import (
    ContactPoint,
    Employment,
    Organization,
    Person,
    Relationship,
)
from troth.people.search import matching, spellings
from troth.prepared import Prepared

_M = TypeVar("_M", bound=Model)
_Row = TypeVar("_Row")


def owned_rows(qs: QuerySet[_M, _Row], owner: Owner | int) -> QuerySet[_M, _Row]:
    """`qs.filter(owner=owner)`, spelled so that SQLite leaves the owner index alone.

    For a query that also names a few people (`person_id IN (...)`, one person's
    favours) the owner index means visiting every one of the owner's rows (10 ms
    for the contact points of a page of 50 at 30,000 people) where the person
    index visits a handful (0.1 ms). The same rows, scoped to the owner as ever."""
    owner_id = owner if isinstance(owner, int) else owner.id  # (an id: a Prepared read's)
    # the stubs type an aliased queryset's model as Model: it is still qs's own
    return cast(
        "QuerySet[_M, _Row]", qs.alias(owner_key=F("owner_id") + 0).filter(owner_key=owner_id)
    )


def people_for(owner: Owner) -> QuerySet[Person]:
    return Person.objects.filter(owner=owner, is_me=False)


# composed once (troth.prepared): every page of a person reads them first
_PERSON: Prepared[Person] = Prepared(
    lambda owner_id, person_id: Person.objects.filter(owner_id=owner_id, id=person_id)
)


def access_person(owner: Owner, person_id: int) -> Person:
    found = _PERSON(owner.id, person_id)
    if not found:
        raise NotFound(f"no person with id {person_id}")
    return found[0]


def resolve_person(owner: Owner, query: str, *, allow_me: bool = False) -> Person:
    """Find one person from what the user typed: an id (`12` or `#12`), "me", or a name.

    Raises Ambiguous (listing the candidates) or NotFound (with close suggestions).
    """
    text = query.strip()
    if not text.lstrip("#"):
        raise NotFound("give a name or an #id")
    if fold(text) in {"me", "myself"}:
        if allow_me:
            return Person.objects.get(owner=owner, is_me=True)
        raise NotFound("'me' is you; name one of your contacts here")
    if is_number(text.lstrip("#")):
        person = access_person(owner, int(text.lstrip("#")))
        if person.is_me and not allow_me:
            raise NotFound(f"#{person.id} is you; name a contact")
        return person
    # The common case (exact name) is one indexed lookup; only misses load every name.
    key = fold(text)
    # "Mary Smith Jones" is Mary Smith-Jones: a space and a hyphen between words stand
    # for each other here too, as in a search (people.search.spellings)
    exact = list(
        people_for(owner)
        .filter(name_key__in=spellings(key))
        .order_by("id")
        .values_list("id", "full_name")[:10]
    )
    if len(exact) == 1:
        return Person.objects.get(id=exact[0][0])
    nicknames: dict[int, str] = {}
    keys: list[str] | None = None  # the names as stored folded (lib.names._folded)
    if exact:
        pairs = exact
    else:
        # in id order, as close_spellings reads them: both offer the same namesakes
        rows = (
            people_for(owner).order_by("id").values_list("id", "full_name", "nickname", "name_key")
        )
        pairs = [(pid, name) for pid, name, _nick, _key in rows]
        nicknames = {pid: nick for pid, _name, nick, _key in rows if nick}
        keys = [key for _pid, _name, _nick, key in rows]
    result = resolve(text, pairs, nicknames, keys)
    if result.match is not None:
        return Person.objects.get(owner=owner, id=result.match)
    if result.candidates:
        jobs = _jobs(owner, [pid for pid, _name in result.candidates[:8]])
        shown = ", ".join(
            f"{name} (#{pid}{', ' + jobs[pid] if jobs.get(pid) else ''})"
            for pid, name in result.candidates[:8]
        )
        more = f" and {len(result.candidates) - 8} more" if len(result.candidates) > 8 else ""
        same_name = len({fold(name) for _pid, name in result.candidates}) == 1
        advice = "use the #id" if same_name else "use the full name or the #id"
        raise Ambiguous(
            f"{query!r} matches several people: {shown}{more}; {advice}", result.candidates
        )
    if text.startswith("#"):
        raise NotFound(f"no person with id {text}")
    hint = ""
    if result.suggestions:
        shown = " or ".join(f"{n} (#{i})" for i, n in result.suggestions)
        hint = f" Did you mean {shown}?"
    raise NotFound(
        f"nobody called {query!r} in your network.{hint} Add them with: troth add {query!r}"
    )


def close_spellings(owner: Owner, query: str) -> list[tuple[int, str]]:
    """(id, name) of up to 3 people whose names are close spellings of `query`, for a
    search that found nobody: the same "did you mean" as `troth show` (issue 18)."""
    if not query or not query.strip():
        return []
    # Ids and folded names only, which the index person_owner_name holds (people_for's
    # NOT is_me would read every row: "me" is left out by id instead), and the shown
    # names of the three found after: a search that finds nobody asks this of
    # everyone, 65 -> 35 ms of CPU at 30,000 people (issue 20).
    me = Person.objects.filter(owner=owner, is_me=True).values("id")
    # in id order (the index gives them by name): namesakes as close as each other come
    # in the order `troth show` offers them (resolve_person), a newcomer's review
    rows = sorted(
        Person.objects.filter(owner=owner).exclude(id__in=me).values_list("id", "name_key")
    )
    ids = [pid for pid, _key in rows]
    keys = [key.replace(".", "") for _pid, key in rows]
    found = [ids[i] for i in suggest_at(query, keys)]
    names = dict(people_for(owner).filter(id__in=found).values_list("id", "full_name"))
    return [(pid, names[pid]) for pid in found if pid in names]  # (deleted meanwhile)


def _jobs(owner: Owner, ids: list[int]) -> dict[int, str]:
    """'Title at Company' of each person's current job: who is who among namesakes."""
    out: dict[int, str] = {}
    rows = Employment.objects.filter(owner=owner, person_id__in=ids, is_current=True)
    for pid, title, company in rows.order_by("-started_on", "-id").values_list(
        "person_id", "title", "organization__name"
    ):
        if pid not in out:
            out[pid] = " at ".join(x for x in (title, company) if x)  # no company: a headline
    return out


def find_organization(owner: Owner, name: str) -> Organization | None:
    return Organization.objects.filter(owner=owner, name_key=fold(name)).first()


def find_by_contact(owner: Owner, kind: str, value: str) -> Person | None:
    cp = (
        ContactPoint.objects.filter(owner=owner, kind=kind, value=value)
        .select_related("person")
        .first()
    )
    return cp.person if cp else None


def find_people(
    owner: Owner,
    query: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    include_archived: bool = False,
    limit: int | None = None,
) -> list[int]:
    """Ids of the people matching the filters: in name order, or with a search, the best
    matches first (see `search_rank`), then in name order."""
    ordered_ids = people_matching(owner, query, tag, company, include_archived)
    return list(ordered_ids[:limit] if limit else ordered_ids)


def people_matching(
    owner: Owner,
    query: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Person, int]:
    """`find_people` as an ordered query of ids, for a caller that reads one page of
    it (a count and a LIMIT) instead of every id: the People page with no filter
    listed 30,000 ids to show fifty (issue 20)."""
    qs = people_for(owner)
    if not include_archived:
        qs = qs.filter(relationship__archived=False)
    if query and query.strip():
        qs = qs.filter(matching(owner, query))
    if tag:
        qs = qs.filter(tags__owner=owner, tags__name=fold(tag))
    if company:
        qs = qs.filter(
            id__in=Employment.objects.filter(
                owner=owner, is_current=True, organization__name_key__contains=fold(company)
            ).values("person_id")
        )
    if query and query.strip():
        qs = qs.annotate(rank=search_rank(query)).order_by("rank", "name_key", "id")
    else:
        qs = qs.order_by("name_key", "id")
    return qs.values_list("id", flat=True)


def search_rank(query: str) -> Case:
    """How well a person matches a search, best first, so that "Tom" lists the person
    who goes by Tom and people named Tom before the eight Customer Success Managers
    (issue 18): 0 the whole name, the nickname or a whole word of the name; 1 the start
    of the name or of the nickname; 2 the start of a later word of either; 3 elsewhere
    in the name or nickname; 4 only the company, title, e-mail or phone.

    The start of the name before a later word's (issue 20): `troth people to` lists
    Toby Zane before Ada Tovar, as the README says, though "ada" sorts first. Plain
    LIKEs on the person's row, the same on SQLite and PostgreSQL (people.search
    finds who matches; this orders the few it found)."""
    # A hyphen counts as a space on both sides ("jones" is a whole word of Mary
    # Smith-Jones's name, and "smith jones" the whole of it: people.search.spellings)
    key = fold(query).replace("-", " ")
    term = query.strip().replace("-", " ")
    name = Replace(F("name_key"), Value("-"), Value(" "))
    nick = Replace(F("nickname"), Value("-"), Value(" "))
    whole_word = (
        Q(Exact(name, key))
        | Q(IExact(nick, term))
        | Q(StartsWith(name, f"{key} "))
        | Q(EndsWith(name, f" {key}"))
        | Q(Contains(name, f" {key} "))
    )
    name_start = Q(StartsWith(name, key)) | Q(IStartsWith(nick, term))
    word_start = Q(Contains(name, f" {key}")) | Q(IContains(nick, f" {term}"))
    inside = Q(Contains(name, key)) | Q(IContains(nick, term))
    return Case(
        When(whole_word, then=Value(0)),
        When(name_start, then=Value(1)),
        When(word_start, then=Value(2)),
        When(inside, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def current_job(person: Person) -> Employment | None:
    jobs = getattr(person, "current_jobs", None)
    if jobs is None:
        jobs = list(
            Employment.objects.filter(person=person, is_current=True).select_related("organization")
        )
    return jobs[0] if jobs else None


# person_card's reads, composed once (troth.prepared: on every Person page, composing
# them through the ORM cost more than running them). Each goes through the person's
# own index, not every row of the owner's (owned_rows), the owner's rows all the same.
_CURRENT_JOB: Prepared[tuple[str | None, str]] = Prepared(
    lambda owner_id, person_id: owned_rows(
        Employment.objects.filter(person_id=person_id, is_current=True), owner_id
    ).values_list("organization__name", "title")[:1]  # the model's order: latest started
)
_CONTACT_POINTS: Prepared[tuple[str, str]] = Prepared(
    lambda owner_id, person_id: (
        owned_rows(ContactPoint.objects.filter(person_id=person_id), owner_id)
        .order_by("id")
        .values_list("kind", "value")
    )
)
_TAG_NAMES: Prepared[str] = Prepared(
    # through the person's links, not every tag of the owner (the owner's still)
    lambda owner_id, person_id: (
        Person.tags.through.objects.filter(person_id=person_id)
        .alias(tag_owner=F("tag__owner_id") + 0)
        .filter(tag_owner=owner_id)  # type: ignore[misc]  # the alias is not a field
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )
)
_RELATIONSHIP: Prepared[dict[str, Any]] = Prepared(
    lambda owner_id, person_id: Relationship.objects.filter(
        owner_id=owner_id, person_id=person_id
    ).values(
        "met_how",
        "met_on",
        "met_through_id",
        "met_through__full_name",
        "met_through__is_me",
        "cadence_days",
        "archived",
        "closeness",
    )[:1]
)


def person_card(owner: Owner, person: Person) -> dict[str, Any]:
    """Who someone is, for the head of their page, from plain values: their current job
    (as current_job picks it), contact points, tags, how you met and how you keep in
    touch. The same fields as present.person_row and person_profile's "met", without
    model instances (the page reads them on every visit)."""
    if person.owner_id != owner.id:  # every row below is the owner's; so is the person
        raise NotFound(f"no person with id {person.id}")

    job = next(iter(_CURRENT_JOB(owner.id, person.id)), None)
    points: dict[str, list[str]] = {}
    for kind, value in _CONTACT_POINTS(owner.id, person.id):
        points.setdefault(kind, []).append(value)
    tags = _TAG_NAMES(owner.id, person.id)
    rel = next(iter(_RELATIONSHIP(owner.id, person.id)), None)
    through = None
    if rel and rel["met_through_id"] is not None:
        name = "me" if rel["met_through__is_me"] else rel["met_through__full_name"]
        through = {"id": rel["met_through_id"], "name": name}
    return {
        "id": person.id,
        "name": person.full_name,
        "nickname": person.nickname or None,
        "company": job[0] if job else None,
        "title": (job[1] or None) if job else None,
        "emails": points.get(ContactPoint.EMAIL, []),
        "phones": points.get(ContactPoint.PHONE, []),
        "urls": points.get(ContactPoint.URL, []),
        "tags": tags,
        "met": {
            "how": rel["met_how"] if rel else "",
            "on": iso(rel["met_on"]) if rel else None,
            "through": through,
        },
        "cadence_days": rel["cadence_days"] if rel else None,
        "archived": bool(rel and rel["archived"]),
        "closeness": rel["closeness"] if rel else None,
    }
