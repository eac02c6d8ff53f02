"""Merging two people into one, undoing it, and resolving identities after an import.

Callers own the transaction (wrap in `transaction.atomic()`).

`do_merge` is generic: it walks every relation that points at Person
(`Person._meta.get_fields(include_hidden=True)`, so links with related_name="+"
and the tags' through table are included) and moves each row from the merged
person to the kept one. What cannot move is dropped and kept in the merge's
snapshot so `do_unmerge` can put it back:

* a row that would duplicate one the kept person has (the same contact point,
  a "knows" link both had with a third person, the same imported interaction,
  the same tag): a unique constraint says which;
* a "knows" link between the two themselves;
* one-to-one rows (the relationship): the kept person's wins, its empty fields
  filled from the other's.

A nullable link that would point from the kept person to themselves (the kept
person "met through" the merged one) is cleared. A non-nullable one (a favour
or a promise between the two) means they are two people: the merge is refused.
Cached trust scores are dropped so the next read recomputes them.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone

from troth.errors import Conflict, NotFound, TrothError
from troth.events import emit
from troth.identity import match
from troth.identity.models import MergeRecord, MergeSuggestion
from troth.identity.names import name_forms
from troth.identity.pairs import COMBINED, combine, pair_columns
from troth.identity.queries import candidates, rejected_pairs
from troth.identity.records import _prepare
from troth.identity.scoring import apart
from troth.lib.text import fold
from troth.owned import Owned, Owner, rewriting, rows_rewritten
from troth.people.models import Employment, Person

# Caches, recomputed on demand: dropped, never moved or restored. Named by label:
# identity sits below trust, and tells it of a merge through troth.owned.rows_rewritten.
CACHES = frozenset({"trust.trustscore", "trust.tiepast"})
# The kept person's own fields the merged one may fill in when empty.
PERSON_FILL = ("given_name", "family_name", "nickname", "photo", "photo_type")


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes keep their microseconds: restores are exact."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        if isinstance(o, bytes | memoryview):
            return base64.b64encode(bytes(o)).decode("ascii")
        return super().default(o)


def _plain(data: Any) -> Any:
    """JSON-safe, with exact datetimes and base64 bytes (what BinaryField reads back)."""
    return json.loads(json.dumps(data, cls=_Encoder))


def _dump(obj: models.Model) -> dict[str, Any]:
    """One row as Django's serializer writes it (every column, no many-to-many)."""
    fields = [f.name for f in obj._meta.concrete_fields if not f.primary_key]
    row: dict[str, Any] = serializers.serialize("python", [obj], fields=fields)[0]
    return row


class _Unsafe(TrothError):
    """A merge's snapshot that asks for something a merge never does."""


def _owned_rows(owner: Owner, model: type[models.Model]) -> models.QuerySet[Any]:
    """The owner's rows of a model a merge moves: by its owner column, or for a
    many-to-many link table (a person's tags) by the owner of both ends."""
    manager = model._base_manager
    if any(f.name == "owner" for f in model._meta.concrete_fields):
        return manager.filter(owner=owner)
    links = {
        f"{f.name}__owner": owner
        for f in model._meta.concrete_fields
        if f.is_relation and not f.primary_key
    }
    if not links:  # nothing says whose it is: never the owner's
        return manager.none()
    return manager.filter(**links)


def _check_link(owner: Owner, f: models.Field[Any, Any], value: Any) -> Any:
    """A snapshot's value for a link column: one of the owner's rows (or empty);
    None when the row is gone. Never a row of someone else's."""
    if value is None:
        return None
    target = f.related_model
    assert isinstance(target, type)
    if target is get_user_model():
        if value != owner.pk:
            raise _Unsafe(f"{f.model._meta.label_lower}.{f.name} names another account")
        return value
    if not issubclass(target, Owned):
        raise _Unsafe(f"{_label(f.model)}.{f.name} links to {_label(target)}")
    try:
        value = target._meta.pk.to_python(value)
    except (DjangoValidationError, TypeError, ValueError):
        raise _Unsafe(f"{_label(f.model)}.{f.name}: bad id {value!r}") from None
    if _owned_rows(owner, target).filter(pk=value).exists():
        return value
    if target._base_manager.filter(pk=value).exists():
        raise _Unsafe(f"{_label(target)} #{value} is not yours")
    return None  # gone since the merge


