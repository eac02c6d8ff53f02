"""Which tables hold what an owner has, found from the models themselves.

Every model deriving from `troth.owned.Owned` is the owner's, and so is every
automatically created many-to-many table between them (Person.tags). Nothing
is listed by hand, so a model another app adds tomorrow is exported and
restored without touching this package.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from troth.lib.text import count
from troth.owned import Owned

# Caches rebuilt from the rest on first read: not exported, emptied on restore.
# trust.trustscore: `troth.trust.queries.is_stale` finds no rows (or rows that do
# not match the people) and recomputes every score from interactions, favours and
# promises, so a restored network scores exactly as it did.
# agenda.agendasnapshot: today's ranked agenda, rebuilt on the first read after any
# change (troth.agenda.snapshot).
# trust.pastbase, trust.tiepast: the interactions before a day summed per tie
# (troth.trust.past), summed again by the first full recompute.
DERIVED = frozenset(
    {"trust.trustscore", "trust.pastbase", "trust.tiepast", "agenda.agendasnapshot"}
)
# Secrets never written to an export (a backup file is copied, mailed, synced): the
# column is exported empty and a restore leaves it empty, to be typed in again.
SECRETS: dict[str, frozenset[str]] = {
    "agenda.mailsettings": frozenset({"password"}),
    "sync.source": frozenset({"secret"}),  # encrypted, but never exported either
}
# What a restore accepts, listed by hand on purpose: an uploaded export is untrusted
# (a member's restore on a group's server), so only the owner's own troth records
# come in, never a table named only because the file names it (auth.*, sessions,
# admin, axes, tasks...). A model added tomorrow is restored once it is listed here;
# tests/test_restore_security.py fails until every owned table is.
# Tables that moved to another app since older exports were written: old label ->
# the current one, so those files still restore.
RENAMED = {
    "agenda.tiercadence": "trust.tiercadence",
    "importers.sourcerecord": "identity.sourcerecord",
}
RESTORABLE = frozenset(
    {
        "agenda.agendamark",
        "agenda.agendasnapshot",  # DERIVED: accepted in a file, never written
        "agenda.calendartoken",
        "agenda.digestlog",
        "agenda.mailsettings",
        "dav.addressbook",
        "identity.mergerecord",
        "identity.mergesuggestion",
        "identity.sourcerecord",
        "importers.importrun",
        "importers.messageparticipant",
        "interactions.interaction",
        "intros.introduction",
        "intros.introstep",
        "ledger.commitment",
        "ledger.favor",
        "ledger.need",
        "ledger.need_tags",
        "people.contactpoint",
        "people.datereminders",
        "people.employment",
        "people.knows",
        "people.note",
        "people.organization",
        "people.person",
        "people.person_tags",
        "people.persondate",
        "people.relationship",
        "people.tag",
        "sim.simtruth",
        "sync.seenmail",
        "sync.source",
        "sync.syncrun",
        "trust.pastbase",  # DERIVED: accepted in a file, never written
        "trust.tiercadence",
        "trust.tiepast",  # DERIVED: accepted in a file, never written
        "trust.trustscore",  # DERIVED: accepted in a file, never written
        "warmpaths.inferencepass",
        "warmpaths.link",
        "warmpaths.plannedask",
    }
)


@dataclass(frozen=True)
class Table:
    label: str  # "people.person", "people.person_tags"
    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]  # the columns written, owner excluded
    owned: bool  # has an owner column (else a many-to-many table between owned rows)
    # For a many-to-many table: the field through which rows belong to the owner.
    via: str = ""

    @property
    def pk_index(self) -> int:
        return self.columns.index(self.model._meta.pk.attname)

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    def rows_of(self, owner: Any) -> models.QuerySet[Any]:
        manager = self.model._base_manager
        if self.owned:
            return manager.filter(owner=owner)
        return manager.filter(**{f"{self.via}__owner": owner})


def is_owned(model: type[models.Model]) -> bool:
    return issubclass(model, Owned) and not model._meta.abstract and not model._meta.proxy


def is_user_fk(field: models.Field[Any, Any]) -> bool:
    return bool(field.is_relation and field.related_model is get_user_model())


def _owned_models() -> list[type[models.Model]]:
    found = [m for m in apps.get_models() if is_owned(m)]
    for model in found:
        if model._meta.parents:
            raise RuntimeError(f"{model._meta.label}: multi-table inheritance is not supported")
    return sorted(found, key=lambda m: m._meta.label_lower)


def _through_tables(model: type[models.Model]) -> list[Table]:
    out = []
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        if not isinstance(through, type) or not through._meta.auto_created:
            continue  # an explicit through model is a model of its own (Owned if it is ours)
        target = m2m.related_model
        if not (isinstance(target, type) and is_owned(target)):
            raise RuntimeError(f"{model._meta.label}.{m2m.name} links to rows without an owner")
        source = m2m.m2m_field_name()
        out.append(
            Table(
                label=through._meta.label_lower,
                model=through,
                fields=tuple(through._meta.concrete_fields),
                owned=False,
                via=source,
            )
        )
    return out


def tables(include_derived: bool = False) -> list[Table]:
    """Every table of the owner's, each after the tables it refers to."""
    found: dict[str, Table] = {}
    for model in _owned_models():
        label = model._meta.label_lower
        if label in DERIVED and not include_derived:
            continue
        fields = tuple(f for f in model._meta.concrete_fields if f.name != "owner")
        found[label] = Table(label=label, model=model, fields=fields, owned=True)
        for through in _through_tables(model):
            found[through.label] = through

    def edges(nullable_too: bool) -> dict[str, set[str]]:
        graph: dict[str, set[str]] = {}
        for label, table in found.items():
            deps = set()
            for field in table.fields:
                target = field.related_model if field.is_relation else None
                if not isinstance(target, type):
                    continue
                other = target._meta.label_lower
                if other in found and other != label and (nullable_too or not field.null):
                    deps.add(other)
            graph[label] = deps
        return graph

    try:
        order = list(graphlib.TopologicalSorter(edges(True)).static_order())
    except graphlib.CycleError:
        # A cycle must go through a nullable column; order by the required ones.
        # (Foreign keys are checked at commit, so a restore succeeds either way.)
        order = list(graphlib.TopologicalSorter(edges(False)).static_order())
    return [found[label] for label in order]


