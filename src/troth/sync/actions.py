"""Writes of the sync app: adding and removing sources, and running one sync.

A sync reads (the network: IMAP headers, a CalDAV collection, an ICS address) and
writes what it read through the file import's pipeline
(`troth.importers.apply.do_import`: all or nothing, recorded as an ImportRun,
undoable). The source's state (UIDs, sync tokens, ETags) moves on only once the
writing succeeded, so a sync that fails anywhere is simply done again next time:
nothing lost, nothing twice. Mail is written a batch at a time, as it is read
(`_MailWriter`): memory stays flat however big the mailbox, each batch is whole
or absent, and a sync cut short keeps its written batches and goes on from there.

One sync per source at a time, across processes and machines: a lease on the
source row, taken by one conditional UPDATE (the database decides, not a lock in
one process's memory), given back at the end, and expiring by itself if the
process died. A source that keeps failing waits longer each time (BACKOFF).
"""

from __future__ import annotations

import datetime as dt
import secrets as random_tokens
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from troth.errors import FieldError, TrothError
from troth.importers.apply import do_import
from troth.importers.models import ImportChange, ImportRun
from troth.importers.summary import ImportSummary
from troth.importers.writer import Progress
from troth.lib.contact import ContactError, normalize_email
from troth.owned import Owner
from troth.owners import own_addresses
from troth.sync import icsurl, imap, netguard
from troth.sync.models import SeenMail, Source, SyncRun
from troth.sync.secrets import reveal, seal

LEASE = dt.timedelta(minutes=30)  # longer than any sync; a dead process's lease ends
# Minutes to wait after 1, 2, 3... failures in a row (then the last: twice a day), never
# less than the source's own schedule: a wrong password is not tried 96 times a day.
BACKOFF = (30, 60, 120, 240, 480, 720)
MIN_EVERY, MAX_EVERY = 5, 7 * 24 * 60


class Busy(TrothError):
    exit_code = 75  # EX_TEMPFAIL, as the CLI's "database busy"


def _me(values: list[str]) -> list[str]:
    out = []
    for raw in values:
        try:
            out.append(normalize_email(raw))
        except ContactError:
            raise FieldError("me", f"{raw!r} is not an email address") from None
    return sorted(set(out))


def _label(given: str | None, default: str) -> str:
    """The owner's own name for a source (--label), shown beside the address."""
    text = " ".join((given or "").split())
    if len(text) > 80:
        raise FieldError("label", f"{text[:40]!r}...: keep it under 80 characters")
    return f"{text}: {default}" if text else default


def _every(minutes: int) -> int:
    if not MIN_EVERY <= minutes <= MAX_EVERY:
        raise FieldError("every", f"{minutes}: give minutes between {MIN_EVERY} and {MAX_EVERY}")
    return minutes


# Sources one owner may have: a mailbox or two and a few calendars is what people have;
# a limit keeps one member from giving the server hundreds of connections to keep up
# (a security review's H2).
MAX_SOURCES = 12


def _room(owner: Owner) -> None:
    if Source.objects.filter(owner=owner).count() >= MAX_SOURCES:
        raise TrothError(
            f"you have {MAX_SOURCES} sources already, as many as troth keeps:"
            " remove one (troth sources remove ID) to add another"
        )


