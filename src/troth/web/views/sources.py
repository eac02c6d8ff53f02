"""Settings → Sources: mail and calendars troth syncs by itself (issue 14), the same
service calls as `troth sources` and `troth sync`.

Posts: /settings/sources/add, /settings/sources/<id>/remove, /settings/sources/<id>/sync.
"Sync now" starts the sync in the background (a thread of `troth serve` with the
immediate task backend, else a task for `troth worker`) and answers at once: the
section then says it is syncing, and what it did once it is done. A password is
never rendered back: the form's field is always empty."""

from __future__ import annotations

import threading
from typing import Any

from django import forms
from django.contrib import messages
from django.db import close_old_connections, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from troth.errors import TrothError, web_text
from troth.owned import Owner
from troth.sync import actions
from troth.sync.queries import as_row, source, sources
from troth.sync.secrets import key_store
from troth.web.forms import Form
from troth.web.views.common import is_htmx, owner_of, page

PARTIAL = "web/_settings_sources.html"


class SourceForm(Form):
    kind = forms.ChoiceField(
        choices=[("imap", "Mail (IMAP)"), ("caldav", "Calendar (CalDAV)"), ("ics", "ICS address")]
    )
    host = forms.CharField(required=False, max_length=300, label="IMAP server")
    port = forms.IntegerField(required=False, min_value=1, max_value=65535)
    security = forms.ChoiceField(
        choices=[("tls", "TLS"), ("starttls", "STARTTLS"), ("none", "none (trusted network)")],
        initial="tls",
        required=False,
    )
    url = forms.CharField(
        required=False, max_length=2000, label="Address (CalDAV server, or the secret ICS address)"
    )
    user = forms.CharField(required=False, max_length=300, label="Login")
    label = forms.CharField(
        required=False,
        max_length=80,
        label="Label",
        help_text="your name for it, as 'work calendar' (optional)",
    )
    password = forms.CharField(
        required=False, max_length=500, widget=forms.PasswordInput(render_value=False)
    )
    folders = forms.CharField(
        required=False,
        max_length=1000,
        help_text="IMAP folders, comma-separated (default: inbox, Sent)",
    )
    me = forms.CharField(
        required=False, max_length=1000, label="Your addresses", help_text="comma-separated"
    )
    every = forms.IntegerField(
        initial=15,
        min_value=actions.MIN_EVERY,
        max_value=actions.MAX_EVERY,
        label="Every (minutes)",
    )


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def sources_context(owner: Owner, **bound: Any) -> dict[str, Any]:
    return {
        "sources": [as_row(s) for s in sources(owner)],
        "source_form": bound.get("source_form") or SourceForm(prefix="src"),
        "sources_done": bound.get("sources_done", ""),
        "sources_error": bound.get("sources_error", ""),
        "key_store": key_store(where=False),
    }


def _section(request: HttpRequest, status: int, **bound: Any) -> HttpResponse:
    if not is_htmx(request) and status == 200:
        messages.success(request, bound.get("sources_done", ""))
        return redirect("web:settings")
    from troth.web.views.settings import _context  # the whole page, on a plain post

    context = {**_context(request), **sources_context(owner_of(request), **bound)}
    return page(request, "web/settings.html", context, partial=PARTIAL, status=status)


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    owner = owner_of(request)
    form = SourceForm(request.POST, prefix="src")
    if not form.is_valid():
        return _section(request, 400, source_form=form)
    d = form.cleaned_data
    try:
        if d["kind"] == "ics":  # one fetch first (troth sources add ics), outside a transaction
            made = actions.do_add_ics(
                owner, url=d["url"], me=_split(d["me"]), every=d["every"], label=d["label"]
            )
        with transaction.atomic():
            if d["kind"] == "imap":
                if not d["host"] or not d["user"]:
                    raise TrothError("a mail source needs its IMAP server and login")
                made = actions.do_add_imap(
                    owner,
                    host=d["host"],
                    port=d["port"],
                    security=d["security"] or "tls",
                    username=d["user"],
                    password=d["password"],
                    folders=_split(d["folders"]),
                    me=_split(d["me"]),
                    every=d["every"],
                    label=d["label"],
                )
            elif d["kind"] == "caldav":
                if not d["url"] or not d["user"]:
                    raise TrothError("a CalDAV source needs the server's address and a login")
                made = actions.do_add_caldav(
                    owner,
                    url=d["url"],
                    username=d["user"],
                    password=d["password"],
                    me=_split(d["me"]),
                    every=d["every"],
                    label=d["label"],
                )
    except TrothError as exc:
        form.add_error(None, web_text(exc))
        return _section(request, 400, source_form=form)
    return _section(
        request,
        200,
        sources_done=f"Added {made.label}: it syncs within a minute or two; Sync now to start at once.",
    )


@require_POST
def remove(request: HttpRequest, source_id: int) -> HttpResponse:
    owner = owner_of(request)
    try:
        found = source(owner, source_id)
        undone = actions.do_remove_source(owner, found, purge=request.POST.get("purge") == "1")
    except TrothError as exc:
        return _section(
            request, 404 if "no source" in web_text(exc) else 400, sources_error=web_text(exc)
        )
    done = f"Removed {found.label}" + (
        f", {undone} import(s) undone." if undone else "; what it imported stays."
    )
    return _section(request, 200, sources_done=done)


# Syncs this process runs in threads at once ("Sync now" with the immediate backend).
# A cap on this process's own threads and connections, not state shared between
# requests: each click past it is told to try again (a security review's H2: twenty
# slow sources of one member held twenty threads and database connections).
SYNC_THREADS = 3
_threads = threading.BoundedSemaphore(SYNC_THREADS)


def _run(source_id: int) -> None:
    from troth.sync.tasks import sync_source

    try:
        close_old_connections()
        sync_source.call(source_id)
    finally:
        connections.close_all()
        _threads.release()


@require_POST
def sync_now(request: HttpRequest, source_id: int) -> HttpResponse:
    owner = owner_of(request)
    try:
        found = source(owner, source_id)
    except TrothError as exc:
        return _section(request, 404, sources_error=web_text(exc))
    from troth.importers.tasks import runs_in_thread
    from troth.sync.tasks import sync_source

    if found.lease_until is not None and found.lease_until > timezone.now():
        return _section(request, 409, sources_error=f"{found.label} is syncing already.")
    if runs_in_thread():  # troth serve on a laptop: its own thread, the page answers now
        if not _threads.acquire(blocking=False):
            return _section(
                request,
                503,
                sources_error="Other syncs are running: try again in a minute.",
            )
        threading.Thread(
            target=_run, args=(found.pk,), name=f"troth-sync-{found.pk}", daemon=True
        ).start()
    else:
        sync_source.enqueue(found.pk)
    return _section(
        request, 200, sources_done=f"Syncing {found.label} now: reload to see what it added."
    )