def _restore(owner: Owner, row: Any, allowed: Collection[type[models.Model]]) -> bool:
    """Put back a row a merge deleted, with its own id, for this owner only; False
    when something it must point at is gone. The row is checked field by field
    against its model (one the merge could have deleted), never deserialized as
    whatever model it names."""
    if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
        raise _Unsafe("a saved row is not a row")
    try:
        model = _model(str(row.get("model")))
    except (LookupError, ValueError):
        raise _Unsafe(f"unknown model {row.get('model')!r}") from None
    if model not in allowed:
        raise _Unsafe(f"a merge never deletes {_label(model)} rows")
    pk = row.get("pk")
    if type(pk) is not int or pk <= 0:
        raise _Unsafe(f"{_label(model)}: bad id {pk!r}")
    if model._base_manager.filter(pk=pk).exists():
        raise TrothError(f"{_label(model)} #{pk} is taken again")
    columns = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
    fields = row["fields"]
    unknown = set(fields) - set(columns)
    if unknown:
        raise _Unsafe(f"{_label(model)} has no field {sorted(unknown)[0]!r}")
    values: dict[str, Any] = {model._meta.pk.attname: pk}
    for name, f in columns.items():
        value = fields.get(name)
        if f.is_relation:
            if name == "owner":
                value = owner.pk if value in (None, owner.pk) else value
            if value is None and not f.null:
                raise _Unsafe(f"{_label(model)} #{pk} has no {name}")
            linked = _check_link(owner, f, value)
            if linked is None and value is not None and not f.null:
                return False
            values[f.attname] = linked
            continue
        if name not in fields:
            if not (f.has_default() or f.null):
                raise _Unsafe(f"{_label(model)} #{pk} has no {name}")
            values[f.attname] = f.get_default() if f.has_default() else None
            continue
        try:
            values[f.attname] = None if value is None else f.to_python(value)
        except (DjangoValidationError, TypeError, ValueError):
            raise _Unsafe(f"{_label(model)} #{pk}: bad {name}") from None
    if model is Person and values.get("is_me"):
        raise _Unsafe("'me' is never merged")
    obj = model(**values)
    obj.save_base(raw=True, force_insert=True)
    return True


def _check_columns(
    owner: Owner, model: type[models.Model], values: Any, allowed: Collection[str]
) -> dict[str, Any]:
    """A moved or filled row's columns: only those a merge changes on that model,
    links to the owner's own rows; as the columns hold them."""
    if not isinstance(values, dict) or not set(values) <= set(allowed):
        raise _Unsafe(f"{_label(model)}: a merge never changes {sorted(values or ())}")
    fields = {f.attname: f for f in model._meta.concrete_fields}
    out: dict[str, Any] = {}
    for attname, value in values.items():
        f = fields[attname]
        if f.is_relation:
            linked = _check_link(owner, f, value)
            if linked is None and value is not None:
                raise TrothError(f"{_label(model)}: a row it pointed at is gone")
            out[attname] = linked
        else:
            try:
                out[attname] = None if value is None else f.to_python(value)
            except (DjangoValidationError, TypeError, ValueError):
                raise _Unsafe(f"{_label(model)}: bad {attname}") from None
    return out


@functools.cache
def _undo_models() -> frozenset[type[models.Model]]:
    """The models whose rows a merge moves or deletes: those pointing at a person."""
    return frozenset(
        model for model, _col, _one in _person_relations() if model._meta.label_lower not in CACHES
    )


def _movable(model: type[models.Model]) -> set[str]:
    """The columns of a model a merge moves: its links to a person (and whether a
    job is the current one, see _move_rows)."""
    cols = {
        f.attname
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    }
    return cols | ({"is_current"} if model is Employment else set())


def _goes_by(keep: Person, other: Person) -> str:
    """The merged person's given name when it is a short form of the kept one's ("Bob"
    merged into Robert Lang), kept as what they go by: a search for "bob" still finds
    him (a newcomer's finding: the merged name was forgotten). Empty otherwise."""
    mine, theirs = fold(keep.given_name), fold(other.given_name)
    if not mine or not theirs or mine == theirs or " " in theirs:
        return ""
    return other.given_name if mine in name_forms(theirs) else ""


