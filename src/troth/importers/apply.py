"""Turning a parser's records into people and interactions, once.

`do_import` reads one file in one transaction: a fatal error (ImportFileError,
or any crash) rolls the whole file back, while a bad record is a Problem that
is reported and skipped. A person record finds the person it was before (the
same source record, else a shared email, profile URL or phone) or becomes a new
person; what the user typed is never overwritten, only empty fields are filled.
Interactions are keyed by (source, external_id, person), so running the same
import twice changes nothing.

The work is done in bulk, a chunk of records at a time (a handful of queries
per chunk, not per record), so 30,000 LinkedIn connections take seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from nameparser import HumanName

from troth.errors import TrothError
from troth.importers.models import ImportRun, SourceRecord
from troth.importers.records import (
    ImportFileError,
    InteractionRecord,
    Parser,
    PersonRecord,
    Problem,
)
from troth.interactions.models import Interaction
from troth.lib.contact import ContactError, normalize_email, normalize_phone, normalize_url
from troth.lib.text import fold
from troth.owners import do_ensure_me
from troth.people.actions import MAX_NAME, MAX_TEXT, clean_tag
from troth.people.models import (
    ContactPoint,
    Employment,
    Note,
    Organization,
    Person,
    Relationship,
    Tag,
)
from troth.trust.models import TrustScore

# (stage, done, total): stage is "reading", "people" or "interactions";
# total is None while the file is still being read.
Progress = Callable[[str, int, int | None], None]

PEOPLE_CHUNK = 2000
INTERACTION_CHUNK = 5000
CHANNELS = {c for c, _label in Interaction.CHANNELS}
MAX_MINUTES = 24 * 60
MAX_EXTERNAL_ID = 300

Point = tuple[str, str]  # (ContactPoint kind, normalised value)


@dataclass
class ImportSummary:
    kind: str
    path: str
    people_created: int = 0
    people_updated: int = 0
    people_merged: int = 0
    interactions_added: int = 0
    problems: list[Problem] = field(default_factory=list)
    run_id: int | None = None
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def counts(self) -> dict[str, int]:
        return {
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "people_merged": self.people_merged,
            "interactions_added": self.interactions_added,
            "skipped": self.skipped,
        }

    def reasons(self) -> dict[str, int]:
        """How many records were skipped for each reason (reasons without their values)."""
        out: dict[str, int] = defaultdict(int)
        for p in self.problems:
            out[p.reason.split(":")[0].split(" (")[0]] += 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "run": self.run_id,
            **self.counts(),
            "seconds": round(self.seconds, 3),
            "problems": [{"where": p.where, "reason": p.reason} for p in self.problems],
        }


def resolve_identities(owner, person_ids: Iterable[int]) -> int:
    """Where fuzzy identity resolution (same person, different sources, no shared
    address) runs after an import: `troth.identity.actions.do_resolve`, once that
    module provides it. Returns how many people were merged."""
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    try:
        module = importlib.import_module("troth.identity.actions")
    except ModuleNotFoundError as exc:
        if exc.name != "troth.identity.actions":
            raise
        return 0
    resolve = getattr(module, "do_resolve", None)
    if resolve is None:
        return 0
    result = resolve(owner, ids)
    if isinstance(result, int):
        return result
    merged = getattr(result, "merged", None)
    if isinstance(merged, int):
        return merged
    if isinstance(merged, Sized):
        return len(merged)
    return 0


def do_add_me_addresses(owner, addresses: Iterable[str]) -> list[Point]:
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
                f"--me {value}: that address belongs to {other.full_name} (#{other.id}), not you"
            )
        has_primary = ContactPoint.objects.filter(
            owner=owner, person=me, kind=kind, is_primary=True
        ).exists()
        ContactPoint.objects.create(
            owner=owner, person=me, kind=kind, value=value, is_primary=not has_primary
        )
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


def do_import(
    owner,
    parser: Parser,
    path: Path,
    *,
    options: dict[str, object] | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
) -> ImportSummary:
    """Import one file (or export folder) for `owner`, all or nothing."""
    started = time.perf_counter()
    options = dict(options or {})
    summary = ImportSummary(kind=kind or parser.name, path=str(path))
    with transaction.atomic():
        do_add_me_addresses(owner, _strings(options.pop("me", [])))
        importer = _Importer(owner, summary)
        run = ImportRun.objects.create(
            owner=owner, kind=summary.kind, path=str(path), started_at=timezone.now()
        )
        people, interactions = importer.read(parser, path, options, progress)
        for start in range(0, len(people), PEOPLE_CHUNK):
            importer.people(people[start : start + PEOPLE_CHUNK])
            if progress:
                progress("people", min(start + PEOPLE_CHUNK, len(people)), len(people))
        for start in range(0, len(interactions), INTERACTION_CHUNK):
            importer.interactions(interactions[start : start + INTERACTION_CHUNK])
            if progress:
                done = min(start + INTERACTION_CHUNK, len(interactions))
                progress("interactions", done, len(interactions))
        summary.people_merged = resolve_identities(owner, importer.touched)
        if summary.people_created or summary.people_updated or summary.interactions_added:
            # Scores are recomputed from scratch on the next read (the cache's
            # staleness check cannot see a changed "met on" date).
            TrustScore.objects.filter(owner=owner).delete()
        summary.seconds = time.perf_counter() - started
        run.finished_at = timezone.now()
        run.counts = summary.counts()
        run.problems = [{"where": p.where, "reason": p.reason} for p in summary.problems]
        run.save(update_fields=["finished_at", "counts", "problems"])
        summary.run_id = run.id
    return summary


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return []


def _photo_type(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return "application/octet-stream"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text[:limit]


@dataclass
class _Target:
    """One person a chunk's records resolve to: existing (pid) or about to be created."""

    pid: int | None
    records: list[PersonRecord] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    sids: list[tuple[str, str]] = field(default_factory=list)

    def add(self, rec: PersonRecord, points: list[Point]) -> None:
        self.records.append(rec)
        for p in points:
            if p not in self.points:
                self.points.append(p)
        if rec.external_id and (rec.source, rec.external_id) not in self.sids:
            self.sids.append((rec.source, rec.external_id))

    def first(self, attr: str) -> Any:
        for rec in self.records:
            value = getattr(rec, attr)
            if value:
                return value
        return None


