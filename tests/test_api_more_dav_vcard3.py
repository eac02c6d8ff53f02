"""CardDAV serves vCard 3.0 to a client that asks for it (older iPhones): in a
REPORT's address-data (multiget, query, sync-collection) and a GET's Accept header,
over real HTTP on 127.0.0.1 with the Python client (tests/dav_client.py). The card is
the same contact in 3.0's spelling, with the same ETag; 4.0 stays the default."""

from __future__ import annotations

import base64

import pytest
import vobject
from pytest_django.live_server_helper import LiveServer

from dav_client import NS, Answer, Client, multiget, prop
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.dates import do_set_date
from troth.people.models import Person
from troth.tokens.actions import do_create_token

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = "/dav/alice/contacts/"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


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
    do_set_date(alice, wren, "birthday", "03-14")  # no year
    do_set_date(alice, wren, "anniversary", "2015-06-01")
    Person.objects.filter(pk=wren.pk).update(photo=PNG, photo_type="image/png")
    do_add_person(alice, "Thaddeus Brennan", emails=["thad@example.org"])
    _, raw = do_create_token(alice, "phone")
    return Client(live_server.url, "alice", raw), wren


def cards(answer: Answer) -> dict[str, tuple[str, str]]:
    """{href: (ETag, card text)} of a multistatus."""
    return {
        href: (prop(r, "d:getetag") or "", prop(r, "card:address-data") or "")
        for href, r in answer.responses().items()
        if href.endswith(".vcf")
    }


def test_multiget_in_3_0_and_4_0_same_etags(book: tuple[Client, Person]) -> None:
    client, wren = book
    href = f"{BOOK}{wren.pk}.vcf"
    v4 = cards(client.request("REPORT", BOOK, multiget([href]), depth="1"))[href]
    v3 = cards(client.request("REPORT", BOOK, multiget([href], "3.0"), depth="1"))[href]
    assert "VERSION:4.0" in v4[1] and "VERSION:3.0" not in v4[1]
    assert v3[0] == v4[0]  # one ETag: the contact's state, whichever version shows it
    card = vobject.readOne(v3[1])
    assert card.version.value == "3.0"
    assert card.fn.value == "Wren Halvorsen" and card.org.value == ["Larkspur Labs"]
    assert card.email.value == "wren@example.org"
    assert "pref" in [t.lower() for t in card.email.params["TYPE"]]  # 3.0 has no PREF=
    assert "PREF=" not in v3[1] and "KIND:" not in v3[1]
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14" in v3[1]
    assert "X-ABDATE:2015-06-01" in v3[1] and "_$!<Anniversary>!$_" in v3[1]
    assert "ANNIVERSARY" not in v3[1]
    assert card.photo.params["ENCODING"] == ["b"] and card.photo.value == PNG
    # 4.0 as before: its own spellings
    assert "PREF=1" in v4[1] and "BDAY:--0314" in v4[1] and "data:image/png;base64," in v4[1]


def test_get_follows_accept(book: tuple[Client, Person]) -> None:
    client, wren = book
    href = f"{BOOK}{wren.pk}.vcf"
    for accept, version in (
        (None, "4.0"),
        ("*/*", "4.0"),
        ("text/vcard", "4.0"),
        ('text/vcard; version="3.0"', "3.0"),
        ("text/vcard;version=3.0, text/vcard;version=4.0;q=0.5", "3.0"),
        ("text/vcard;version=3.0;q=0.2, text/vcard;version=4.0", "4.0"),
        ("text/x-vcard", "3.0"),
        ("text/directory;profile=vCard", "3.0"),
        ("application/json", "4.0"),  # neither: a card rather than a 406
    ):
        answer = client.request("GET", href, headers={"Accept": accept} if accept else None)
        assert answer.status == 200, (accept, answer.status)
        assert f"VERSION:{version}" in answer.body.decode(), accept
    plain = client.request("GET", href)
    old = client.request("GET", href, headers={"Accept": "text/vcard;version=3.0"})
    assert plain.headers["etag"] == old.headers["etag"]
    assert old.headers["vary"] == "Accept"  # a cache keeps the two versions apart


def test_query_and_sync_collection_in_3_0(book: tuple[Client, Person]) -> None:
    client, wren = book
    query = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        b'<D:prop><D:getetag/><C:address-data content-type="text/vcard" version="3.0"/>'
        b'</D:prop><C:filter><C:prop-filter name="FN"><C:text-match match-type="contains">'
        b"wren</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"
    )
    found = cards(client.request("REPORT", BOOK, query, depth="1"))
    assert list(found) == [f"{BOOK}{wren.pk}.vcf"]
    assert "VERSION:3.0" in next(iter(found.values()))[1]
    sync = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        b"<D:sync-token/><D:sync-level>1</D:sync-level>"
        b'<D:prop><D:getetag/><C:address-data content-type="text/vcard" version="3.0"/>'
        b"</D:prop></D:sync-collection>"
    )
    synced = cards(client.request("REPORT", BOOK, sync, depth="1"))
    assert len(synced) == 2
    assert all("VERSION:3.0" in text and "VERSION:4.0" not in text for _, text in synced.values())


def test_book_says_both_versions_and_refuses_others(book: tuple[Client, Person]) -> None:
    client, wren = book
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"'
        b' xmlns:C="urn:ietf:params:xml:ns:carddav"><prop><C:supported-address-data/>'
        b"</prop></propfind>"
    )
    listed = client.request("PROPFIND", BOOK, body, depth="0").responses()[BOOK]
    offered = {el.get("version") for el in listed.iterfind(".//card:address-data-type", NS)}
    assert offered == {"3.0", "4.0"}
    href = f"{BOOK}{wren.pk}.vcf"
    for version in ("2.1", "5.0"):
        refused = client.request("REPORT", BOOK, multiget([href], version), depth="1")
        assert refused.status == 403 and b"supported-address-data" in refused.body
    jcard = multiget([href]).replace(
        b'content-type="text/vcard"', b'content-type="application/vcard+json"'
    )
    assert client.request("REPORT", BOOK, jcard, depth="1").status == 403