def _fillable(model: type[models.Model]) -> set[str]:
    """The columns a merge fills in on the kept person's rows (see do_merge)."""
    if model is Person:
        return set(PERSON_FILL)
    if model is Employment:
        return {"title"}
    return {
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != "owner" and not f.is_relation
    } | {
        f.attname
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person and not f.one_to_one
    }


@functools.cache
def _person_relations() -> tuple[tuple[type[models.Model], str, bool], ...]:
    """Every (model, column, one-to-one) that points at Person, hidden links included."""
    out = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if isinstance(rel, models.ForeignObjectRel) and not rel.many_to_many:
            model = rel.related_model
            assert model is not None and isinstance(model, type)
            out.append((model, rel.field.attname, bool(rel.one_to_one)))
    return tuple(out)


def _referencing(person_id: int) -> set[tuple[type[models.Model], str]]:
    """Which relations hold rows pointing at this person: one query, not one per table."""
    quote = connection.ops.quote_name
    relations = _person_relations()
    sql = " UNION ALL ".join(
        f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(col)} = %s)"
        for i, (model, col, _one) in enumerate(relations)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id] * len(relations))
        hits = [row[0] for row in cursor.fetchall()]
    return {(relations[i][0], relations[i][1]) for i in hits}


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def _unique_sets(model: type[models.Model]) -> list[tuple[list[str], Q | None]]:
    """Each uniqueness rule of a model: its columns, and its condition if partial."""
    columns = {f.name: f.attname for f in model._meta.concrete_fields}
    out: list[tuple[list[str], Q | None]] = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            cols = [columns[n] for n in constraint.fields]
            out.append((cols, constraint.condition))
    for together in model._meta.unique_together:
        out.append(([columns[n] for n in together], None))
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            out.append(([f.attname], None))
    return out


def _duplicates(
    model: type[models.Model], pk: int, values: dict[str, Any], changed: set[str]
) -> bool:
    """Would this row, with these values, break a unique rule another row holds?"""
    for cols, condition in _unique_sets(model):
        if not changed & set(cols):
            continue
        others = model._base_manager.filter(**{c: values[c] for c in cols}).exclude(pk=pk)
        if condition is not None:
            if not model._base_manager.filter(pk=pk).filter(condition).exists():
                continue
            others = others.filter(condition)
        if others.exists():
            return True
    return False


@dataclass
class _Plan:
    moved: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    filled: dict[str, dict[str, Any]] = field(default_factory=dict)


