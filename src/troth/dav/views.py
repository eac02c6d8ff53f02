"""The CardDAV address book (RFC 6352 over WebDAV, RFC 4918), read-only.

    /.well-known/carddav           -> 301 to /dav/ (RFC 6764)
    /dav/                          the root: says who the current user's principal is
    /dav/<account>/                the principal, which is also the address book home
    /dav/<account>/contacts/       the one address book (ctag, sync-token, reports)
    /dav/<account>/contacts/<id>.vcf   one card (vCard 4.0)

Answers: OPTIONS, GET/HEAD, PROPFIND (depth 0 or 1; "infinity" is taken as 1,
which lists all there is below any resource but the root) and REPORT
(addressbook-multiget, addressbook-query, sync-collection). Every change (PUT,
DELETE, PROPPATCH, MKCOL, MOVE, COPY, LOCK...) is refused with 403 and a
DAV:need-privileges body: the book is troth's view of your people, edited in troth.
Another account's paths answer 404, whoever asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from troth.dav import queries, reports
from troth.dav.actions import do_set_card_notes
from troth.dav.auth import REALM
from troth.dav.xml import (
    CARD,
    CS,
    DAV,
    HEAD,
    TAIL,
    BadXML,
    element,
    error,
    href,
    parse,
    requested_props,
    response,
    tag,
    text,
)
from troth.errors import TrothError
from troth.owned import Owner

BOOK = "contacts"
VCARD = "text/vcard; charset=utf-8"
XML = "application/xml; charset=utf-8"
READ = ("OPTIONS", "GET", "HEAD", "PROPFIND", "REPORT")
WRITE: tuple[str, ...] = ("PUT", "DELETE", "PROPPATCH", "MKCOL", "MOVE", "COPY", "LOCK")
WRITE += ("UNLOCK", "POST", "PATCH", "MKCALENDAR", "ACL", "BIND", "UNBIND", "REBIND")


def _xml(body: str, status: int = 207) -> HttpResponseBase:
    return HttpResponse(body, status=status, content_type=XML)


def _plain(message: str, status: int) -> HttpResponseBase:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt  # token-authenticated on every request (troth.dav.auth); no cookies involved
@login_not_required
def well_known(request: HttpRequest) -> HttpResponseBase:
    return HttpResponsePermanentRedirect(_root(request))


def _root(request: HttpRequest) -> str:
    script = request.path[: len(request.path) - len(request.path_info)]
    return f"{script.rstrip('/')}/dav/"


class Place:
    """Where a request points: its kind, and the URLs of the tree around it."""

    def __init__(self, request: HttpRequest, owner: Owner, rest: str) -> None:
        self.root = _root(request)
        self.principal = f"{self.root}{quote(owner.get_username(), safe='')}/"
        self.book = f"{self.principal}{BOOK}/"
        parts = [p for p in rest.split("/") if p]
        self.kind = "missing"
        self.person_id: int | None = None
        if not parts:
            self.kind = "root"
        elif parts[0] != owner.get_username():
            self.kind = "missing"  # another account's, or nobody's: the same 404
        elif len(parts) == 1:
            self.kind = "principal"
        elif len(parts) == 2 and parts[1] == BOOK:
            self.kind = "book"
        elif len(parts) == 3 and parts[1] == BOOK:
            self.person_id = card_id(parts[2])
            self.kind = "card" if self.person_id is not None else "missing"

    def card(self, person_id: int) -> str:
        return f"{self.book}{person_id}.vcf"


def card_id(name: str) -> int | None:
    stem, dot, ext = name.rpartition(".")
    if dot and ext == "vcf" and stem.isascii() and stem.isdigit() and len(stem) < 19:
        return int(stem)
    return None


def href_card_id(place: Place, url: str) -> int | None:
    """The person id a client's href names, when it is a card of this book."""
    path = unquote(urlsplit(url.strip()).path)
    book = unquote(place.book)  # an account name like a@b.example is quoted in hrefs
    if not path.startswith(book):
        return None
    rest = path[len(book) :]
    return card_id(rest) if "/" not in rest else None


