"""Who a CardDAV request is: HTTP Basic with the account name and a personal access
token as the password (troth.tokens), never a session, never the local owner.

`DavAuthMiddleware` sits after Django's AuthenticationMiddleware and before
LocalOwnerMiddleware and the anonymous body limit (settings.MIDDLEWARE). For
paths under /dav/ it checks the Authorization header and, when it names a live
token of that account, makes the token's owner the request's user (so an
address book's REPORT of thousands of hrefs is not cut at the 64 KiB an
anonymous request may send) and keeps the token on `request.dav_token`. The DAV
views look only at `request.dav_token`: a request from 127.0.0.1 without a token
is refused like any other (local mode signs in the browser on this machine, but
an address book client always sends its account, and a page in the browser must
not be able to read the contacts through the loopback address).

Throttling: failed attempts are counted by django-axes, the lockout /login uses,
under the account name prefixed with "carddav:" (TROTH_LOGIN_FAILURES failures
lock that name for TROTH_LOGIN_COOLOFF_MINUTES). A separate name on purpose: a
phone left with a revoked token retries every few minutes, and that must not lock
its owner out of the web sign-in. `python -m troth.manage axes_reset_username
carddav:NAME` lifts a lock early; a good token also clears the count.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from troth.tokens.queries import authenticate_basic

PREFIX = "/dav/"
REALM = "troth"


def throttle_name(username: str) -> str:
    return f"carddav:{username}"


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip() or len(value) > 1000:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        return None
    return username, password


class DavAuthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.dav_token = None  # type: ignore[attr-defined]
        request.dav_locked = False  # type: ignore[attr-defined]
        if request.method == "PROPFIND" and request.path_info == "/":
            # A client given the server's address asks its root first; the root is the
            # web app's Today (which would answer with a CSRF page): point it at the book.
            return HttpResponsePermanentRedirect("/.well-known/carddav")
        if request.path_info.startswith(PREFIX):
            self._authenticate(request)
        return self.get_response(request)

    def _authenticate(self, request: HttpRequest) -> None:
        creds = basic_credentials(request)
        if creds is None:
            return
        username, raw = creds
        name = throttle_name(username)
        axes_credentials = {"username": name}
        # A live token goes through even while the name is locked: the lock is against
        # guessing, and 256 random bits are not guessed. Without this, a phone still
        # syncing with a revoked token kept its owner's new token locked out for good
        # (a newcomer's review); only what fails is held back.
        token = authenticate_basic(username, raw)
        if token is None and not AxesProxyHandler.is_allowed(request, axes_credentials):
            request.dav_locked = True  # type: ignore[attr-defined]
            return
        if token is None:
            # axes counts it (its signal handler); its middleware would turn the
            # lockout into the sign-in page's HTML, so the flag it sets is taken
            # back: the DAV view answers for itself (429).
            user_login_failed.send(sender=__name__, credentials=axes_credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.dav_locked = True  # type: ignore[attr-defined]
                request.axes_locked_out = False  # type: ignore[attr-defined]
            return
        if AccessAttempt.objects.filter(username=name).exists():
            axes_reset(username=name)
        request.dav_token = token  # type: ignore[attr-defined]
        request.user = token.owner