def _move_rows(
    owner: Owner,
    keep: Person,
    other: Person,
    model: type[models.Model],
    cols: list[str],
    plan: _Plan,
) -> None:
    nullable = {
        f.attname: f.null
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    }
    person_cols = list(nullable)
    rows = model._base_manager.filter(
        Q(*[Q(**{c: other.id}) for c in cols], _connector=Q.OR)
    ).order_by("pk")
    for row in rows:
        before = {c: getattr(row, c) for c in person_cols}
        after = {c: (keep.id if v == other.id else v) for c, v in before.items()}
        was_keep = {c for c, v in before.items() if v == keep.id}
        came = {c for c, v in before.items() if v == other.id}
        drop = False
        pair = pair_columns(model)
        if was_keep and came:  # a row between the two: after the merge, keep to keep
            if pair is not None:
                drop = True  # "knows" themselves, a suggestion about themselves
            else:
                # a link that can be empty is cleared (nobody met themselves through themselves)
                for c in came:
                    if nullable[c]:
                        after[c] = None
                if any(after[c] == keep.id for c in came) and all(nullable[c] for c in was_keep):
                    for c in was_keep:
                        after[c] = None
            pointing = [c for c in person_cols if after[c] == keep.id]
            if not drop and len(pointing) > 1:
                raise TrothError(
                    f"{keep.full_name} (#{keep.id}) and {other.full_name} (#{other.id}) "
                    f"share a {model._meta.verbose_name} (#{row.pk}) between them: they look "
                    "like two people, so they are not merged"
                )
        between = drop
        if pair and not drop and after[pair[0]] > after[pair[1]]:
            after[pair[0]], after[pair[1]] = after[pair[1]], after[pair[0]]
        changed = {c for c in person_cols if after[c] != before[c]}
        also_before: dict[str, Any] = {}
        also_after: dict[str, Any] = {}
        if not drop and model is Employment:
            twin = _same_job(keep, row)  # type: ignore[arg-type]
            if twin is not None:
                # the same job seen twice ("Umbrella Inc" / "Umbrella, Inc."): one row is
                # enough, the kept one, with the title the other knew if it had none
                drop = True
                if not twin.title and row.title:  # type: ignore[attr-defined]
                    plan.filled[f"{_label(Employment)}:{twin.pk}"] = {
                        "pk": twin.pk,
                        "before": {"title": ""},
                        "after": {"title": row.title},  # type: ignore[attr-defined]
                    }
                    Employment.objects.filter(pk=twin.pk).update(title=row.title)  # type: ignore[attr-defined]
            elif row.is_current and _has_current_job(keep):  # type: ignore[attr-defined]
                # the kept person's current job stays the current one (as their other
                # fields win); this one becomes a past job, and comes back on unmerge
                also_before, also_after = {"is_current": True}, {"is_current": False}
        if not drop:
            values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
            values.update(after)
            drop = _duplicates(model, row.pk, values, changed)
        if drop:
            if pair is not None and not between and _label(model) in COMBINED:
                combine(model, row, after, pair, plan.filled)
            _check_droppable(row, keep, other)
            plan.deleted.append(_dump(row))
            model._base_manager.filter(pk=row.pk).delete()
            continue
        model._base_manager.filter(pk=row.pk).update(**{c: after[c] for c in changed}, **also_after)
        plan.moved.append(
            {
                "model": _label(model),
                "pk": row.pk,
                "before": {**{c: before[c] for c in changed}, **also_before},
                "after": {**{c: after[c] for c in changed}, **also_after},
            }
        )


def _same_job(keep: Person, row: Employment) -> Employment | None:
    """The kept person's job at the same employer as this one: the same organization,
    or one whose name differs only in punctuation and legal form. A headline job (a
    title with no employer) is the same as a headline with that title, or none."""
    jobs = list(Employment.objects.filter(person=keep).select_related("organization"))
    if row.organization_id is None:
        title = fold(row.title)
        for job in jobs:
            if job.organization_id is None and (not title or fold(job.title) in (title, "")):
                return job
        return None
    for job in jobs:
        if job.organization_id == row.organization_id:
            return job
    key = match.company_key(row.company)
    for job in jobs:
        if key and job.organization_id and match.company_key(job.company) == key:
            return job
    return None


def _has_current_job(person: Person) -> bool:
    return Employment.objects.filter(person=person, is_current=True).exists()


def _check_droppable(row: models.Model, keep: Person, other: Person) -> None:
    """A duplicate row is only dropped if nothing else hangs on it: deleting it must
    not cascade to, or clear a link in, rows the snapshot would not restore."""
    collector = Collector(using=row._state.db or "default")
    collector.collect([row])
    others = sum(len(objs) for objs in collector.data.values()) - 1
    if others or collector.field_updates or any(qs.exists() for qs in collector.fast_deletes):
        raise TrothError(
            f"{keep.full_name} (#{keep.id}) and {other.full_name} (#{other.id}) both have "
            f"{row._meta.verbose_name} #{row.pk} with records attached; merge refused"
        )


def _merge_one_to_one(
    keep: Person, other: Person, model: type[models.Model], col: str, plan: _Plan
) -> None:
    theirs = model._base_manager.filter(**{col: other.id}).first()
    if theirs is None:
        return
    mine = model._base_manager.filter(**{col: keep.id}).first()
    if mine is None:
        model._base_manager.filter(pk=theirs.pk).update(**{col: keep.id})
        plan.moved.append(
            {
                "model": _label(model),
                "pk": theirs.pk,
                "before": {col: other.id},
                "after": {col: keep.id},
            }
        )
        return
    fill: dict[str, Any] = {}
    old: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in (col, "owner_id"):
            continue
        value = getattr(theirs, f.attname)
        if f.is_relation and value in (keep.id, other.id):
            continue
        current = getattr(mine, f.attname)
        if current in (None, "") and value not in (None, ""):
            fill[f.attname] = value
            old[f.attname] = current
    if fill:
        model._base_manager.filter(pk=mine.pk).update(**fill)
        plan.filled[_label(model)] = {"pk": mine.pk, "before": old, "after": fill}
    _check_droppable(theirs, keep, other)
    plan.deleted.append(_dump(theirs))
    model._base_manager.filter(pk=theirs.pk).delete()


