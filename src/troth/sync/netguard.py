"""Where a member's source may make the server connect (server-side request forgery).

On a group's server (TROTH_NETWORK_MODE) any member can add an IMAP, CalDAV or ICS
source, and the server then connects wherever that member said: to its own database
on 127.0.0.1:5432, a cloud's metadata service on 169.254.169.254, or the LAN behind
it. There, a source may reach only public addresses (`ipaddress` `is_global`) unless
the operator sets TROTH_SOURCES_PRIVATE=1. On a laptop everything is allowed: the
owner is the one whose machine it is.

The check runs when a source is added (one clear line) and again at every connection,
on the addresses the name resolves to *at that moment*, and the connection is made to
one of the addresses just checked, never to the name resolved a second time: a name
that answers a public address for the check and 127.0.0.1 for the connection (DNS
rebinding) gets nowhere, and neither does a redirect, since each one is a new
connection through the same check. TLS is still verified against the host's name.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.request
from typing import Any

from django.conf import settings

from troth.errors import TrothError
from troth.lib.flags import parse_flag


class Refused(TrothError):
    """A source's address that this server will not connect to: one line."""


def on_a_server() -> bool:
    """Whether this installation serves others, decided from what every process reads:
    `troth serve --host` sets TROTH_NETWORK_MODE for itself only, while `troth worker`
    and cron's `troth sync` / `troth webhooks send` (which connect on members' behalf)
    read the same settings file, where a group's server has TROTH_TASKS=database or
    TROTH_PUBLIC_URL (README: a group's server in production). A security review found
    a worker delivering a member's webhook to 127.0.0.1 because only the web process
    knew it was a server."""
    return (
        bool(getattr(settings, "TROTH_NETWORK_MODE", False))
        or getattr(settings, "TROTH_TASKS", "immediate") == "database"
        or bool(getattr(settings, "TROTH_PUBLIC_URL", ""))
    )


def private_allowed() -> bool:
    """Whether sources may reach loopback, link-local and private addresses: on a
    laptop yes; on a group's server only when its operator says so."""
    if not on_a_server():
        return True
    return bool(
        parse_flag("TROTH_SOURCES_PRIVATE", getattr(settings, "TROTH_SOURCES_PRIVATE", None))
    )


# IPv6 prefixes that carry an IPv4 address in their last 32 bits, which a translator
# on the way may turn back into that IPv4 address: NAT64's well-known prefix
# (64:ff9b::10.0.0.1 reaches 10.0.0.1 on an IPv6-only cloud network), SIIT's
# (::ffff:0:a.b.c.d) and the old IPv4-compatible range (::a.b.c.d). Python calls them
# all global; the address inside decides.
_EMBEDS_IPV4 = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96", "::/96"))
# Prefixes whose IPv4 address is not simply the last 32 bits: refused outright.
_NEVER = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b:1::/48",))


def is_public(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone says nothing
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None or any(ip in n for n in _NEVER):
            return False  # a tunnel to somewhere this check cannot see
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        elif ip.sixtofour is not None:
            ip = ip.sixtofour  # 2002:a9fe:a9fe:: is 169.254.169.254
        elif any(ip in n for n in _EMBEDS_IPV4):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


def _refused(host: str, address: str) -> Refused:
    shown = host if host == address else f"{host} ({address})"
    return Refused(
        f"{shown} is not a public address: this troth server connects sources only to public"
        " ones (its operator can allow private addresses with TROTH_SOURCES_PRIVATE=1)"
    )


def addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo's answers for host:port that a source may connect to, in its order;
    Refused when there are answers but none is allowed; socket.gaierror as getaddrinfo."""
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if private_allowed():
        return infos
    allowed = [info for info in infos if is_public(str(info[4][0]))]
    if not allowed and infos:
        raise _refused(host, str(infos[0][4][0]))
    return allowed


def check_host(host: str, port: int) -> None:
    """At add time: refuse a host that is, or resolves only to, a disallowed address.
    A name that does not resolve now passes (the connection checks it again)."""
    if private_allowed():
        return
    try:
        addresses(host, port)
    except (socket.gaierror, UnicodeError):
        return


def connect(
    host: str, port: int, timeout: float | None = None, source: Any = None
) -> socket.socket:
    """A TCP connection to an allowed address of host:port (socket.create_connection,
    which would resolve the name again, is exactly what must not happen here)."""
    last: OSError | None = None
    for family, kind, proto, _name, sockaddr in addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last = exc
            sock.close()
    raise last or OSError(f"no address for {host}")


def _create_connection(
    address: tuple[str, int], timeout: Any = None, source: Any = None
) -> socket.socket:
    host, port = address
    # socket's "global default" sentinel is not a number: then no timeout of our own
    return connect(host, port, timeout if isinstance(timeout, int | float) else None, source)


class HTTPConnection(http.client.HTTPConnection):
    """http.client's connection, through the check above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class HTTPSConnection(http.client.HTTPSConnection):
    # HTTPSConnection.connect calls HTTPConnection.connect, which uses this, then wraps
    # the socket with server_hostname=self.host: the certificate is checked as usual.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        # the context only (check_hostname is gone from Python 3.12): it verifies the
        # certificate and the host's name, as urllib's default does
        return self.do_open(HTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if not newurl.lower().startswith(("http://", "https://")):
            raise Refused("the address redirects to something that is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener(*, redirects: bool = True) -> urllib.request.OpenerDirector:
    """urllib's opener for http(s) only (no ftp:, file:, data:), without proxies from
    the environment (a proxy would connect for us, unchecked), each connection and
    each redirect through the check above. Without `redirects` a 3xx is an answer
    like any other error (a webhook's POST: troth.webhooks.send)."""
    built = urllib.request.OpenerDirector()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),
        _HTTPHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _HTTPSHandler(context=ssl.create_default_context()),
    ]
    if redirects:
        handlers.append(_Redirects())
    for handler in handlers:
        built.add_handler(handler)
    return built


def caldav_resolver() -> Any:
    """A resolver for niquests (the caldav library's HTTP stack) that answers only
    allowed addresses: every connection of the session, redirects included."""
    from urllib3.contrib.resolver.system import SystemResolver

    class Guarded(SystemResolver):
        def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            infos = super().getaddrinfo(host, port, *args, **kwargs)
            if private_allowed() or host is None:
                return infos
            name = host.decode("ascii") if isinstance(host, bytes) else str(host)
            allowed = [i for i in infos if is_public(str(i[4][0]))]
            if not allowed and infos:
                raise _refused(name, str(infos[0][4][0]))
            return allowed

    return Guarded()
