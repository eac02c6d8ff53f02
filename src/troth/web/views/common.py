"""What the views share: the owner, htmx-aware rendering, service errors as 4xx."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from troth.errors import NotFound


def owner_of(request: HttpRequest):
    """The signed-in user owns every row a view reads or writes (the middleware
    made sure there is one: the local owner on loopback, else a real login)."""
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def not_found(exc: NotFound) -> Http404:
    return Http404(str(exc))


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only `partial` when htmx asked for a piece of it."""
    chosen = partial if partial and is_htmx(request) else template
    return render(request, chosen, context, status=status)
