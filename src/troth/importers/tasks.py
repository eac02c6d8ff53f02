"""Imports as background tasks (django-tasks), for the web app's Import page.

The page stores the upload under the data directory (a random name), writes an
`ImportRun` ("queued") and calls `start`. The task, `run_import(run_id)`, runs
`do_import` (or, for a troth JSON export, the restore troth.backup registers in
`RUNNERS`) for the owner, moves the run
through "running" to "done" or "failed" (with the one-line error) and deletes the
upload. A run is all or nothing: `do_import` writes in short transactions under
the run (which records what it wrote) and undoes what it wrote when it fails, so a
failed run leaves nothing. An upload is first run as a dry run ("preview", nothing
written, the upload kept) and imported for real only after `do_confirm_import`.

Where it runs (settings.TASKS, chosen by TROTH_TASKS):

- "immediate" (the default: one person, `troth serve` on a laptop). django-tasks'
  immediate backend runs a task inline, inside `enqueue`. Called from the upload
  request that would hold the page until the import ends, so `start` enqueues from
  a background thread instead: the request answers at once and the page polls the
  run's progress. The thread is the only worker, in the web process itself; nothing
  else to start. (TROTH_IMPORT_THREAD = False runs it inline: tests, scripts.)
- "database" (a server): `enqueue` writes the task to django-tasks-db's table and
  `troth worker` (its db_worker) runs it, in another process.

Progress: the run row gets its status and stage in transactions of its own
(running, then done or failed), and the live figures
(stage, records done, total) go to a small JSON file beside the upload, replaced
atomically a few times a second, which the page's status fragment reads.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from filelock import FileLock, Timeout

from troth.errors import TrothError
from troth.importers.models import ImportRun
from troth.importers.runners import RUNNERS
from troth.lib.text import is_number
from troth.paths import data_dir

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.25  # seconds between two writes of the progress file
UPLOADS = "uploads"
GRACE = 30  # seconds a fresh run may take to show up in its thread
UPLOAD_PREFIX = "upload-"  # the stored uploads' names (web.views.imports._store)


# Runs started in this process by `start` (immediate backend): run id -> its thread.
THREADS: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()
# One import at a time in this process: a second would wait on SQLite's write lock
# (and time out) instead of on its turn; it stays "queued" meanwhile.
_one_at_a_time = threading.Lock()


def uploads_dir() -> Path:
    folder = data_dir() / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def progress_path(run_id: int) -> Path:
    return data_dir() / UPLOADS / f"run-{run_id}.progress.json"


def read_progress(run_id: int) -> dict[str, Any]:
    """The live figures of a running import ({} when there are none yet)."""
    try:
        data = json.loads(progress_path(run_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class ProgressFile:
    """do_import's progress callback: (stage, done, total) into the progress file,
    at most every PROGRESS_EVERY seconds, and at once when the stage changes."""

    def __init__(self, run_id: int) -> None:
        self.path = progress_path(run_id)
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < PROGRESS_EVERY and done != total:
            return
        self.stage, self.last = stage, now
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(
                json.dumps({"stage": stage, "done": done, "total": total}), encoding="utf-8"
            )
            os.replace(tmp, self.path)
        except OSError:  # progress is a nicety: never fail an import over it
            logger.warning("cannot write import progress to %s", self.path, exc_info=True)


def _one_line(exc: BaseException, run: ImportRun) -> str:
    # a run is shown on the Import page and by the API: in their words, not the
    # command line's (a TrothError's or an ImportFileError's `web_message`)
    said = str(getattr(exc, "web_message", "") or exc).strip()
    text = said.splitlines()[0] if said else type(exc).__name__
    if not isinstance(exc, TrothError):
        text = f"{type(exc).__name__}: {text}"
    return _user_name(text, run)[:1000]


def _user_name(text: str, run: ImportRun) -> str:
    """The stored name is random: say the name the file was uploaded under."""
    if run.upload and run.file_name:
        text = text.replace(run.upload, run.file_name)
        text = text.replace(Path(run.upload).name, run.file_name)
    return text


def own_upload(upload: str) -> Path | None:
    """The stored upload a run names, if it is one troth made: a regular file
    named upload-* directly in the uploads folder, its path resolved. A run's
    `upload` is a column in the database, which a restore or anything else that
    writes rows may have filled: troth reads and deletes only what passes here."""
    if not upload:
        return None
    folder = uploads_dir().resolve()
    try:
        path = Path(upload)
        resolved = path.resolve(strict=True)
        mode = path.lstat().st_mode  # the name itself: a link to a file is not ours
    except (OSError, RuntimeError, ValueError):
        return None
    if resolved.parent != folder or not resolved.name.startswith(UPLOAD_PREFIX):
        return None
    return resolved if stat.S_ISREG(mode) else None


def _discard(run: ImportRun) -> None:
    for path in (own_upload(run.upload), progress_path(run.id), lock_path(run.id)):
        if path is not None:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                logger.warning("cannot delete %s", path, exc_info=True)


def lock_path(run_id: int) -> Path:
    return data_dir() / UPLOADS / f"run-{run_id}.lock"


def run_lock(run_id: int) -> FileLock:
    """Held by the process running the import, from before the run is claimed to
    after its end: a run is "running" for real only while someone holds it. The
    operating system drops it when that process dies (kill -9, a crash, a reboot),
    which is how the next start, the worker or a page visit knows a run was cut off."""
    uploads_dir()
    return FileLock(lock_path(run_id), timeout=0)


def is_live(run: ImportRun) -> bool:
    """Is some process (this one or another) running this import now?"""
    lock = run_lock(run.pk)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:  # cannot tell (a read-only folder): never cut a run short on a guess
        return True
    lock.release()
    return False


def execute(run_id: int) -> dict[str, Any]:
    """Run one queued import to its end; what `run_import` does."""
    lock = run_lock(run_id)
    try:
        lock.acquire()
    except Timeout:  # another process runs it already (a task delivered twice)
        return {"run": run_id, "status": ImportRun.RUNNING}
    try:
        return _execute(run_id)
    finally:
        lock.release()
        lock_path(run_id).unlink(missing_ok=True)


def _execute(run_id: int) -> dict[str, Any]:
    # Only a queued run starts: a task delivered twice imports once.
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.QUEUED).update(
        status=ImportRun.RUNNING, stage="reading"
    )
    run = ImportRun.objects.select_related("owner").filter(pk=run_id).first()
    if run is None:
        return {"run": run_id, "status": "missing"}
    if not claimed:
        return {"run": run_id, "status": run.status}
    try:
        counts, problems = _work(run)
    except Exception as exc:  # (do_import has undone what it wrote: see apply._do_import)
        error = _one_line(exc, run)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.FAILED, error=error, finished_at=timezone.now()
        )
        _discard(run)
        if not isinstance(exc, TrothError):
            logger.exception("import run %s failed", run.pk)
        return {"run": run.pk, "status": ImportRun.FAILED, "error": error}
    if counts.get("preview") is not None:
        # a preview waits for the owner's word: the upload stays until then
        progress_path(run.pk).unlink(missing_ok=True)
        return {"run": run.pk, "status": ImportRun.PREVIEW}
    _discard(run)
    return {"run": run.pk, "status": ImportRun.DONE, **counts, "skipped": len(problems)}


def _work(run: ImportRun) -> tuple[dict[str, Any], list[dict[str, str]]]:
    owner = run.owner
    path = own_upload(run.upload)
    if path is None:
        raise TrothError(f"{run.file_name}: the uploaded file is gone; upload it again")
    progress = ProgressFile(run.pk)
    me = [str(a) for a in run.options.get("me", []) if str(a).strip()]
    runner = RUNNERS.get(run.kind)
    if runner is not None:
        # a kind another app carries out (a troth export: backup's restore), all at once
        with transaction.atomic():
            return runner(run, path, progress), []

    from troth.importers.apply import do_import
    from troth.importers.registry import parser

    try:
        chosen = parser(run.kind)
    except (KeyError, ModuleNotFoundError):
        raise TrothError(f"importing {run.kind} files is not available") from None
    preview = bool(run.options.get("preview"))
    # Not in one transaction: do_import writes in short ones, under this run (so it
    # can be undone), and undoes itself should it fail (issue 17 item 7).
    summary = do_import(
        owner,
        chosen,
        path,
        options={"me": me},
        progress=progress,
        kind=run.kind,
        run=run,
        dry_run=preview,
        force=bool(run.options.get("force")),
    )
    problems = summary.problem_rows()
    for p in problems:
        p["where"] = _user_name(p["where"], run)
    counts = summary.run_counts()
    if preview:
        counts["preview"] = summary.preview
        counts["noise"] = summary.noise
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.PREVIEW, stage="preview", counts=counts, problems=problems
        )
        return counts, problems
    _finish(run, counts, problems)
    return counts, problems


def do_confirm_import(run: ImportRun, *, force: bool = False) -> None:
    """The owner saw the preview and said "import it" (`force`: "import anyway", for a
    file that looks like noise): the same upload is queued again, for real."""
    if run.status != ImportRun.PREVIEW:
        raise TrothError(f"import #{run.pk} is not waiting for confirmation ({run.status})")
    if (run.counts or {}).get("noise") and not force:
        raise TrothError(
            "this file does not look like an address book; press Import anyway to import it"
        )
    if _own_upload(run) is None:
        raise TrothError(f"{run.file_name}: the uploaded file is gone; upload it again")
    options = {**(run.options or {}), "preview": False, "force": force}
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.PREVIEW).update(
        status=ImportRun.QUEUED, stage="", counts={}, problems=[], options=options
    )
    if claimed:
        run.refresh_from_db()
        start(run)


def do_cancel_import(run: ImportRun) -> None:
    """The owner saw the preview and said no: the upload and the run go."""
    if run.status != ImportRun.PREVIEW:
        raise TrothError(f"import #{run.pk} is not waiting for confirmation ({run.status})")
    upload = _own_upload(run)
    if upload is not None:
        upload.unlink(missing_ok=True)
    progress_path(run.pk).unlink(missing_ok=True)
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.PREVIEW).delete()


def _own_upload(run: ImportRun) -> Path | None:
    """The run's upload, if it is a file the Import page stored: inside the uploads
    folder, under the name it gives. A run's `upload` may come from a restored
    export (security audit C2): a path anywhere else is never read or deleted."""
    if not run.upload:
        return None
    try:
        path = Path(run.upload).resolve(strict=True)
        folder = uploads_dir().resolve()
    except OSError:
        return None
    if path.parent != folder or not path.name.startswith("upload-") or not path.is_file():
        return None
    return path


def leave_marker(old: int, new: int) -> None:
    """Tell the page that polls run `old` that it now goes on as run `new`."""
    try:
        moved_path(old).write_text(str(new), encoding="utf-8")
    except OSError:
        logger.warning("cannot write %s", moved_path(old), exc_info=True)


def moved_path(run_id: int) -> Path:
    return data_dir() / UPLOADS / f"run-{run_id}.moved"


def moved_to(run_id: int) -> int | None:
    """The id a restored-over run was written again under, if it was."""
    try:
        text = moved_path(run_id).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if is_number(text) else None


def _finish(run: ImportRun, counts: dict[str, Any], problems: list[dict[str, str]]) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.DONE,
        stage="done",
        counts=counts,
        problems=problems,
        finished_at=timezone.now(),
    )


@task()
def run_import(run_id: int) -> dict[str, Any]:
    """The background task: import the upload of run `run_id` (see `execute`)."""
    return execute(run_id)


def runs_in_thread() -> bool:
    backend = task_backends[run_import.backend]
    return isinstance(backend, ImmediateBackend) and getattr(settings, "TROTH_IMPORT_THREAD", True)


def _thread_main(run_id: int) -> None:
    try:
        with _one_at_a_time:
            close_old_connections()
            run_import.enqueue(run_id)
    finally:
        connections.close_all()  # this thread's own connection


def do_queue_import(
    owner,
    stored: Path,
    name: str,
    kind: str,
    me: list[str] | None = None,
    *,
    preview: bool = False,
) -> ImportRun:
    """Record an upload's import as queued and start it (the Import page's upload).
    If it cannot start, the run and the stored file are removed: nothing half-made.
    `preview`: a dry run first, that waits for do_confirm_import."""
    run = ImportRun.objects.create(
        owner=owner,
        kind=kind,
        path=name,
        file_name=name,
        upload=str(stored),
        started_at=timezone.now(),
        status=ImportRun.QUEUED,
        options={"me": list(me or []), **({"preview": True} if preview else {})},
    )
    try:
        start(run)
    except Exception:
        stored.unlink(missing_ok=True)
        run.delete()
        raise
    return run


def start(run: ImportRun) -> None:
    """Start a queued run: in a thread of this process (immediate backend), or
    queued in the database for `troth worker`."""
    if not runs_in_thread():
        run_import.enqueue(run.pk)
        return
    thread = threading.Thread(
        target=_thread_main, args=(run.pk,), name=f"troth-import-{run.pk}", daemon=True
    )
    with _threads_lock:
        for rid in [rid for rid, t in THREADS.items() if not t.is_alive()]:
            del THREADS[rid]
        THREADS[run.pk] = thread
    thread.start()


def orphaned(run: ImportRun) -> bool:
    """A run this process was running in a thread that is no longer there (troth was
    stopped mid-import), or a run nobody holds any more (its process died): it will
    never finish, so say so."""
    if run.status not in (ImportRun.QUEUED, ImportRun.RUNNING):
        return False
    # Give a just-started thread (and a run queued a moment ago) time to show up.
    if (timezone.now() - run.started_at).total_seconds() <= GRACE:
        return False
    if run.status == ImportRun.RUNNING:
        return not is_live(run)  # "running" is claimed only with the lock held (execute)
    if not runs_in_thread():
        return False  # queued for `troth worker`, which takes it when it runs
    thread = THREADS.get(run.pk)
    return thread is None or not thread.is_alive()


def do_mark_interrupted(run: ImportRun) -> None:
    # what its committed chunks wrote goes first: "nothing of it was kept" holds
    from troth.importers.undo import do_undo_run_quietly

    do_undo_run_quietly(run.owner, run)
    ImportRun.objects.filter(pk=run.pk, status__in=[ImportRun.QUEUED, ImportRun.RUNNING]).update(
        status=ImportRun.FAILED,
        error="interrupted: troth stopped while this import ran; nothing of it was kept,"
        " upload the file again",
        finished_at=timezone.now(),
    )
    _discard(run)


def do_remove_stale_scratch() -> int:
    """Delete the copies of the database that dry runs (previews) left when their
    process died: each is a whole copy, every member's rows included, and it stayed
    on disk for good (found by a security review). A copy whose lock a live process
    holds is in use and stays. Returns how many were deleted."""
    from django.db import connection

    from troth.importers.preview import SCRATCH_PREFIX

    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or not Path(name).is_file():
        return 0
    removed = 0
    for folder in Path(name).parent.glob(SCRATCH_PREFIX + "*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        lock = FileLock(folder / "lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            continue  # a live dry run
        lock.release()
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def do_interrupt_stale() -> int:
    """At start (troth serve, troth worker): every run left "running" by a process
    that died, and with imports run in serve's own threads every "queued" one too
    (those threads died with it), is marked interrupted and its upload deleted; a
    run another live process holds is left alone. Returns how many were marked.

    Every owner's runs: this is the installation looking after itself at start,
    not a member's request."""
    do_remove_stale_scratch()
    stale = [ImportRun.RUNNING, *([ImportRun.QUEUED] if runs_in_thread() else [])]
    marked = 0
    for run in ImportRun.objects.filter(status__in=stale).order_by("pk"):
        if not is_live(run):
            do_mark_interrupted(run)
            marked += 1
    return marked