def do_add_imap(
    owner: Owner,
    *,
    host: str,
    username: str,
    password: str,
    port: int | None = None,
    security: str = "tls",
    folders: list[str] | None = None,
    me: list[str] | None = None,
    every: int = 15,
    label: str | None = None,
) -> Source:
    _room(owner)
    host = host.strip()
    if not host or any(c.isspace() for c in host) or "/" in host:
        raise FieldError("host", f"{host!r}: give the IMAP server's name, as imap.example.org")
    if security not in ("tls", "starttls", "none"):
        raise FieldError("security", f"{security!r}: use tls, starttls or none")
    if port is None:
        port = 993 if security == "tls" else 143
    if not 0 < port < 65536:
        raise FieldError("port", f"{port}: not a port number")
    if not username.strip():
        raise FieldError("user", ": give the account's login (often the address itself)")
    if not password:
        raise FieldError("password", ": give the account's (app) password")
    addresses = _me(me or [])
    if not addresses and not any(k == "email" for k, _v in own_addresses(owner)):
        addresses = _me([username]) if "@" in username else []
    if not addresses:
        raise TrothError("mail sync needs your own address: pass --me ADDRESS")
    netguard.check_host(host, port)
    return Source.objects.create(
        owner=owner,
        kind=Source.IMAP,
        label=_label(label, f"{username.strip()} at {host}:{port}"),
        host=host,
        port=port,
        security=security,
        username=username.strip(),
        secret=seal(password),
        folders=[f.strip() for f in folders or [] if f.strip()],
        me=addresses,
        every_minutes=_every(every),
        next_sync_at=timezone.now(),
    )


def do_add_ics(
    owner: Owner,
    *,
    url: str,
    me: list[str] | None = None,
    every: int = 15,
    label: str | None = None,
    check: bool = True,
) -> Source:
    """Add an ICS address; with `check`, after one fetch that answered a calendar (an
    address that answers 404 or a web page is refused now, in the line the sync would
    give, rather than at the first sync)."""
    _room(owner)
    url = icsurl.check_url(url)
    every = _every(every)
    if check:
        icsurl.fetch(url, {})
    return Source.objects.create(
        owner=owner,
        kind=Source.ICS,
        label=_label(label, icsurl.shown(url)),
        secret=seal(url),
        me=_me(me or []),
        every_minutes=_every(every),
        next_sync_at=timezone.now(),
    )


def do_add_caldav(
    owner: Owner,
    *,
    url: str,
    username: str,
    password: str,
    me: list[str] | None = None,
    every: int = 15,
    label: str | None = None,
) -> Source:
    _room(owner)
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError("url", f"{url[:80]!r}: give the CalDAV server's http(s) address")
    if not password:
        raise FieldError("password", ": give the account's (app) password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FieldError("url", f"{url[:80]!r}: the port is not a number") from None
    netguard.check_host(parts.hostname, port)
    return Source.objects.create(
        owner=owner,
        kind=Source.CALDAV,
        label=_label(label, f"{username.strip()} at {icsurl.shown(url).split('/…')[0]}"),
        url=url,
        username=username.strip(),
        secret=seal(password),
        me=_me(me or []),
        every_minutes=_every(every),
        next_sync_at=timezone.now(),
    )


def do_set_secret(owner: Owner, source: Source, value: str) -> None:
    """A password (or ICS address) typed again: after a lost key, or a changed password."""
    if not value:
        raise TrothError("give the password (or, for an ICS source, the address)")
    if source.kind == Source.ICS:
        value = icsurl.check_url(value)
    Source.objects.filter(owner=owner, pk=source.pk).update(
        secret=seal(value), failures=0, next_sync_at=timezone.now()
    )


def do_remove_source(owner: Owner, source: Source, *, purge: bool = False) -> int:
    """Remove a source. What it imported stays (each sync is an ordinary import, which
    `troth import --undo` can still take back) unless `purge`: then every import it
    made is undone, newest first. Returns how many imports were undone."""
    undone = 0
    if purge:
        from troth.importers.undo import do_undo_import
        from troth.sync.queries import purged_runs

        # (an import undone already by hand is passed over: undoing it again raised)
        for run_id in purged_runs(owner, source):
            do_undo_import(owner, run_id, force=True)
            undone += 1
    with transaction.atomic():
        Source.objects.filter(owner=owner, pk=source.pk).delete()
    return undone


# -- one sync ----------------------------------------------------------------------


def _take_lease(source: Source) -> str | None:
    now = timezone.now()
    token = random_tokens.token_hex(16)
    with transaction.atomic():
        taken = (
            Source.objects.filter(pk=source.pk)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + LEASE, lease_token=token)
        )
    return token if taken else None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not isinstance(exc, TrothError):
        text = f"{type(exc).__name__}: {text}"
    return text[:500]


