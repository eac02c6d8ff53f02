"""Turning a parser's records into people and interactions, once.

`do_import` reads one file, then writes it in short transactions, a chunk of
records each: on SQLite a transaction holds the database's only write lock, and a
long import must not keep everyone else (the web app, another command) waiting
(security audit M3: 12 requests failed with "database is locked" during one 49 s
import). Every row a chunk writes is recorded with the run (`ImportChange`, in the
same transaction), so a run can be undone exactly (`troth.importers.undo`), and a
file that fails half-way undoes itself: a fatal error still leaves nothing behind.
A bad record is a Problem that is reported and skipped. A person record finds the
person it was before (the same source record, else a shared email, profile URL or
phone) or becomes a new person; what the user typed is never overwritten, only
empty fields are filled. Interactions are keyed by (source, external_id, person),
so running the same import twice changes nothing.

A dry run (`dry_run=True`) is the same pipeline inside one transaction that is
rolled back at the end: what it reports is what the import would do.

The work is done in bulk, a chunk of records at a time (a handful of queries
per chunk, not per record), so 30,000 LinkedIn connections take seconds.

This module is the pipeline; its parts sit beside it: the writer of people and
interactions (writer.py, interaction_writer.py, bulkrows.py), the record of what a run wrote (journal.py), the counts
it reports (summary.py) and a dry run's scratch copy and preview (preview.py).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from troth.dbstats import analyze
from troth.errors import TrothError
from troth.events import emit
from troth.identity.actions import do_resolve
from troth.identity.models import SourceRecord
from troth.identity.queries import interactions_dropped
from troth.importers import sanity
from troth.importers.bulkrows import import_page_cache
from troth.importers.journal import Journal
from troth.importers.models import ImportRun
from troth.importers.participants import PARTICIPANT_CHUNK, do_store_participants
from troth.importers.preview import _preview, _scratch_copy
from troth.importers.records import InteractionRecord, Parser, PersonRecord
from troth.importers.summary import ImportSummary
from troth.importers.summary import reason_counts as reason_counts  # (web.views.imports)
from troth.importers.writer import INTERACTION_CHUNK, PEOPLE_CHUNK, Point, Progress, _Importer
from troth.interactions.models import Interaction
from troth.lib.contact import ContactError, normalize_email, normalize_url
from troth.owned import rows_rewritten
from troth.owners import do_ensure_me
from troth.people.models import ContactPoint, Employment, Person
from troth.people.search import bulk_writes


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a block: for `troth import`, a process
    that does nothing else meanwhile, where 30,000 LinkedIn connections (the file of
    bench/bench_import.py) took 10.3 s of CPU instead of 11.6 with the records only
    frozen (mean of two runs on a busy machine).
    Never around a web import: troth serve runs those in a thread beside its
    requests, which need the collector."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# The cyclic collector's first threshold while an import runs (Python's default: 700
# container objects). An import makes hundreds of thousands of objects that live
# until it ends (the records read, the rows and keys it keeps, the matcher's names
# and pairs); every 700 of them start a collection and every few of those walk all
# that is young again. Collection stays on (a web import runs in a thread of
# `troth serve`, whose requests need it), only less often: 30,000 LinkedIn
# connections (bench/bench_import.py) took a median of 4.44 s of CPU against 5.40
# with the default (three runs each, interleaved, a machine at load 8-12; reading
# the file 0.29 s against 0.73, identities 1.28 against 1.57).
IMPORT_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def collector_relaxed(threshold: int = IMPORT_GC_THRESHOLD) -> Iterator[None]:
    """The cyclic collector's first threshold raised to `threshold` for the block
    (never lowered), the process's own thresholds back after it."""
    before = gc.get_threshold()
    if before[0] >= threshold or before[0] == 0:  # (0: automatic collection is off)
        yield
        return
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def resolve_identities(owner, person_ids: Iterable[int]) -> int:
    """Fuzzy identity resolution (same person, different sources, no shared address)
    after an import, through `troth.identity.actions.do_resolve`. Returns how many
    people were merged."""
    return resolve_and_list(owner, person_ids)[0]


