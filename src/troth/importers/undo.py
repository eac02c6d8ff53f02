"""Undoing an import run: remove exactly what it created, put back what it changed.

Every run records what it wrote (`ImportChange`, see troth.importers.journal.Journal):
the ids of the rows it created, table by table, and for each existing row it
changed, the fields it set and their values before. `do_undo_import` reads that
record and nothing else, so everything the run did not write (people added by hand,
later imports, other members' rows) stays as it is.

It refuses, with one line saying what and how to go on, when undoing is no longer
safe: a person the run created was merged by hand, edited, or has gained things the
run did not bring (a note typed since, a later import's e-mail), or a row it changed
was changed again since. `force=True` goes ahead anyway: those people go with what
they gained, and rows changed since keep their later values.

The work is done in short transactions (like the import itself, so that SQLite's
write lock is never held long); an undo cut short can simply be run again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from troth.errors import Conflict, NotFound, TrothError
from troth.identity.models import MergeRecord, MergeSuggestion, SourceRecord
from troth.importers.models import ImportChange, ImportRun, MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import rows_rewritten
from troth.people.models import (
    ContactPoint,
    Employment,
    Note,
    Organization,
    Person,
    PersonDate,
    Relationship,
    Tag,
)

logger = logging.getLogger(__name__)

CHUNK = 500
SHOWN = 3  # people named in a refusal

PersonTags: type[models.Model] = Person.tags.through
# What an import creates, in the order an undo deletes it (what points at a person
# before the person; organisations and tags last, and only when nothing uses them).
# Only these tables are ever touched: a record naming another is ignored.
DELETE_ORDER: tuple[type[models.Model], ...] = (
    MessageParticipant,
    Interaction,
    PersonTags,
    Note,
    SourceRecord,
    Employment,
    ContactPoint,
    Relationship,
    PersonDate,
    MergeSuggestion,
    Person,
    Organization,
    Tag,
)
_ALL: list[type[models.Model]] = [*DELETE_ORDER, MergeRecord]
TABLES: dict[str, type[models.Model]] = {m._meta.label_lower: m for m in _ALL}
# Journals written before SourceRecord moved to identity (importers 0005 rewrites them;
# a journal read in between still finds its table).
TABLES["importers.sourcerecord"] = SourceRecord
# Rows the run changed (filled in) and may put back.
CHANGEABLE: dict[str, type[models.Model]] = {m._meta.label_lower: m for m in (Person, Relationship)}
# What may point at a person the run created without being the run's own: suggestions,
# and models marked `derived` (the trust cache, the warm paths' links), none anyone's work.
HARMLESS = {MergeSuggestion}


def _harmless(model: type[models.Model]) -> bool:
    """Rows computed from others (a model says so with `derived = True`, as the warm
    paths' links do, apps above this one) or caches: they go with the people they are
    about and never make an undo unsafe."""
    return model in HARMLESS or bool(getattr(model, "derived", False))


# What may point at a person the run created, by (table, column), as the kind of
# thing it is in the words troth uses elsewhere; several columns can be one kind (a
# promise made or held, an introduction made or received), and a table no kind names
# (one added later) is named by its model (tests/test_undo_words.py asks for a kind).
REFERS: dict[tuple[str, str], str] = {
    ("interactions.interaction", "person_id"): "interaction",
    ("ledger.commitment", "debtor_id"): "promise",
    ("ledger.commitment", "creditor_id"): "promise",
    ("ledger.favor", "giver_id"): "favour",
    ("ledger.favor", "receiver_id"): "favour",
    ("ledger.need", "person_id"): "need",
    ("ledger.need", "met_by_id"): "need met",
    ("intros.introduction", "introducer_id"): "introduction",
    ("intros.introduction", "person_a_id"): "introduction",
    ("intros.introduction", "person_b_id"): "introduction",
    # a step of an introduction, naming whose follow-through it was: its introduction
    ("intros.introstep", "person_id"): "introduction",
    ("people.note", "person_id"): "note",
    ("identity.mergerecord", "kept_id"): "merge",
    ("people.persondate", "person_id"): "date",
    ("people.person_tags", "person_id"): "tag",
    ("warmpaths.plannedask", "connector_id"): "plan",
    ("warmpaths.plannedask", "target_id"): "plan",
    ("people.knows", "person_a_id"): "knows",
    ("people.knows", "person_b_id"): "knows",
    ("people.relationship", "met_through_id"): "met through",
    ("people.contactpoint", "person_id"): "contact",
    ("people.employment", "person_id"): "job",
    ("people.relationship", "person_id"): "relationship",
    ("identity.sourcerecord", "person_id"): "source",
    ("groups.membercontact", "person_id"): "member",
    ("sim.simtruth", "person_id"): "sim",
}
# Each kind's words, most important first (a refusal lists what was gained in this
# order): what the owner typed about the person before what came from files.
KINDS: dict[str, tuple[str, str]] = {
    "logged": ("interaction you logged", "interactions you logged"),
    "promise": ("promise", "promises"),
    "favour": ("favour", "favours"),
    "need": ("need", "needs"),
    "introduction": ("introduction", "introductions"),
    "note": ("note", "notes"),
    "merge": ("person merged into them", "people merged into them"),
    "date": ("key date", "key dates"),
    "tag": ("tag", "tags"),
    "plan": ("planned ask", "planned asks"),
    "knows": ("link to someone they know", "links to people they know"),
    "met through": ("person you met through them", "people you met through them"),
    "need met": ("need they met", "needs they met"),
    "relationship": ("relationship detail", "relationship details"),
    "interaction": ("interaction from a later import", "interactions from later imports"),
    "contact": ("e-mail, phone or link", "e-mails, phones or links"),
    "job": ("job", "jobs"),
    "source": ("record from another source", "records from other sources"),
    "member": ("group member they stand for", "group members they stand for"),
    "sim": ("piece of demo data", "pieces of demo data"),
}


def _kind(model: type[models.Model], column: str) -> str:
    return REFERS.get((model._meta.label_lower, column), model._meta.label_lower)


def _words(kind: str) -> tuple[str, str]:
    if kind in KINDS:
        return KINDS[kind]
    model = TABLES.get(kind)
    if model is None:  # a table no kind names yet: its model's own name
        from django.apps import apps

        model = apps.get_model(kind)
    return (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))


def listing(counts: dict[str, int]) -> str:
    """ "13 interactions you logged, 1 promise and 1 favour": each kind once, most
    important first."""
    order = list(KINDS)
    ranked = sorted(
        counts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])
    )
    parts = [_plural(n, _words(kind)) for kind, n in ranked if n]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class UndoRefused(TrothError):
    """Undoing the run is not safe (or not possible); nothing was changed."""


class AlreadyUndone(UndoRefused, Conflict):
    """The run was undone before (the API answers 409)."""


@dataclass
class UndoSummary:
    run_id: int
    removed: dict[str, int] = field(default_factory=dict)  # table label -> rows deleted
    restored: int = 0  # rows put back as they were
    kept: int = 0  # rows changed since and left so (force)
    unmerged: int = 0
    # people the run created and merged into someone at once: its own merges undone
    # bring them back only for them to be removed, so they were never there to remove
    # (a newcomer's review: "3 people removed" when two went)
    brought_back: int = 0
    # with force: what went with the run's people that others added since, in the
    # refusal's words (its counts are not in `removed`, which is the run's own rows:
    # "0 interactions removed" after two logged by hand went, the attacker's review)
    also_removed: list[str] = field(default_factory=list)

    @property
    def people_removed(self) -> int:
        return max(0, self.removed.get("people.person", 0) - self.brought_back)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "people_removed": self.people_removed,
            "interactions_removed": self.removed.get("interactions.interaction", 0),
            "removed": dict(self.removed),
            "restored": self.restored,
            "kept_later_changes": self.kept,
            "unmerged": self.unmerged,
            "also_removed": list(self.also_removed),
        }


@dataclass
class _Record:
    created: dict[str, list[int]]
    changes: list[ImportChange]

    def ids(self, model: type[models.Model]) -> list[int]:
        return self.created.get(model._meta.label_lower, [])


def _read(run: ImportRun) -> _Record:
    created: dict[str, list[int]] = defaultdict(list)
    changes: list[ImportChange] = []
    for change in ImportChange.objects.filter(run=run).order_by("id"):
        if change.table not in TABLES:
            continue
        if change.row is None:
            created[change.table].extend(int(i) for i in change.ids if isinstance(i, int))
        elif change.table in CHANGEABLE:
            changes.append(change)
    return _Record(dict(created), changes)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _rows(model: type[models.Model], owner) -> models.QuerySet[Any]:
    """The owner's rows of a table (Person.tags' links belong through their person)."""
    if model is PersonTags:
        return PersonTags._base_manager.filter(person__owner=owner)
    return model._base_manager.filter(owner=owner)


def _plural(n: int, what: tuple[str, str]) -> str:
    return f"{n:,} {what[0] if n == 1 else what[1]}"


def _names(people: list[tuple[int, str]]) -> str:
    shown = ", ".join(f"{name} (#{pid})" for pid, name in people[:SHOWN])
    more = len(people) - SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


def _value(model: type[models.Model], name: str, raw: Any) -> Any:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found.to_python(raw)


def _as_left(model: type[models.Model], change: ImportChange) -> dict[str, Any]:
    """The fields the run set, as it left them (a photo: only that there was one)."""
    return {k: _value(model, k, v) for k, v in change.after.items() if k != "photo"}


def _still_as_left(model: type[models.Model], owner, change: ImportChange) -> bool | None:
    """Whether the row is still as the run left it (None: the row is gone)."""
    left = _as_left(model, change)
    current = _rows(model, owner).filter(pk=change.row).values(*left, "pk").first()
    if current is None:
        return None
    if (
        "photo" in change.after
        and not _rows(model, owner).filter(pk=change.row, photo__isnull=False).exists()
    ):
        return False
    return all(current[k] == v for k, v in left.items())


# ------------------------------------------------------------------ checks


@dataclass
class _Problem:
    """Why a plain undo is refused, and what a forced one takes besides the run's own
    writes, in the refusal's words ("": nothing, as when it keeps later values)."""

    refusal: str
    loss: str = ""


