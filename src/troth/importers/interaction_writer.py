"""The interactions an import read, matched to the owner's people and written once.

An interaction finds its people by address first (an e-mail or a profile URL a person
holds), then by an exact name borne by one person only. Interactions are keyed by
(source, external_id, person), so running the same import twice changes nothing; a
record without an id gets one from what it says (`_fingerprint`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from collections import defaultdict
from typing import Any

from django.utils import timezone

from troth.importers.bulkrows import db_instant, insert_returning_ids
from troth.importers.journal import Journal
from troth.importers.records import InteractionRecord, canonical_url
from troth.importers.summary import ImportSummary
from troth.interactions.models import Interaction
from troth.lib.contact import ContactError, normalize_email
from troth.lib.credentials import plain_name
from troth.lib.text import fold
from troth.people.actions import MAX_TEXT
from troth.people.models import ContactPoint, Person

CHANNELS = {c for c, _label in Interaction.CHANNELS}
MAX_MINUTES = 24 * 60
MAX_EXTERNAL_ID = 300
INTERACTION_CHUNK = 1000

Point = tuple[str, str]  # (ContactPoint kind, normalised value)


class InteractionWriter(ABC):
    """The interactions half of an import's writer (`troth.importers.writer._Importer`
    is one): what it reads of the people half is declared here."""

    owner: Any
    summary: ImportSummary
    journal: Journal
    me_id: int
    me_name: str
    cp: dict[Point, int]
    imported_names: dict[str, set[int]]
    owner_names: dict[str, list[int]] | None

    @abstractmethod
    def problem(self, where: str, reason: str, group: str = "") -> None:
        """Record a row the import could not take (the people half keeps the list)."""

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
            (ContactPoint.URL, rec.urls, canonical_url),
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
            ids = self._named(fold(name))
            if not ids:
                # "Jane Raman, PhD" on a message is the Jane Raman a LinkedIn import
                # named without her credentials (troth.lib.credentials): asked only
                # when the name as written finds nobody, so a person stored with the
                # credentials still gets her messages (the attacker's review)
                plain = fold(plain_name(name))
                ids = self._named(plain) if plain != fold(name) else []
            if len(ids) == 1 and ids[0] != self.me_id and ids[0] not in found:
                found.append(ids[0])
        return found

    def _named(self, key: str) -> list[int]:
        """The people of this exact folded name (the file's own first), never "me"."""
        if not key or key == self.me_name:
            return []
        here = self.imported_names.get(key, set())
        return list(here) if len(here) == 1 else self._names().get(key, [])

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
                self.problem(
                    rec.where, f"dated in the future ({when.date()})", "dated in the future"
                )
                continue
            pids = self.match(rec)
            if not pids:
                self.summary.unmatched += 1
                who = ", ".join([*rec.emails, *rec.urls, *rec.names]) or "nobody named"
                self.problem(
                    rec.where,
                    f"no one in your network matches {who}",
                    "no one in your network matches",
                )
                continue
            self.summary.usable += 1
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
        # created_at is when the row was written (the trust cache's staleness check reads it)
        now = db_instant(timezone.now())
        for rec, external, pid in wanted:
            key = (rec.source, external, pid)
            if key in existing:
                continue
            existing.add(key)
            minutes = rec.minutes if rec.minutes and 0 < rec.minutes <= MAX_MINUTES else None
            new.append(
                (
                    owner.pk,
                    pid,
                    db_instant(rec.when),
                    rec.channel,
                    Interaction.THEM if rec.they_started else Interaction.ME,
                    minutes,
                    rec.summary.strip()[:MAX_TEXT],
                    rec.source[:20],
                    external,
                    now,
                )
            )
        ids = insert_returning_ids(
            Interaction,
            (
                "owner",
                "person",
                "occurred_at",
                "channel",
                "initiated_by",
                "duration_minutes",
                "summary",
                "source",
                "external_id",
                "created_at",
            ),
            new,
            owner.pk,
        )
        self.journal.created(Interaction, ids)
        # what was stored, as the database reports it (issue 17 item 11)
        self.summary.interactions_added += len(ids)


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