def _check_pair(owner: Owner, keep: Person, other: Person) -> None:
    for p in (keep, other):
        if p.owner_id != owner.id:
            raise NotFound(f"no person with id {p.id}")
        if p.is_me:
            raise TrothError("you cannot be merged with a contact ('me' is you)")
    if keep.id == other.id:
        raise TrothError(f"{keep.full_name} (#{keep.id}) cannot be merged with themselves")


def do_merge(owner: Owner, keep: Person, other: Person, *, reason: str = "") -> MergeRecord:
    """Fold `other` into `keep`: every row that pointed at `other` now points at
    `keep`, `other` is deleted, and a MergeRecord remembers how to undo it."""
    _check_pair(owner, keep, other)
    fresh = Person.objects.in_bulk([keep.pk, other.pk])  # the snapshot must be exact
    keep, other = fresh[keep.pk], fresh[other.pk]
    plan = _Plan()
    person_row = _dump(other)

    by_model: dict[type[models.Model], list[str]] = defaultdict(list)
    present = _referencing(other.id)
    with rewriting([keep.id, other.id]):  # rows_rewritten below says it once for all
        for model, col, one_to_one in _person_relations():
            if model._meta.label_lower in CACHES or (model, col) not in present:
                continue
            if one_to_one:
                _merge_one_to_one(keep, other, model, col, plan)
            else:
                by_model[model].append(col)
        # (the merged person's own merge history follows them: MergeRecord.kept is one of these)
        for model, cols in by_model.items():
            _move_rows(owner, keep, other, model, cols, plan)

    fill = {
        f: getattr(other, f)
        for f in PERSON_FILL
        if getattr(keep, f) in (None, "") and getattr(other, f) not in (None, "")
    }
    if fill.get("photo") is None:
        fill.pop("photo_type", None)
    goes_by = _goes_by(keep, other)
    if goes_by and "nickname" not in fill and not keep.nickname:
        fill["nickname"] = goes_by
    if fill:
        plan.filled[_label(Person)] = {
            "pk": keep.pk,
            "before": {f: getattr(keep, f) for f in fill},
            "after": fill,
        }
        Person.objects.filter(pk=keep.pk).update(**fill)

    rows_rewritten.send(Person, owner=owner, person_ids=[keep.id, other.id])
    # Nothing points at them any more, so no cascade to collect: one statement. (Foreign
    # keys are checked at commit, so a row left behind would fail loudly, not dangle.)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Person._meta.db_table)} WHERE id = %s",
            [other.id],
        )
    snapshot = {
        "kept": keep.id,
        "person": person_row,
        "moved": plan.moved,
        "deleted": plan.deleted,
        "filled": plan.filled,
    }
    record = MergeRecord.objects.create(
        owner=owner,
        kept=keep,
        merged_id=other.id,
        merged_name=other.full_name,
        reason=reason[:300],
        snapshot=_plain(snapshot),
        created_at=timezone.now(),
    )
    emit(owner, "person.merged", keep, removed={"id": other.id, "name": other.full_name})
    return record