def resolve_and_list(owner, person_ids: Iterable[int]) -> tuple[int, list[int]]:
    """resolve_identities, and the merges' ids (MergeRecord)."""
    ids = sorted(set(person_ids))
    if not ids:
        return 0, []
    result = do_resolve(owner, ids)
    return result.merged, list(result.merges)


def do_add_me_addresses(
    owner, addresses: Iterable[str], journal: Journal | None = None
) -> list[Point]:
    """Record the owner's own addresses (emails, profile URLs) on the me person, so
    this and every later import knows which side of a message is the owner."""
    me = do_ensure_me(owner)
    points: list[Point] = []
    for raw in addresses:
        point = _point_of(raw)
        if point is None:
            raise TrothError(f"--me {raw!r} is neither an email address nor a profile URL")
        points.append(point)
    existing = {
        (k, v): pid
        for k, v, pid in ContactPoint.objects.filter(
            owner=owner, value__in=[v for _k, v in points]
        ).values_list("kind", "value", "person_id")
    }
    for kind, value in points:
        pid = existing.get((kind, value))
        if pid == me.id:
            continue
        if pid is not None:
            other = Person.objects.get(owner=owner, id=pid)
            raise TrothError(
                f"--me {value}: that address belongs to {other.full_name} (#{other.id}),"
                " one of your contacts, not to you. If that contact is really you (say, from an"
                f' earlier calendar import), run troth delete "#{other.id}", then import'
                " again with --me; if not, leave this address out of --me"
            )
        has_primary = ContactPoint.objects.filter(
            owner=owner, person=me, kind=kind, is_primary=True
        ).exists()
        made = ContactPoint.objects.create(
            owner=owner, person=me, kind=kind, value=value, is_primary=not has_primary
        )
        if journal is not None:
            journal.created(ContactPoint, [made.id])
        existing[(kind, value)] = me.id
    return points


def _point_of(raw: str) -> Point | None:
    text = raw.strip()
    try:
        if "@" in text and "/" not in text:
            return ContactPoint.EMAIL, normalize_email(text)
        return ContactPoint.URL, normalize_url(text)
    except ContactError:
        return None


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


class LooksLikeNoise(TrothError):
    """The records look like noise (troth.importers.sanity): nothing was written."""


def do_import(
    owner,
    parser: Parser,
    path: Path,
    *,
    options: dict[str, object] | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
    run: ImportRun | None = None,
    dry_run: bool = False,
    force: bool = False,
    announce: bool = True,
) -> ImportSummary:
    """Import one file (or export folder) for `owner`, all or nothing.

    `run`: the ImportRun to record it under (a web upload's); else one is made.
    `dry_run`: do it all, report it, and write nothing. `force`: import records that
    look like noise anyway (see troth.importers.sanity). `announce`: emit
    `import.finished`; a caller that imports in several calls (a sync, a batch at a
    time) says False and emits it once itself."""
    if dry_run:
        return _dry_run(owner, parser, path, options, progress, kind, run)
    return _do_import(owner, parser, path, options, progress, kind, run, force, announce=announce)


def _dry_run(
    owner,
    parser: Parser,
    path: Path,
    options: dict[str, object] | None,
    progress: Progress | None,
    kind: str | None,
    run: ImportRun | None,
) -> ImportSummary:
    """The real pipeline in one transaction, rolled back: never a second code path
    that could disagree with the import itself. On an SQLite file it runs on a copy
    of the database (see _scratch_copy), so that its one long transaction holds no
    lock that anyone else waits for."""
    found: list[ImportSummary] = []
    with _scratch_copy():
        try:
            with transaction.atomic():
                summary = _do_import(owner, parser, path, options, progress, kind, run, True, True)
                summary.preview = _preview(owner, summary)
                found.append(summary)
                raise _DryRun
        except _DryRun:
            pass
    summary = found[0]
    summary.dry_run = True
    summary.run_id = run.pk if run is not None else None
    return summary


