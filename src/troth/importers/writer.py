"""The records a parser read, written as people and interactions in bulk.

A person record finds the person it was before (the same source record, else a
shared email, profile URL or phone) or becomes a new person; what the user typed is
never overwritten, only empty fields are filled. Interactions are keyed by (source,
external_id, person), so running the same import twice changes nothing. The work is
done a chunk of records at a time (a handful of queries per chunk, not per record).

This module writes the people; the interactions are written by its base class
(interaction_writer.py) and every row goes in through bulkrows.py's plain INSERTs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from nameparser import HumanName

from troth.errors import TrothError, Worded
from troth.identity.match import names_agree
from troth.identity.models import SourceRecord
from troth.importers.bulkrows import db_instant, insert_returning_ids
from troth.importers.interaction_writer import (
    INTERACTION_CHUNK as INTERACTION_CHUNK,
)
from troth.importers.interaction_writer import (
    MAX_EXTERNAL_ID,
    InteractionWriter,
    Point,
)
from troth.importers.journal import Journal
from troth.importers.records import (
    ColumnMap,
    ImportFileError,
    InteractionRecord,
    LeftOut,
    Parser,
    ParticipantsRecord,
    PersonRecord,
    Problem,
    canonical_url,
)
from troth.importers.summary import ImportSummary
from troth.lib.contact import ContactError, normalize_email, normalize_phone
from troth.lib.names import name_problem
from troth.lib.text import fold
from troth.owners import do_ensure_me
from troth.people.actions import MAX_NAME, MAX_TEXT, clean_tag
from troth.people.dates import do_fill_dates
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

# (stage, done, total): stage is "reading" (records), "messages" (mail read so far),
# "people", "interactions" or "identities"; total is None when it is not known
# (while a file is being read): no made-up totals.
Progress = Callable[[str, int, int | None], None]

# Records written per transaction: small enough that one chunk holds SQLite's write
# lock for well under the few hundred ms other requests may wait (issue 17 item 7),
# big enough that the per-chunk queries stay few. 500, not 250: each chunk also drops
# and remakes the search index's triggers (people.search.bulk_writes), and 30,000
# LinkedIn connections took 7.2 s of CPU in chunks of 500 against 7.9 in chunks of
# 250 (two runs each, a loaded machine); a chunk of 500 is about 40 ms on a quiet one.
PEOPLE_CHUNK = 500


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

    def name(self) -> tuple[str, str, str]:
        """(full, given, family) of the first record: who this target is."""
        rec = self.records[0]
        return rec.full_name, rec.given_name, rec.family_name

    def first(self, attr: str) -> Any:
        records = self.records
        if len(records) == 1:  # (most targets: one record each)
            return getattr(records[0], attr) or None
        for rec in records:
            value = getattr(rec, attr)
            if value:
                return value
        return None


@dataclass
class _Known:
    persons: dict[int, tuple[str, str, str]]
    with_photo: set[int]
    with_nickname: set[int]
    rels: dict[int, tuple[int, dt.date | None, str]]
    has_job: set[int]
    has_primary: set[tuple[int, str]]
    notes: set[tuple[int, str]]
    tagged: set[tuple[int, int]]


class _Importer(InteractionWriter):
    """The people half of an import's writer; the interactions half is its base."""

    def __init__(self, owner, summary: ImportSummary, journal: Journal) -> None:
        self.owner = owner
        self.summary = summary
        self.journal = journal
        me = do_ensure_me(owner)
        self.me_id = me.id
        self.me_name = fold(me.full_name)
        # every (person, address) held, and for each address the first person holding
        # it: an address several people share (a family mailbox) is held by each
        self.held: set[tuple[int, str, str]] = set()
        self.cp: dict[Point, int] = {}
        self.shared: dict[Point, list[int]] = {}  # addresses held by several, all holders
        for k, v, pid in (
            ContactPoint.objects.filter(owner=owner)
            .order_by("id")
            .values_list("kind", "value", "person_id")
        ):
            self._hold(pid, (k, v))
        self.me_points = {(k, v) for pid, k, v in self.held if pid == self.me_id}
        self.src: dict[tuple[str, str], int] = {}
        self.orgs: dict[str, int] = dict(
            Organization.objects.filter(owner=owner).values_list("name_key", "id")
        )
        self.org_names: dict[str, tuple[str, str]] = {}  # see _org_name
        self.tags: dict[str, int] = dict(Tag.objects.filter(owner=owner).values_list("name", "id"))
        self.imported_names: dict[str, set[int]] = defaultdict(set)
        self.owner_names: dict[str, list[int]] | None = None
        # people created or changed: what identity resolution looks at afterwards
        self.touched: set[int] = set()
        self.known: _Known | None = None
        self.now = timezone.now()
        self.participants: list[ParticipantsRecord] = []

    def problem(self, where: str, reason: str, group: str = "") -> None:
        self.summary.problems.append(Problem(where, reason, group))

    # ------------------------------------------------------------ reading

    def read(
        self, parser: Parser, path: Path, options: dict[str, object], progress: Progress | None
    ) -> tuple[list[PersonRecord], list[InteractionRecord]]:
        me_points = sorted(self.me_points)
        options.setdefault("me", [v for _k, v in me_points])
        if progress and "progress" not in options:
            # a parser that reads a long time before its first record (mail) says
            # how far it got, in its own unit: (stage, done) as in Progress
            options["progress"] = lambda stage, done: progress(stage, done, None)
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
                elif isinstance(rec, ParticipantsRecord):
                    self.participants.append(rec)  # written by importers.participants
                elif isinstance(rec, ColumnMap):
                    self.summary.mapping = list(rec.columns)
                elif isinstance(rec, LeftOut):
                    left = self.summary.left_out
                    left[rec.reason] = left.get(rec.reason, 0) + rec.count
                else:
                    self.summary.problems.append(rec)
                if progress and n % 1000 == 0:
                    progress("reading", n, None)
        except ImportFileError as exc:
            raise Worded(str(exc), exc.web_message) from None
        except (OSError, UnicodeError) as exc:
            raise TrothError(f"{path}: cannot read ({exc})") from None
        if progress and n:
            progress("reading", n, n)
        self.summary.records = len(people) + len(interactions)
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
            (ContactPoint.URL, rec.urls, canonical_url),
            (ContactPoint.PHONE, rec.phones, normalize_phone),
        ):
            if not values:
                continue
            for value in values:
                try:
                    point = (kind, normalize(value))
                except ContactError as exc:
                    head = str(exc).partition(": ")[0]
                    self.problem(
                        rec.where,
                        f"{exc} (person kept without it)",
                        f"{head} (person kept without it)",
                    )
                    continue
                if len(point[1]) <= 320 and point not in points:
                    points.append(point)
        return points

    def people(self, records: list[PersonRecord]) -> None:
        targets: list[_Target] = []
        by_pid: dict[int, _Target] = {}
        local_src: dict[tuple[str, str], _Target] = {}
        local_cp: dict[Point, list[_Target]] = {}
        for rec in records:
            if not rec.full_name.strip():
                self.problem(rec.where, "record with no name")
                continue
            invisible = name_problem(rec.full_name)
            if invisible:
                self.problem(rec.where, f"name {invisible}")
                continue
            points = self._points(rec)
            if points and not self.me_points.isdisjoint(points):
                self.problem(rec.where, "this is you (one of your own addresses)")
                continue
            sid = (rec.source, rec.external_id) if rec.external_id else None
            target: _Target | None = None
            pid = self.src.get(sid) if sid else None
            if pid is None and sid:
                target = local_src.get(sid)
            name = (rec.full_name, rec.given_name, rec.family_name)
            for p in points:
                # an address joins the record to whoever holds it only when the names
                # may be one person's: a family mailbox is not a person (identity
                # resolution sees the shared address and suggests, never merges)
                if pid is not None or target is not None:
                    break
                found = self.cp.get(p)
                if found is not None:
                    for holder in self.shared.get(p, (found,)):
                        if holder == self.me_id or names_agree(name, self._name_of(holder)):
                            pid = holder
                            break
                    continue
                for local in local_cp.get(p, ()):
                    if names_agree(name, local.name()):
                        target = local
                        break
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
            for p in points:
                holders = local_cp.setdefault(p, [])
                if target not in holders:
                    holders.append(target)
            target.add(rec, points)
            self.summary.usable += 1
            if sid:
                local_src[sid] = target
        new = [t for t in targets if t.pid is None]
        seen = [t for t in targets if t.pid is not None]
        self._make_orgs(targets)
        self._create(new)
        self._update(seen)
        self._dates(targets)

    def _dates(self, targets: list[_Target]) -> None:
        """Birthdays and other dates: filled where missing, never overwritten."""
        wanted = {t.pid: [d for r in t.records for d in r.dates] for t in targets if t.pid}
        if not any(wanted.values()):
            return  # (a LinkedIn export has none: no query per chunk for nothing)
        mine = PersonDate.objects.filter(owner=self.owner)
        before = mine.order_by("-id").values_list("id", flat=True).first() or 0
        got = do_fill_dates(self.owner, wanted, self.summary.kind)
        if got:
            # the run's own rows, so that its undo removes them (and does not take them
            # for something added since: found by a newcomer's review)
            self.journal.created(
                PersonDate, mine.filter(id__gt=before).values_list("id", flat=True)
            )
        for pid in got:
            if pid not in self.touched:  # a date was all that was new about them
                self.summary.people_updated += 1
                self.summary.updated_ids.append(pid)
                self.touched.add(pid)

    def _make_orgs(self, targets: list[_Target]) -> None:
        """The chunk's new organisations in one insert, not one each (500 new companies
        one by one kept the write lock for most of a second)."""
        wanted: dict[str, str] = {}
        for t in targets:
            name, key = self._org_name(t.first("company") or "")
            if key and key not in self.orgs and key not in wanted:
                wanted[key] = name
        if not wanted:
            return
        now = db_instant(timezone.now())
        rows = [(self.owner.pk, name, key, now) for key, name in wanted.items()]
        ids = insert_returning_ids(
            Organization, ("owner", "name", "name_key", "created_at"), rows, self.owner.pk
        )
        self.journal.created(Organization, ids)
        self.orgs.update(zip(wanted, ids, strict=True))

    def _org_name(self, company: str) -> tuple[str, str]:
        """(name, key) of a company as a file writes it: a file names a few hundred
        companies over tens of thousands of rows, each cut and folded once."""
        found = self.org_names.get(company)
        if found is None:
            name = _cut(company, MAX_NAME)
            found = self.org_names[company] = (name, fold(name) if name else "")
        return found

    def _org(self, company: str) -> int | None:
        name, key = self._org_name(company)
        if not name:
            return None
        if key not in self.orgs:
            org = Organization.objects.create(owner=self.owner, name=name, name_key=key)
            self.journal.created(Organization, [org.id])
            self.orgs[key] = org.id
        return self.orgs[key]

    def _tag(self, name: str) -> int | None:
        try:
            key = clean_tag(name)
        except TrothError:
            return None
        if key not in self.tags:
            self.tags[key] = Tag.objects.create(owner=self.owner, name=key).id
            self.journal.created(Tag, [self.tags[key]])
        return self.tags[key]

    def _create(self, targets: list[_Target]) -> None:
        if not targets:
            return
        owner_id = self.owner.pk
        now = db_instant(self.now)
        rows = []
        for t in targets:
            first = t.first
            name = _cut(t.records[0].full_name, MAX_NAME)
            given, family = first("given_name") or "", first("family_name") or ""
            if not given and not family:
                parsed = HumanName(name)
                given, family = parsed.first or name, parsed.last
            photo = first("photo")
            nickname = first("nickname")
            rows.append(
                (
                    owner_id,
                    name,
                    _cut(given, 100) if given else "",
                    _cut(family, 100) if family else "",
                    _cut(nickname, 100) if nickname else "",
                    fold(name),
                    False,
                    photo,
                    _photo_type(photo) if photo else "",
                    now,
                    now,
                )
            )
        ids = insert_returning_ids(
            Person,
            (
                "owner",
                "full_name",
                "given_name",
                "family_name",
                "nickname",
                "name_key",
                "is_me",
                "photo",
                "photo_type",
                "created_at",
                "updated_at",
            ),
            rows,
            owner_id,
        )
        rels, points, jobs, sources, notes, tag_links = [], [], [], [], [], []
        adapt_date = connection.ops.adapt_datefield_value
        touched, imported_names, src, hold = self.touched, self.imported_names, self.src, self._hold
        # the same few texts on every row of a file (LinkedIn's "met how", a title):
        # each cut once (issue 20)
        cuts: dict[tuple[str, int], str] = {}
        for t, pid, row in zip(targets, ids, rows, strict=True):
            t.pid = pid
            touched.add(pid)
            imported_names[row[5]].add(pid)
            first = t.first
            met_how = first("met_how")
            if met_how:
                met_how = cuts.get((met_how, 300)) or cuts.setdefault(
                    (met_how, 300), _cut(met_how, 300)
                )
            rels.append((owner_id, pid, met_how or "", adapt_date(first("met_on")), False, now))
            if t.points:
                primary: set[str] = set()
                for kind, value in t.points:
                    points.append((owner_id, pid, kind, value, "", kind not in primary))
                    primary.add(kind)
                    hold(pid, (kind, value))
            company = first("company")
            org = self._org(company) if company else None
            if org is not None:
                title = first("title")
                if title:
                    title = cuts.get((title, 200)) or cuts.setdefault(
                        (title, 200), _cut(title, 200)
                    )
                jobs.append((owner_id, pid, org, title or "", True))
            for sid in t.sids:
                if len(sid[1]) <= MAX_EXTERNAL_ID:
                    src[sid] = pid
                    sources.append((owner_id, pid, sid[0], sid[1], now))
            records = t.records
            if len(records) > 1 or records[0].note:
                for text in dict.fromkeys(r.note.strip()[:MAX_TEXT] for r in records if r.note):
                    notes.append((owner_id, pid, text, now))
            if len(records) > 1 or records[0].tags:
                for tag_id in dict.fromkeys(self._tag_ids(t)):
                    tag_links.append((pid, tag_id))
        self.journal.created(Person, ids)
        self._write(rels, points, jobs, sources, notes, tag_links)
        self.summary.people_created += len(ids)
        self.summary.created_ids.extend(ids)
        if self.known is not None:  # keep what is known current for later chunks
            known = self.known
            # the rows as written above: 2 given, 3 family, 4 nickname, 5 name key, 7 photo
            for row, pid in zip(rows, ids, strict=True):
                known.persons[pid] = (row[5], row[2], row[3])
                if row[7] is not None:
                    known.with_photo.add(pid)
                if row[4]:
                    known.with_nickname.add(pid)
            known.has_job.update(j[1] for j in jobs)
            known.has_primary.update((p[1], p[2]) for p in points if p[5])
            known.notes.update((n[1], n[2]) for n in notes)
            known.tagged.update(tag_links)
            # known.rels is filled on demand (see _update): the new rows' ids are not read

    def _tag_ids(self, t: _Target) -> list[int]:
        out = []
        for rec in t.records:
            for name in rec.tags:
                tag_id = self._tag(name)
                if tag_id is not None:
                    out.append(tag_id)
        return out

    def _hold(self, pid: int, point: Point) -> None:
        """Note that this person holds this address (the first holder is its owner for
        matching interactions; each holder is a candidate for a record carrying it)."""
        self.held.add((pid, *point))
        first = self.cp.setdefault(point, pid)
        if first != pid:
            self.shared.setdefault(point, [first]).append(pid)

    def _name_of(self, pid: int) -> tuple[str, str, str]:
        """A stored person's (full, given, family) name, as compared with a record's."""
        key, given, family = self._known().persons.get(pid, ("", "", ""))
        return key, given, family

    def _known(self) -> _Known:
        """What the owner's people already have, read once per import (a few owner-wide
        queries beat one `id IN (...)` per chunk: Django prepares every listed id)."""
        if self.known is None:
            owner = self.owner
            people = Person.objects.filter(owner=owner, is_me=False)
            self.known = _Known(
                persons={
                    pid: (key, given, family)
                    for pid, key, given, family in people.values_list(
                        "id", "name_key", "given_name", "family_name"
                    )
                },
                with_photo=set(people.filter(photo__isnull=False).values_list("id", flat=True)),
                with_nickname=set(people.exclude(nickname="").values_list("id", flat=True)),
                rels={
                    pid: (rid, met_on, met_how)
                    for pid, rid, met_on, met_how in Relationship.objects.filter(
                        owner=owner
                    ).values_list("person_id", "id", "met_on", "met_how")
                },
                has_job=set(
                    Employment.objects.filter(owner=owner, is_current=True).values_list(
                        "person_id", flat=True
                    )
                ),
                has_primary=set(
                    ContactPoint.objects.filter(owner=owner, is_primary=True).values_list(
                        "person_id", "kind"
                    )
                ),
                notes=set(Note.objects.filter(owner=owner).values_list("person_id", "text")),
                tagged=set(
                    Person.tags.through.objects.filter(person__owner=owner).values_list(
                        "person_id", "tag_id"
                    )
                ),
            )
        return self.known

    def _read_person(self, pid: int) -> bool:
        """Add one person (created earlier in this import) to what is known."""
        known = self._known()
        row = (
            Person.objects.filter(owner=self.owner, id=pid)
            .values_list("name_key", "given_name", "family_name", "photo", "nickname")
            .first()
        )
        if row is None:
            return False
        known.persons[pid] = (row[0], row[1], row[2])
        if row[3] is not None:
            known.with_photo.add(pid)
        if row[4]:
            known.with_nickname.add(pid)
        for rid, met_on, met_how in Relationship.objects.filter(
            owner=self.owner, person_id=pid
        ).values_list("id", "met_on", "met_how"):
            known.rels[pid] = (rid, met_on, met_how)
        return True

    def _update(self, targets: list[_Target]) -> None:
        """Fill what is empty on people seen before; never overwrite what is there.

        Reads plain values, not model instances: a re-import of 30,000 people
        that changes nothing should cost little more than reading them."""
        if not targets:
            return
        owner = self.owner
        owner_id = owner.pk
        now = db_instant(self.now)
        known = self._known()
        persons, with_photo, rels = known.persons, known.with_photo, known.rels
        has_job, has_primary, notes, tagged = (
            known.has_job,
            known.has_primary,
            known.notes,
            known.tagged,
        )
        adapt_date = connection.ops.adapt_datefield_value
        new_rels, points, jobs, sources, new_notes, tag_links = [], [], [], [], [], []
        for t in targets:
            pid = t.pid
            assert pid is not None
            if pid not in persons and not self._read_person(pid):
                continue  # deleted meanwhile
            key, old_given, old_family = persons[pid]
            self.imported_names[key].add(pid)
            changed = False
            person_fields: dict[str, Any] = {}
            given, family = t.first("given_name"), t.first("family_name")
            if (given or family) and not old_given and not old_family:
                person_fields["given_name"] = _cut(given or "", 100)
                person_fields["family_name"] = _cut(family or "", 100)
            nickname = t.first("nickname")
            if nickname and pid not in known.with_nickname:
                person_fields["nickname"] = _cut(nickname, 100)
                known.with_nickname.add(pid)
            photo = t.first("photo")
            if photo and pid not in with_photo:
                person_fields["photo"], person_fields["photo_type"] = photo, _photo_type(photo)
            if person_fields:
                names = ["updated_at", *person_fields]
                if "photo" in person_fields:
                    names.remove("photo")  # it was empty: see _update_photo in undo
                before = Person.objects.filter(owner=owner, id=pid).values(*names).first() or {}
                Person.objects.filter(owner=owner, id=pid).update(
                    updated_at=self.now, **person_fields
                )
                self.journal.changed(Person, pid, before, {"updated_at": self.now, **person_fields})
                changed = True
            met_on, met_how = t.first("met_on"), _cut(t.first("met_how") or "", 300)
            rel = rels.get(pid)
            if rel is None:
                found = (
                    Relationship.objects.filter(owner=owner, person_id=pid)
                    .values_list("id", "met_on", "met_how")
                    .first()
                )
                if found is not None:
                    rel = rels[pid] = found
            if rel is None:
                new_rels.append((owner_id, pid, met_how, adapt_date(met_on), False, now))
                changed = True
            else:
                rid, old_on, old_how = rel
                fill: dict[str, Any] = {}
                if met_on and old_on is None:
                    fill["met_on"] = met_on
                if met_how and not old_how:
                    fill["met_how"] = met_how
                if fill:
                    Relationship.objects.filter(owner=owner, id=rid).update(**fill)
                    self.journal.changed(
                        Relationship,
                        rid,
                        {k: {"met_on": old_on, "met_how": old_how}[k] for k in fill},
                        fill,
                    )
                    changed = True
            for kind, value in t.points:
                if (pid, kind, value) in self.held:
                    continue
                primary = (pid, kind) not in has_primary
                has_primary.add((pid, kind))
                points.append((owner_id, pid, kind, value, "", primary))
                self._hold(pid, (kind, value))
                changed = True
            company = t.first("company")
            if company and pid not in has_job:
                org = self._org(company)
                if org is not None:
                    jobs.append((owner_id, pid, org, _cut(t.first("title") or "", 200), True))
                    has_job.add(pid)
                    changed = True
            for sid in t.sids:
                if sid not in self.src and len(sid[1]) <= MAX_EXTERNAL_ID:
                    self.src[sid] = pid
                    sources.append((owner_id, pid, sid[0], sid[1], now))
                    changed = True
            for rec in t.records:
                text = rec.note.strip()[:MAX_TEXT]
                if text and (pid, text) not in notes:
                    notes.add((pid, text))
                    new_notes.append((owner_id, pid, text, now))
                    changed = True
            for tag_id in self._tag_ids(t):
                if (pid, tag_id) not in tagged:
                    tagged.add((pid, tag_id))
                    tag_links.append((pid, tag_id))
                    changed = True
            if changed:
                self.summary.people_updated += 1
                self.summary.updated_ids.append(pid)
                self.touched.add(pid)
        self._write(new_rels, points, jobs, sources, new_notes, tag_links)

    def _write(
        self,
        rels: list[tuple],
        points: list[tuple],
        jobs: list[tuple],
        sources: list[tuple],
        notes: list[tuple],
        tag_links: list[tuple[int, int]],
    ) -> None:
        """Insert what people gain (new or seen before), and note every new row."""
        owner_id, journal = self.owner.pk, self.journal
        for model, names, rows in (
            (
                Relationship,
                ("owner", "person", "met_how", "met_on", "archived", "created_at"),
                rels,
            ),
            (ContactPoint, ("owner", "person", "kind", "value", "label", "is_primary"), points),
            (Employment, ("owner", "person", "organization", "title", "is_current"), jobs),
            (SourceRecord, ("owner", "person", "source", "external_id", "created_at"), sources),
            (Note, ("owner", "person", "text", "created_at"), notes),
        ):
            journal.created(model, insert_returning_ids(model, names, rows, owner_id))
        through = Person.tags.through
        journal.created(through, insert_returning_ids(through, ("person", "tag"), tag_links, None))
