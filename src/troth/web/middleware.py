"""What every request of the web app goes through before a view sees it.

`LocalOwnerMiddleware`: in local mode (`troth serve` on a loopback address) a
request from this machine is the local owner's, with no login: nobody should have
to sign in to their own laptop. It acts only when TROTH_LOCAL_LOGIN is on *and*
the request comes from a loopback address, so a server (which leaves it off and
binds elsewhere) always asks for a real account.

`TrothErrorMiddleware`: a TrothError escaping a view is the user's mistake, so it
becomes a 400 page with its message (a NotFound a 404, a Forbidden a 403), never a
500.

`ServerTimingMiddleware`: every response says how long the app took to make it,
in a standard `Server-Timing: app;dur=<ms>` header (the browser's network panel
shows it; bench/bench_web.py reads it to tell server time from queueing).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from troth.errors import Forbidden, NotFound, TrothError, web_text
from troth.prepared import Prepared


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return address == "localhost"


_local_user_id: int | None = None


def _local_user_row(user_id: int) -> QuerySet[Any, Any]:
    # (imported here: this module is loaded with the settings, before the apps)
    from django.contrib.auth import get_user_model

    from troth.owners import LOCAL_USERNAME

    return (
        get_user_model()
        .objects.filter(id=user_id, username=LOCAL_USERNAME, is_active=True)
        .order_by("pk")[:1]
    )


# Composed once (troth.prepared): it is read on every request of the local app.
_LOCAL_USER: Prepared[Any] = Prepared(_local_user_row)


def _local_user():
    """The local owner, looked up once per process (and again if it was deleted)."""
    global _local_user_id
    from django.db import transaction

    from troth.owners import local_owner

    if _local_user_id is not None:
        found = _LOCAL_USER(_local_user_id)
        if found:
            return found[0]
    with transaction.atomic():
        user = local_owner()
    _local_user_id = user.id
    return user


class LocalOwnerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(settings, "TROTH_LOCAL_LOGIN", False)
            and is_loopback(request.META.get("REMOTE_ADDR"))
            and not request.user.is_authenticated
        ):
            # No session is written: the owner is implied by where the request comes from.
            request.user = _local_user()
            request.troth_local = True  # type: ignore[attr-defined]
        return self.get_response(request)


def _nul_in(request: HttpRequest) -> str | None:
    """The first query or form field (name or value) holding a NUL character. A
    multipart body is read in `process_view`, after CSRF's check (reading it here would
    fix its upload handlers before an import view sets its own)."""
    if request.path.startswith("/api/"):
        return None
    sources = [("query parameter", request.GET)]
    if request.content_type == "application/x-www-form-urlencoded":
        sources.append(("form field", request.POST))
    for kind, data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return f"{kind} {key.replace(chr(0), '')!r}"
    return None


class NulCookieMiddleware:
    """A cookie holding a NUL character is dropped before the session reads it: Django
    unescapes "\\000" in a cookie's value to a NUL, which PostgreSQL refuses in the
    session lookup (a 500 on any page, signed in or not: the third attacker's review)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if "\x00" in n or "\x00" in v]:
            del request.COOKIES[name]
        return self.get_response(request)


class TrothErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _nul_in(request)
        if where is not None:
            # PostgreSQL cannot hold a NUL character: a search for one was a 500 there
            # (DataError) and a 400 on SQLite (the second attacker's review). The API
            # refuses them itself, in JSON.
            message = f"{where}: contains a NUL character"
            return render(request, "web/error.html", {"message": message}, status=400)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # A multipart form's fields, once CSRF's check has read them (every view it
        # checks): views that read request.POST themselves (bulk tags, a token's name)
        # passed a NUL on to PostgreSQL (the third attacker's review). A view exempt from
        # that check reads its body its own way (an upload sets its handlers first).
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and not getattr(view, "csrf_exempt", False)
            and not request.path.startswith("/api/")
        ):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    message = f"form field {key.replace(chr(0), '')!r}: contains a NUL character"
                    return render(request, "web/error.html", {"message": message}, status=400)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(web_text(exception))
        if isinstance(exception, Forbidden):
            return render(request, "web/error.html", {"message": web_text(exception)}, status=403)
        if isinstance(exception, TrothError):
            return render(request, "web/error.html", {"message": web_text(exception)}, status=400)
        return None


class ServerTimingMiddleware:
    """The time from this middleware to the response, as `Server-Timing: app;dur=ms`.
    Listed first in MIDDLEWARE, so it covers every other middleware, the view and
    its template (a streamed body is not counted: it is produced after)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        ms = (time.perf_counter() - start) * 1000
        response["Server-Timing"] = f"app;dur={ms:.1f}"
        return response


class VaryOnHtmxMiddleware:
    """`Vary: HX-Request` on every page: a page answers htmx with a piece of itself and
    a browser with the whole, under the same address. Without it the browser kept the
    piece (a live search pushes its address to the history) and showed it alone, with
    no menu or search box, on Back (a newcomer's review)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):  # pages, not the API
            patch_vary_headers(response, ("HX-Request",))
        return response