def do_unmerge(owner: Owner, record: MergeRecord) -> Person:
    """Undo a merge: the merged person comes back with the same id, with exactly the
    rows that were moved from them (anything added to the kept person since stays),
    and the rows the merge dropped.

    The snapshot is checked, not trusted: only rows of the models a merge touches,
    only the owner's rows, only the columns a merge changes, and every link to one
    of the owner's rows. A snapshot asking for anything else (a restore of a crafted
    file once could) undoes nothing: callers own the transaction, and roll back."""
    if record.owner_id != owner.id:
        raise NotFound(f"no merge with id {record.id}")
    record.refresh_from_db()  # a later merge may have moved it to someone else
    if record.undone_at is not None:
        raise Conflict(f"merge #{record.id} was already undone")
    snap = record.snapshot
    if not snap:  # a restore never brings a snapshot back (troth.backup.restore)
        raise TrothError(
            f"merge #{record.id} cannot be undone: it came from a restored backup, which"
            " does not keep what undoing needs"
        )
    if Person.objects.filter(pk=record.merged_id).exists():
        raise TrothError(f"#{record.merged_id} exists again; merge #{record.id} cannot be undone")
    keep = record.kept
    try:
        with rewriting([keep.id, record.merged_id]):  # rows_rewritten below says it
            _undo(owner, record, keep, snap)
    except _Unsafe as exc:
        raise TrothError(
            f"merge #{record.id} cannot be undone: its record is not valid ({exc})"
        ) from None
    except TrothError as exc:
        raise TrothError(f"merge #{record.id} cannot be undone: {exc}") from None
    MergeRecord.objects.filter(pk=record.pk, owner=owner).update(undone_at=timezone.now())
    record.refresh_from_db()
    # both: the merged person's rows went back to them (trust's summed past, per tie)
    rows_rewritten.send(Person, owner=owner, person_ids=[keep.id, record.merged_id])
    merged = Person.objects.get(owner=owner, pk=record.merged_id)
    # Undone means "two people": never merge or suggest them again.
    do_reject(owner, keep, merged)
    return merged


def _undo(owner: Owner, record: MergeRecord, keep: Person, snap: Any) -> None:
    if keep.owner_id != owner.id:
        raise _Unsafe("the kept person is not yours")
    if not isinstance(snap, dict) or not all(
        isinstance(snap.get(k), t)
        for k, t in (("person", dict), ("moved", list), ("deleted", list), ("filled", dict))
    ):
        raise _Unsafe("parts of it are missing")
    person = snap["person"]
    if person.get("model") != _label(Person) or person.get("pk") != record.merged_id:
        raise _Unsafe("the merged person is not the one the merge names")
    if not _restore(owner, person, {Person}):
        raise _Unsafe("the merged person cannot come back")
    for row in snap["deleted"]:
        _restore(owner, row, _undo_models())
    # If the kept person was merged into someone else since, the rows followed them.
    kept_then = snap.get("kept", keep.id)
    for move in reversed(snap["moved"]):
        if not isinstance(move, dict) or type(move.get("pk")) is not int:
            raise _Unsafe("a moved row is not a row")
        model = _label_model(move.get("model"), _undo_models())
        allowed = _movable(model)
        now = {c: (keep.id if v == kept_then else v) for c, v in (move.get("after") or {}).items()}
        after = _check_columns(owner, model, now, allowed)
        before = _check_columns(owner, model, move.get("before"), allowed)
        # only the owner's rows still where the merge put them: later changes win
        _owned_rows(owner, model).filter(pk=move["pk"], **after).update(**before)
    for label, filled in snap["filled"].items():
        # "people.employment:42": one row of many
        model = _label_model(str(label).partition(":")[0], {*_undo_models(), Person})
        if not isinstance(filled, dict) or type(filled.get("pk")) is not int:
            raise _Unsafe("a filled-in row is not a row")
        allowed = _fillable(model)
        after = _check_columns(owner, model, filled.get("after"), allowed)
        before = _check_columns(owner, model, filled.get("before"), allowed)
        for attname, value in before.items():
            if attname not in after:
                raise _Unsafe(f"{_label(model)}: {attname} was not filled in")
            _owned_rows(owner, model).filter(pk=filled["pk"], **{attname: after[attname]}).update(
                **{attname: value}
            )


def _label_model(label: Any, allowed: Collection[type[models.Model]]) -> type[models.Model]:
    try:
        model = _model(str(label))
    except (LookupError, ValueError):
        raise _Unsafe(f"unknown model {label!r}") from None
    if model not in allowed:
        raise _Unsafe(f"a merge never changes {_label(model)} rows")
    return model


def do_reject(owner: Owner, a: Person, b: Person) -> MergeSuggestion:
    _check_pair(owner, a, b)
    low, high = sorted((a.id, b.id))
    suggestion, _ = MergeSuggestion.objects.update_or_create(
        owner=owner,
        person_a_id=low,
        person_b_id=high,
        defaults={"status": MergeSuggestion.REJECTED, "decided_at": timezone.now()},
        create_defaults={
            "confidence": 0.0,
            "reasons": [],
            "status": MergeSuggestion.REJECTED,
            "created_at": timezone.now(),
            "decided_at": timezone.now(),
        },
    )
    return suggestion


