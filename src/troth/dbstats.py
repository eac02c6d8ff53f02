"""Planner statistics after bulk writes (PostgreSQL).

PostgreSQL plans from table statistics that only ANALYZE (or autovacuum, which a
server may run without, and which lags a bulk load by a minute or more) gathers.
Right after the demo loader's COPY or a big import the tables look empty to the
planner: issue 20 measured the first agenda on PostgreSQL at 10.5 s before a
manual ANALYZE against 4.2 s on SQLite. So the bulk writers call `analyze` on the
tables they filled, in their own transaction (ANALYZE is transactional there).

SQLite is left alone: its queries here are written for the planner's defaults
without sqlite_stat1 (see troth.trust.summary), and ANALYZE could move them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import Error, connection, models, transaction

log = logging.getLogger(__name__)

# Fewer rows than this written at once: autovacuum's own threshold is soon enough.
BULK_ROWS = 10_000


def analyze(tables: Iterable[type[models.Model]], rows: int = BULK_ROWS) -> bool:
    """ANALYZE these models' tables on PostgreSQL after `rows` rows were written;
    returns whether it ran. Where autovacuum is off, VACUUM them as well (once the
    transaction commits, if one is open: VACUUM runs outside one)."""
    if connection.vendor != "postgresql" or rows < BULK_ROWS:
        return False
    names = ", ".join(sorted({connection.ops.quote_name(m._meta.db_table) for m in tables}))
    if not names:
        return False
    # Without autovacuum nothing marks a bulk write's pages all-visible: a COUNT of
    # the owner's people or scores (the trust cache's staleness check, on every page
    # that shows trust) then reads every row from the heap instead of the index alone,
    # 15 against 6 ms at 30,000 people, and a daily recompute's rewritten scores leave
    # their dead rows behind for good. PostgreSQL vacuums after such writes itself
    # when autovacuum is on (its default); troth does it when it is off.
    vacuum = not autovacuum_on()
    if vacuum and not connection.in_atomic_block:
        _vacuum(names, "ANALYZE, ")
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
    if vacuum:
        transaction.on_commit(lambda: _vacuum(names))
    return True


def _vacuum(names: str, also: str = "") -> None:
    """Housekeeping after the work is committed: a failure (a user that does not own
    the tables only gets a warning; a cancelled statement) is logged, never the
    request's error. SKIP_LOCKED: another member's request vacuuming the table is
    enough."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ({also}SKIP_LOCKED) {names}")
    except Error:  # DatabaseError, and InterfaceError (a connection closed)
        log.warning("VACUUM %s failed", names, exc_info=True)


def autovacuum_on() -> bool:
    """Whether this PostgreSQL server runs autovacuum (asked once per connection)."""
    known = getattr(connection, "_troth_autovacuum", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('autovacuum') = 'on'")
            known = bool(cursor.fetchone()[0])
        connection._troth_autovacuum = known  # type: ignore[attr-defined]
    return known
