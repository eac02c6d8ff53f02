"""Writes about people. Callers own the transaction (wrap in `transaction.atomic()`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from nameparser import HumanName

from troth.errors import FieldError, TrothError
from troth.events import emit
from troth.lib.contact import ContactError, normalize_email, normalize_phone, normalize_url
from troth.lib.names import name_problem
from troth.lib.text import fold
from troth.owned import Owner
from troth.people.card_changes import do_touch
from troth.people.models import (
    ContactPoint,
    Employment,
    Knows,
    Note,
    Organization,
    Person,
    Relationship,
    Tag,
)
from troth.people.queries import find_by_contact, find_organization
from troth.people.search import spellings

MAX_NAME = 200
# Notes, summaries and promises are for people to read back; longer is a document.
MAX_TEXT = 10_000


def check_length(text: str, what: str) -> None:
    """`what`: a field's name, or an option's (`--blurb`), which the web says as `blurb`."""
    if len(text) > MAX_TEXT:
        problem = f"is limited to {MAX_TEXT} characters (got {len(text)})"
        if what.startswith("--"):
            raise FieldError(what[2:], problem)
        raise TrothError(f"{what} {problem}")


def clean_name(name: str, field: str = "name") -> str:
    name = " ".join(name.split())
    if not name:
        raise TrothError(f"{field} must not be empty")
    # zero-width, control or format characters only: empty to read, not to the database
    # (the CLI and the importers refuse it with the same words: lib.names.name_problem)
    problem = name_problem(name)
    if problem:
        raise TrothError(f"{field} {problem}")
    if len(name) > MAX_NAME:
        raise TrothError(f"{field} is longer than {MAX_NAME} characters")
    return name


def clean_tag(name: str) -> str:
    tag = fold(name).replace(" ", "-").lstrip("#")
    if not tag or len(tag) > 64:
        raise TrothError(f"tag {name!r} must be 1-64 characters")
    return tag


def _normalized_points(
    emails: Iterable[str], phones: Iterable[str], urls: Iterable[str]
) -> list[tuple[str, str]]:
    points: list[tuple[str, str]] = []
    try:
        points += [(ContactPoint.EMAIL, normalize_email(e)) for e in emails]
        points += [(ContactPoint.PHONE, normalize_phone(p)) for p in phones]
        points += [(ContactPoint.URL, normalize_url(u)) for u in urls]
    except ContactError as exc:
        raise TrothError(str(exc)) from None
    return points


def do_get_or_create_organization(owner: Owner, name: str) -> Organization:
    name = clean_name(name, "company")
    org = find_organization(owner, name)
    if org is None:
        org = Organization.objects.create(owner=owner, name=name, name_key=fold(name))
    return org


def do_set_job(owner: Owner, person: Person, company: str | None, title: str | None) -> None:
    """Record where someone works now; a new employer ends the old job rather than erasing it.

    A title without a company is a "headline" job (someone between jobs, or whose
    employer you do not know): current, no organisation, shown as the title alone. A
    company given later fills in that job's employer (you learnt where they hold the
    title); an empty title with no company ends a headline, which has nothing left."""
    current = (
        Employment.objects.filter(owner=owner, person=person, is_current=True)
        .select_related("organization")
        .first()
    )
    if company is None:
        if title is None:
            return
        text = title.strip()
        if current is None:
            if text:
                Employment.objects.create(
                    owner=owner, person=person, organization=None, title=text, is_current=True
                )
            return
        if not text and current.organization_id is None:
            do_leave_job(owner, person)
            return
        current.title = text
        current.save(update_fields=["title"])
        return
    org = do_get_or_create_organization(owner, company)
    if current and current.organization_id in (org.id, None):
        current.organization = org
        if title is not None:
            current.title = title.strip()
        current.save(update_fields=["organization", "title"])
        return
    if current:
        current.is_current = False
        current.ended_on = timezone.localdate()
        current.save(update_fields=["is_current", "ended_on"])
    Employment.objects.create(
        owner=owner,
        person=person,
        organization=org,
        title=(title or "").strip(),
        started_on=timezone.localdate() if current else None,
        is_current=True,
    )


# The given and family name columns are half as wide as the full name's: a 200-character
# name with no spaces is all "given name" and must fit (PostgreSQL refuses what is longer).
MAX_NAME_PART = 100


def _split_name(full_name: str) -> tuple[str, str]:
    parsed = HumanName(full_name)
    return (parsed.first or full_name)[:MAX_NAME_PART], parsed.last[:MAX_NAME_PART]


def do_add_contact_points(owner: Owner, person: Person, points: list[tuple[str, str]]) -> None:
    for kind, value in points:
        other = find_by_contact(owner, kind, value)
        if other is not None and other.id != person.id:
            raise TrothError(f"{value} already belongs to {other.full_name} (#{other.id})")
        has_primary = ContactPoint.objects.filter(
            person=person, kind=kind, is_primary=True
        ).exists()
        ContactPoint.objects.get_or_create(
            owner=owner,
            person=person,
            kind=kind,
            value=value,
            defaults={"is_primary": not has_primary},
        )


def do_tag(
    owner: Owner, person: Person, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> None:
    if _tag(owner, person, add, remove):
        emit(owner, "person.updated", person)


def _tag(owner: Owner, person: Person, add: Iterable[str], remove: Iterable[str]) -> bool:
    """Whether anything was asked for (do_tag says so once; do_add_person says
    person.created instead)."""
    add = list(add)
    for name in add:
        tag, _ = Tag.objects.get_or_create(owner=owner, name=clean_tag(name))
        person.tags.add(tag)
    drop = [clean_tag(n) for n in remove]
    if drop:
        person.tags.remove(*Tag.objects.filter(owner=owner, name__in=drop))
    return bool(add or drop)


def do_add_person(
    owner: Owner,
    name: str,
    *,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    urls: Iterable[str] = (),
    company: str | None = None,
    title: str | None = None,
    met_how: str = "",
    met_on: dt.date | None = None,
    met_through: Person | None = None,
    tags: Iterable[str] = (),
    closeness: int | None = None,
    allow_duplicate_name: bool = False,
) -> Person:
    name = clean_name(name)
    points = _normalized_points(emails, phones, urls)
    for kind, value in points:
        other = find_by_contact(owner, kind, value)
        if other is not None:
            raise TrothError(f"{value} already belongs to {other.full_name} (#{other.id})")
    if not allow_duplicate_name:
        # (Jean-Luc Picard is already there when Jean Luc Picard is: people.search.spellings)
        twin = (
            Person.objects.filter(owner=owner, is_me=False, name_key__in=spellings(fold(name)))
            .order_by("id")
            .first()
        )
        if twin is not None:
            raise TrothError(
                f"{twin.full_name} is already in your network (#{twin.id}); "
                "use troth edit, or --duplicate if this is a different person"
            )
    check_closeness(closeness)
    given, family = _split_name(name)
    person = Person.objects.create(
        owner=owner, full_name=name, given_name=given, family_name=family, name_key=fold(name)
    )
    Relationship.objects.create(
        owner=owner,
        person=person,
        met_how=met_how.strip(),
        met_on=met_on,
        met_through=met_through,
        closeness=closeness,
    )
    do_add_contact_points(owner, person, points)
    do_set_job(owner, person, company, title)
    _tag(owner, person, tags, ())
    if met_through is not None and not met_through.is_me:
        do_link_knows(owner, person, met_through, source="met-through")
    emit(owner, "person.created", person)
    return person


def check_closeness(closeness: int | None) -> None:
    if closeness is not None and not 1 <= closeness <= 5:
        raise TrothError(f"closeness must be 1-5, got {closeness}")


def do_edit_person(
    owner: Owner,
    person: Person,
    *,
    name: str | None = None,
    nickname: str | None = None,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    urls: Iterable[str] = (),
    remove_contacts: Iterable[str] = (),
    company: str | None = None,
    title: str | None = None,
    met_how: str | None = None,
    met_on: dt.date | None = None,
    met_through: Person | None = None,
    closeness: int | None = None,
    clear_closeness: bool = False,
    archived: bool | None = None,
) -> Person:
    if name is not None:
        person.full_name = clean_name(name)
        person.given_name, person.family_name = _split_name(person.full_name)
        # you stay findable as "me" however you are named
        person.name_key = "me" if person.is_me else fold(person.full_name)
        person.save()
    if nickname is not None:
        _set_nickname(person, nickname)
    do_add_contact_points(owner, person, _normalized_points(emails, phones, urls))
    for value in remove_contacts:
        deleted, _ = ContactPoint.objects.filter(
            owner=owner, person=person, value__iexact=value.strip()
        ).delete()
        if not deleted:
            raise TrothError(f"{person.full_name} has no contact point {value!r}")
    do_set_job(owner, person, company, title)
    rel, _ = Relationship.objects.get_or_create(owner=owner, person=person)
    if met_how is not None:
        rel.met_how = met_how.strip()
    if met_on is not None:
        rel.met_on = met_on
    if met_through is not None:
        if met_through.id == person.id:
            raise TrothError("someone cannot have introduced themselves to you")
        rel.met_through = met_through
        if not met_through.is_me:
            do_link_knows(owner, person, met_through, source="met-through")
    check_closeness(closeness)
    if closeness is not None:
        rel.closeness = closeness
    if clear_closeness:
        rel.closeness = None
    if archived is not None:
        rel.archived = archived
    rel.save()
    emit(owner, "person.updated", person)
    return person


MAX_NICKNAME = 100  # the column's width


def do_set_nickname(owner: Owner, person: Person, nickname: str) -> Person:
    """What they go by ("Bobby"); an empty one forgets it."""
    _set_nickname(person, nickname)
    emit(owner, "person.updated", person)
    return person


def _set_nickname(person: Person, nickname: str) -> None:
    text = " ".join(nickname.split())
    if len(text) > MAX_NICKNAME:
        raise TrothError(f"nickname is longer than {MAX_NICKNAME} characters")
    Person.objects.filter(owner=person.owner_id, id=person.id).update(
        nickname=text,
        updated_at=timezone.now(),  # update() skips auto_now
    )
    person.nickname = text


def do_leave_job(owner: Owner, person: Person) -> None:
    """They no longer work where they did: the job ends today, kept in their history
    (a new employer does the same through do_set_job)."""
    ended = Employment.objects.filter(owner=owner, person=person, is_current=True).update(
        is_current=False, ended_on=timezone.localdate()
    )
    if ended:  # update() sends no signal: the card changed all the same
        do_touch([person.pk])


def do_forget_met(owner: Owner, person: Person, *, on: bool = False, through: bool = False) -> None:
    """Forget when you met (`on`) or who introduced you (`through`), which do_edit_person
    can only set; the "knows" link an introduction made stays (they still know each other)."""
    rel = Relationship.objects.filter(owner=owner, person=person).first()
    if rel is None or not (on or through):
        return
    fields = []
    if on:
        rel.met_on = None
        fields.append("met_on")
    if through:
        rel.met_through = None
        fields.append("met_through")
    # save(), not a queryset update: post_save is how the trust cache hears of every
    # write to a Relationship (troth.trust.signals), whichever of its columns a score
    # reads now or later
    rel.save(update_fields=fields)


def do_delete_person(owner: Owner, person: Person) -> None:
    if person.is_me:
        raise TrothError("you cannot delete yourself")
    emit(owner, "person.deleted", None, person={"id": person.id, "name": person.full_name})
    Person.objects.filter(owner=owner, id=person.id).delete()


def do_add_note(owner: Owner, person: Person, text: str, when: dt.datetime | None = None) -> Note:
    text = text.strip()
    if not text:
        raise TrothError("a note must have some text")
    check_length(text, "a note")
    return Note.objects.create(
        owner=owner, person=person, text=text, created_at=when or timezone.now()
    )


def do_link_knows(
    owner: Owner, a: Person, b: Person, source: str = "manual", strength: float | None = None
) -> Knows:
    if a.id == b.id:
        raise TrothError("a person cannot know themselves")
    low, high = sorted([a, b], key=lambda p: p.id)
    link, _ = Knows.objects.get_or_create(
        owner=owner, person_a=low, person_b=high, defaults={"source": source, "strength": strength}
    )
    return link
