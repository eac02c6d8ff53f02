"""Security headers and limits that Django has no setting for.

`PermissionsPolicyMiddleware`: every answer denies the browser features no page of
troth uses (camera, microphone, location...), so a script that got in could not
reach them either.

`SignInThrottle`: django-axes' lockout, for sign-ins that come from the web.

`AnonymousBodyLimitMiddleware`: a request that is not signed in may send a small
body only (TROTH_ANONYMOUS_BODY_KB, 64 KiB: the sign-in form is a few hundred
bytes). A bigger one is refused with 413 from its Content-Length, before anything
reads the body, so nobody can make the server parse megabytes without an account.
Under WSGI a body is only ever read up to its Content-Length (waitress sets it for
a chunked body too, once received), so the header is the whole story here; what
waitress buffers before the app sees a request is capped by `troth serve`
(max_request_body_size, the upload limit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "TROTH_PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


def content_length(request: HttpRequest) -> int | None:
    """The declared body size; None when absent, -1 when unreadable (refused too)."""
    raw = request.META.get("CONTENT_LENGTH")
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return -1
    return value if value >= 0 else -1


def _api_token(request: HttpRequest) -> bool:
    """A request to the HTTP API with a live token is signed in too (troth.api checks the
    token again, and whether it may write); asked only of a body over the cap."""
    if not request.path.startswith("/api/"):
        return False
    size = content_length(request)
    cap = int(getattr(settings, "TROTH_ANONYMOUS_BODY_BYTES", 64 * 1024))
    if size is not None and 0 <= size <= cap:
        return False  # small enough either way: no lookup
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return False
    from troth.tokens.queries import authenticate

    return authenticate(header[7:].strip()) is not None


class AnonymousBodyLimitMiddleware:
    """After authentication (and local mode) in MIDDLEWARE, before any view or the CSRF
    check reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not _api_token(request):
            cap = int(getattr(settings, "TROTH_ANONYMOUS_BODY_BYTES", 64 * 1024))
            size = content_length(request)
            if size is not None and (size < 0 or size > cap):
                response = HttpResponse(
                    f"Request body too large: {cap // 1024} KiB at most before you sign in.\n",
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
                return response
        return self.get_response(request)


class SignInThrottle(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS. Every sign-in from
    the web passes its request (Django's LoginView and the admin's do), and that is what
    axes throttles. A call without one is not a web sign-in (Django's test client
    login(), a script): there is no client to lock out, so this backend stands aside
    instead of raising, and Django's own backend checks the password as before."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
