"""What is worth doing today, and in what order (pure: no Django).

The gatherer (`troth.agenda.queries`) turns the database into `Candidate`s; this
module decides which few of them a person should see. The order follows the
seeds: keep your word first, then thank, then help, then keep ties warm.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# In the order a day should deal with them (issue 4's list).
KINDS = ("promise", "thanks", "intro", "need", "date", "checkin", "reconnect", "nudge", "release")
PREFIX = {
    "promise": "p",
    "thanks": "t",
    "intro": "i",
    "need": "n",
    "checkin": "c",
    "reconnect": "r",
    "nudge": "u",
    "release": "x",
    "date": "d",
}
KIND_OF_PREFIX = {v: k for k, v in PREFIX.items()}
# What each kind of item asks of you, in a word or three.
LABEL = {
    "promise": "keep your word",
    "thanks": "say thanks",
    "intro": "introduction",
    "need": "give first",
    "checkin": "check in",
    "reconnect": "reconnect",
    "nudge": "nudge",
    "release": "release",
    "date": "remember the day",
}
# How much a kind of item matters before importance and lateness. Keeping your
# word is never outranked (see rank()); thanks owed come next because a late
# thank-you is the follow-through failure people remember.
KIND_WEIGHT = {
    "promise": 10.0,
    "thanks": 6.0,
    "intro": 5.0,
    "need": 4.0,
    "checkin": 3.0,
    "reconnect": 2.0,
    "nudge": 2.0,
    "release": 1.5,
    # a birthday wish is a warm touch, not a duty: above a routine check-in, which
    # it replaces for that person (rank), below anything owed
    "date": 3.5,
}
# A good day has 3-7 things to do (issue 4); more on request.
DEFAULT_LIMIT = 7

_ID = re.compile(r"^([a-z])(\d+)$")


@dataclass(frozen=True)
class Candidate:
    kind: str
    ref: int  # the promise, favour, need or person the item is about
    person_id: int
    person: str
    reason: str  # one line, in plain words
    key: str  # identity of the *reason*: once handled, this key never comes back
    importance: float  # 0-1: how much the tie or the thing matters
    # 0 = due today, 1 = late by a whole period of its kind, negative = not yet due
    lateness: float
    due: dt.date | None = None
    # a check-in `troth path --plan` asked for: what comes after it ("Then ask them to
    # introduce you to ..."); such a check-in stays beside the person's other items
    # (used while ranking; a stored agenda keeps the reason, which says it)
    then: str = ""

    @property
    def id(self) -> str:
        return f"{PREFIX[self.kind]}{self.ref}"


@dataclass(frozen=True)
class Item:
    candidate: Candidate
    priority: float

    @property
    def id(self) -> str:
        return self.candidate.id


def parse_item_id(text: str) -> tuple[str, int]:
    """'p12' -> ('promise', 12); anything else is a ValueError naming the forms."""
    m = _ID.match(text.strip().lower())
    if not m or m.group(1) not in KIND_OF_PREFIX:
        forms = ", ".join(f"{p}N ({k})" for k, p in PREFIX.items())
        raise ValueError(f"{text!r} is not an agenda id; ids look like {forms}")
    return KIND_OF_PREFIX[m.group(1)], int(m.group(2))


def urgency(lateness: float) -> float:
    """The cost of waiting: 1 when due, rising to 2 at a full period late, and
    falling to a quarter for things not due for a while yet."""
    if lateness >= 0:
        return 1.0 + min(lateness, 1.0)
    return max(0.25, 1.0 + lateness)


def priority(c: Candidate) -> float:
    importance = min(max(c.importance, 0.0), 1.0)
    return KIND_WEIGHT[c.kind] * (0.5 + 0.5 * importance) * urgency(c.lateness)


def cadence_days(tier_cadence: int, override: int | None) -> int | None:
    """Days between check-ins: the person's own setting, else the tier's; None: never."""
    days = tier_cadence if override is None else override
    return days if days > 0 else None


def checkin_cycle(last_contact: dt.date, cadence: int, today: dt.date) -> int:
    """Which overdue period a check-in is in (1 = the first): skipping one period
    brings the person back one cadence later, never sooner."""
    return max(1, (today - last_contact).days // cadence)


def rank(candidates: list[Candidate]) -> list[Item]:
    """Everything worth doing, best first.

    My own promises always come first (keep your word). A person who already has
    something on the list does not also get a check-in or reconnect: you will be
    in touch with them anyway."""
    items = [Item(c, priority(c)) for c in candidates]
    busy = {i.candidate.person_id for i in items if i.candidate.kind not in _CONTACT_ONLY}
    # ... except a check-in `troth path --plan` asked for (it carries the ask that
    # waits): the command said it was on the agenda (a newcomer's review found it
    # dropped without a word when the connector had a need of their own)
    items = [
        i
        for i in items
        if i.candidate.kind not in _CONTACT_ONLY
        or i.candidate.person_id not in busy
        or i.candidate.then
    ]
    # one check-in or reconnect per person, the more valuable one
    seen: set[int] = set()
    kept: list[Item] = []
    for item in sorted(items, key=_order):
        c = item.candidate
        if c.kind in _CONTACT_ONLY:
            if c.person_id in seen:
                continue
            seen.add(c.person_id)
        kept.append(item)
    return kept


_CONTACT_ONLY = ("checkin", "reconnect")


def _order(item: Item) -> tuple:
    c = item.candidate
    return (
        c.kind != "promise",
        -item.priority,
        c.due or dt.date.max,
        c.person,
        c.id,
    )
