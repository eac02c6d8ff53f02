"""Import: upload a file (LinkedIn export, Google Contacts, vCard, calendar, mail, a
troth JSON export), watch it come in, read the summary, and decide the merge
suggestions it raised.

The upload is refused before it is stored when it is over TROTH_MAX_UPLOAD_MB (413),
and when its kind cannot be told (400, naming the file). A stored upload gets a
random name under the data directory and becomes a queued ImportRun, run in the
background by `troth.importers.tasks` (which deletes the file afterwards); the run's
page polls a small status fragment every second until the run is done or failed.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from troth.errors import TrothError, web_text
from troth.identity.actions import do_accept, do_reject, do_unmerge
from troth.identity.models import MergeRecord, MergeSuggestion
from troth.importers import tasks
from troth.importers.apply import reason_counts
from troth.importers.detect import KINDS, detect_kind
from troth.importers.models import ImportRun
from troth.importers.undo import do_undo_import, forced_losses
from troth.lib import csvsafe
from troth.lib.contact import ContactError, normalize_email, normalize_url
from troth.lib.text import is_number
from troth.owned import Owner
from troth.owners import own_addresses
from troth.people.models import ContactPoint, Person
from troth.web.forms import Form
from troth.web.views.common import outcome, owner_of

PAST_RUNS = 30
SUGGESTIONS = 50
REASONS = 10
MB = 1024 * 1024
# Content-Length counts the form around the file too (boundaries, the other fields).
FORM_SLACK = 64 * 1024
KIND_LABELS = {
    "": "Tell from the file",
    "linkedin": "LinkedIn export (Connections.csv, messages.csv or the whole zip)",
    "google": "Google Contacts CSV",
    "csv": "A CSV of your own (a Name column, or First Name and Last Name)",
    "vcard": "vCard address book (.vcf)",
    "ics": "Calendar (.ics)",
    "mail": "Mail (mbox or .eml)",
    "json": "troth JSON export (restore into an empty account)",
}
ACCEPTED_HERE = "merged from the Import page"  # the MergeRecord reason of merges made here
STAGES = {
    "reading": "Reading the file",
    "people": "People",
    "interactions": "Interactions",
    "identities": "Looking for the same person twice",
    "messages": "Reading messages",
    "restoring": "Restoring",
    "preview": "Preview",
}
SUPPORTED = (
    "a LinkedIn export (CSV or zip), a Google Contacts CSV, a CSV of your own with a"
    " name column, a vCard (.vcf),"
    " a calendar (.ics), mail (mbox or .eml) or a troth JSON export"
)


def max_upload_bytes() -> int:
    return int(float(settings.TROTH_MAX_UPLOAD_MB) * MB)


def _mb(n: float) -> str:
    return f"{n:g} MB"


def too_big_message(name: str = "") -> str:
    what = f"{name} is" if name else "That file is"
    return (
        f"{what} larger than the {_mb(float(settings.TROTH_MAX_UPLOAD_MB))} an upload may be;"
        " nothing was stored (TROTH_MAX_UPLOAD_MB sets the limit)."
    )


class LimitedUpload(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, before any more of it
    is stored (the temporary file handler after it deletes what it had)."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.name = ""

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.name = file_name

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        return None


def _split_addresses(text: str) -> list[str]:
    return [a for a in re.split(r"[\s,;]+", text) if a]


class ImportForm(Form):
    file = forms.FileField(
        label="File",
        help_text="LinkedIn CSV or zip, Google Contacts CSV, vCard, .ics, mbox or .eml,"
        " or a troth JSON export",
    )
    kind = forms.ChoiceField(
        label="What it is",
        choices=[(k, KIND_LABELS[k]) for k in ("", *KINDS)],
        required=False,
    )
    me = forms.CharField(
        label="Your own addresses",
        required=False,
        max_length=2000,
        help_text="E-mail addresses and profile URLs that are you, so your own mail and"
        " meetings are not taken for someone else's (remembered for later imports)",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_me(self) -> list[str]:
        out = []
        for raw in _split_addresses(self.cleaned_data.get("me") or ""):
            try:
                if "@" in raw and "/" not in raw:
                    out.append(normalize_email(raw))
                else:
                    out.append(normalize_url(raw))
            except ContactError:
                raise forms.ValidationError(
                    f"{raw} is neither an e-mail address nor a profile URL"
                ) from None
        return out


def my_addresses(owner: Owner) -> str:
    """The owner's own e-mail addresses and profile URLs, as the import form shows them."""
    kinds = {ContactPoint.EMAIL, ContactPoint.URL}
    return " ".join(value for kind, value in own_addresses(owner) if kind in kinds)