# What each table holds, as the user knows it (restore summaries, refusals), in the
# order a summary lists them: what the user cares about first.
USER_NAMES = {
    "people.person": "people",
    "interactions.interaction": "interactions",
    "ledger.favor": "favours",
    "ledger.commitment": "promises",
    "ledger.need": "needs",
    "intros.introduction": "introductions",
    "people.contactpoint": "email addresses, phones and links",
    "people.organization": "organisations",
    "people.employment": "jobs",
    "people.relationship": "relationships",
    "people.note": "notes",
    "people.persondate": "birthdays and other dates",
    "people.datereminders": "date reminder setting",
    "people.tag": "tags",
    "people.person_tags": "tags on people",
    "people.knows": "who-knows-whom links",
    "ledger.need_tags": "tags on needs",
    "intros.introstep": "introduction steps",
    "identity.mergesuggestion": "merge suggestions",
    "identity.mergerecord": "merges (kept for troth unmerge)",
    "agenda.agendamark": "agenda items done or snoozed",
    "agenda.digestlog": "digests sent",
    "agenda.calendartoken": "calendar feed links",
    "importers.importrun": "past imports",
    "identity.sourcerecord": "import records (what each import brought)",
    "sim.simtruth": "simulator records",
    "trust.trustscore": "trust scores (a cache)",
    "warmpaths.inferencepass": "who-knows-whom inference passes",
}

# Each name for one row ("1 favour", not "1 favours"); a name missing here is the same
# for one row as for many.
ONE_NAMES = {
    "people.person": "person",
    "interactions.interaction": "interaction",
    "ledger.favor": "favour",
    "ledger.commitment": "promise",
    "ledger.need": "need",
    "intros.introduction": "introduction",
    "people.contactpoint": "email address, phone or link",
    "people.organization": "organisation",
    "people.employment": "job",
    "people.relationship": "relationship",
    "people.note": "note",
    "people.persondate": "birthday or other date",
    "people.tag": "tag",
    "people.person_tags": "tag on a person",
    "people.knows": "who-knows-whom link",
    "ledger.need_tags": "tag on a need",
    "intros.introstep": "introduction step",
    "identity.mergesuggestion": "merge suggestion",
    "identity.mergerecord": "merge (kept for troth unmerge)",
    "agenda.agendamark": "agenda item done or snoozed",
    "agenda.digestlog": "digest sent",
    "agenda.calendartoken": "calendar feed link",
    "importers.importrun": "past import",
    "identity.sourcerecord": "import record (what each import brought)",
    "sim.simtruth": "simulator record",
    "trust.trustscore": "trust score (a cache)",
    "warmpaths.inferencepass": "who-knows-whom inference pass",
    "trust.tiercadence": "check-in rhythm of a tier",
}


def user_name(label: str, n: int | None = None) -> str:
    """A table's label ("ledger.favor") as the user would say it ("favours"; "favour"
    when `n` is 1)."""
    if label in USER_NAMES:
        return ONE_NAMES.get(label, USER_NAMES[label]) if n == 1 else USER_NAMES[label]
    try:
        meta = apps.get_model(label)._meta
    except (LookupError, ValueError):
        return label
    one, many = str(meta.verbose_name), str(meta.verbose_name_plural)
    if n == 1:
        return one
    if many != f"{one}s":
        return many  # a plural the model names itself
    # Django's own plural only adds an "s": a table of "passes" would be "passs", of
    # "deliveries" "deliverys" (the attacker's review)
    if one.endswith(("s", "x", "sh", "ch")):
        return f"{one}es"
    if one.endswith("y") and one[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{one[:-1]}ies"
    return many


def user_count_phrases(counts: dict[str, int]) -> list[str]:
    """{table label: rows} -> ["2 people", "1 favour"], in user_counts' order, empty
    tables left out."""
    # tables the user calls alike (auth's groups and troth's) counted as one, as
    # user_counts does
    merged: dict[str, tuple[int, str]] = {}
    for label, n in _in_order(counts):
        if n:
            many = user_name(label)
            total, one = merged.get(many, (0, user_name(label, 1)))
            merged[many] = (total + n, one)
    return [count(n, one, many) for many, (n, one) in merged.items()]


def _in_order(counts: dict[str, int]) -> list[tuple[str, int]]:
    order = {label: i for i, label in enumerate(USER_NAMES)}
    return [(k, counts[k]) for k in sorted(counts, key=lambda k: (order.get(k, len(order)), k))]


def user_counts(counts: dict[str, int]) -> dict[str, int]:
    """{table label: rows} -> {what the user calls it: rows}, people first, the
    rest as USER_NAMES orders them; empty tables left out."""
    out: dict[str, int] = {}
    for label, n in _in_order(counts):
        if n:
            name = user_name(label)
            out[name] = out.get(name, 0) + n
    return out