def do_accept(owner: Owner, keep: Person, other: Person, *, reason: str = "") -> MergeRecord:
    """Merge on the owner's word, closing the suggestion about the pair if any."""
    low, high = sorted((keep.id, other.id))
    MergeSuggestion.objects.filter(owner=owner, person_a_id=low, person_b_id=high).update(
        status=MergeSuggestion.ACCEPTED, decided_at=timezone.now()
    )
    return do_merge(owner, keep, other, reason=reason or "merged by hand")


def _apart(owner: Owner, a: int, b: int) -> bool:
    """Whether two people are two whatever their names say (scoring.apart), read again
    as they are now, after this run's merges."""
    found = {c.id: c for c in candidates(owner, ids=[a, b])}
    if a not in found or b not in found:
        return True  # one is gone: nothing to suggest
    ca, cb = found[a], found[b]
    shared = [
        f"same {kind} {v}"
        for kind, x, y in (
            ("email", ca.emails, cb.emails),
            ("phone", ca.phones, cb.phones),
            ("url", ca.urls, cb.urls),
        )
        for v in sorted(set(x) & set(y))
    ]
    return apart(_prepare(ca), _prepare(cb), shared, ca, cb)


@dataclass
class ResolveSummary:
    merged: int
    suggested: int
    merges: list[int] = field(default_factory=list)  # MergeRecord ids


def do_resolve(owner: Owner, person_ids: Collection[int] | None = None) -> ResolveSummary:
    """Find the same person seen twice among the owner's contacts (or between these
    people and everyone): merge the sure pairs, suggest the likely ones. Pairs the
    owner rejected (or unmerged) are left alone, and with `person_ids` two people who
    were both there before are never merged automatically, only suggested."""
    focus = None if person_ids is None else set(person_ids)
    found = match.find_matches(candidates(owner), focus=focus)
    rejected = rejected_pairs(owner)
    now_of: dict[int, int] = {}  # merged id -> the person it now lives in

    def current(pid: int) -> int:
        while pid in now_of:
            pid = now_of[pid]
        return pid

    summary = ResolveSummary(merged=0, suggested=0)
    likely: list[match.Match] = []
    for m in found:
        if not m.sure:
            likely.append(m)
            continue
        a, b = current(m.a), current(m.b)
        if a == b or (min(a, b), max(a, b)) in rejected:
            continue
        if focus is not None and a not in focus and b not in focus:
            # two people who were there before this import (one may have absorbed a new
            # record): the owner kept them apart so far, so only suggest it
            likely.append(m)
            continue
        keep_id, other_id = min(a, b), max(a, b)  # the older record stays
        try:
            with transaction.atomic():
                both = Person.objects.in_bulk([keep_id, other_id])
                record = do_merge(owner, both[keep_id], both[other_id], reason="; ".join(m.reasons))
        except TrothError:
            likely.append(m)
            continue
        now_of[other_id] = keep_id
        summary.merged += 1
        summary.merges.append(record.id)
    now = timezone.now()
    # read after the merges: a merge moves the suggestions about the merged person onto
    # the kept one, so a pair known before may be another pair now
    known = set(
        MergeSuggestion.objects.filter(owner=owner).values_list("person_a_id", "person_b_id")
    )
    for m in likely:
        a, b = current(m.a), current(m.b)
        pair = (min(a, b), max(a, b))
        if a == b or pair in known:
            continue
        if pair != (m.a, m.b) and _apart(owner, *pair):
            # a record likely the same as two people was merged into one of them:
            # the other is only suggested as the same if nothing tells them apart
            # (two LinkedIn profiles are two people: a newcomer's finding)
            continue
        known.add(pair)
        MergeSuggestion.objects.create(
            owner=owner,
            person_a_id=pair[0],
            person_b_id=pair[1],
            confidence=m.confidence,
            reasons=m.reasons,
            created_at=now,
        )
        summary.suggested += 1
    return summary