def _do_import(
    owner,
    parser: Parser,
    path: Path,
    options: dict[str, object] | None,
    progress: Progress | None,
    kind: str | None,
    run: ImportRun | None,
    force: bool,
    dry: bool = False,
    *,
    announce: bool = True,
) -> ImportSummary:
    started = time.perf_counter()
    options = dict(options or {})
    summary = ImportSummary(kind=kind or parser.name, path=str(path))
    made_here = run is None
    if run is None:
        with transaction.atomic():
            run = ImportRun.objects.create(
                owner=owner,
                kind=summary.kind,
                path=str(path)[:1000],
                started_at=timezone.now(),
                status=ImportRun.RUNNING,
            )
    journal = Journal(run)
    try:
        _pipeline(owner, parser, path, options, progress, summary, journal, force, dry)
    except BaseException:
        if not dry:
            # What the committed chunks wrote is undone: a file that fails half-way
            # leaves nothing behind.
            from troth.importers.undo import do_undo_run_quietly

            do_undo_run_quietly(owner, run)
            if made_here:
                ImportRun.objects.filter(pk=run.pk).delete()
        raise
    summary.seconds = time.perf_counter() - started
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            counts=summary.run_counts(),
            problems=summary.problem_rows(),
            **({"status": ImportRun.DONE} if made_here else {}),
        )
        if announce and not dry:
            emit(
                owner,
                "import.finished",
                None,
                run={"id": run.pk, "kind": summary.kind, "counts": summary.run_counts()},
            )
    summary.run_id = run.pk
    return summary


def _pipeline(
    owner,
    parser: Parser,
    path: Path,
    options: dict[str, object],
    progress: Progress | None,
    summary: ImportSummary,
    journal: Journal,
    force: bool,
    dry: bool,
) -> None:
    with collector_relaxed():
        _read_and_write(owner, parser, path, options, progress, summary, journal, force, dry)


def _read_and_write(
    owner,
    parser: Parser,
    path: Path,
    options: dict[str, object],
    progress: Progress | None,
    summary: ImportSummary,
    journal: Journal,
    force: bool,
    dry: bool,
) -> None:
    with transaction.atomic():
        given = _strings(options.pop("me", []))
        known = set(
            ContactPoint.objects.filter(owner=owner, person__is_me=True).values_list(
                "value", flat=True
            )
        )
        points = do_add_me_addresses(owner, given, journal)
        # the addresses this import was told that troth did not know as the owner's (the
        # parser gets every address of the owner's as "me"; a calendar tells one given
        # now from one remembered, and the web's form offers the remembered ones filled
        # in: sent back as they were, they are remembered ones, as the attacker found)
        options["me_given"] = [value for _kind, value in points if value not in known]
        journal.flush()
    importer = _Importer(owner, summary, journal)
    people, interactions = importer.read(parser, path, options, progress)
    summary.noise = sanity.noise(people)
    if summary.noise and not force and not dry:
        raise LooksLikeNoise(
            f"{path.name}: this does not look like an address book, so nothing was imported:"
            f" {'; '.join(summary.noise)}. Check the file (and its kind); to import it anyway,"
            " use --force (or Import anyway on the Import page)"
        )
    if people:
        importer._known()  # read before the first chunk, not inside its transaction
    # Tens of thousands of records stay alive until the end: the cyclic garbage
    # collector would walk them again and again for nothing. gc.freeze() takes what
    # exists now out of its sight until the import ends, and leaves collection on:
    # web imports run in a thread of `troth serve`, whose requests need it (turning
    # it off, as this did before, switched it off for the whole server).
    gc.freeze()
    try:
        with import_page_cache():
            _write(owner, importer, people, interactions, progress, summary, journal)
    finally:
        gc.unfreeze()