@csrf_exempt  # token-authenticated on every request (troth.dav.auth); no cookies involved
@login_not_required  # the DAV views check the token themselves, and never a session
def dav(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    token = getattr(request, "dav_token", None)
    if getattr(request, "dav_locked", False):
        answer = _plain("Too many failed sign-ins for this account: try again later.", 429)
        answer["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        return answer
    if token is None:
        answer = _plain(
            "Sign in with your account name and a personal access token "
            "(Settings, or `troth tokens add`).",
            401,
        )
        answer["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        return answer
    owner = token.owner
    place = Place(request, owner, rest)
    method = request.method or "GET"
    if method in WRITE:
        return _xml(
            error(
                tag(DAV, "need-privileges"),
                "<d:resource>"
                + href(request.path)
                + "<d:privilege><d:write/></d:privilege></d:resource>",
            ),
            status=403,
        )
    if method not in READ:
        answer = _plain(f"{method} is not a method this address book answers.", 405)
        answer["Allow"] = ", ".join(READ)
        return answer
    if place.kind == "missing":
        return _plain("Not found.", 404)
    if method == "OPTIONS":
        answer = HttpResponse(status=200)
        answer["Allow"] = ", ".join(READ)  # the book is read-only
        answer["DAV"] = "1, 3, addressbook"
        return answer
    if method in ("GET", "HEAD"):
        return _get(request, owner, place)
    try:
        body = request.body
    except RequestDataTooBig:
        return _plain("Request body too large.", 413)
    try:
        root = parse(body)
        if method == "PROPFIND":
            return _propfind(request, owner, place, root)
        return reports.report(request, owner, place, root)
    except BadXML as e:
        return _plain(f"Bad request: {e}.", 400)


def _get(request: HttpRequest, owner: Owner, place: Place) -> HttpResponseBase:
    if place.kind != "card":
        return _plain(f"troth's CardDAV address book is at {place.book}", 200)
    assert place.person_id is not None
    version = accepted_version(request.headers.get("Accept", ""))
    cards = list(queries.card_texts(owner, [place.person_id], version))
    if not cards:
        return _plain("Not found.", 404)
    _, etag, card = cards[0]
    if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        answer: HttpResponse = HttpResponseNotModified()
    else:
        answer = HttpResponse(card, content_type=VCARD)
    answer["ETag"] = etag
    # the same card comes as vCard 3.0 or 4.0 by the Accept header: a cache must not
    # hand one client's version to another (the ETag is shared, as PROPFIND names none)
    answer["Vary"] = "Accept"
    return answer


def accepted_version(accept: str) -> str:
    """The vCard version a GET's Accept header prefers: 3.0 when it asks for that
    (`text/vcard; version=3.0`, or the older `text/x-vcard`, `text/directory`) before
    4.0, else 4.0 (also when it names neither: a card rather than a 406)."""
    ranges = []
    for n, part in enumerate(accept.split(",")):
        kind, *params = [p.strip() for p in part.split(";")]
        values = dict(p.split("=", 1) for p in params if "=" in p)
        values = {k.strip().lower(): v.strip().strip('"') for k, v in values.items()}
        try:
            q = float(values.get("q", "1"))
        except ValueError:
            q = 0.0
        ranges.append((-q, n, kind.lower(), values.get("version")))
    for minus_q, _n, kind, version in sorted(ranges):
        if minus_q >= 0:  # q=0: not acceptable
            continue
        if kind in ("*/*", "text/*"):
            return "4.0"
        found = reports.card_version(kind, version)
        if found is not None:
            return found
    return "4.0"


def depth(request: HttpRequest) -> int:
    return 0 if request.META.get("HTTP_DEPTH", "infinity").strip() == "0" else 1


def _privileges() -> str:
    # DAVx5 and Thunderbird read this to show the book as read-only.
    return "<d:privilege><d:read/></d:privilege>"


def collection_props(
    place: Place, kind: str, owner: Owner, tags: dict[int, str] | None, sync: bool = False
) -> dict:
    """{property name: inner XML} of the root, the principal or the book. The book's
    ctag and ETag need every card's ETag (`tags`; None: not asked for, left out); its
    sync-token (`sync`) also keeps a snapshot for sync-collection, so it is made only
    when asked for by name."""
    principal = href(place.principal)
    props = {
        tag(DAV, "current-user-principal"): principal,
        tag(DAV, "current-user-privilege-set"): _privileges(),
        tag(DAV, "owner"): principal,
    }
    if kind == "root":
        props[tag(DAV, "resourcetype")] = "<d:collection/>"
        props[tag(DAV, "displayname")] = "troth"
    elif kind == "principal":
        props[tag(DAV, "resourcetype")] = "<d:collection/><d:principal/>"
        props[tag(DAV, "displayname")] = text(owner.get_username())
        props[tag(DAV, "principal-URL")] = principal
        props[tag(DAV, "principal-collection-set")] = href(place.root)
        props[tag(CARD, "addressbook-home-set")] = principal
    else:
        props[tag(DAV, "resourcetype")] = "<d:collection/><card:addressbook/>"
        props[tag(DAV, "displayname")] = "troth"
        props[tag(CARD, "addressbook-description")] = "Your people in troth (read-only)"
        if tags is not None:
            ctag = queries.ctag(tags)
            props[tag(CS, "getctag")] = ctag
            props[tag(DAV, "getetag")] = f'"{ctag}"'
            if sync:
                props[tag(DAV, "sync-token")] = text(reports.sync_token(owner, tags))
        props[tag(CARD, "supported-address-data")] = (
            '<card:address-data-type content-type="text/vcard" version="4.0"/>'
            '<card:address-data-type content-type="text/vcard" version="3.0"/>'
        )
        props[tag(CARD, "max-resource-size")] = "10000000"
        props[tag(DAV, "supported-report-set")] = "".join(
            f"<d:supported-report><d:report>{element(name)}</d:report></d:supported-report>"
            for name in reports.SUPPORTED
        )
    return props


def card_props(etag: str) -> dict[str, str]:
    return {
        tag(DAV, "resourcetype"): "",
        tag(DAV, "getetag"): text(etag),
        tag(DAV, "getcontenttype"): "text/vcard; charset=utf-8",
        tag(DAV, "current-user-privilege-set"): _privileges(),
    }


def select(props: dict[str, str], how: str, names: list[str]) -> tuple[dict, list[str]]:
    """The properties a PROPFIND asked for, and those asked for that are unknown."""
    if how == "allprop":
        # allprop leaves out the costly and the "live" ones clients ask for by name
        skip = {tag(DAV, "sync-token"), tag(DAV, "supported-report-set")}
        return {k: v for k, v in props.items() if k not in skip}, []
    if how == "propname":
        return dict.fromkeys(props, ""), []
    return {n: props[n] for n in names if n in props}, [n for n in names if n not in props]


def _propfind(request: HttpRequest, owner: Owner, place: Place, root) -> HttpResponseBase:
    if root is not None and root.tag != tag(DAV, "propfind"):
        raise BadXML("a PROPFIND body is a DAV:propfind element")
    how, names = requested_props(root)
    one = depth(request) == 1
    if place.kind == "card":
        assert place.person_id is not None
        one_tag = queries.etags(owner, [place.person_id])
        if place.person_id not in one_tag:
            return _plain("Not found.", 404)
        found, missing = select(card_props(one_tag[place.person_id]), how, names)
        return _xml(HEAD + response(place.card(place.person_id), found, missing) + TAIL)
    needs_tags = place.kind == "book" or (place.kind == "principal" and one)
    # Only the book's own properties (or its cards) need every card's ETag.
    tags: dict[int, str] | None = None
    if needs_tags and _wants_tags(place, how, names, one):
        tags = queries.etags(owner)
    sync = how == "prop" and tag(DAV, "sync-token") in names

    def parts() -> Iterator[str]:
        yield HEAD
        url = {"root": place.root, "principal": place.principal, "book": place.book}
        found, missing = select(collection_props(place, place.kind, owner, tags, sync), how, names)
        yield response(url[place.kind], found, missing)
        if one and place.kind == "root":
            found, missing = select(collection_props(place, "principal", owner, None), how, names)
            yield response(place.principal, found, missing)
        elif one and place.kind == "principal":
            found, missing = select(collection_props(place, "book", owner, tags, sync), how, names)
            yield response(place.book, found, missing)
        elif one and place.kind == "book" and tags is not None:
            for person_id, etag in tags.items():
                found, missing = select(card_props(etag), how, names)
                yield response(place.card(person_id), found, missing)
        yield TAIL

    return StreamingHttpResponse(parts(), status=207, content_type=XML)


def _wants_tags(place: Place, how: str, names: list[str], one: bool) -> bool:
    if place.kind == "book" and one:
        return True  # every card's ETag is listed
    costly = {tag(CS, "getctag"), tag(DAV, "getetag"), tag(DAV, "sync-token")}
    return how != "prop" or any(n in costly for n in names)


@require_POST
def phone_settings(request: HttpRequest) -> HttpResponseBase:
    """Settings' "Add troth to your phone": which notes go on the cards. A signed-in
    page like the rest of Settings (session and CSRF), not a DAV request."""
    try:
        with transaction.atomic():
            do_set_card_notes(request.user, request.POST.get("notes", ""))  # type: ignore[arg-type]
    except TrothError as e:
        return _plain(str(e), 400)
    messages.success(request, "Saved: your phone gets the new cards at its next sync.")
    return redirect("/settings/#settings-phone")
