"""The writing half of a mail sync: the new messages through the mail import's own
pipeline (troth.importers.mail: the deduplicating store, the correspondent rule,
the records), together with what earlier syncs kept (SeenMail).

Who is a correspondent is decided over the whole mailbox (two-way, or two
messages To): a message fetched today can make someone a correspondent through
one fetched a month ago. So the store is filled with the earlier messages first,
then the new ones (a new message that repeats an earlier one is a duplicate), and
the records given to the writer are the new messages' interactions and, for
someone who has just become a correspondent, all of theirs. Older interactions
were written by earlier syncs; the writer would skip them anyway (idempotent by
fingerprint), this only spares it the work.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from troth.importers import mail
from troth.importers.mail import Classified
from troth.importers.records import InteractionRecord, PersonRecord, Record


class SyncedMail:
    """A Parser (troth.importers.records) over what a sync fetched."""

    name = "mail"

    def __init__(
        self,
        earlier: Iterable[tuple[str, int, bool, str, Any]],
        new: list[tuple[str, Classified]],
        lists: set[str],
        chosen_before: set[str],
    ) -> None:
        self.earlier = earlier
        self.new = new
        self.lists = lists
        self.chosen_before = chosen_before
        self.chosen: set[str] = set()  # the correspondents after this sync
        self.new_fps: set[str] = set()  # the messages stored for the first time

    def detect(self, path: Path) -> bool:
        return False

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        progress = options.get("progress")
        report = progress if callable(progress) else None
        counts: dict[str, int] = {
            k: 0 for k in ("messages", "problems", "duplicates", "correspondents", "interactions")
        }
        old = (
            ("earlier sync", ("m", fp, ts, outgoing, subject, tuple(tuple(c) for c in cps)))
            for fp, ts, outgoing, subject, cps in self.earlier
        )
        with tempfile.TemporaryDirectory(prefix="troth-sync-") as folder:
            store = mail._Store(folder)
            try:
                store.lists.update(self.lists)
                for _ in mail.PARSER._collect(old, store, {"messages": 0}):
                    pass  # earlier messages are all "m": nothing to report
                known = {row[0] for row in store.db.execute("SELECT fp FROM msg")}
                store.stored = 0  # from here: what this sync adds
                yield from mail.PARSER._collect(self.new, store, counts, report)
                self.lists |= store.lists
                self.new_fps = {r[1] for _w, r in self.new if r[0] == "m" and r[1] not in known}
                yield from self._chosen(mail.PARSER._decide(store, counts), counts)
            finally:
                store.close()
        yield from mail.left_out(counts)

    def _chosen(self, records: Iterator[Record], counts: dict[str, int]) -> Iterator[Record]:
        people: dict[str, PersonRecord] = {}
        kept: list[Record] = []
        others: list[Record] = []
        used: set[str] = set()
        for rec in records:
            if isinstance(rec, PersonRecord):
                people[rec.external_id] = rec
            elif isinstance(rec, InteractionRecord):
                addr = rec.emails[0]
                if rec.external_id in self.new_fps:
                    used.add(rec.external_id)
                if rec.external_id in self.new_fps or addr not in self.chosen_before:
                    kept.append(rec)
            else:
                others.append(rec)
        self.chosen = set(people)
        wanted = {r.emails[0] for r in kept if isinstance(r, InteractionRecord)}
        wanted |= self.chosen - self.chosen_before
        counts["correspondents"] = len(wanted)
        counts["interactions"] = len(kept)
        counts["no correspondent"] = len(self.new_fps - used)
        yield from others
        yield from (people[a] for a in sorted(wanted) if a in people)
        yield from kept