def run_row(run: ImportRun) -> dict[str, Any]:
    counts = run.counts or {}
    return {
        "undone": run.undone_at is not None,
        "id": run.pk,
        "name": run.file_name or Path(run.path).name or run.path,
        "kind": run.kind,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "created": counts.get("people_created", 0),
        "updated": counts.get("people_updated", 0),
        "merged": counts.get("people_merged", 0),
        "interactions": counts.get("interactions_added", 0),
        "skipped": counts.get("skipped", 0),
        "restored": sum((counts.get("restored") or {}).values()),
        "web": bool(run.file_name),
        "error": run.error,
    }


def _index_context(request: HttpRequest, form: ImportForm | None = None) -> dict[str, Any]:
    owner = owner_of(request)
    if form is None:
        form = ImportForm(initial={"me": my_addresses(owner)})
    runs = [run_row(r) for r in ImportRun.objects.filter(owner=owner)[:PAST_RUNS]]
    return {
        "nav": "import",
        "form": form,
        "runs": runs,
        "max_mb": _mb(float(settings.TROTH_MAX_UPLOAD_MB)),
        "max_bytes": max_upload_bytes(),
        "open_suggestions": MergeSuggestion.objects.filter(
            owner=owner, status=MergeSuggestion.OPEN
        ).count(),
    }


@require_GET
def import_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/import.html", _index_context(request))


def _refused(request: HttpRequest, form: ImportForm, message: str, status: int) -> HttpResponse:
    context = _index_context(request, form)
    context["refusal"] = message
    return render(request, "web/import.html", context, status=status)


@csrf_exempt  # checked by `_upload` once the upload handlers are in place
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    limit = max_upload_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FORM_SLACK:
        # refused unread: nothing of it reaches the disk
        form = ImportForm(initial={"me": my_addresses(owner_of(request))})
        return _refused(request, form, too_big_message(), 413)
    limiter = LimitedUpload(request, limit)
    request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
    return _upload(request, limiter)


@csrf_protect
def _upload(request: HttpRequest, limiter: LimitedUpload) -> HttpResponse:
    owner = owner_of(request)
    form = ImportForm(request.POST, request.FILES)
    if limiter.too_big:
        form = ImportForm(initial={"me": request.POST.get("me", "")})
        return _refused(request, form, too_big_message(limiter.name), 413)
    if not form.is_valid():
        return render(request, "web/import.html", _index_context(request, form), status=400)
    uploaded: UploadedFile = form.cleaned_data["file"]
    name = Path(uploaded.name or "upload").name[:255]
    if uploaded.size is not None and uploaded.size > max_upload_bytes():
        return _refused(request, form, too_big_message(name), 413)
    stored = _store(uploaded, name)
    kind = form.cleaned_data["kind"]
    if not kind:
        try:
            kind = detect_kind(stored)
        except TrothError:
            stored.unlink(missing_ok=True)
            return _refused(
                request,
                form,
                f"{name}: troth cannot tell what kind of file this is. Upload {SUPPORTED},"
                " or choose what it is.",
                400,
            )
    # Every file is first imported as a dry run, and shown, before anything is written
    # (issue 18 item 3); a troth export restores only into an empty account anyway.
    run = tasks.do_queue_import(
        owner, stored, name, kind, form.cleaned_data["me"], preview=kind != "json"
    )
    return redirect("web:import-run", run_id=run.pk)


