"""Settings > Tokens: personal access tokens for the HTTP API (/api/v1/) and other
tools, made here (shown once) or revoked, with when each was last used; the same
service calls as `troth tokens add|revoke`.

Posts: /settings/tokens/add, /settings/tokens/<id>/revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from troth.errors import TrothError, web_text
from troth.owned import Owner
from troth.tokens.actions import NAME_MAX, do_create_token, do_revoke_token
from troth.tokens.queries import tokens
from troth.web.views.common import is_htmx, owner_of, page

PARTIAL = "web/_settings_tokens.html"


def tokens_context(owner: Owner, **bound: Any) -> dict[str, Any]:
    return {
        "api_tokens": list(tokens(owner)),
        "token_name_max": NAME_MAX,
        "token_new": bound.get("token_new", ""),
        "tokens_done": bound.get("tokens_done", ""),
        "tokens_error": bound.get("tokens_error", ""),
    }


def _section(request: HttpRequest, status: int, **bound: Any) -> HttpResponse:
    if not is_htmx(request) and status == 200 and not bound.get("token_new"):
        messages.success(request, bound.get("tokens_done", ""))
        return redirect("web:settings")
    from troth.web.views.settings import _context  # the whole page, on a plain post

    context = {**_context(request), **tokens_context(owner_of(request), **bound)}
    return page(request, "web/settings.html", context, partial=PARTIAL, status=status)


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    name = request.POST.get("name", "")
    read_only = request.POST.get("read_only") == "on"
    try:
        with transaction.atomic():
            token, raw = do_create_token(owner, name, read_only=read_only)
    except TrothError as exc:
        return _section(request, 400, tokens_error=web_text(exc))
    # The secret is in this one answer only (never stored, never in a redirect's message).
    done = f"Token {token.name!r} made{' (read-only)' if read_only else ''}."
    return _section(request, 200, token_new=raw, tokens_done=done)


@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    owner = owner_of(request)
    try:
        with transaction.atomic():
            token = do_revoke_token(owner, token_id)
    except TrothError as exc:  # not one of yours, or already revoked
        return _section(request, 404, tokens_error=web_text(exc))
    return _section(request, 200, tokens_done=f"Revoked {token.name!r}: it no longer works.")