def backoff(failures: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF[min(failures, len(BACKOFF)) - 1])


def do_sync(owner: Owner, source: Source, progress: Progress | None = None) -> SyncRun:
    """Sync one source now (see the module docstring). Raises Busy when another
    process is syncing it; a failure is recorded on the source and its run, then
    raised (a TrothError with one line)."""
    token = _take_lease(source)
    if token is None:
        raise Busy(f"source {source.pk} ({source.label}) is being synced already: try later")
    started = timezone.now()
    with transaction.atomic():
        run = SyncRun.objects.create(owner=owner, source=source, started_at=started)
    clock = time.perf_counter()
    try:
        counts = _SYNCS[source.kind](owner, source, run, progress)
    except BaseException as exc:
        failures = source.failures + 1
        with transaction.atomic():
            SyncRun.objects.filter(pk=run.pk).update(
                status=SyncRun.FAILED, error=_one_line(exc), finished_at=timezone.now()
            )
            # what the batches written before the failure added (a mail sync keeps them)
            kept = SyncRun.objects.filter(pk=run.pk).values_list("counts", flat=True).first()
            Source.objects.filter(pk=source.pk).update(
                added_total=_added(Source.objects.get(pk=source.pk).added_total, kept or {}),
                last_sync_at=started,
                last_error=_one_line(exc),
                failures=failures,
                next_sync_at=timezone.now()
                + max(backoff(failures), dt.timedelta(minutes=source.every_minutes)),
                lease_until=None,
                lease_token="",
            )
            _announce(owner, source, run.pk, SyncRun.FAILED)  # the batches it kept
        raise
    counts["seconds"] = round(time.perf_counter() - clock, 3)
    with transaction.atomic():
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncRun.DONE, counts=counts, finished_at=timezone.now()
        )
        total = _added(Source.objects.get(pk=source.pk).added_total, counts)
        Source.objects.filter(pk=source.pk, lease_token=token).update(
            last_sync_at=started,
            last_ok_at=timezone.now(),
            last_error="",
            failures=0,
            last_counts=counts,
            added_total=total,
            next_sync_at=started + dt.timedelta(minutes=source.every_minutes),
            lease_until=None,
            lease_token="",
        )
        _announce(owner, source, run.pk, SyncRun.DONE)
    run.refresh_from_db()
    return run


# the counts of an ImportRun that say a sync changed something
_CHANGED = ("people_created", "people_updated", "people_merged", "interactions_added")


def _announce(owner: Owner, source: Source, sync_run_id: int, status: str) -> None:
    """One `import.finished` for a whole sync run, however many batches it wrote (a
    webhook subscriber hears of a sync once, not once per 2,000 messages); none when
    it changed nothing (a source is synced every few minutes, mostly to find nothing
    new). Called inside the transaction that closes the run."""
    from troth.events import emit

    import_run_id = (
        SyncRun.objects.filter(pk=sync_run_id).values_list("import_run_id", flat=True).first()
    )
    found = (
        ImportRun.objects.filter(owner=owner, pk=import_run_id).first() if import_run_id else None
    )
    if found is None or not any((found.counts or {}).get(k) for k in _CHANGED):
        return
    emit(
        owner,
        "import.finished",
        None,
        run={"id": found.pk, "kind": found.kind, "counts": found.counts or {}},
        sync={"source_id": source.pk, "run_id": sync_run_id, "status": status},
    )


def _added(total: dict[str, Any], counts: dict[str, Any]) -> dict[str, Any]:
    out = dict(total)
    for key in ("people_created", "interactions_added"):
        out[key] = out.get(key, 0) + int(counts.get(key, 0))
    return out


def _imported(summary: Any) -> dict[str, Any]:
    return {
        "people_created": summary.people_created,
        "people_updated": summary.people_updated,
        "interactions_added": summary.interactions_added,
        "problems": len(summary.problems),
        "left_out": dict(summary.left_out),
    }