def _store(uploaded: UploadedFile, name: str) -> Path:
    """The upload under the data directory, with a random name (its extension kept:
    detection falls back on it)."""
    suffix = Path(name).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", suffix):
        suffix = ""
    target = tasks.uploads_dir() / f"upload-{secrets.token_urlsafe(16)}{suffix}"
    with target.open("xb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return target


class Moved(Exception):
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id


def _run(request: HttpRequest, run_id: int, *, follow: bool = True) -> ImportRun:
    """The owner's run (404 for anyone else's). A run a restore wrote again under
    another id (see backup.upload.restore_upload) is that one, or `Moved` when not `follow`."""
    owner = owner_of(request)
    moved = tasks.moved_to(run_id)
    if moved is not None and ImportRun.objects.filter(owner=owner, pk=moved).exists():
        if not follow:
            raise Moved(moved)
        run_id = moved
    run = ImportRun.objects.filter(owner=owner, pk=run_id).first()
    if run is None:
        raise Http404(f"no import with id {run_id}")
    if tasks.orphaned(run):
        tasks.do_mark_interrupted(run)
        run.refresh_from_db()
    return run


def suggestion_rows(run: ImportRun) -> tuple[list[dict[str, Any]], int]:
    """The open merge suggestions this run raised (while it ran), likeliest first."""
    if run.status != ImportRun.DONE or run.finished_at is None:
        return [], 0
    found = MergeSuggestion.objects.filter(
        owner=run.owner,
        status=MergeSuggestion.OPEN,
        created_at__gte=run.started_at,
        created_at__lte=run.finished_at,
    ).select_related("person_a", "person_b")
    total = found.count()
    return [suggestion_row(s) for s in found[:SUGGESTIONS]], total


def suggestion_row(s: MergeSuggestion) -> dict[str, Any]:
    return {
        "id": s.pk,
        "a": {"id": s.person_a_id, "name": s.person_a.full_name},
        "b": {"id": s.person_b_id, "name": s.person_b.full_name},
        "confidence": round(s.confidence * 100),
        "reasons": "; ".join(str(r) for r in s.reasons),
    }


def status_context(run: ImportRun) -> dict[str, Any]:
    live = tasks.read_progress(run.pk) if run.status == ImportRun.RUNNING else {}
    stage = str(live.get("stage") or run.stage or "")
    done, total = live.get("done"), live.get("total")
    percent, detail = None, ""
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        percent = min(100, round(100 * done / total))
        detail = f"{done:,} of {total:,}"
    elif stage in ("reading", "messages") and isinstance(done, int) and done:
        unit = "messages" if stage == "messages" else "records"
        detail = f"{done:,} {unit} so far"
    # counted by reason as the command line counts them (apply.reason_counts): whole
    # reasons, those differing only in a value (an unknown sender) on one line
    reasons = reason_counts(
        (str(p.get("reason", "")), str(p.get("group", ""))) for p in run.problems or []
    )
    counts = run.counts or {}
    left_out = counts.get("left_out") or {}
    suggestions, suggestions_total = suggestion_rows(run)
    created, created_more = _people_named(run, "created_ids", counts.get("people_created", 0))
    updated, updated_more = _people_named(run, "updated_ids", counts.get("people_updated", 0))
    preview = counts.get("preview") if run.status == ImportRun.PREVIEW else None
    return {
        "preview": preview,
        "noise": counts.get("noise") or [],
        "undoable": run.status == ImportRun.DONE and run.kind != "json" and not run.undone_at,
        "created_people": created,
        "created_more": created_more,
        "updated_people": updated,
        "updated_more": updated_more,
        "run": run,
        "row": run_row(run),
        "active": run.status in (ImportRun.QUEUED, ImportRun.RUNNING),
        "needs_worker": run.status == ImportRun.QUEUED and not tasks.runs_in_thread(),
        "stage": STAGES.get(stage, stage),
        "done": done if isinstance(done, int) else None,
        "total": total if isinstance(total, int) else None,
        "percent": percent,
        "detail": detail,
        "reasons": list(reasons.items())[:REASONS],
        "more_reasons": max(0, len(reasons) - REASONS),
        "left_out": sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0])),
        "restored": sorted(((run.counts or {}).get("restored") or {}).items()),
        "suggestions": suggestions,
        "suggestions_more": suggestions_total - len(suggestions),
        "nothing_new": _nothing_new(run, counts),
        # the importers speak the command line's language: say it in the page's
        "needs_me": run.status == ImportRun.FAILED and "--me" in (run.error or ""),
    }


