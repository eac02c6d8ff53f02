"""Imports (`troth import`, `troth imports`): upload a file, follow its run, confirm or
cancel its preview. As on the Import page, every upload is first a dry run (a
preview) that writes nothing until it is confirmed; a troth JSON export restores
into an empty account at once."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile

from troth import present
from troth.api.core import Out, answers, atomic_write, owner, paginate
from troth.errors import NotFound, TrothError, web_text
from troth.importers import tasks
from troth.importers.detect import KINDS, detect_kind
from troth.importers.models import ImportRun
from troth.owned import Owner

router = Router(tags=["imports"])
MB = 1024 * 1024


class ImportRow(Out):
    id: int
    when: str
    kind: str
    file: str
    people_created: int
    people_updated: int
    people_merged: int
    interactions_added: int
    skipped: int
    status: str
    undone: bool
    undone_at: str | None


class ImportPage(Out):
    items: list[ImportRow]
    next: str | None


class ImportStatus(ImportRow):
    stage: str
    error: str


def _run(who: Owner, run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(owner=who, pk=run_id).first()
    if run is None:
        raise NotFound(f"no import with id {run_id}")
    if tasks.orphaned(run):
        tasks.do_mark_interrupted(run)
        run.refresh_from_db()
    return run


def _status(run: ImportRun) -> dict:
    return {**present.import_run_row(run), "stage": run.stage or "", "error": run.error or ""}


@router.get("/imports", response=answers(ImportPage), summary="Your imports")
def list_imports(request: HttpRequest, limit: int = 50, cursor: str | None = None) -> dict:
    """`troth imports --json`: newest first."""
    rows = [present.import_run_row(r) for r in ImportRun.objects.filter(owner=owner(request))]
    return paginate(request, rows, cursor, limit)


@router.get("/imports/{import_id}", response=answers(ImportStatus), summary="One import")
def show_import(request: HttpRequest, import_id: int) -> dict:
    """Where an import stands: queued, running (its stage), preview (waiting for
    confirm), done or failed (with the error)."""
    return _status(_run(owner(request), import_id))


@router.post("/imports", response=answers(ImportStatus, 202), summary="Upload a file")
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: str = Form("", description="Empty: told from the file."),
    me: str = Form("", description="Your own addresses, space separated."),
) -> Status:
    """`troth import FILE`: multipart/form-data with `file`; the run starts at once and
    stops at its preview (confirm it with POST /imports/{id}/confirm). A CSV of your own
    is read by its headers (there is no `--map` here): one with no column headed Name,
    or First Name and Last Name, fails asking for one."""
    limit = int(float(settings.TROTH_MAX_UPLOAD_MB) * MB)
    name = Path(file.name or "upload").name[:255]
    if file.size is not None and file.size > limit:
        raise TrothError(f"{name}: over the {settings.TROTH_MAX_UPLOAD_MB:g} MB upload limit")
    if kind and kind not in KINDS:
        raise TrothError(f"kind: unknown {kind!r}; use one of {', '.join(KINDS)} (or leave it out)")
    suffix = Path(name).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", suffix):
        suffix = ""
    stored = tasks.uploads_dir() / f"upload-{secrets.token_urlsafe(16)}{suffix}"
    with stored.open("xb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    if not kind:
        try:
            kind = detect_kind(stored)
        except TrothError:
            stored.unlink(missing_ok=True)
            raise TrothError(f"file: troth cannot tell what kind of file {name} is") from None
    who = owner(request)
    run = tasks.do_queue_import(who, stored, name, kind, me.split(), preview=kind != "json")
    run.refresh_from_db()
    return Status(202, _status(run))


@router.post("/imports/{import_id}/confirm", response=answers(ImportStatus), summary="Import it")
def confirm(request: HttpRequest, import_id: int, force: bool = False) -> dict:
    """After the preview: import it for real."""
    who = owner(request)
    with atomic_write():
        run = _run(who, import_id)
    tasks.do_confirm_import(run, force=force)
    run.refresh_from_db()
    return _status(run)


@router.post("/imports/{import_id}/cancel", response=answers(None, 204), summary="Drop it")
def cancel(request: HttpRequest, import_id: int) -> Status:
    """After the preview: drop it (the upload is deleted, nothing was written)."""
    who = owner(request)
    tasks.do_cancel_import(_run(who, import_id))
    return Status(204, None)


class Undone(Out):
    run: int
    people_removed: int
    interactions_removed: int
    removed: dict[str, int]
    restored: int
    kept_later_changes: int
    unmerged: int
    also_removed: list[str]


@router.post("/imports/{import_id}/undo", response=answers(Undone), summary="Undo an import")
def undo(request: HttpRequest, import_id: int, force: bool = False) -> dict:
    """`troth import --undo ID [--force] --json`: what the import added is removed, what
    it changed put back, the merges it made undone. Refused (400) when something it
    wrote was changed since, unless `force` (what others added since to the people it
    created goes with them, named in `also_removed`; `force=true` is the confirmation
    `--yes` gives the command); 409 when it was undone already."""
    from troth.importers.undo import UndoRefused, do_undo_import

    try:
        # do_undo_import makes its own short transactions (a big import is undone in chunks)
        return do_undo_import(owner(request), import_id, force=force).as_dict()
    except UndoRefused as exc:
        raise type(exc)(_for_the_api(web_text(exc))) from None


def _for_the_api(message: str) -> str:
    """A refusal worded for the command line, as the API's caller goes on: `?force=true`
    for --force, the merge's undo call for `troth unmerge N`."""
    message = re.sub(r"troth unmerge (\d+)", r"POST /api/v1/merges/\1/undo", message)
    message = message.replace("troth imports lists them", "GET /api/v1/imports lists them")
    return message.replace("use --force", "use ?force=true").replace(
        "with --force", "with ?force=true"
    )
