"""What the trust score is computed from that lives in apps above trust.

How people handled what they took on for the owner comes as (person id, when, good?)
rows, read for the owner's people (None: all of them). The introductions app keeps
those rows (its steps) and registers its reader here when it starts (intros/apps.py):
it asks trust for its verdicts, so trust must not import it back. Light on purpose:
every start of troth loads it, and a read command must not load numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from troth.owned import Owner

ConductReader = Callable[[Owner, list[int] | None], Iterable[tuple[int, dt.datetime, bool]]]
CONDUCT: list[ConductReader] = []


def register_conduct(reader: ConductReader) -> None:
    """Add a source of conduct rows (once, however often its app starts)."""
    if reader not in CONDUCT:
        CONDUCT.append(reader)
