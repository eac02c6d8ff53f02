"""A request that meets SQLite's write lock gets "busy, try again", not a 500.

Imports write in short transactions (troth.importers.apply), so a request waits at
most a few hundred ms for the lock; should it still time out (the busy timeout,
TROTH_BUSY_TIMEOUT seconds), `DatabaseBusyMiddleware` answers 503 with Retry-After
for an exception from a view, and `server_error` (the project's handler500) does the
same for one raised elsewhere (a middleware, the session save). The page is plain
HTML written here: drawing the site's template would read the database again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.utils.html import escape

from troth.lib.busy import BUSY_MESSAGE, is_locked

RETRY_AFTER = 5  # seconds


def busy_response(request: HttpRequest) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(f"Busy: {BUSY_MESSAGE}.", status=503, content_type="text/plain")
    else:
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Busy, try again</title></head><body><h1>Busy, try again</h1>"
            f'<p role="alert">{escape(BUSY_MESSAGE[0].upper() + BUSY_MESSAGE[1:])}.</p>'
            '<p><a href="">Try again</a></p></body></html>'
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_locked(exception):
            return busy_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lock timeout raised outside a view is a 503 too."""
    exc = sys.exc_info()[1]
    if exc is not None and is_locked(exc):
        return busy_response(request)
    from django.views.defaults import server_error as default

    response = default(request)
    return response if response is not None else HttpResponseServerError()
