"""CardDAV as a client sees it, over real HTTP on 127.0.0.1 (pytest-django's live
server): discovery, ETags and ctag moving with edits, multiget, sync-collection,
read-only refusals, bad XML, auth and throttling, and one owner never reaching
another's book."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from dav_client import (
    BOOK_PROPS,
    FIND_HOME,
    LIST_ETAGS,
    NS,
    Answer,
    Client,
    multiget,
    prop,
    sync_collection,
)
from troth.owned import Owner
from troth.people.actions import do_add_note, do_add_person, do_delete_person, do_edit_person
from troth.tokens.actions import do_create_token

if TYPE_CHECKING:
    from troth.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def book(live_server: LiveServer, alice: Owner) -> tuple[Client, Person]:
    wren = do_add_person(
        alice,
        "Wren Halvorsen",
        emails=["wren@example.org"],
        phones=["+1 312 555 0100"],
        company="Larkspur Labs",
        title="VP Engineering",
    )
    do_add_person(alice, "Thaddeus Brennan", emails=["thad@example.org"])
    _, raw = do_create_token(alice, "phone")
    return Client(live_server.url, "alice", raw), wren


def _text(element: ET.Element, path: str) -> str:
    """The text of the element at `path`, which must be there."""
    found = element.find(path, NS)
    assert found is not None and found.text is not None, path
    return found.text


def test_discovery_from_well_known_to_the_book(book: tuple[Client, Person]) -> None:
    client, _ = book
    moved = client.request("PROPFIND", "/.well-known/carddav", FIND_HOME, depth="0")
    assert moved.status == 301 and moved.headers["location"].endswith("/dav/")
    root = client.request("PROPFIND", "/dav/", FIND_HOME, depth="0")
    assert root.status == 207
    (answer,) = root.responses().values()
    principal = _text(answer, "d:propstat/d:prop/d:current-user-principal/d:href")
    assert principal == "/dav/alice/"
    home = client.request("PROPFIND", principal, FIND_HOME, depth="0").responses()[principal]
    assert _text(home, "d:propstat/d:prop/card:addressbook-home-set/d:href") == principal
    listed = client.request("PROPFIND", principal, BOOK_PROPS, depth="1").responses()
    book_ = listed["/dav/alice/contacts/"]
    assert book_.find("d:propstat/d:prop/d:resourcetype/card:addressbook", NS) is not None
    assert prop(book_, "cs:getctag") and (prop(book_, "d:sync-token") or "").startswith(
        "urn:troth:sync:"
    )
    reports = {el.tag for el in book_.iterfind(".//d:supported-report/d:report/*", NS)}
    assert "{urn:ietf:params:xml:ns:carddav}addressbook-multiget" in reports
    # read-only: the privileges say so, and no write privilege is offered
    assert book_.find(".//d:current-user-privilege-set/d:privilege/d:read", NS) is not None
    assert book_.find(".//d:current-user-privilege-set/d:privilege/d:write", NS) is None


def test_cards_etags_and_ctag_follow_edits(book: tuple[Client, Person], alice: Owner) -> None:
    client, wren = book
    listing = client.request("PROPFIND", "/dav/alice/contacts/", LIST_ETAGS, depth="1")
    cards = {h: prop(r, "d:getetag") for h, r in listing.responses().items() if h.endswith(".vcf")}
    assert len(cards) == 2  # "me" is not on the book
    href = f"/dav/alice/contacts/{wren.pk}.vcf"
    again = client.request("PROPFIND", "/dav/alice/contacts/", LIST_ETAGS, depth="1")
    assert prop(again.responses()[href], "d:getetag") == cards[href]  # stable

    got = client.request("GET", href)
    assert got.status == 200 and got.headers["content-type"].startswith("text/vcard")
    text = got.body.decode()
    assert "VERSION:4.0" in text and "FN:Wren Halvorsen" in text
    assert "ORG:Larkspur Labs" in text and "TITLE:VP Engineering" in text
    assert "wren@example.org" in text and "+13125550100" in text
    assert got.headers["etag"] == cards[href]
    assert client.request("GET", href, headers={"If-None-Match": cards[href] or ""}).status == 304

    ctag = prop(
        client.request("PROPFIND", "/dav/alice/contacts/", BOOK_PROPS, depth="0").responses()[
            "/dav/alice/contacts/"
        ],
        "cs:getctag",
    )
    do_edit_person(alice, wren, title="CTO")
    after = client.request("GET", href)
    assert "TITLE:CTO" in after.body.decode() and after.headers["etag"] != cards[href]
    ctag2 = prop(
        client.request("PROPFIND", "/dav/alice/contacts/", BOOK_PROPS, depth="0").responses()[
            "/dav/alice/contacts/"
        ],
        "cs:getctag",
    )
    assert ctag2 != ctag

    # notes stay off the card by default
    do_add_note(alice, wren, "owes me a call")
    assert "owes me a call" not in client.request("GET", href).body.decode()


def test_multiget_returns_the_cards_asked_for(book: tuple[Client, Person], alice: Owner) -> None:
    client, wren = book
    href = f"/dav/alice/contacts/{wren.pk}.vcf"
    answer = client.request(
        "REPORT",
        "/dav/alice/contacts/",
        multiget([href, "/dav/alice/contacts/999999.vcf"]),
        depth="1",
    )
    assert answer.status == 207
    found = answer.responses()
    assert "FN:Wren Halvorsen" in (prop(found[href], "card:address-data") or "")
    assert "404" in (
        found["/dav/alice/contacts/999999.vcf"].findtext("d:status", namespaces=NS) or ""
    )


def test_sync_collection_reports_changes_and_deletions(
    book: tuple[Client, Person], alice: Owner
) -> None:
    client, wren = book
    first = client.request("REPORT", "/dav/alice/contacts/", sync_collection(""), depth="0")
    assert first.status == 207
    token = first.xml().findtext("d:sync-token", namespaces=NS)
    assert token is not None
    assert len([h for h in first.responses() if h.endswith(".vcf")]) == 2
    same = client.request("REPORT", "/dav/alice/contacts/", sync_collection(token), depth="0")
    assert not same.responses() and same.xml().findtext("d:sync-token", namespaces=NS) == token
    added = do_add_person(alice, "Pat Ng")
    do_delete_person(alice, wren)
    later = client.request("REPORT", "/dav/alice/contacts/", sync_collection(token), depth="0")
    found = later.responses()
    assert prop(found[f"/dav/alice/contacts/{added.pk}.vcf"], "d:getetag")
    gone = found[f"/dav/alice/contacts/{wren.pk}.vcf"]
    assert "404" in (gone.findtext("d:status", namespaces=NS) or "")
    stale = client.request("REPORT", "/dav/alice/contacts/", sync_collection("urn:troth:sync:x"))
    assert stale.status == 403 and b"valid-sync-token" in stale.body


def test_archived_people_leave_the_book(book: tuple[Client, Person], alice: Owner) -> None:
    client, wren = book
    do_edit_person(alice, wren, archived=True)
    assert client.request("GET", f"/dav/alice/contacts/{wren.pk}.vcf").status == 404


def test_changes_are_refused_cleanly_and_bad_xml_is_a_400(book: tuple[Client, Person]) -> None:
    client, wren = book
    href = f"/dav/alice/contacts/{wren.pk}.vcf"
    for method in ("PUT", "DELETE", "PROPPATCH", "MKCOL", "MOVE", "COPY", "LOCK"):
        answer = client.request(method, href, b"BEGIN:VCARD\r\nEND:VCARD\r\n")
        assert answer.status == 403 and b"need-privileges" in answer.body, method
    assert client.request("FROB", href).status == 405
    assert client.request("PROPFIND", "/dav/alice/contacts/", b"<propfind", depth="0").status == 400
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><propfind xmlns="DAV:">&b;</propfind>'
    )
    assert client.request("PROPFIND", "/dav/alice/contacts/", bomb, depth="0").status == 400
    assert client.request("REPORT", "/dav/alice/contacts/", b"<x/>").status == 403


def test_no_token_no_book_and_failures_are_throttled(
    book: tuple[Client, Person], live_server: LiveServer, settings: Settings
) -> None:
    client, _ = book
    answer = client.request("PROPFIND", "/dav/", FIND_HOME, depth="0", auth=False)
    assert answer.status == 401 and answer.headers["www-authenticate"].startswith("Basic realm=")
    wrong = Client(live_server.url, "alice", "troth_not-a-token")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 401
    # the failure that reaches the limit is the first one refused as such
    assert wrong.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 429
    assert wrong.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"carddav:alice"}
    # a live token still goes through (a phone left with a revoked one must not lock its
    # owner's new token out); the web sign-in's count is kept under another name
    assert client.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 207
    assert wrong.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 401


def test_one_owner_never_reaches_another_book(
    book: tuple[Client, Person], live_server: LiveServer, bob: Owner, alice: Owner
) -> None:
    _, wren = book
    _, raw = do_create_token(bob, "phone", read_only=True)
    bobs = Client(live_server.url, "bob", raw)
    assert bobs.request("PROPFIND", "/dav/", FIND_HOME, depth="0").status == 207  # read-only ok
    for path in ("/dav/alice/", "/dav/alice/contacts/", f"/dav/alice/contacts/{wren.pk}.vcf"):
        assert bobs.request("PROPFIND", path, LIST_ETAGS, depth="1").status == 404
        assert bobs.request("GET", path).status == 404
    # bob's own book, asked for alice's card by its number, has no such card
    assert bobs.request("GET", f"/dav/bob/contacts/{wren.pk}.vcf").status == 404
    mine = bobs.request(
        "REPORT", "/dav/bob/contacts/", multiget([f"/dav/bob/contacts/{wren.pk}.vcf"])
    )
    assert b"Wren" not in mine.body
    # alice's token with bob's name is refused
    _, alices = do_create_token(alice, "laptop")
    assert Client(live_server.url, "bob", alices).request("GET", "/dav/bob/").status == 401


QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
 <D:prop><D:getetag/><C:address-data/></D:prop>
 <C:filter test="anyof">{filters}</C:filter>
</C:addressbook-query>"""