class _MailWriter:
    """Writes a mail sync batch by batch (troth.sync.imap.fetch_new's `write`).

    Each batch is an ordinary import (`do_import`: all or nothing, a failure undoes
    it), then, in one transaction, folded into the sync's one ImportRun (its
    journal moved over, so `troth import --undo` and `--purge` take the whole sync
    back), its messages remembered (SeenMail) and the folder's UID moved to the
    batch's highest. A sync that stops half-way (the server gone, the process
    killed) keeps the batches written; the next one goes on from the last UID kept.
    A batch written whose UID was not yet kept (killed in between) is read again
    and adds nothing: interactions, people and SeenMail are keyed by fingerprint."""

    def __init__(
        self, owner: Owner, source: Source, run: SyncRun, state: dict[str, Any], progress: Any
    ) -> None:
        self.owner, self.source, self.run, self.state = owner, source, run, state
        self.progress = progress
        self.mail: Any = None  # troth.sync.mailsync.MailStore, made at the first message
        self.total: ImportSummary | None = None
        self.folders = dict(state.get("folders", {}))

    def _store(self) -> Any:
        if self.mail is None:
            from troth.sync.mailsync import MailStore

            self.mail = MailStore(
                SeenMail.objects.filter(owner=self.owner, source=self.source)
                .values_list("fp", "ts", "outgoing", "subject", "counterparts")
                .iterator(chunk_size=5000),
                set(self.state.get("lists", [])),
                set(self.state.get("chosen", [])),
            )
        return self.mail

    def __call__(self, messages: list[tuple[str, Any]], folders: dict[str, dict[str, int]]) -> None:
        if not messages:
            self.folders.update(folders)
            return
        store = self._store()
        summary = do_import(
            self.owner,
            store.batch(messages),
            Path(f"imap {self.source.label}"),
            options={"me": list(self.source.me)},
            progress=self.progress,
            kind="mail",
            force=True,  # mail is never an address book: the noise rules do not apply
            announce=False,  # one import.finished for the whole sync (do_sync)
        )
        seen: dict[str, SeenMail] = {}
        for _w, r in messages:
            if r[0] == "m" and r[1] in store.fresh and r[1] not in seen:
                _m, fp, ts, outgoing, subject, cps = r[:6]
                seen[fp] = SeenMail(
                    owner=self.owner,
                    source=self.source,
                    fp=fp,
                    ts=ts,
                    outgoing=outgoing,
                    subject=subject,
                    counterparts=[list(c) for c in cps],
                )
        self.folders.update(folders)
        self.state["folders"] = dict(self.folders)
        self.state["lists"] = sorted(store.store.lists)
        self.state["chosen"] = sorted(store.chosen)
        assert summary.run_id is not None
        with transaction.atomic():
            if self.total is None:
                self.total = summary
                self.run.import_run_id = summary.run_id
            else:
                assert self.run.import_run_id is not None
                self.total.add(summary)
                ImportChange.objects.filter(run_id=summary.run_id).update(
                    run_id=self.run.import_run_id
                )
                ImportRun.objects.filter(owner=self.owner, pk=summary.run_id).delete()
            ImportRun.objects.filter(owner=self.owner, pk=self.run.import_run_id).update(
                finished_at=timezone.now(),
                counts=self.total.run_counts(),
                problems=self.total.problem_rows(),
            )
            SeenMail.objects.bulk_create(
                list(seen.values()), batch_size=2000, ignore_conflicts=True
            )
            Source.objects.filter(pk=self.source.pk).update(state=self.state)
            SyncRun.objects.filter(pk=self.run.pk).update(
                import_run_id=self.run.import_run_id, counts=self.counts()
            )

    def counts(self) -> dict[str, Any]:
        return _imported(self.total) if self.total is not None else {}

    def close(self) -> None:
        if self.mail is not None:
            self.mail.close()


