"""A small CardDAV client for the tests: http.client, with the bodies DAVx5 sends."""

from __future__ import annotations

import base64
import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

NS = {"d": "DAV:", "card": "urn:ietf:params:xml:ns:carddav", "cs": "http://calendarserver.org/ns/"}

# What DAVx5 asks when it looks for the address books (its service detection).
FIND_HOME = b"""<?xml version="1.0" encoding="utf-8"?>
<propfind xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav">
 <prop><current-user-principal/><CARD:addressbook-home-set/></prop>
</propfind>"""
# What it asks of an address book before each sync.
BOOK_PROPS = b"""<?xml version="1.0" encoding="utf-8"?>
<propfind xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav"
  xmlns:CS="http://calendarserver.org/ns/">
 <prop><resourcetype/><displayname/><current-user-privilege-set/>
  <CARD:supported-address-data/><CS:getctag/><sync-token/><supported-report-set/></prop>
</propfind>"""
LIST_ETAGS = b"""<?xml version="1.0" encoding="utf-8"?>
<propfind xmlns="DAV:"><prop><resourcetype/><getetag/></prop></propfind>"""


def multiget(hrefs: list[str], version: str = "4.0") -> bytes:
    """`version` "3.0": what an older iPhone asks for."""
    inner = "".join(f"<href>{h}</href>" for h in hrefs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CARD:addressbook-multiget xmlns="DAV:" xmlns:CARD="urn:ietf:params:xml:ns:carddav">'
        f'<prop><getetag/><CARD:address-data content-type="text/vcard" version="{version}"/>'
        f"</prop>{inner}</CARD:addressbook-multiget>"
    ).encode()


def sync_collection(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><sync-collection xmlns="DAV:">'
        f"<sync-token>{token}</sync-token><sync-level>1</sync-level>"
        "<prop><getetag/></prop></sync-collection>"
    ).encode()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def xml(self) -> ET.Element:
        return ET.fromstring(self.body)

    def responses(self) -> dict[str, ET.Element]:
        """{href: its <d:response>} of a multistatus."""
        return {
            r.findtext("d:href", namespaces=NS) or "": r
            for r in self.xml().findall("d:response", NS)
        }


class Client:
    def __init__(self, base: str, username: str, password: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        raw = f"{username}:{password}".encode()
        self.auth = "Basic " + base64.b64encode(raw).decode()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        depth: str | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            sent = dict(headers or {})
            if auth:
                sent["Authorization"] = self.auth
            if depth is not None:
                sent["Depth"] = depth
            if body is not None:
                sent["Content-Type"] = "application/xml; charset=utf-8"
            conn.request(method, path, body=body, headers=sent)
            reply = conn.getresponse()
            return Answer(reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read())
        finally:
            conn.close()


def prop(response: ET.Element, name: str) -> str | None:
    """The text of property `name` (prefix:local) found with 200 in a response."""
    for propstat in response.findall("d:propstat", NS):
        if "200" in (propstat.findtext("d:status", namespaces=NS) or ""):
            found = propstat.find(f"d:prop/{name}", NS)
            if found is not None:
                return "".join(found.itertext())
    return None