def test_addressbook_query_filters_on_the_card(book: tuple[Client, Person]) -> None:
    client, wren = book

    def query(filters: str) -> Answer:
        body = QUERY.format(filters=filters).encode()
        return client.request("REPORT", "/dav/alice/contacts/", body, depth="1")

    found = query(
        '<C:prop-filter name="EMAIL"><C:text-match match-type="contains">WREN@</C:text-match>'
        "</C:prop-filter>"
    )
    assert found.status == 207 and list(found.responses()) == [f"/dav/alice/contacts/{wren.pk}.vcf"]
    nobody = query('<C:prop-filter name="FN"><C:text-match>Nobody</C:text-match></C:prop-filter>')
    assert nobody.responses() == {}
    no_title = query('<C:prop-filter name="TITLE"><C:is-not-defined/></C:prop-filter>')
    assert len(no_title.responses()) == 1  # Thaddeus: Wren has a title
    refused = query('<C:prop-filter name="TEL"><C:param-filter name="TYPE"/></C:prop-filter>')
    assert refused.status == 403 and b"supported-filter" in refused.body


def test_options_says_what_it_is(book: tuple[Client, Person]) -> None:
    client, _ = book
    answer = client.request("OPTIONS", "/dav/alice/contacts/")
    assert answer.status == 200 and "addressbook" in answer.headers["dav"]
    assert "PROPFIND" in answer.headers["allow"]


def test_a_client_asking_the_servers_root_is_sent_to_the_book(live_server: LiveServer) -> None:
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(live_server.url)
    assert where.hostname is not None
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    conn.request("PROPFIND", "/", body=b"<propfind xmlns='DAV:'/>", headers={"Depth": "0"})
    try:
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 301 and answer.getheader("Location") == "/.well-known/carddav"
    finally:
        conn.close()
