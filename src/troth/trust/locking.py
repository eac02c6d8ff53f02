"""One owner's trust writes, one at a time.

The score cache and the summed past are rewritten as delete-then-insert (a full
recompute, one tie's past) or update-then-insert (one tie's score). On SQLite a
writing transaction already holds the database's only write lock (IMMEDIATE), so
two never interleave. On PostgreSQL they do: two requests recomputing a stale cache
together, or two interactions logged into the same tie's past, each deleted what
the other had not yet committed and the second insert broke a unique key (a 409 for
a write that was fine). A transaction-scoped advisory lock per owner serialises
them; it is taken before any trust row is touched, so every path locks in the same
order, and it goes with the transaction.
"""

from __future__ import annotations

from django.db import connection

# pg_advisory_xact_lock(bigint): this class in the high half, the owner's id in the low
_TRUST = 0x7472_7573  # "trus"


def lock_trust(owner_id: int) -> None:
    """Wait for, then hold until this transaction ends, the owner's trust lock. Call
    inside transaction.atomic() (outside one, PostgreSQL would free it at once)."""
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction holds the database's write lock already
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [(_TRUST << 32) | int(owner_id)])
