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

from collections.abc import Iterable

from django.db import connection, models

# Fewer rows than this written at once: autovacuum's own threshold is soon enough.
BULK_ROWS = 10_000


def analyze(tables: Iterable[type[models.Model]], rows: int = BULK_ROWS) -> bool:
    """ANALYZE these models' tables on PostgreSQL after `rows` rows were written;
    returns whether it ran."""
    if connection.vendor != "postgresql" or rows < BULK_ROWS:
        return False
    names = sorted({connection.ops.quote_name(m._meta.db_table) for m in tables})
    if not names:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(names)}")
    return True
