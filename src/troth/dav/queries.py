"""Reads for the CardDAV address book: which people are on it, each card's ETag,
the book's ctag, and the cards themselves. Every read is scoped to the owner.

Who is on the book: the owner's people, except the owner's own Person ("me" is
not one of your contacts) and the archived ones (archiving someone in troth is
"I no longer keep up with them"; the phone follows, and un-archiving brings the
card back). A deleted person's card disappears the same way.

ETags without rendering: a client asks for every card's ETag on each sync
(PROPFIND depth 1), and rendering 30,000 cards with vobject takes about half a
minute. The ETag is therefore a hash of everything a card is made from (the
person's row, contact points, current jobs, the notes when the owner sends them,
tags, dates, the photo's size and type, and the writer's version), read with a
few flat queries: it changes exactly when the card's text would, and stays the
same from one request to the next. tests/test_dav_cards.py checks that each kind
of edit moves it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Length

from troth import __version__
from troth.backup.vcard_out import people_for_vcard, person_card
from troth.dav.models import AddressBook
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Note, Person, PersonDate

# Bump when the card's layout changes (what person_card writes): every ETag moves,
# so clients fetch the cards again.
CARD_FORMAT = 1
# How many cards are rendered per query when many are asked for at once.
CHUNK = 500


def book_people(owner: Owner) -> QuerySet[Person]:
    return (
        Person.objects.filter(owner=owner, is_me=False)
        .exclude(relationship__archived=True)
        .order_by("pk")
    )


def notes_setting(owner: Owner) -> str:
    book = AddressBook.objects.filter(owner=owner).first()
    return book.notes if book is not None else AddressBook.NOTES_NONE


def _group(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def _sorted(values: list[tuple[Any, ...]] | None) -> list[tuple[Any, ...]]:
    if not values:
        return []
    return sorted(values, key=repr) if len(values) > 1 else values


def etags(owner: Owner, person_ids: Iterable[int] | None = None) -> dict[int, str]:
    """{person id: ETag (quoted, as HTTP writes it)} for the people on the book, or
    for those of `person_ids` that are on it."""
    people = book_people(owner)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = list(
        people.annotate(photo_size=Length("photo")).values_list(
            "pk",
            "full_name",
            "given_name",
            "family_name",
            "nickname",
            "photo_type",
            "photo_size",
            "updated_at",
        )
    )
    if not rows:
        return {}
    ids = [row[0] for row in rows]
    with_notes = notes_setting(owner) == AddressBook.NOTES_ALL
    # The whole book (every sync asks): one query per table, by owner, no id list.
    # A few cards (a multiget's chunk): by person id.
    scopes = [None] if person_ids is None else [ids[i : i + 5000] for i in range(0, len(ids), 5000)]
    related: list[dict[int, list[tuple[Any, ...]]]] = [defaultdict(list) for _ in range(5)]
    through = Person.tags.through
    for chunk in scopes:
        where = {} if chunk is None else {"person_id__in": chunk}
        reads: list[Any] = [
            ContactPoint.objects.filter(owner=owner, **where).values_list(
                "person_id", "pk", "kind", "value", "label", "is_primary"
            ),
            Employment.objects.filter(owner=owner, is_current=True, **where).values_list(
                "person_id", "pk", "organization_id", "organization__name", "title"
            ),
            PersonDate.objects.filter(owner=owner, **where).values_list(
                "person_id", "pk", "kind", "label", "year", "month", "day"
            ),
            through.objects.filter(person__owner=owner, tag__owner=owner, **where).values_list(
                "person_id", "tag__name"
            ),
        ]
        if with_notes:
            reads.append(
                Note.objects.filter(owner=owner, **where).values_list(
                    "person_id", "pk", "created_at", "text"
                )
            )
        for target, read in zip(related, reads, strict=False):
            for key, values in _group(read).items():
                target[key].extend(values)
    points, jobs, dates, tags, notes = related
    # Employment's own ordering decides which current job the card shows; the
    # hash keeps them all, sorted, so any change to any of them moves it.
    head = f"{CARD_FORMAT}\x1f{__version__}\x1f{owner.get_username()}\x1f{with_notes}"
    out: dict[int, str] = {}
    for row in rows:
        pid = row[0]
        parts = (
            row,
            _sorted(points.get(pid)),
            _sorted(jobs.get(pid)),
            _sorted(notes.get(pid)),
            _sorted(dates.get(pid)),
            _sorted(tags.get(pid)),
        )
        digest = hashlib.sha256(f"{head}\x1e{parts!r}".encode()).hexdigest()[:32]
        out[pid] = f'"{digest}"'
    return out


def ctag(tags: dict[int, str]) -> str:
    """The book's version (CalendarServer's getctag): changes when any card changes,
    appears or disappears."""
    h = hashlib.sha256()
    for pid in sorted(tags):
        h.update(f"{pid}:{tags[pid]}\n".encode())
    return h.hexdigest()[:32]


def card_texts(
    owner: Owner, person_ids: list[int], version: str = "4.0"
) -> Iterator[tuple[int, str, str]]:
    """(person id, ETag, vCard text) for those of `person_ids` on the book, rendered
    CHUNK at a time so a request for thousands of cards holds a few hundred.
    `version`: "4.0" or "3.0". The ETag is the same for both: it names the contact's
    state, which either version renders, and a PROPFIND (which names no version)
    must list the ETag a client's multiget got, or it would fetch every card again."""
    with_notes = notes_setting(owner) == AddressBook.NOTES_ALL
    on_book = book_people(owner).values("pk")
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        tags = etags(owner, chunk)
        people = people_for_vcard(owner).filter(pk__in=chunk).filter(pk__in=on_book)
        for person in people:
            card = person_card(owner, person, notes=with_notes, version=version)
            yield person.pk, tags[person.pk], card.serialize()