def _check(owner, run: ImportRun, record: _Record) -> None:
    first = next(_problems(owner, run, record), None)
    if first is not None:
        raise UndoRefused(first.refusal)


def _problems(owner, run: ImportRun, record: _Record) -> Iterator[_Problem]:
    """What makes undoing the run unsafe, most telling first (the refusal names the
    first; a forced undo asks about all of them)."""
    created = set(record.ids(Person))
    merges = set(record.ids(MergeRecord))
    finished = run.finished_at or timezone.now()
    present: dict[int, str] = {}
    for chunk in _chunks(created):  # (SQLite allows only so many values in one IN)
        present.update(
            Person.objects.filter(owner=owner, id__in=chunk).values_list("id", "full_name")
        )
    # merged into someone since, by hand (the run's own merges are undone first)
    gone = created - set(present)
    by_hand: list[MergeRecord] = []
    for chunk in _chunks(gone):
        by_hand += (
            MergeRecord.objects.filter(owner=owner, merged_id__in=chunk, undone_at__isnull=True)
            .exclude(id__in=merges)
            .select_related("kept")
            .order_by("id")
        )
    if by_hand:
        first = min(by_hand, key=lambda m: m.pk)
        more = len(by_hand) - 1
        yield _Problem(
            f"cannot undo import #{run.pk}: {first.merged_name} (#{first.merged_id}), whom it"
            f" created, was merged into {first.kept.full_name} (#{first.kept_id}) since"
            f" (merge #{first.pk}). Undo that merge first (troth unmerge {first.pk}), or"
            f" use --force to remove what this import brought to {first.kept.full_name}"
            " as well",
            f"what it brought to {first.kept.full_name} (#{first.kept_id}), merged since"
            f" (merge #{first.pk}{f' and {more:,} more' if more else ''}, undone first)",
        )
    extra = _gained(owner, run, record, list(present))
    if extra:
        counts, people = extra
        what = listing(counts)
        yield _Problem(
            f"cannot undo import #{run.pk}: {_names(people)}, whom it created,"
            f" {'has' if len(people) == 1 else 'have'} gained {what} since (by hand or by a"
            " later import). Undo later imports first (troth imports lists them), or use"
            " --force to remove those too",
            f"{what} that {_names(people)} gained since",
        )
    # edited since (any save of a person moves updated_at, and so does a row added to
    # their card: troth.people.card_changes; asked after the rows gained, so a note
    # typed since is named as such)
    # A relationship edited since (closeness, cadence, archived, met through) does not
    # move the person's updated_at (that is the card's, which CardDAV's ETags follow),
    # and no import writes those four: set on a person it created, they were set since
    # (a newcomer's review: `troth edit --closeness`, then the undo deleted the person).
    since = (
        Q(updated_at__gt=finished)
        | Q(relationship__closeness__isnull=False)
        | Q(relationship__cadence_days__isnull=False)
        | Q(relationship__archived=True)
        | Q(relationship__met_through__isnull=False)
    )
    edited: list[tuple[int, str]] = []
    for chunk in _chunks(present):
        edited += (
            Person.objects.filter(since, owner=owner, id__in=chunk)
            .order_by("id")
            .values_list("id", "full_name")
        )
    if edited:
        yield _Problem(
            f"cannot undo import #{run.pk}: {_names(edited)}, whom it created,"
            f" {'was' if len(edited) == 1 else 'were'} edited since (by hand or by a later"
            " import). Undo later imports first (troth imports lists them), or use --force"
            " to remove them with those changes",
            f"the changes made since to {_names(edited)}",
        )
    for change in record.changes:
        model = CHANGEABLE[change.table]
        if _still_as_left(model, owner, change) is False:
            pid = change.row if model is Person else _person_of(model, owner, change.row)
            name = (
                Person.objects.filter(owner=owner, id=pid or 0)
                .values_list("full_name", flat=True)
                .first()
            )
            who = f"{name or 'someone'} (#{pid})"
            # (forced, the later values stay: nothing is lost)
            yield _Problem(
                f"cannot undo import #{run.pk}: it filled in details of {who} that were"
                " changed again since (by hand or by a later import). Undo later imports"
                " first, or use --force to keep the later values and undo the rest"
            )
            return