PEOPLE_NAMED = 20  # the people an import created or updated, named on its page


def _people_named(run: ImportRun, key: str, count: int) -> tuple[list[dict[str, Any]], int]:
    """The first people the run created (or updated) who are still there, by name, and
    how many more it counted; only the run owner's people."""
    if run.status != ImportRun.DONE:
        return [], 0
    ids = [i for i in (run.counts or {}).get(key) or [] if isinstance(i, int)][:PEOPLE_NAMED]
    names = dict(
        Person.objects.filter(owner=run.owner, is_me=False, id__in=ids).values_list(
            "id", "full_name"
        )
    )
    shown = [{"id": i, "name": names[i]} for i in ids if i in names]
    return shown, max(0, count - len(shown))


def _nothing_new(run: ImportRun, counts: dict[str, Any]) -> list[str]:
    """The lines saying why an import changed nothing (ImportSummary.nothing_new), for
    runs that stored it; older runs: the plain re-import line when nothing changed. A
    preview says it too (in its tense), or a file that would bring nothing shows only
    zeros and an "Import it" button."""
    if run.status not in (ImportRun.DONE, ImportRun.PREVIEW) or run.kind == "json":
        return []
    if "nothing_new" in counts:
        return [line for line in str(counts["nothing_new"]).splitlines() if line]
    changed = ("people_created", "people_updated", "people_merged", "interactions_added")
    if any(counts.get(k) for k in changed):
        return []
    return ["Nothing new: everything in this file was already here."]


@require_GET
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = _run(request, run_id, follow=False)
    except Moved as moved:
        return redirect("web:import-run", run_id=moved.run_id)
    context = status_context(run)
    if request.GET.get("undo") == "refused" and context["undoable"]:
        # beside "Undo anyway", what it would remove besides the import's own, in the
        # refusal's words (as `troth import --undo RUN --force` asks)
        try:
            context["forced_losses"] = forced_losses(owner_of(request), run.pk)
        except TrothError:
            context["forced_losses"] = []
    return render(request, "web/import_run.html", {"nav": "import", **context})


