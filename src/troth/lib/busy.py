"""Is this error SQLite saying another connection holds the write lock? (pure)

SQLite has one writer at a time; a connection that waits longer than its busy
timeout for the lock gets OperationalError "database is locked". That is not a bug
in the request or the command that met it: it is "busy, try again" (issue 17 item 7),
said in one line on the command line and as a 503 on the web, never a traceback.
"""

from __future__ import annotations

BUSY_MESSAGE = (
    "the database is busy (another troth command or an import is writing to it);"
    " try again in a moment"
)
LOCKED = ("database is locked", "database table is locked")


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's lock timeout, whether raised by sqlite3 or wrapped by Django
    (both name the class OperationalError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ == "OperationalError" and any(
            text in str(current).lower() for text in LOCKED
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
