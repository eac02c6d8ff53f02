"""The REPORTs of the address book: addressbook-multiget and addressbook-query
(RFC 6352 section 8) and sync-collection (RFC 6578).

Answers are streamed: a multiget of 30,000 cards renders them CHUNK at a time
(troth.dav.queries.card_texts) and never holds the whole answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from troth.backup.vcard_out import VERSIONS
from troth.dav import queries
from troth.dav.models import SyncState
from troth.dav.xml import (
    CARD,
    DAV,
    HEAD,
    TAIL,
    BadXML,
    error,
    requested_props,
    response,
    status_response,
    tag,
    text,
)
from troth.owned import Owner

if TYPE_CHECKING:
    from troth.dav.views import Place

SUPPORTED = (
    tag(CARD, "addressbook-multiget"),
    tag(CARD, "addressbook-query"),
    tag(DAV, "sync-collection"),
)
XML = "application/xml; charset=utf-8"
SYNC_PREFIX = "urn:troth:sync:"
# Snapshots kept per account: a client that last synced more than this many
# different states of the book ago starts over (403 valid-sync-token, then a full
# sync). A few phones and a laptop syncing the same book fit easily.
KEEP_STATES = 8


def sync_token(owner: Owner, tags: dict[int, str]) -> str:
    """The token naming the book as it is now; keeps its snapshot."""
    token = queries.ctag(tags)
    now = timezone.now()
    if not SyncState.objects.filter(owner=owner, token=token).update(used_at=now):
        lines = "\n".join(f"{pid} {etag}" for pid, etag in sorted(tags.items()))
        try:
            with transaction.atomic():
                SyncState.objects.create(owner=owner, token=token, etags=lines, used_at=now)
        except IntegrityError:
            pass  # another request kept the same state a moment ago
        old = SyncState.objects.filter(owner=owner).order_by("-used_at", "-id")[KEEP_STATES:]
        SyncState.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return SYNC_PREFIX + token


def snapshot(owner: Owner, token: str) -> dict[int, str] | None:
    if not token.startswith(SYNC_PREFIX):
        return None
    state = SyncState.objects.filter(owner=owner, token=token[len(SYNC_PREFIX) :]).first()
    if state is None:
        return None
    out = {}
    for line in state.etags.splitlines():
        pid, _, etag = line.partition(" ")
        out[int(pid)] = etag
    return out


def _xml(body: str, status: int) -> HttpResponseBase:
    return HttpResponse(body, status=status, content_type=XML)


def card_version(content_type: str | None, version: str | None) -> str | None:
    """The vCard version a client asks for ("4.0" unless it names 3.0), or None for
    one troth does not write (another version, or another format such as jCard)."""
    kind = (content_type or "text/vcard").split(";")[0].strip().lower()
    if kind not in ("text/vcard", "text/x-vcard", "text/directory"):
        return None
    wanted = (version or "").strip() or ("4.0" if kind == "text/vcard" else "3.0")
    return wanted if wanted in VERSIONS else None


def _asked_version(root: Element) -> str | None:
    """The version a REPORT's <card:address-data content-type=... version=...> asks for."""
    prop = _prop(root)
    data = prop.find(tag(CARD, "address-data")) if prop is not None else None
    if data is None:
        return "4.0"
    return card_version(data.get("content-type"), data.get("version"))


def report(
    request: HttpRequest, owner: Owner, place: Place, root: Element | None
) -> HttpResponseBase:
    if root is None:
        raise BadXML("a REPORT needs a body")
    if place.kind not in ("book", "card") or root.tag not in SUPPORTED:
        return _xml(error(tag(DAV, "supported-report")), 403)
    version = _asked_version(root)
    if version is None:  # RFC 6352 8.7: the precondition it failed
        return _xml(error(tag(CARD, "supported-address-data")), 403)
    if root.tag == tag(DAV, "sync-collection"):
        if place.kind != "book":
            return _xml(error(tag(DAV, "supported-report")), 403)
        return _sync_collection(owner, place, root, version)
    how, names = requested_props(_prop(root))
    if root.tag == tag(CARD, "addressbook-multiget"):
        hrefs = [h.text or "" for h in root.findall(tag(DAV, "href"))]
        return _multiget(owner, place, hrefs, how, names, version)
    return _query(request, owner, place, root, how, names, version)


def _prop(root: Element) -> Element | None:
    return root.find(tag(DAV, "prop"))


