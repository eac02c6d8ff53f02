"""People: search, show, add, edit, tag, note, delete, merge (the CLI's People commands)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field

from troth import present
from troth.api.core import In, Out, answers, atomic_write, delete_owned, owner, page, window
from troth.api.schemas import NoteRow, PeoplePage, PersonDetail, PersonRow
from troth.errors import NotFound, TrothError
from troth.lib.names import name_problem
from troth.owned import Owner
from troth.people import queries
from troth.people.models import Note, Person

router = Router(tags=["people"])


def contact(who: Owner, person_id: int, *, allow_me: bool = False) -> Person:
    """One of the owner's people by id; anyone else's is simply not found."""
    person = queries.access_person(who, person_id)
    if person.is_me and not allow_me:
        raise NotFound(f"#{person_id} is you; name a contact")
    return person


def row(who: Owner, person: Person) -> dict:
    return present.people_rows(who, [person.id])[0] if not person.is_me else _me_row(who, person)


def _me_row(who: Owner, person: Person) -> dict:
    card = queries.person_card(who, person)
    keys = PersonRow.model_fields
    return {k: card.get(k) for k in keys if k != "last_contact"} | {"last_contact": None}


# A search's longest query (the People page keeps as many characters).
MAX_QUERY = 200


def _check_name(name: str | None, field: str) -> None:
    problem = name_problem(name) if name is not None else None
    if problem:
        raise TrothError(f"{field} {problem}")


@router.get("/people", response=answers(PeoplePage), summary="List or search people")
def list_people(
    request: HttpRequest,
    q: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    archived: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """`troth people [QUERY] [--tag] [--company] [--archived] --json`: names, nicknames,
    companies, titles and e-mails; the best matches first with a search, else by name."""
    who = owner(request)
    if q is not None and len(q) > MAX_QUERY:
        raise TrothError(f"q: at most {MAX_QUERY} characters")  # as the People page cuts it
    offset, limit = window(request, cursor, limit)
    ids = queries.find_people(
        who,
        query=q or None,
        tag=tag or None,
        company=company or None,
        include_archived=archived,
        limit=offset + limit + 1,
    )
    shown = ids[offset : offset + limit]
    return page(request, present.people_rows(who, shown), offset, limit, len(ids) > offset + limit)


class PersonIn(In):
    name: str
    emails: list[str] = []
    phones: list[str] = []
    urls: list[str] = []
    company: str | None = None
    title: str | None = None
    met: str = ""
    met_on: dt.date | None = None
    via_id: int | None = Field(None, description="Who introduced you (a person's id).")
    tags: list[str] = []
    closeness: int | None = None
    duplicate: bool = Field(False, description="Add even if someone has this name already.")


@router.post("/people", response=answers(PersonRow, 201), summary="Add a person")
def add_person(request: HttpRequest, payload: PersonIn) -> Status:
    """`troth add`."""
    from troth.people import actions

    who = owner(request)
    _check_name(payload.name, "name")
    if payload.met_on is not None and payload.met_on > timezone.localdate():
        raise TrothError(f"met_on {payload.met_on} is in the future")
    with atomic_write():
        via = contact(who, payload.via_id, allow_me=True) if payload.via_id else None
        person = actions.do_add_person(
            who,
            payload.name,
            emails=payload.emails,
            phones=payload.phones,
            urls=payload.urls,
            company=payload.company,
            title=payload.title,
            met_how=payload.met,
            met_on=payload.met_on,
            met_through=via,
            tags=payload.tags,
            closeness=payload.closeness,
            allow_duplicate_name=payload.duplicate,
        )
    return Status(201, row(who, person))


@router.get("/people/{person_id}", response=answers(PersonDetail), by_alias=True)
def show_person(request: HttpRequest, person_id: int, history: int = 30) -> dict:
    """`troth show --json`: everything about one person, newest first (`history`
    entries of the timeline; 0 for all)."""
    from troth.profile import person_profile

    if not 0 <= history <= 100_000:
        raise TrothError(f"history: 0 (all) to 100000, got {history}")
    who = owner(request)
    return person_profile(who, contact(who, person_id), limit=history or None)


class PersonEdit(In):
    name: str | None = None
    nickname: str | None = Field(None, description='What they go by; "" clears it.')
    add_emails: list[str] = []
    add_phones: list[str] = []
    add_urls: list[str] = []
    remove: list[str] = Field([], description="E-mails, phones or URLs to remove.")
    company: str | None = None
    title: str | None = None
    met: str | None = None
    met_on: dt.date | None = None
    via_id: int | None = None
    closeness: int | None = None
    clear_closeness: bool = False
    archived: bool | None = None


@router.patch("/people/{person_id}", response=answers(PersonRow), summary="Change someone")
def edit_person(request: HttpRequest, person_id: int, payload: PersonEdit) -> dict:
    """`troth edit`; your own record too (name, nickname, contact points and job only)."""
    from troth.people import actions

    who = owner(request)
    _check_name(payload.name, "name")
    with atomic_write():
        person = contact(who, person_id, allow_me=True)
        personal = (payload.met, payload.met_on, payload.via_id, payload.closeness)
        if person.is_me and (
            any(v is not None for v in personal)
            or payload.archived is not None
            or payload.clear_closeness
        ):
            raise TrothError(
                "for yourself only name, nickname, contact points, company and title apply"
            )
        via = contact(who, payload.via_id, allow_me=True) if payload.via_id else None
        actions.do_edit_person(
            who,
            person,
            name=payload.name,
            nickname=payload.nickname,
            emails=payload.add_emails,
            phones=payload.add_phones,
            urls=payload.add_urls,
            remove_contacts=payload.remove,
            company=payload.company,
            title=payload.title,
            met_how=payload.met,
            met_on=payload.met_on,
            met_through=via,
            closeness=payload.closeness,
            clear_closeness=payload.clear_closeness,
            archived=payload.archived,
        )
    return row(who, person)


@router.delete("/people/{person_id}", response=answers(None, 204), summary="Delete someone")
def delete_person(request: HttpRequest, person_id: int) -> Status:
    """`troth delete NAME --yes`: the person and all of their history."""
    from troth.people import actions

    who = owner(request)
    with atomic_write():
        actions.do_delete_person(who, contact(who, person_id))
    return Status(204, None)


class TagsIn(In):
    tags: list[str] = Field(..., min_length=1)


class TagsOut(Out):
    tags: list[str]


def _tags(person: Person) -> dict:
    return {"tags": [t.name for t in person.tags.order_by("name")]}


@router.post("/people/{person_id}/tags", response=answers(TagsOut), summary="Tag someone")
def add_tags(request: HttpRequest, person_id: int, payload: TagsIn) -> dict:
    """`troth tag NAME TAG...`; answers with all of their tags."""
    from troth.people import actions

    who = owner(request)
    with atomic_write():
        person = contact(who, person_id)
        actions.do_tag(who, person, add=payload.tags)
    return _tags(person)


@router.delete("/people/{person_id}/tags/{tag}", response=answers(TagsOut), summary="Untag")
def remove_tag(request: HttpRequest, person_id: int, tag: str) -> dict:
    """`troth tag NAME TAG --remove`."""
    from troth.people import actions

    who = owner(request)
    with atomic_write():
        person = contact(who, person_id)
        actions.do_tag(who, person, remove=[tag])
    return _tags(person)


class NoteIn(In):
    text: str


@router.post("/people/{person_id}/notes", response=answers(NoteRow, 201), summary="Add a note")
def add_note(request: HttpRequest, person_id: int, payload: NoteIn) -> Status:
    """`troth note NAME TEXT`."""
    from troth.people import actions

    who = owner(request)
    with atomic_write():
        note = actions.do_add_note(who, contact(who, person_id), payload.text)
    return Status(201, present.note_row(note))


@router.delete("/notes/{note_id}", response=answers(None, 204), summary="Delete a note")
def delete_note(request: HttpRequest, note_id: int) -> Status:
    """`troth delete --note ID`."""
    delete_owned(owner(request), Note, note_id, "note")
    return Status(204, None)


class MergeIn(In):
    other_id: int = Field(..., description="The person folded into this one (then gone).")


class MergeOut(Out):
    merge_id: int
    kept: PersonRow
    moved: int


@router.post("/people/{person_id}/merge", response=answers(MergeOut), summary="Merge two records")
def merge(request: HttpRequest, person_id: int, payload: MergeIn) -> dict:
    """`troth merge KEEP OTHER --yes`: `other_id` is folded into this person
    (`troth unmerge` undoes it)."""
    from troth.identity import actions

    who = owner(request)
    with atomic_write():
        keep = contact(who, person_id)
        other = contact(who, payload.other_id)
        if keep.id == other.id:
            raise TrothError(f"other_id: {keep.full_name} (#{keep.id}) is one person already")
        record = actions.do_accept(who, keep, other)
    return {"merge_id": record.id, "kept": row(who, keep), "moved": len(record.snapshot["moved"])}
