"""The writing half of a mail sync: the new messages through the mail import's own
pipeline (troth.importers.mail: the deduplicating store, the correspondent rule,
the records), together with what earlier syncs kept (SeenMail), one batch at a time.

Who is a correspondent is decided over the whole mailbox (two-way, or two
messages To): a message fetched today can make someone a correspondent through
one fetched a month ago. So one store (`MailStore`, a temporary SQLite file, as
the file import's) lives for the length of a sync: it is filled with the earlier
messages once, then each batch of new ones is added to it and decided at once
(`MailStore.batch`, a Parser for troth.importers.apply.do_import), so that what a
sync holds in memory is one batch, whatever the size of the mailbox (issue 14:
101 MiB at 5,000 messages and 180 MiB at 50,000 when every message was held
until the end).

A batch's records are its new messages' interactions with correspondents and,
for someone who has just become a correspondent, all of theirs (older ones were
written by earlier batches or syncs; the writer would skip them anyway, being
idempotent by fingerprint, this only spares it the work). The counts the rule
needs are kept per address as messages arrive (`tally`), and the display names
likewise (`names`), so deciding a batch reads only that batch's addresses: a sync
of n messages does O(n) work, not a re-count of the mailbox per batch.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from troth.importers import mail
from troth.importers.mail import Classified
from troth.importers.records import InteractionRecord, PersonRecord, Record

# the rule of troth.importers.mail (two-way, or two messages To), on one tally row
_CORRESPONDENT = "((t.out_any > 0 AND t.in_any > 0) OR t.out_to >= 2 OR t.in_to >= 2)"
_TALLY = """
    INSERT INTO tally
    SELECT cp.email, SUM(m.outgoing), SUM(m.outgoing AND cp.in_to),
           SUM(NOT m.outgoing), SUM(NOT m.outgoing AND cp.in_to)
    FROM cp JOIN msg m ON m.fp = cp.fp
    WHERE {where}
    GROUP BY cp.email
    ON CONFLICT (email) DO UPDATE SET
        out_any = out_any + excluded.out_any, out_to = out_to + excluded.out_to,
        in_any = in_any + excluded.in_any, in_to = in_to + excluded.in_to
"""
_NAMES = """
    INSERT INTO names
    SELECT cp.email, cp.name, COUNT(*) FROM cp
    WHERE cp.name != '' AND {where}
    GROUP BY cp.email, cp.name
    ON CONFLICT (email, name) DO UPDATE SET n = n + excluded.n