def _write(
    owner,
    importer: _Importer,
    people: list[PersonRecord],
    interactions: list[InteractionRecord],
    progress: Progress | None,
    summary: ImportSummary,
    journal: Journal,
) -> None:
    """The records read, written in chunks; identities resolved."""
    for start in range(0, len(people), PEOPLE_CHUNK):
        with transaction.atomic(), bulk_writes():  # indexed for search once per chunk
            importer.people(people[start : start + PEOPLE_CHUNK])
            journal.flush()
        if progress:
            progress("people", min(start + PEOPLE_CHUNK, len(people)), len(people))
    for start in range(0, len(interactions), INTERACTION_CHUNK):
        with transaction.atomic(), bulk_writes():
            importer.interactions(interactions[start : start + INTERACTION_CHUNK])
            journal.flush()
        if progress:
            done = min(start + INTERACTION_CHUNK, len(interactions))
            progress("interactions", done, len(interactions))
    # the addresses on MessageParticipant rows stored: activity reads them (co_since_contact)
    copied: set[str] = set()
    for start in range(0, len(importer.participants), PARTICIPANT_CHUNK):
        with transaction.atomic():
            copied.update(
                do_store_participants(
                    owner, importer.participants[start : start + PARTICIPANT_CHUNK], journal
                )
            )
            journal.flush()
    if progress and importer.touched:
        progress("identities", 0, None)
    from troth.identity.models import MergeSuggestion

    last = MergeSuggestion.objects.filter(owner=owner).order_by("-id").values_list("id").first()
    # identity resolution makes its merges one short transaction each (do_resolve)
    summary.people_merged, summary.merge_ids = resolve_and_list(owner, importer.touched)
    _net_created(summary)
    # one mail to two addresses of a person merged just now: one interaction stays
    summary.interactions_added -= interactions_dropped(owner, since=journal.run.started_at)
    with transaction.atomic():
        journal.created(_merge_record_model(), summary.merge_ids)
        suggested = MergeSuggestion.objects.filter(owner=owner, id__gt=last[0] if last else 0)
        journal.created(MergeSuggestion, suggested.values_list("id", flat=True))
        journal.flush()
    if progress and importer.touched:
        progress("identities", 1, 1)
    # A big import leaves PostgreSQL's planner statistics behind (troth.dbstats).
    with transaction.atomic():
        analyze(
            [Person, ContactPoint, Employment, Interaction, SourceRecord],
            rows=summary.people_created + summary.people_updated + summary.interactions_added,
        )
    if summary.people_created or summary.people_updated or summary.interactions_added:
        # Scores are recomputed from scratch on the next read (the cache's staleness
        # check cannot see a changed "met on" date, nor mail that only copied someone:
        # activity's co_since_contact reads those copies). `added`: no interaction
        # was changed or removed (merges send their own), which lets trust keep its
        # summed past (troth.trust.past).
        with transaction.atomic():
            rows_rewritten.send(ImportRun, owner=owner, person_ids=None, added=True)
    elif copied:
        # Only copies of messages (no person, no interaction): they change the activity
        # of the people holding their addresses, no one else's; dropping every score
        # for them (person_ids=None) had the next read rewrite the whole cache.
        with transaction.atomic():
            rows_rewritten.send(
                ImportRun, owner=owner, person_ids=address_holders(owner, copied), added=True
            )


def address_holders(owner, addresses: set[str]) -> list[int]:
    """The owner's people holding any of these e-mail addresses (already normalised)."""
    wanted = sorted(addresses)
    found: set[int] = set()
    for at in range(0, len(wanted), 900):  # SQLite's bound parameters
        found.update(
            ContactPoint.objects.filter(
                owner=owner, kind=ContactPoint.EMAIL, value__in=wanted[at : at + 900]
            ).values_list("person_id", flat=True)
        )
    return sorted(found)


def _net_created(summary: ImportSummary) -> None:
    """People created = people new to the network, as the dry run's examples count them:
    a person the file brought who identity resolution then merged with someone (already
    here, or another row of the file) is one person fewer. Said 3 added and 1 merged
    for a 3-row file whose one row was someone already here; the CLI, `troth imports`,
    JSON and the API all read this count."""
    if not summary.merge_ids or not summary.created_ids:
        return
    created = set(summary.created_ids)
    pairs = _merge_record_model()._default_manager.filter(id__in=summary.merge_ids)
    # each merge of a person this run created leaves one person fewer (a chain of
    # two rows and someone already here: two merges, both rows' people gone)
    mine = [
        merged
        for kept, merged in pairs.values_list("kept_id", "merged_id")
        if kept in created or merged in created
    ]
    summary.people_created -= len(mine)
    gone = set(mine)
    # the ones merged away are nobody now: the run's list of who it created skips them
    summary.created_ids = [pid for pid in summary.created_ids if pid not in gone]


def _merge_record_model() -> type[models.Model]:
    from troth.identity.models import MergeRecord

    return MergeRecord


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return []