def _person_of(model: type[models.Model], owner, pk: int | None) -> int | None:
    return _rows(model, owner).filter(pk=pk).values_list("person_id", flat=True).first()


def _gained(
    owner, run: ImportRun, record: _Record, people: list[int]
) -> tuple[dict[str, int], list[tuple[int, str]]] | None:
    """What points at the people the run created that the run did not write: how many
    of each kind (a row naming two of them counted once), and who gained them."""
    found: dict[str, set[int]] = defaultdict(set)
    who: set[int] = set()
    own_merges = set(record.ids(MergeRecord))
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if not isinstance(model, type) or _harmless(model):
            continue
        mine = own_merges if model is MergeRecord else set(record.ids(model))
        column = str(rel.field.column)  # type: ignore[union-attr]
        kind = _kind(model, column)
        # an interaction the owner logged is told from one a later import brought; a
        # step of an introduction counts as its introduction
        extra = (
            "source"
            if model is Interaction
            else "intro_id"
            if model._meta.label_lower == "intros.introstep"
            else None
        )
        for chunk in _chunks(people):
            for pk, pid, value in _select(model, column, chunk, extra):
                if pk in mine:
                    continue
                who.add(pid)
                if model is Interaction:
                    found["logged" if value == "manual" else kind].add(pk)
                else:
                    found[kind].add(pk if extra is None else int(value))
    if not found:
        return None
    names = sorted(
        Person.objects.filter(owner=owner, id__in=sorted(who)[:SHOWN]).values_list(
            "id", "full_name"
        )
    )
    names += [(pid, "") for pid in sorted(who)[SHOWN:]]
    return {kind: len(keys) for kind, keys in found.items()}, names