def _sync_imap(
    owner: Owner, source: Source, run: SyncRun, progress: Progress | None
) -> dict[str, Any]:
    account = imap.Account(
        source.host,
        int(source.port or 993),
        source.security,
        source.username,
        reveal(source.secret, f"source {source.pk}'s password"),
    )
    me = frozenset(source.me) | {v for k, v in own_addresses(owner) if k == "email"}
    today = timezone.localdate()
    latest = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), dt.UTC).timestamp()
    state = dict(source.state)
    write = _MailWriter(owner, source, run, state, progress)
    try:
        fetched = imap.fetch_new(
            account,
            list(source.folders),
            state.get("folders", {}),
            me,
            latest,
            write,
            (lambda stage, done, total: progress(stage, done, total)) if progress else None,
        )
    finally:
        write.close()
    counts: dict[str, Any] = {
        "messages": fetched.messages,
        "folders": fetched.folders,
        "rescanned": fetched.rescanned,
        **write.counts(),
    }
    # the folders with nothing new (or nothing left after the last batch): their state
    write.folders.update(fetched.state)
    state["folders"] = write.folders
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(state=state)
        SyncRun.objects.filter(pk=run.pk).update(import_run_id=run.import_run_id)
    return counts


def _import_calendar(
    owner: Owner, source: Source, run: SyncRun, data: bytes, progress: Progress | None
) -> dict[str, Any]:
    from troth.importers.ics import PARSER as ICS

    with tempfile.TemporaryDirectory(prefix="troth-sync-") as folder:
        path = Path(folder) / "calendar.ics"
        path.write_bytes(data)
        try:
            summary = do_import(
                owner,
                ICS,
                path,
                options={"me": list(source.me)},
                progress=progress,
                kind="ics",
                force=True,
                announce=False,  # do_sync says import.finished, as for mail
            )
        except TrothError as exc:  # "FILE: ..." names a temporary file: say the source
            raise TrothError(str(exc).replace(str(path), source.label)) from None
    for problem in summary.problems:  # the temporary file's name means nothing to anyone
        problem.where = problem.where.replace(str(path), source.label)
    run.import_run_id = summary.run_id
    return _imported(summary)


def _sync_ics(
    owner: Owner, source: Source, run: SyncRun, progress: Progress | None
) -> dict[str, Any]:
    url = reveal(source.secret, f"source {source.pk}'s address")
    state = dict(source.state)
    answer = icsurl.fetch(url, state)
    counts: dict[str, Any] = {"changed": answer.changed}
    if answer.changed and answer.sha != state.get("sha"):
        counts.update(_import_calendar(owner, source, run, answer.data, progress))
        counts["bytes"] = len(answer.data)
    elif answer.changed:
        counts["changed"] = False  # the same calendar again (a server without ETags)
    if answer.changed:
        state.update(etag=answer.etag, last_modified=answer.last_modified, sha=answer.sha)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(state=state)
        SyncRun.objects.filter(pk=run.pk).update(import_run_id=run.import_run_id)
    return counts


def _sync_caldav(
    owner: Owner, source: Source, run: SyncRun, progress: Progress | None
) -> dict[str, Any]:
    from troth.sync import calendars

    password = reveal(source.secret, f"source {source.pk}'s password")
    state = dict(source.state)
    fetched = calendars.fetch_changed(
        source.url, source.username, password, state.get("calendars", {})
    )
    counts: dict[str, Any] = {"calendars": len(fetched.tokens), "events": len(fetched.events)}
    if fetched.events:
        data = b"\r\n".join(fetched.events)
        counts.update(_import_calendar(owner, source, run, data, progress))
    state["calendars"] = fetched.tokens
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(state=state)
        SyncRun.objects.filter(pk=run.pk).update(import_run_id=run.import_run_id)
    return counts


_SYNCS: dict[str, Callable[[Owner, Source, SyncRun, Progress | None], dict[str, Any]]] = {
    Source.IMAP: _sync_imap,
    Source.ICS: _sync_ics,
    Source.CALDAV: _sync_caldav,
}
