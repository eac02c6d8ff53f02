"""troth export vcard: the people as vCard 4.0 (RFC 6350), written with vobject.

One card per person: FN, N, NICKNAME, EMAIL/TEL/URL (the primary first, PREF=1, the label as
TYPE), ORG and TITLE of the current job, one NOTE per note (oldest first),
CATEGORIES (tags), BDAY and ANNIVERSARY (``--MMDD`` when the year is not known,
RFC 6350), other dates as Apple's labelled X-ABDATE (what Contacts and troth's
own importer read back), PHOTO as a data: URI, REV, and a UID that stays the same
from one export to the next (and after a JSON restore, since ids are kept), so
an address book that re-imports the file updates its cards instead of adding copies.

The CardDAV book also renders vCard 3.0 (RFC 2426) for a client that asks for it
(older iPhones): the same card in 3.0's spelling, as Apple's Contacts writes it
(TYPE=pref for PREF=1, PHOTO;ENCODING=b, BDAY as 1980-03-14 or with
X-APPLE-OMIT-YEAR, the anniversary as a labelled X-ABDATE, no KIND).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from typing import Any

import vobject
from django.db.models import Prefetch

from troth import __version__
from troth.people.models import ContactPoint, Employment, Note, Person, PersonDate

_TOKEN = re.compile(r"^[A-Za-z0-9-]{1,40}$")
# troth's labels that vCard spells differently (RFC 6350 TYPE values)
_TYPES = {"personal": "home", "mobile": "cell"}
_PROPERTY = {ContactPoint.EMAIL: "email", ContactPoint.PHONE: "tel", ContactPoint.URL: "url"}
# A fixed namespace: UIDs are uuid5(namespace, "<username>/<person id>").
NAMESPACE = uuid.UUID("6f1d3c2e-8b0a-5d4e-9a71-3c5b2f0e7d19")


def person_uid(owner: Any, person_id: int) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{owner.get_username()}/{person_id}')}"


def photo_type(data: bytes, declared: str) -> str:
    if declared:
        return declared
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return "application/octet-stream"


def _url(value: str) -> str:
    # contact points keep URLs without their scheme ("linkedin.com/in/x")
    return value if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) else f"https://{value}"


VERSIONS = ("4.0", "3.0")


def person_card(
    owner: Any, person: Person, notes: bool = True, version: str = "4.0"
) -> vobject.base.Component:
    """`notes`: False leaves the notes off (the CardDAV book's default, troth.dav).
    `version`: "4.0", or "3.0" for a CardDAV client that asks for it."""
    v3 = version == "3.0"
    card = vobject.vCard()
    card.add("version").value = version
    card.add("prodid").value = f"-//troth//troth {__version__}//EN"
    card.add("uid").value = person_uid(owner, person.pk)
    if not v3:  # KIND is new in 4.0
        card.add("kind").value = "individual"
    card.add("fn").value = person.full_name
    card.add("n").value = vobject.vcard.Name(family=person.family_name, given=person.given_name)
    if person.nickname:
        card.add("nickname").value = person.nickname
    points = sorted(person.contact_points.all(), key=lambda p: (not p.is_primary, p.pk))
    for point in points:
        line = card.add(_PROPERTY[point.kind])
        line.value = _url(point.value) if point.kind == ContactPoint.URL else point.value
        types = []
        if point.label and _TOKEN.match(point.label):
            label = point.label.lower()
            types.append(_TYPES.get(label, label))
        if point.is_primary and v3:
            types.append("pref")  # 3.0 has no PREF parameter
        elif point.is_primary:
            line.params["PREF"] = ["1"]
        if types:
            line.params["TYPE"] = types
    jobs = [e for e in person.employments.all() if e.is_current]
    if jobs:
        if jobs[0].organization_id:  # a headline job (a title alone) has no ORG
            card.add("org").value = [jobs[0].company]
        if jobs[0].title:
            card.add("title").value = jobs[0].title
    for note in sorted(person.notes.all(), key=lambda n: (n.created_at, n.pk)) if notes else ():
        card.add("note").value = note.text
    tags = sorted(t.name for t in person.tags.all())
    if tags:
        card.add("categories").value = tags
    _dates(card, list(person.dates.all()), v3)
    if person.photo and v3:
        line = card.add("photo")
        line.value = bytes(person.photo)  # vobject writes it as base64 for ENCODING=b
        line.params["ENCODING"] = ["b"]
        kind = photo_type(line.value, person.photo_type)
        if kind.startswith("image/"):
            line.params["TYPE"] = [kind.removeprefix("image/").upper()]
    elif person.photo:
        data = bytes(person.photo)
        encoded = base64.b64encode(data).decode("ascii")
        line = card.add("photo")
        line.value = f"data:{photo_type(data, person.photo_type)};base64,{encoded}"
        line.encoded = True  # a URI, not text: no backslash escaping of ";" and ","
    card.add("rev").value = person.updated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return card


# Apple's year for a date without one in vCard 3.0 (with X-APPLE-OMIT-YEAR), a leap
# year so that 29 February is a date; and its label for an anniversary (3.0 has none)
_OMIT_YEAR = 1604
_ANNIVERSARY_LABEL = "_$!<Anniversary>!$_"


def _dates(card: vobject.base.Component, dates: list[PersonDate], v3: bool = False) -> None:
    group = 0
    for row in sorted(dates, key=lambda d: (d.kind, d.label, d.pk)):
        if v3:  # ISO 8601 with dashes, as Apple writes 3.0
            value = f"{row.year or _OMIT_YEAR:04d}-{row.month:02d}-{row.day:02d}"
        else:  # vCard 4.0's date-and-or-time: 19800314, or --0314 without a year
            value = f"{row.year:04d}" if row.year else "--"
            value += f"{row.month:02d}{row.day:02d}"
        if row.kind == PersonDate.OTHER or (v3 and row.kind != PersonDate.BIRTHDAY):
            group += 1
            line = card.add("x-abdate", group=f"date{group}")
            label = row.label if row.kind == PersonDate.OTHER else _ANNIVERSARY_LABEL
            card.add("x-ablabel", group=f"date{group}").value = label
        else:
            line = card.add("bday" if row.kind == PersonDate.BIRTHDAY else "anniversary")
        line.value = value
        if v3 and not row.year:
            line.params["X-APPLE-OMIT-YEAR"] = [str(_OMIT_YEAR)]


def people_for_vcard(owner: Any, include_me: bool = False) -> Any:
    people = Person.objects.filter(owner=owner)
    if not include_me:
        people = people.filter(is_me=False)
    return people.order_by("pk").prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.filter(owner=owner)),
        Prefetch(
            "employments",
            queryset=Employment.objects.filter(owner=owner).select_related("organization"),
        ),
        Prefetch("notes", queryset=Note.objects.filter(owner=owner)),
        Prefetch("dates", queryset=PersonDate.objects.filter(owner=owner)),
        "tags",
    )


def vcards(owner: Any, include_me: bool = False) -> tuple[str, int]:
    """All cards as one vCard file (CRLF lines, folded at 75 octets) and how many."""
    parts, n = [], 0
    for person in people_for_vcard(owner, include_me).iterator(chunk_size=1000):
        parts.append(person_card(owner, person).serialize())
        n += 1
    return "".join(parts), n