def forced_losses(owner, run_id: int) -> list[str]:
    """What undoing run `run_id` with `force=True` would take besides what the run
    wrote, each in the words its refusal uses (for the question a forced undo asks
    first); [] when a plain undo would go ahead, or the force loses nothing. Raises as
    `do_undo_import` does when the run cannot be undone at all."""
    run = _find(owner, run_id)
    _can_start(run, force=True)
    return [p.loss for p in _problems(owner, run, _read(run)) if p.loss]


# ------------------------------------------------------------------ undo


def _can_start(run: ImportRun, force: bool = False) -> None:
    if run.undone_at is not None:
        raise AlreadyUndone(f"import #{run.pk} was already undone")
    if run.status in (ImportRun.QUEUED, ImportRun.RUNNING) and not force:
        raise UndoRefused(
            f"import #{run.pk} is still running; undo it once it is done (if troth was stopped"
            " during it, undo what it wrote with --force)"
        )
    if run.status == ImportRun.PREVIEW:
        raise UndoRefused(f"import #{run.pk} is a preview: nothing of it was written")
    if run.kind == "json":
        raise UndoRefused(
            f"import #{run.pk} restored a troth export; it cannot be undone (troth restore"
            " a backup instead)"
        )
    if run.status == ImportRun.DONE and not ImportChange.objects.filter(run=run).exists():
        counts = run.counts or {}
        if any(counts.get(k) for k in ("people_created", "people_updated", "interactions_added")):
            raise UndoRefused(
                f"import #{run.pk} has no record of what it wrote (it ran before troth kept"
                " one, or came from a restore): it cannot be undone"
            )


