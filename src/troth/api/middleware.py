"""Every error under /api/ is JSON, `{"error": "..."}`, as README promises, including
the ones no endpoint wrote: a path that matches no endpoint (Django's 404 page, the
web app's HTML) and a method an endpoint does not take (django-ninja's plain-text
405). Headers such as Allow and Retry-After are kept."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
KEEP = ("Allow", "Retry-After", "Vary", "WWW-Authenticate")


def _message(request: HttpRequest, response: HttpResponse) -> str:
    status = response.status_code
    if status == 404:
        return "no such endpoint (the list is at /api/v1/openapi.json)"
    if status == 405:
        allowed = response.get("Allow", "")
        return f"{request.method} is not allowed here" + (
            f" (allowed: {allowed})" if allowed else ""
        )
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return f"error {status}"


class JsonApiErrorsMiddleware:
    """Outermost but for the timing: it sees the answer every other layer gave."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.streaming
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        replaced = JsonResponse({"error": _message(request, response)}, status=response.status_code)
        for name in KEEP:
            if name in response:
                replaced[name] = response[name]
        return replaced
