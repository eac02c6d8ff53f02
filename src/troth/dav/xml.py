"""The little WebDAV XML troth needs: reading a PROPFIND or REPORT body and writing
a multistatus answer.

Why not a library: the Python WebDAV servers (Radicale, wsgidav, xandikos) are
servers with their own storage, auth and WSGI app; wiring one under Django with a
storage plugin over the ORM would be more code than the handful of properties and
three reports an address book needs, and would bypass troth's owner-scoped
queries and token auth. No Django app for CardDAV is maintained (djradicale and
django-carddav stopped years ago). So the bodies are parsed with defusedxml (a
request body is untrusted XML: no DTDs, no entity expansion, no external
references) and the answers are written as text, streamed card by card.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
PREFIXES = {DAV: "d", CARD: "card", CS: "cs"}

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    f'<d:multistatus xmlns:d="{DAV}" xmlns:card="{CARD}" xmlns:cs="{CS}">'
)
TAIL = "</d:multistatus>\n"


class BadXML(ValueError):
    """A body that is not well-formed XML, or not the element the method expects."""


def tag(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def parse(body: bytes) -> Element | None:
    """The body's root element; None for an empty body."""
    if not body.strip():
        return None
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as e:
        raise BadXML(f"the request body is not well-formed XML ({e.__class__.__name__})") from e
    return root


def element(name: str, inner: str = "") -> str:
    """`name` in Clark notation ({ns}local) as text, with `inner` (already XML)."""
    ns, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    prefix = PREFIXES.get(ns)
    if prefix is not None:
        open_, close = f"{prefix}:{local}", f"{prefix}:{local}"
    elif not ns:
        open_, close = local, local
    else:
        open_, close = f"x:{local} xmlns:x={quoteattr(ns)}", f"x:{local}"
    return f"<{open_}>{inner}</{close}>" if inner else f"<{open_}/>"


def href(url: str) -> str:
    return element(tag(DAV, "href"), escape(url))


def text(value: str) -> str:
    return escape(value)


def response(url: str, found: dict[str, str], missing: Iterable[str] = ()) -> str:
    """One <d:response>: the properties found (200) and those asked for but not
    known here (404), as RFC 4918 section 9.1 writes them."""
    out = ["<d:response>", href(url)]
    if found:
        props = "".join(element(name, inner) for name, inner in found.items())
        out.append(
            f"<d:propstat><d:prop>{props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
        )
    missing = list(missing)
    if missing:
        props = "".join(element(name) for name in missing)
        out.append(
            f"<d:propstat><d:prop>{props}</d:prop>"
            "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>"
        )
    out.append("</d:response>")
    return "".join(out)


def status_response(url: str, status: str) -> str:
    return f"<d:response>{href(url)}<d:status>HTTP/1.1 {status}</d:status></d:response>"


def error(condition: str, inner: str = "") -> str:
    """A <d:error> body naming the precondition that failed (RFC 4918 section 16)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<d:error xmlns:d="{DAV}" xmlns:card="{CARD}">{element(condition, inner)}</d:error>\n'
    )


def requested_props(root: Element | None) -> tuple[str, list[str]]:
    """What a PROPFIND (or a REPORT's <d:prop>) asks for: ("allprop", []),
    ("propname", []) or ("prop", [names])."""
    if root is None:
        return "allprop", []
    if root.tag == tag(DAV, "prop"):
        return "prop", [child.tag for child in root]
    for child in root:
        if child.tag == tag(DAV, "allprop"):
            return "allprop", []
        if child.tag == tag(DAV, "propname"):
            return "propname", []
        if child.tag == tag(DAV, "prop"):
            return "prop", [grand.tag for grand in child]
    return "allprop", []