@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The polled fragment: progress while the run is active, then its summary."""
    try:
        run = _run(request, run_id, follow=False)
    except Moved as moved:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:import-run", args=[moved.run_id])
        return response
    return render(request, "web/_import_status.html", status_context(run))


@require_GET
def report(request: HttpRequest, run_id: int) -> HttpResponse:
    """Every skipped record of a run, with where and why (as `troth import --report`)."""
    run = _run(request, run_id)
    out = io.StringIO()
    writer = csvsafe.writer(out)  # file names and rows come from the upload
    writer.writerow(["where", "reason"])
    for p in run.problems or []:
        writer.writerow([p.get("where", ""), p.get("reason", "")])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="troth-import-{run.pk}-report.csv"'
    return response


@require_POST
def decide(request: HttpRequest, run_id: int, suggestion_id: int, decision: str) -> HttpResponse:
    """Accept (merge the second into the first, the older record) or reject a suggestion."""
    owner = owner_of(request)
    run = _run(request, run_id)
    if decision not in ("accept", "reject"):
        raise Http404("no such decision")
    suggestion = (
        MergeSuggestion.objects.filter(owner=owner, pk=suggestion_id)
        .select_related("person_a", "person_b")
        .first()
    )
    if suggestion is None:
        raise Http404(f"no merge suggestion with id {suggestion_id}")
    row = suggestion_row(suggestion)
    error, done, merge_id = "", "", None
    if suggestion.status != MergeSuggestion.OPEN:
        error = f"Already decided ({suggestion.status})."
    else:
        a, b = suggestion.person_a, suggestion.person_b
        try:
            with transaction.atomic():
                if decision == "accept":
                    record = do_accept(owner, a, b, reason=ACCEPTED_HERE)
                    merge_id = record.pk
                    done = f"Merged {b.full_name} into {a.full_name}."
                else:
                    do_reject(owner, a, b)
                    done = f"Noted: {a.full_name} and {b.full_name} are different people."
        except TrothError as exc:
            error = web_text(exc)
    return outcome(
        request,
        error,
        done,
        reverse("web:import-run", args=[run.pk]),
        "web/_import_suggestion.html",
        {"run": run, "s": row, "error": error, "done": done, "merge_id": merge_id},
    )


@require_POST
def unmerge(request: HttpRequest, run_id: int, merge_id: int) -> HttpResponse:
    """Undo a merge accepted on this page: the merged person comes back as they were,
    and troth will not suggest the pair again."""
    owner = owner_of(request)
    run = _run(request, run_id)
    record = MergeRecord.objects.filter(owner=owner, pk=merge_id).select_related("kept").first()
    # only a merge accepted on this run's page (the command line's `troth unmerge` undoes
    # any): accepted there after the run finished, with the page's own reason
    if (
        record is None
        or record.reason != ACCEPTED_HERE
        or run.finished_at is None
        or record.created_at < run.finished_at
    ):
        raise Http404(f"no merge with id {merge_id} accepted on this import's page")
    row = {
        "id": request.POST.get("suggestion", "")
        if is_number(request.POST.get("suggestion", ""))
        else "",
        "a": {"id": record.kept_id, "name": record.kept.full_name},
        "b": {"id": record.merged_id, "name": record.merged_name},
    }
    error, done = "", ""
    try:
        with transaction.atomic():
            do_unmerge(owner, record)
        done = (
            f"Undone: {record.merged_name} and {record.kept.full_name} are two people again;"
            " troth will not suggest merging them again."
        )
    except TrothError as exc:
        error = web_text(exc)
    return outcome(
        request,
        error,
        done,
        reverse("web:import-run", args=[run.pk]),
        "web/_import_suggestion.html",
        {"run": run, "s": row, "error": error, "done": done or error, "unmerged": True},
    )


@require_POST
def confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    """Import a previewed upload for real ("Import it", or "Import anyway" for a file
    that looks like noise)."""
    run = _run(request, run_id)
    try:
        tasks.do_confirm_import(run, force=request.POST.get("force") == "1")
    except TrothError as exc:
        messages.error(request, web_text(exc))
    return redirect("web:import-run", run_id=run.pk)


@require_POST
def cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    """Drop a previewed upload: nothing was written, and the file goes too."""
    run = _run(request, run_id)
    try:
        tasks.do_cancel_import(run)
    except TrothError as exc:
        messages.error(request, web_text(exc))
        return redirect("web:import-run", run_id=run.pk)
    messages.success(request, f"Not imported: {run_row(run)['name']} was not kept.")
    return redirect("web:import")


@require_POST
def undo(request: HttpRequest, run_id: int) -> HttpResponse:
    """Undo this import: what it created goes, what it changed is put back (see
    troth.importers.undo); refused, with why, when that is no longer safe."""
    owner = owner_of(request)
    run = _run(request, run_id)
    force = request.POST.get("force") == "1"
    try:
        # (what goes with the people is not in the counts, which are the import's own)
        losses = forced_losses(owner, run.pk) if force else []
        done = do_undo_import(owner, run.pk, force=force)
    except TrothError as exc:
        messages.error(request, web_text(exc).replace("use --force", "press Undo anyway"))
        return redirect(reverse("web:import-run", args=[run.pk]) + "?undo=refused")
    messages.success(
        request,
        f"Undone: {done.people_removed} {'person' if done.people_removed == 1 else 'people'}"
        f" and {done.as_dict()['interactions_removed']} interactions removed,"
        f" {done.restored} change{'' if done.restored == 1 else 's'} put back"
        + (f"; with them went {'; and '.join(losses)}." if losses else "."),
    )
    return redirect("web:import-run", run_id=run.pk)