def _find(owner, run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(owner=owner, pk=run_id).first()
    if run is None:
        raise NotFound(f"no import with id {run_id} (troth imports lists them)")
    return run


def do_undo_import(owner, run_id: int, *, force: bool = False) -> UndoSummary:
    """Undo run `run_id` of `owner` (see the module's docstring). Callers do not wrap
    it in a transaction: it makes its own short ones."""
    run = _find(owner, run_id)
    _can_start(run, force)
    record = _read(run)
    if not force:
        _check(owner, run, record)
    losses = [p.loss for p in _problems(owner, run, record) if p.loss] if force else []
    summary = _undo(owner, run, record)
    summary.also_removed = losses
    with transaction.atomic():
        stopped = run.status in (ImportRun.QUEUED, ImportRun.RUNNING)
        ImportRun.objects.filter(pk=run.pk).update(
            undone_at=timezone.now(),
            **({"status": ImportRun.FAILED, "error": "interrupted"} if stopped else {}),
        )
    return summary


def do_undo_run_quietly(owner, run: ImportRun) -> None:
    """A failed import undoes what its committed chunks wrote, and forgets its record.
    Never raises (the import's own error is the one to report)."""
    try:
        _undo(owner, run, _read(run))
        ImportChange.objects.filter(run=run).delete()
    except Exception:
        logger.exception("could not undo what the failed import run %s wrote", run.pk)


def _undo(owner, run: ImportRun, record: _Record) -> UndoSummary:
    summary = UndoSummary(run_id=run.pk)
    _unmerge(owner, record, summary)
    _unmerge_since(owner, run, record, summary)
    for model in DELETE_ORDER:
        ids = record.ids(model)
        if model in (Organization, Tag):
            ids = _unused(model, owner, ids)
        for chunk in _chunks(ids):
            n = _delete(model, owner, chunk)
            if n:
                label = model._meta.label_lower
                summary.removed[label] = summary.removed.get(label, 0) + n
    for change in reversed(record.changes):
        model = CHANGEABLE[change.table]
        with transaction.atomic():
            state = _still_as_left(model, owner, change)
            if state is None:
                continue
            if not state:
                summary.kept += 1
                continue
            before = {k: _value(model, k, v) for k, v in change.before.items()}
            if "photo" in change.after:
                before["photo"] = None
            _rows(model, owner).filter(pk=change.row).update(**before)
            summary.restored += 1
    with transaction.atomic():
        # caches: derived again on read; `removed`: rows went away, which the warm
        # paths' marks of what is new cannot see (they recount everything)
        rows_rewritten.send(ImportRun, owner=owner, person_ids=None, removed=True)
    return summary


# ------------------------------------------------------------------ plain SQL
# Django's own delete collects every related row through ORM filters that prepare
# each listed id (46 s for 12,000 people, most of it preparing ids): the undo deletes
# with plain SQL, checks that nothing still points at what it deleted, and only when
# something does (a note typed since, with --force) lets Django's delete cascade.


def _referrers(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(table, column) of every foreign key pointing at this model."""
    out = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            related = rel.related_model
            if isinstance(related, type):
                out.append((related, str(rel.field.column)))  # type: ignore[union-attr]
    return out


def _select(
    model: type[models.Model], column: str, ids: list[int], extra: str | None = None
) -> list[tuple[int, int, Any]]:
    """(pk, column, the `extra` column or None) of the rows whose `column` is one of `ids`."""
    if not ids:
        return []
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    pk = quote(str(model._meta.pk.column))
    also = quote(extra) if extra else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {quote(column)}, {also} FROM {quote(model._meta.db_table)}"
            f" WHERE {quote(column)} IN ({marks})",
            ids,
        )
        return [(int(a), int(b), c) for a, b, c in cursor.fetchall()]


class _StillUsed(Exception):
    pass


def _delete(model: type[models.Model], owner, ids: list[int]) -> int:
    """Delete the owner's rows of `model` with these ids, in one short transaction."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    if model is PersonTags:
        person = quote(Person._meta.db_table)
        mine = f"{quote('person_id')} IN (SELECT id FROM {person} WHERE {quote('owner_id')} = %s)"
    else:
        mine = f"{quote('owner_id')} = %s"
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # caches and suggestions about these rows go with them
                for related, column in _referrers(model):
                    if _harmless(related):
                        cursor.execute(
                            f"DELETE FROM {quote(related._meta.db_table)}"
                            f" WHERE {quote(column)} IN ({marks}) AND {quote('owner_id')} = %s",
                            [*ids, owner.pk],
                        )
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN ({marks}) AND {mine}", [*ids, owner.pk]
                )
                n = cursor.rowcount
                for related, column in _referrers(model):
                    if _select(related, column, ids):
                        raise _StillUsed
            return int(n)
    except _StillUsed:
        pass
    with transaction.atomic():  # something still points at them: Django cascades
        rows = _rows(model, owner).filter(pk__in=ids)
        n = rows.count()  # what this table lost, not what the deletion cascaded to
        rows.delete()
        return n


def _unmerge(owner, record: _Record, summary: UndoSummary) -> None:
    """The run's own merges, newest first: the people come back as they were."""
    from troth.identity.actions import do_unmerge

    created = set(record.ids(Person))
    for merge_id in sorted(record.ids(MergeRecord), reverse=True):
        with transaction.atomic():
            merge = MergeRecord.objects.filter(owner=owner, pk=merge_id).first()
            if merge is None:
                continue
            if merge.undone_at is None:
                last = MergeSuggestion.objects.order_by("-id").values_list("id", flat=True)
                newest = last.first() or 0
                do_unmerge(owner, merge)
                # do_unmerge notes "two people, never suggest again": the run never said so
                MergeSuggestion.objects.filter(owner=owner, id__gt=newest).delete()
                summary.unmerged += 1
                if merge.merged_id in created:
                    summary.brought_back += 1
            merge.delete()


def _unmerge_since(owner, run: ImportRun, record: _Record, summary: UndoSummary) -> None:
    """Merges made since (by hand, or by a later import) of a person the run created
    into someone, or of someone into them (only with force: the checks refuse
    otherwise), newest first. Undone, the person comes back with what the merge moved
    and then goes with the run, and the filled-in fields of the one kept are put
    back; left, the merge list would offer to bring back an empty person of an
    undone import (a newcomer's review), or the person merged into one of the run's
    would go with them. A merge that cannot be undone (one from a restored backup)
    is retired: marked undone, its reason saying why."""
    from troth.identity.actions import do_unmerge

    created = record.ids(Person)
    own = set(record.ids(MergeRecord))
    found: set[int] = set()
    for chunk in _chunks(created):
        found.update(
            MergeRecord.objects.filter(owner=owner, undone_at__isnull=True)
            .filter(models.Q(merged_id__in=chunk) | models.Q(kept_id__in=chunk))
            .exclude(id__in=own)
            .values_list("id", flat=True)
        )
    for merge_id in sorted(found, reverse=True):
        with transaction.atomic():
            merge = MergeRecord.objects.filter(owner=owner, pk=merge_id).first()
            if merge is None or merge.undone_at is not None:
                continue
            try:
                with transaction.atomic():
                    do_unmerge(owner, merge)
                summary.unmerged += 1
            except TrothError:
                note = f"; retired: import #{run.pk}, which made the person, was undone"
                MergeRecord.objects.filter(owner=owner, pk=merge_id).update(
                    undone_at=timezone.now(), reason=(merge.reason + note)[-300:]
                )


def _unused(model: type[models.Model], owner, ids: list[int]) -> list[int]:
    """Of these organisations or tags, those nothing points at any more (one the
    owner has used since stays)."""
    free = set(ids)
    for rel in model._meta.get_fields(include_hidden=True):
        if not free:
            break
        # reverse foreign keys, hidden ones included: Person.tags' links point at a tag
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related = rel.related_model
        if not isinstance(related, type):
            continue
        fk = rel.field.attname  # type: ignore[union-attr]
        for chunk in _chunks(free):
            free -= set(
                related._base_manager.filter(**{f"{fk}__in": chunk}).values_list(fk, flat=True)
            )
    return sorted(free)