class _Importer:
    def __init__(self, owner, summary: ImportSummary) -> None:
        self.owner = owner
        self.summary = summary
        me = do_ensure_me(owner)
        self.me_id = me.id
        self.me_name = fold(me.full_name)
        self.cp: dict[Point, int] = {
            (k, v): pid
            for k, v, pid in ContactPoint.objects.filter(owner=owner).values_list(
                "kind", "value", "person_id"
            )
        }
        self.me_points = {p for p, pid in self.cp.items() if pid == self.me_id}
        self.src: dict[tuple[str, str], int] = {}
        self.orgs: dict[str, int] = dict(
            Organization.objects.filter(owner=owner).values_list("name_key", "id")
        )
        self.tags: dict[str, int] = dict(Tag.objects.filter(owner=owner).values_list("name", "id"))
        self.imported_names: dict[str, set[int]] = defaultdict(set)
        self.owner_names: dict[str, list[int]] | None = None
        self.touched: set[int] = set()
        self.now = timezone.now()

    def problem(self, where: str, reason: str) -> None:
        self.summary.problems.append(Problem(where, reason))

    # ------------------------------------------------------------ reading

    def read(
        self, parser: Parser, path: Path, options: dict[str, object], progress: Progress | None
    ) -> tuple[list[PersonRecord], list[InteractionRecord]]:
        me_points = sorted(self.me_points)
        options.setdefault("me", [v for _k, v in me_points])
        if self.me_name and self.me_name != "me":
            options.setdefault("me_names", [Person.objects.get(id=self.me_id).full_name])
        people: list[PersonRecord] = []
        interactions: list[InteractionRecord] = []
        n = 0
        try:
            for rec in parser.parse(path, **options):
                n += 1
                if isinstance(rec, PersonRecord):
                    people.append(rec)
                elif isinstance(rec, InteractionRecord):
                    interactions.append(rec)
                else:
                    self.summary.problems.append(rec)
                if progress and n % 1000 == 0:
                    progress("reading", n, None)
        except ImportFileError as exc:
            raise TrothError(str(exc)) from None
        except (OSError, UnicodeError) as exc:
            raise TrothError(f"{path}: cannot read ({exc})") from None
        if progress:
            progress("reading", n, n)
        sources = {r.source for r in people}
        if sources:
            self.src = {
                (s, e): pid
                for s, e, pid in SourceRecord.objects.filter(
                    owner=self.owner, source__in=sources
                ).values_list("source", "external_id", "person_id")
            }
        return people, interactions

    # ------------------------------------------------------------ people

    def _points(self, rec: PersonRecord) -> list[Point]:
        points: list[Point] = []
        for kind, values, normalize in (
            (ContactPoint.EMAIL, rec.emails, normalize_email),
            (ContactPoint.URL, rec.urls, normalize_url),
            (ContactPoint.PHONE, rec.phones, normalize_phone),
        ):
            for value in values:
                try:
                    point = (kind, normalize(value))
                except ContactError as exc:
                    self.problem(rec.where, f"{exc} (person kept without it)")
                    continue
                if len(point[1]) <= 320 and point not in points:
                    points.append(point)
        return points

    def people(self, records: list[PersonRecord]) -> None:
        targets: list[_Target] = []
        by_pid: dict[int, _Target] = {}
        local_src: dict[tuple[str, str], _Target] = {}
        local_cp: dict[Point, _Target] = {}
        for rec in records:
            if not rec.full_name.strip():
                self.problem(rec.where, "record with no name")
                continue
            points = self._points(rec)
            if any(p in self.me_points for p in points):
                self.problem(rec.where, "this is you (one of your own addresses)")
                continue
            sid = (rec.source, rec.external_id) if rec.external_id else None
            target: _Target | None = None
            pid = self.src.get(sid) if sid else None
            if pid is None and sid:
                target = local_src.get(sid)
            for p in points:
                if pid is not None or target is not None:
                    break
                pid = self.cp.get(p)
                target = local_cp.get(p) if pid is None else None
            if pid == self.me_id:
                self.problem(rec.where, "this is you")
                continue
            if target is None:
                if pid is not None:
                    target = by_pid.get(pid)
                    if target is None:
                        target = by_pid[pid] = _Target(pid)
                        targets.append(target)
                else:
                    target = _Target(None)
                    targets.append(target)
            kept = []
            for p in points:
                owner_of = self.cp.get(p)
                local = local_cp.get(p)
                if (owner_of is not None and owner_of != target.pid) or (
                    local is not None and local is not target
                ):
                    self.problem(
                        rec.where, f"{p[1]} already belongs to someone else (not added here)"
                    )
                    continue
                kept.append(p)
                local_cp[p] = target
            target.add(rec, kept)
            if sid:
                local_src[sid] = target
        self._create([t for t in targets if t.pid is None])
        self._update([t for t in targets if t.pid is not None])

    def _org(self, name: str) -> int | None:
        name = _cut(name, MAX_NAME)
        if not name:
            return None
        key = fold(name)
        if key not in self.orgs:
            org = Organization.objects.create(owner=self.owner, name=name, name_key=key)
            self.orgs[key] = org.id
        return self.orgs[key]

    def _tag(self, name: str) -> int | None:
        try:
            key = clean_tag(name)
        except TrothError:
            return None
        if key not in self.tags:
            self.tags[key] = Tag.objects.create(owner=self.owner, name=key).id
        return self.tags[key]

    def _create(self, targets: list[_Target]) -> None:
        if not targets:
            return
        owner = self.owner
        people = []
        for t in targets:
            name = _cut(t.records[0].full_name, MAX_NAME)
            given, family = t.first("given_name") or "", t.first("family_name") or ""
            if not given and not family:
                parsed = HumanName(name)
                given, family = parsed.first or name, parsed.last
            photo = t.first("photo")
            people.append(
                Person(
                    owner=owner,
                    full_name=name,
                    given_name=_cut(given, 100),
                    family_name=_cut(family, 100),
                    name_key=fold(name),
                    photo=photo,
                    photo_type=_photo_type(photo) if photo else "",
                )
            )
        Person.objects.bulk_create(people)
        rels, points, jobs, sources, notes, tag_links = [], [], [], [], [], []
        Through = Person.tags.through
        for t, person in zip(targets, people, strict=True):
            t.pid = pid = person.id
            assert pid is not None
            self.touched.add(pid)
            self.imported_names[person.name_key].add(pid)
            rels.append(
                Relationship(
                    owner=owner,
                    person_id=pid,
                    met_on=t.first("met_on"),
                    met_how=_cut(t.first("met_how") or "", 300),
                )
            )
            primary: set[str] = set()
            for kind, value in t.points:
                points.append(
                    ContactPoint(
                        owner=owner,
                        person_id=pid,
                        kind=kind,
                        value=value,
                        is_primary=kind not in primary,
                    )
                )
                primary.add(kind)
                self.cp[(kind, value)] = pid
            company = t.first("company")
            org = self._org(company) if company else None
            if org is not None:
                title = _cut(t.first("title") or "", 200)
                jobs.append(
                    Employment(owner=owner, person_id=pid, organization_id=org, title=title)
                )
            for sid in t.sids:
                sources.append(self._source(pid, sid))
            for text in dict.fromkeys(r.note.strip()[:MAX_TEXT] for r in t.records if r.note):
                notes.append(Note(owner=owner, person_id=pid, text=text, created_at=self.now))
            for tag_id in dict.fromkeys(self._tag_ids(t)):
                tag_links.append(Through(person_id=pid, tag_id=tag_id))
        Relationship.objects.bulk_create(rels)
        ContactPoint.objects.bulk_create(points)
        Employment.objects.bulk_create(jobs)
        SourceRecord.objects.bulk_create([s for s in sources if s is not None])
        Note.objects.bulk_create(notes)
        Through.objects.bulk_create(tag_links)
        self.summary.people_created += len(targets)

    def _tag_ids(self, t: _Target) -> list[int]:
        out = []
        for rec in t.records:
            for name in rec.tags:
                tag_id = self._tag(name)
                if tag_id is not None:
                    out.append(tag_id)
        return out

    def _source(self, pid: int, sid: tuple[str, str]) -> SourceRecord | None:
        source, external = sid
        if len(external) > MAX_EXTERNAL_ID:
            return None
        self.src[sid] = pid
        return SourceRecord(owner=self.owner, person_id=pid, source=source, external_id=external)

    def _update(self, targets: list[_Target]) -> None:
        """Fill what is empty on people seen before; never overwrite what is there."""
        if not targets:
            return
        owner = self.owner
        ids = [t.pid for t in targets if t.pid is not None]
        persons = Person.objects.filter(owner=owner).in_bulk(ids)
        rels = {r.person_id: r for r in Relationship.objects.filter(owner=owner, person_id__in=ids)}
        has_job = set(
            Employment.objects.filter(owner=owner, person_id__in=ids, is_current=True).values_list(
                "person_id", flat=True
            )
        )
        has_primary = set(
            ContactPoint.objects.filter(
                owner=owner, person_id__in=ids, is_primary=True
            ).values_list("person_id", "kind")
        )
        notes = set(
            Note.objects.filter(owner=owner, person_id__in=ids).values_list("person_id", "text")
        )
        Through = Person.tags.through
        tagged = set(Through.objects.filter(person_id__in=ids).values_list("person_id", "tag_id"))
        changed_people, changed_rels, new_rels = [], [], []
        points, jobs, sources, new_notes, tag_links = [], [], [], [], []
        for t in targets:
            pid = t.pid
            assert pid is not None
            person = persons.get(pid)
            if person is None:  # another owner's id cannot reach here; deleted meanwhile
                continue
            self.touched.add(pid)
            self.imported_names[person.name_key].add(pid)
            changed = False
            given, family = t.first("given_name"), t.first("family_name")
            if (given or family) and not person.given_name and not person.family_name:
                person.given_name, person.family_name = (
                    _cut(given or "", 100),
                    _cut(family or "", 100),
                )
                changed_people.append(person)
                changed = True
            photo = t.first("photo")
            if photo and not person.photo:
                person.photo, person.photo_type = photo, _photo_type(photo)
                if person not in changed_people:
                    changed_people.append(person)
                changed = True
            rel = rels.get(pid)
            met_on, met_how = t.first("met_on"), _cut(t.first("met_how") or "", 300)
            if rel is None:
                new_rels.append(
                    Relationship(owner=owner, person_id=pid, met_on=met_on, met_how=met_how)
                )
                changed = True
            elif (met_on and rel.met_on is None) or (met_how and not rel.met_how):
                rel.met_on = rel.met_on or met_on
                rel.met_how = rel.met_how or met_how
                changed_rels.append(rel)
                changed = True
            for kind, value in t.points:
                if (kind, value) in self.cp:
                    continue
                primary = (pid, kind) not in has_primary
                has_primary.add((pid, kind))
                points.append(
                    ContactPoint(
                        owner=owner, person_id=pid, kind=kind, value=value, is_primary=primary
                    )
                )
                self.cp[(kind, value)] = pid
                changed = True
            company = t.first("company")
            if company and pid not in has_job:
                org = self._org(company)
                if org is not None:
                    title = _cut(t.first("title") or "", 200)
                    jobs.append(
                        Employment(owner=owner, person_id=pid, organization_id=org, title=title)
                    )
                    has_job.add(pid)
                    changed = True
            for sid in t.sids:
                if sid not in self.src:
                    source = self._source(pid, sid)
                    if source is not None:
                        sources.append(source)
                        changed = True
            for rec in t.records:
                text = rec.note.strip()[:MAX_TEXT]
                if text and (pid, text) not in notes:
                    notes.add((pid, text))
                    new_notes.append(
                        Note(owner=owner, person_id=pid, text=text, created_at=self.now)
                    )
                    changed = True
            for tag_id in self._tag_ids(t):
                if (pid, tag_id) not in tagged:
                    tagged.add((pid, tag_id))
                    tag_links.append(Through(person_id=pid, tag_id=tag_id))
                    changed = True
            if changed:
                self.summary.people_updated += 1
        for person in changed_people:
            person.updated_at = self.now
        Person.objects.bulk_update(
            changed_people, ["given_name", "family_name", "photo", "photo_type", "updated_at"]
        )
        Relationship.objects.bulk_update(changed_rels, ["met_on", "met_how"])
        Relationship.objects.bulk_create(new_rels)
        ContactPoint.objects.bulk_create(points)
        Employment.objects.bulk_create(jobs)
        SourceRecord.objects.bulk_create(sources)
        Note.objects.bulk_create(new_notes)
        Through.objects.bulk_create(tag_links)

    # ------------------------------------------------------------ interactions

    def _names(self) -> dict[str, list[int]]:
        if self.owner_names is None:
            names: dict[str, list[int]] = defaultdict(list)
            for key, pid in Person.objects.filter(owner=self.owner, is_me=False).values_list(
                "name_key", "id"
            ):
                names[key].append(pid)
            self.owner_names = names
        return self.owner_names

    def match(self, rec: InteractionRecord) -> list[int]:
        """The people an interaction was with: by address first, then by exact name."""
        found: list[int] = []
        for kind, values, normalize in (
            (ContactPoint.EMAIL, rec.emails, normalize_email),
            (ContactPoint.URL, rec.urls, normalize_url),
        ):
            for value in values:
                try:
                    point = (kind, normalize(value))
                except ContactError:
                    continue
                pid = self.cp.get(point)
                if pid is not None and pid != self.me_id and pid not in found:
                    found.append(pid)
        if found:
            return found
        for name in rec.names:
            key = fold(name)
            if not key or key == self.me_name:
                continue
            here = self.imported_names.get(key, set())
            ids = list(here) if len(here) == 1 else self._names().get(key, [])
            if len(ids) == 1 and ids[0] != self.me_id and ids[0] not in found:
                found.append(ids[0])
        return found

    def interactions(self, records: list[InteractionRecord]) -> None:
        owner = self.owner
        limit = timezone.now() + dt.timedelta(minutes=5)
        wanted: list[tuple[InteractionRecord, str, int]] = []
        for rec in records:
            if rec.channel not in CHANNELS:
                self.problem(rec.where, f"unknown channel {rec.channel!r}")
                continue
            when = rec.when
            if timezone.is_naive(when):
                when = timezone.make_aware(when, dt.UTC)
                rec.when = when
            if when > limit:
                self.problem(rec.where, f"dated in the future ({when.date()})")
                continue
            pids = self.match(rec)
            if not pids:
                who = ", ".join([*rec.emails, *rec.urls, *rec.names]) or "nobody named"
                self.problem(rec.where, f"no one in your network matches {who}")
                continue
            external = rec.external_id or _fingerprint(rec)
            if len(external) > MAX_EXTERNAL_ID:
                external = "sha1:" + hashlib.sha1(external.encode()).hexdigest()
            for pid in pids:
                wanted.append((rec, external, pid))
        existing: set[tuple[str, str, int]] = set()
        by_source: dict[str, set[str]] = defaultdict(set)
        for rec, external, _pid in wanted:
            by_source[rec.source].add(external)
        for source, externals in by_source.items():
            ordered = sorted(externals)
            for start in range(0, len(ordered), 900):
                rows = Interaction.objects.filter(
                    owner=owner, source=source, external_id__in=ordered[start : start + 900]
                ).values_list("external_id", "person_id")
                existing.update((source, e, p) for e, p in rows)
        new = []
        for rec, external, pid in wanted:
            key = (rec.source, external, pid)
            if key in existing:
                continue
            existing.add(key)
            minutes = rec.minutes if rec.minutes and 0 < rec.minutes <= MAX_MINUTES else None
            new.append(
                Interaction(
                    owner=owner,
                    person_id=pid,
                    occurred_at=rec.when,
                    channel=rec.channel,
                    initiated_by=Interaction.THEM if rec.they_started else Interaction.ME,
                    duration_minutes=minutes,
                    summary=rec.summary.strip()[:MAX_TEXT],
                    source=rec.source[:20],
                    external_id=external,
                )
            )
            self.touched.add(pid)
        Interaction.objects.bulk_create(new, batch_size=1000)
        self.summary.interactions_added += len(new)


def _fingerprint(rec: InteractionRecord) -> str:
    """An id for a record that came without one, from what it says."""
    parts = [
        rec.when.isoformat(),
        rec.channel,
        *sorted(rec.emails),
        *sorted(rec.urls),
        *sorted(rec.names),
        rec.summary,
    ]
    return "fp:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()