def card_response(
    place: Place, person_id: int, etag: str, card: str | None, how: str, names: list[str]
) -> str:
    props = {tag(DAV, "getetag"): text(etag)}
    if card is not None:
        props[tag(CARD, "address-data")] = text(card)
    props[tag(DAV, "getcontenttype")] = "text/vcard; charset=utf-8"
    if how != "prop":
        return response(place.card(person_id), props)
    found = {n: props[n] for n in names if n in props}
    return response(place.card(person_id), found, [n for n in names if n not in props])


def _wants_data(how: str, names: list[str]) -> bool:
    return how != "prop" or tag(CARD, "address-data") in names


def _multiget(
    owner: Owner, place: Place, hrefs: list[str], how: str, names: list[str], version: str
) -> HttpResponseBase:
    from troth.dav.views import href_card_id

    wanted: dict[int, str] = {}
    unknown: list[str] = []
    for url in hrefs:
        pid = href_card_id(place, url)
        if pid is None:
            unknown.append(url)
        else:
            wanted.setdefault(pid, url)
    data = _wants_data(how, names)

    def parts() -> Iterator[str]:
        yield HEAD
        seen: set[int] = set()
        if data:
            for pid, etag, card in queries.card_texts(owner, list(wanted), version):
                seen.add(pid)
                yield card_response(place, pid, etag, card, how, names)
        else:
            for pid, etag in queries.etags(owner, list(wanted)).items():
                seen.add(pid)
                yield card_response(place, pid, etag, None, how, names)
        for pid, url in wanted.items():
            if pid not in seen:
                yield status_response(url, "404 Not Found")
        for url in unknown:
            yield status_response(url, "404 Not Found")
        yield TAIL

    return StreamingHttpResponse(parts(), status=207, content_type=XML)


def _sync_collection(owner: Owner, place: Place, root: Element, version: str) -> HttpResponseBase:
    level = (root.findtext(tag(DAV, "sync-level")) or "1").strip()
    if level not in ("1", "infinite"):
        raise BadXML("sync-level is 1 or infinite")
    old_token = (root.findtext(tag(DAV, "sync-token")) or "").strip()
    how, names = requested_props(_prop(root))
    tags = queries.etags(owner)
    if old_token:
        before = snapshot(owner, old_token)
        if before is None:
            return _xml(error(tag(DAV, "valid-sync-token")), 403)
    else:
        before = {}
    changed = [pid for pid, etag in tags.items() if before.get(pid) != etag]
    gone = [pid for pid in before if pid not in tags]
    new_token = sync_token(owner, tags)
    data = _wants_data(how, names)

    def parts() -> Iterator[str]:
        yield HEAD
        if data:
            for pid, etag, card in queries.card_texts(owner, changed, version):
                yield card_response(place, pid, etag, card, how, names)
        else:
            for pid in changed:
                yield card_response(place, pid, tags[pid], None, how, names)
        for pid in gone:
            yield status_response(place.card(pid), "404 Not Found")
        yield f"<d:sync-token>{text(new_token)}</d:sync-token>"
        yield TAIL

    return StreamingHttpResponse(parts(), status=207, content_type=XML)


def _query(
    request: HttpRequest,
    owner: Owner,
    place: Place,
    root: Element,
    how: str,
    names: list[str],
    version: str,
) -> HttpResponseBase:
    from troth.dav.cardfilter import CardFilter, UnsupportedFilter

    try:
        match = CardFilter.parse(root.find(tag(CARD, "filter")))
    except UnsupportedFilter:
        return _xml(error(tag(CARD, "supported-filter")), 403)
    limit_text = root.findtext(f"{tag(CARD, 'limit')}/{tag(CARD, 'nresults')}")
    try:
        limit = int(limit_text) if limit_text is not None else None
    except ValueError as e:
        raise BadXML("nresults is a number") from e
    if place.kind == "card":
        assert place.person_id is not None
        ids = [place.person_id]
    else:
        ids = list(queries.book_people(owner).values_list("pk", flat=True))
    data = _wants_data(how, names)

    def parts() -> Iterator[str]:
        yield HEAD
        n = 0
        for pid, etag, card in queries.card_texts(owner, ids, version):
            if limit is not None and n >= limit:
                break
            if match(card):
                n += 1
                yield card_response(place, pid, etag, card if data else None, how, names)
        yield TAIL

    return StreamingHttpResponse(parts(), status=207, content_type=XML)
