"""What the views share: the owner, htmx-aware rendering, service errors as 4xx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse


def owner_of(request: HttpRequest):
    """The signed-in user owns every row a view reads or writes (the middleware
    made sure there is one: the local owner on loopback, else a real login)."""
    return request.user


def id_url(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for any pk, at the cost of one reverse: a page that
    links to fifty people reversed the same pattern fifty times, a tenth of the
    Person page's time (issue 20). For a pattern whose one argument is an int."""
    mark = "987654321"
    head, _, tail = reverse(name, args=[int(mark)]).partition(mark)
    return lambda pk: f"{head}{pk}{tail}"


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


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


def outcome(
    request: HttpRequest,
    error: str,
    done: str,
    back: str,
    template: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
) -> HttpResponse:
    """An action's result: with htmx the fragment, 400 when it failed; without
    JavaScript a message on the page it came from (`back`, a URL) and a redirect.
    `context` may be a function, read only when the fragment is drawn."""
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(back)
    if callable(context):
        context = context()
    return render(request, template, context, status=400 if error else 200)
