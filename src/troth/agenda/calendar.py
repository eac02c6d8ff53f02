"""The agenda's dated items as an RFC 5545 calendar (Google, Apple, Thunderbird).

Each item is an all-day event (or, on request, a to-do) on the day it is due;
anything already late sits on today. A UID is a hash of the owner and the
item's key, so importing a newer export updates the same events instead of
adding copies, and a handled item's reason never comes back under a new UID.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone
from icalendar import Calendar, Event, Todo

from troth import __version__
from troth.agenda.plan import LABEL, Item
from troth.agenda.queries import agenda
from troth.ledger.models import Commitment, Favor, Need

PRODID = f"-//troth//troth {__version__}//EN"
SUMMARY_WHAT = 80  # characters of a promise or need kept in an event's title


def uid(owner, key: str, component: str = "VEVENT") -> str:
    """Stable across exports: the same owner and item key give the same UID."""
    salt = "" if component == "VEVENT" else f":{component}"
    digest = hashlib.sha256(f"troth:{owner.pk}:{key}{salt}".encode()).hexdigest()
    return f"{digest[:32]}@troth"


def dated_items(owner, today: dt.date, days: int) -> list[tuple[dt.date, Item]]:
    """The agenda's items with a date, on the day they are due (late ones today),
    up to `days` ahead, by date and then importance."""
    result = agenda(owner, today, window=days)
    last = today + dt.timedelta(days=days)
    out = []
    for rank, item in enumerate(result.items):
        due = item.candidate.due
        if due is None:
            continue  # reconnecting and releasing have no day; they stay on the agenda
        on = max(due, today)
        if on <= last:
            out.append((on, rank, item))
    out.sort(key=lambda row: row[:2])
    return [(on, item) for on, _, item in out]


def _what(owner, items: list[Item]) -> dict[str, str]:
    """The promise, favour or need each item is about, by item key (a few queries)."""
    refs: dict[str, list[int]] = {"commitment": [], "favor": [], "need": []}
    table = {"promise": "commitment", "nudge": "commitment", "thanks": "favor", "need": "need"}
    for item in items:
        if item.candidate.kind in table:
            refs[table[item.candidate.kind]].append(item.candidate.ref)
    found = {
        "commitment": dict(
            Commitment.objects.filter(owner=owner, id__in=refs["commitment"]).values_list(
                "id", "what"
            )
        ),
        "favor": {
            pk: what or f"the {kind}"
            for pk, kind, what in Favor.objects.filter(
                owner=owner, id__in=refs["favor"]
            ).values_list("id", "kind", "what")
        },
        "need": dict(
            Need.objects.filter(owner=owner, id__in=refs["need"]).values_list("id", "what")
        ),
    }
    out = {}
    for item in items:
        c = item.candidate
        text = found.get(table.get(c.kind, ""), {}).get(c.ref)
        if text:
            out[c.key] = text if len(text) <= SUMMARY_WHAT else text[: SUMMARY_WHAT - 1] + "…"
    return out


def summary(item: Item, what: str | None) -> str:
    """'Keep your word: send the deck (Dana Whitfield)'."""
    c = item.candidate
    if c.kind in ("checkin", "reconnect"):
        return f"{LABEL[c.kind].capitalize()} with {c.person}"
    if what:
        return f"{LABEL[c.kind].capitalize()}: {what} ({c.person})"
    return f"{LABEL[c.kind].capitalize()} ({c.person})"


def description(item: Item) -> str:
    return (
        f"{item.candidate.reason}\n\n"
        f"Done? troth done {item.id}  (or: troth snooze {item.id} --until DATE,"
        f" troth skip {item.id}, troth draft {item.id})"
    )


def agenda_calendar(
    owner, today: dt.date | None = None, days: int = 14, todos: bool = False
) -> bytes:
    """An iCalendar file of the dated agenda items: all-day VEVENTs, or VTODOs with
    a due date when `todos` (Google Calendar ignores to-dos; Apple and Thunderbird
    show them). Reads only; the caller owns the transaction."""
    today = today or timezone.localdate()
    rows = dated_items(owner, today, days)
    whats = _what(owner, [item for _, item in rows])
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "troth")
    cal.add("x-wr-caldesc", "Things worth doing: promises, thank-yous, needs, check-ins")
    for on, item in rows:
        component: Event | Todo
        if todos:
            component = Todo()
            component.add("uid", uid(owner, item.candidate.key, "VTODO"))
            component.add("dtstamp", stamp)
            component.add("due", on)
            component.add("status", "NEEDS-ACTION")
        else:
            component = Event()
            component.add("uid", uid(owner, item.candidate.key))
            component.add("dtstamp", stamp)
            component.add("dtstart", on)
            component.add("dtend", on + dt.timedelta(days=1))
            component.add("transp", "TRANSPARENT")  # a reminder, not busy time
        component.add("summary", summary(item, whats.get(item.candidate.key)))
        component.add("description", description(item))
        component.add("categories", ["troth", LABEL[item.candidate.kind]])
        cal.add_component(component)
    return cal.to_ical()