"""
_FRESH = "cp.fp IN (SELECT fp FROM fresh)"


class MailStore:
    """Every message the sync knows (earlier syncs' and this one's so far), in a
    temporary SQLite file; `batch` turns one batch of new messages into records."""

    def __init__(
        self,
        earlier: Iterable[tuple[str, int, bool, str, Any]],
        lists: set[str],
        chosen: set[str],
    ) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="troth-sync-")
        self.store = mail._Store(self._folder.name)
        self.store.lists.update(lists)
        self.chosen = set(chosen)  # the correspondents so far (Source.state["chosen"])
        old = (
            ("earlier sync", ("m", fp, ts, outgoing, subject, tuple(tuple(c) for c in cps)))
            for fp, ts, outgoing, subject, cps in earlier
        )
        for _ in mail.PARSER._collect(old, self.store, {"messages": 0}):
            pass  # earlier messages are all "m": nothing to report
        db = self.store.db
        db.executescript(
            f"""
            CREATE INDEX cp_email ON cp (email);
            CREATE TABLE tally (email TEXT PRIMARY KEY, out_any INTEGER, out_to INTEGER,
                                in_any INTEGER, in_to INTEGER) WITHOUT ROWID;
            CREATE TABLE names (email TEXT, name TEXT, n INTEGER,
                                PRIMARY KEY (email, name)) WITHOUT ROWID;
            CREATE TABLE fresh (fp TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE corr (email TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE newly (email TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE want (email TEXT PRIMARY KEY) WITHOUT ROWID;
            {_TALLY.format(where="true")};
            {_NAMES.format(where="true")};
            """
        )
        db.executemany(
            "INSERT INTO corr VALUES (?)", ((a,) for a in self.chosen - self.store.lists)
        )
        self.fresh: set[str] = set()  # the last batch's messages stored for the first time

    def close(self) -> None:
        self.store.close()
        self._folder.cleanup()

    def batch(self, new: list[tuple[str, Classified]]) -> _Batch:
        return _Batch(self, new)

    def _decide(
        self, new: list[tuple[str, Classified]], counts: dict[str, int]
    ) -> Iterator[Record]:
        store, db = self.store, self.store.db
        with db:
            db.execute("DELETE FROM fresh")
            db.executemany(
                "INSERT OR IGNORE INTO fresh VALUES (?)", ((r[1],) for _w, r in new if r[0] == "m")
            )
            db.execute("DELETE FROM fresh WHERE fp IN (SELECT fp FROM msg)")
        self.fresh = {fp for (fp,) in db.execute("SELECT fp FROM fresh")}
        store.stored = 0
        yield from mail.PARSER._collect(new, store, counts)
        with db:
            db.execute(_TALLY.format(where=_FRESH))
            db.execute(_NAMES.format(where=_FRESH))
            rows = db.execute(
                f"""SELECT t.email FROM tally t
                WHERE t.email IN (SELECT cp.email FROM cp WHERE {_FRESH}) AND {_CORRESPONDENT}"""
            ).fetchall()
            newly = {a for (a,) in rows if a not in self.chosen and a not in store.lists}
            self.chosen |= newly
            db.execute("DELETE FROM newly")
            db.executemany("INSERT INTO newly VALUES (?)", ((a,) for a in newly))
            db.executemany("INSERT OR IGNORE INTO corr VALUES (?)", ((a,) for a in newly))
            db.executemany("DELETE FROM corr WHERE email = ?", ((a,) for a in store.lists))
        found = db.execute(
            """
            SELECT m.fp, m.ts, m.outgoing, m.subject, m.place, cp.email, cp.name
            FROM fresh f JOIN cp ON cp.fp = f.fp JOIN corr c ON c.email = cp.email
                 JOIN msg m ON m.fp = cp.fp
            UNION
            SELECT m.fp, m.ts, m.outgoing, m.subject, m.place, cp.email, cp.name
            FROM newly n JOIN cp ON cp.email = n.email JOIN msg m ON m.fp = cp.fp
            ORDER BY 2, 1, 6
            """
        ).fetchall()  # one batch's worth (and a new correspondent's past)
        wanted = {row[5] for row in found} | newly
        with db:
            db.execute("DELETE FROM want")
            db.executemany("INSERT INTO want VALUES (?)", ((a,) for a in wanted))
        shown: dict[str, str] = {}
        for addr, name, _n in db.execute(
            """SELECT n.email, n.name, n.n FROM want w JOIN names n ON n.email = w.email
            ORDER BY n.email, n.n DESC, n.name"""
        ):
            shown.setdefault(addr, name)
        counts["correspondents"] = len(wanted)
        for addr in sorted(wanted):
            yield PersonRecord(
                source=mail.SOURCE,
                external_id=addr,
                full_name=shown.get(addr) or addr,
                emails=[addr],
                where=f"mail correspondent {addr}",
            )
        used: set[str] = set()
        for fp, ts, outgoing, subject, place, addr, name in found:
            if fp in self.fresh:
                used.add(fp)
            label = name or shown.get(addr, "")
            yield InteractionRecord(
                source=mail.SOURCE,
                external_id=fp,
                when=dt.datetime.fromtimestamp(ts, dt.UTC),
                channel="email",
                emails=[addr],
                names=[label] if label else [],
                they_started=not outgoing,
                summary=subject,
                where=place,
            )
        counts["interactions"] = len(found)
        counts["no correspondent"] = len(self.fresh - used)
        # who was on this batch's small messages (warm paths' evidence); the rows of
        # messages known before go: they were written when those were new
        with db:
            db.execute("DELETE FROM party WHERE fp NOT IN (SELECT fp FROM fresh)")
        yield from mail._participants(store)
        with db:
            db.execute("DELETE FROM party")


class _Batch:
    """A Parser (troth.importers.records) over one batch of fetched messages."""

    name = "mail"

    def __init__(self, owner: MailStore, new: list[tuple[str, Classified]]) -> None:
        self.owner = owner
        self.new = new

    def detect(self, path: Path) -> bool:
        return False

    def parse(self, path: Path, **options: object) -> Iterator[Record]:
        counts: dict[str, int] = {
            k: 0 for k in ("messages", "problems", "duplicates", "correspondents", "interactions")
        }
        yield from self.owner._decide(self.new, counts)
        yield from mail.left_out(counts)
