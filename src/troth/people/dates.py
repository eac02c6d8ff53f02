"""Birthdays, anniversaries and other dates kept about people: reads and writes.

Reads are scoped to the owner; writes are `do_…` and callers own the transaction.
An import fills a date a person does not have yet and never overwrites one
(`do_fill_dates`); `troth date` sets or forgets one by hand (`do_set_date`).
Reminders on the agenda are off until the owner turns them on (`do_set_reminders`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.lib.keydates import (
    ANNIVERSARY,
    BIRTHDAY,
    MAX_LABEL,
    OTHER,
    KeyDate,
    KeyDateError,
    check,
    parse_key_date,
)
from troth.people.models import DateReminders, Person, PersonDate

# How far ahead reminders may look: a birthday two months off is not today's business.
MAX_REMIND_DAYS = 60


def key_date(row: PersonDate) -> KeyDate:
    return KeyDate(row.kind, row.month, row.day, row.year, row.label)


def date_row(row: PersonDate | KeyDate) -> dict[str, Any]:
    """The `--json` form of one date ({kind, label, month, day, year})."""
    return {
        "kind": row.kind,
        "label": row.label or None,
        "month": row.month,
        "day": row.day,
        "year": row.year,
    }


def dates_of(owner, person: Person) -> list[PersonDate]:
    """A person's dates, birthday first, then by the calendar."""
    rows = list(PersonDate.objects.filter(owner=owner, person=person))
    order = {BIRTHDAY: 0, ANNIVERSARY: 1, OTHER: 2}
    return sorted(rows, key=lambda r: (order.get(r.kind, 3), r.month, r.day, r.label))


def describe(row: PersonDate | KeyDate) -> str:
    """'birthday 14 March 1980', 'name day 12 May'."""
    name = row.label or row.kind
    day = dt.date(2000, row.month, row.day)
    when = f"{day.day} {day:%B}" + (f" {row.year}" if row.year else "")
    return f"{name} {when}"


def _kind_and_label(kind: str, label: str) -> tuple[str, str]:
    """'birthday' and 'anniversary' are kinds; any other word is the label of an
    'other' date ('name day'); 'other' itself needs a label."""
    word = " ".join(kind.split()).casefold()
    label = " ".join(label.split())
    if word in (BIRTHDAY, ANNIVERSARY):
        if label:
            raise TrothError(f"a {word} has no label; --label is for other dates")
        return word, ""
    if word == OTHER:
        if not label:
            raise TrothError("an 'other' date needs --label (what is it?), e.g. --label 'name day'")
        word = ""
    else:
        if label:
            raise TrothError(f"give either a kind ({kind!r}) or --label, not both")
        label = " ".join(kind.split())
    if not label:
        raise TrothError("which date? birthday, anniversary, or a word for another date")
    if len(label) > MAX_LABEL:
        raise TrothError(f"a date's label is limited to {MAX_LABEL} characters")
    return OTHER, label


def parse_when(text: str, year: int | None = None) -> tuple[int, int, int | None]:
    """MM-DD (or YYYY-MM-DD, '14 March'), with --year: (month, day, year)."""
    try:
        month, day, found = parse_key_date(text)
        if year is not None and found is not None and year != found:
            raise TrothError(f"{text} says {found} but --year says {year}")
        return check(month, day, year if year is not None else found)
    except KeyDateError as exc:
        raise TrothError(f"date: {exc}") from None


def do_set_date(
    owner, person: Person, kind: str, when: str, *, year: int | None = None, label: str = ""
) -> tuple[PersonDate, bool]:
    """Set one of a person's dates by hand (what the owner types wins over an
    import's); returns the row and whether it was new."""
    if person.owner_id != owner.id:
        raise NotFound(f"no person with id {person.id}")
    kind, label = _kind_and_label(kind, label)
    month, day, year = parse_when(when, year)
    row, created = PersonDate.objects.update_or_create(
        owner=owner,
        person=person,
        kind=kind,
        label=label,
        defaults={"month": month, "day": day, "year": year, "source": "manual"},
        create_defaults={
            "month": month,
            "day": day,
            "year": year,
            "source": "manual",
            "created_at": timezone.now(),
        },
    )
    return row, created


def do_forget_date(owner, person: Person, kind: str, label: str = "") -> PersonDate:
    """Remove one of a person's dates; returns the row removed (its values)."""
    kind, label = _kind_and_label(kind, label)
    row = PersonDate.objects.filter(owner=owner, person=person, kind=kind, label=label).first()
    if row is None:
        have = ", ".join(r.label or r.kind for r in dates_of(owner, person)) or "none"
        raise NotFound(f"{person.full_name} has no {label or kind} date (they have: {have})")
    row.delete()
    return row


def _column(name: str) -> str:
    found = PersonDate._meta.get_field(name)
    assert isinstance(found, models.Field) and found.column
    return found.column


def do_fill_dates(owner, wanted: Mapping[int, Iterable[KeyDate]], source: str) -> set[int]:
    """An import's dates: each person gets those of a kind (and label) they do not
    have yet; what is there is never overwritten. Returns who got one."""
    wanted = {pid: list(dates) for pid, dates in wanted.items() if dates}
    if not wanted:
        return set()
    have: set[tuple[int, str, str]] = set()
    ids = sorted(wanted)
    for start in range(0, len(ids), 900):
        have.update(
            PersonDate.objects.filter(
                owner=owner, person_id__in=ids[start : start + 900]
            ).values_list("person_id", "kind", "label")
        )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    new: list[tuple] = []
    for pid, dates in wanted.items():
        for d in dates:
            key = (pid, d.kind, d.label[:MAX_LABEL])
            if key in have:
                continue
            have.add(key)
            new.append((owner.pk, pid, *key[1:], d.month, d.day, d.year, source[:20], now))
    if new:
        # plain rows, as troth.importers.apply writes the rest of an import: building
        # model instances for bulk_create cost more than the import's other rows
        quote = connection.ops.quote_name
        names = ("owner", "person", "kind", "label", "month", "day", "year", "source")
        columns = [_column(n) for n in (*names, "created_at")]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(PersonDate._meta.db_table)}"
                f" ({', '.join(quote(c) for c in columns)})"
                f" VALUES ({', '.join(['%s'] * len(columns))})",
                new,
            )
    # updated_at is left alone, as for the rest of an import's rows written past the
    # ORM: the import's undo puts the database back exactly (ETags still move).
    return {row[1] for row in new}


# ------------------------------------------------------------------ coming up


@dataclass(frozen=True)
class Upcoming:
    id: int  # the PersonDate
    person_id: int
    person: str
    date: KeyDate
    on: dt.date  # the next time it comes round
    days: int  # from today

    def what(self) -> str:
        """What comes round: "birthday (turns 46)", "anniversary (10 years)", "name day"."""
        d = self.date
        what = "birthday" if d.kind == BIRTHDAY else (d.label or d.kind)
        years = d.age_on(self.on)
        if years and d.kind == BIRTHDAY:
            return f"{what} (turns {years})"
        return f"{what} ({years} years)" if years else what

    def text(self) -> str:
        """One line: "Dana Kang's birthday (turns 46) is in 3 days, on Saturday 14 March"."""
        if self.days == 0:
            when = "today"
        elif self.days == 1:
            when = "tomorrow"
        else:
            when = f"in {self.days} days"
        on = f"{self.on:%A} {self.on.day} {self.on:%B}"
        return f"{self.person}'s {self.what()} is {when}, on {on}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": {"id": self.person_id, "name": self.person},
            **date_row(self.date),
            "on": self.on.isoformat(),
            "in_days": self.days,
        }


def upcoming(owner, today: dt.date, days: int) -> list[Upcoming]:
    """Dates that come round within `days` of today (today included), soonest first.
    Archived people are left out: you asked not to be reminded of them."""
    rows = (
        PersonDate.objects.filter(owner=owner, person__is_me=False)
        .exclude(person__relationship__archived=True)
        .values_list(
            "id", "person_id", "person__full_name", "kind", "label", "month", "day", "year"
        )
    )
    out = []
    for rid, pid, name, kind, label, month, day, year in rows.iterator(chunk_size=2000):
        d = KeyDate(kind, month, day, year, label)
        on = d.next_on(today)
        ahead = (on - today).days
        if ahead <= days:
            out.append(Upcoming(rid, pid, name, d, on, ahead))
    out.sort(key=lambda u: (u.on, u.person, u.id))
    return out


def reminder_days(owner) -> int | None:
    """How many days ahead the agenda reminds of dates; None: no reminders (the default)."""
    return DateReminders.objects.filter(owner=owner).values_list("days_before", flat=True).first()


def do_set_reminders(owner, days: int | None) -> None:
    """Turn date reminders on (`days` ahead, 0 = on the day) or off (None)."""
    if days is None:
        DateReminders.objects.filter(owner=owner).delete()
        return
    if not 0 <= days <= MAX_REMIND_DAYS:
        raise TrothError(f"reminders can look 0 to {MAX_REMIND_DAYS} days ahead, not {days}")
    DateReminders.objects.update_or_create(owner=owner, defaults={"days_before": days})


def dates_for_page(owner, person: Person, today: dt.date) -> list[dict[str, str]]:
    """A person's dates as the person page lists them: "birthday 14 March 1980",
    and when the next one is within a month, how soon ("in 3 days")."""
    out = []
    for row in dates_of(owner, person):
        ahead = (key_date(row).next_on(today) - today).days
        soon = "today" if ahead == 0 else "tomorrow" if ahead == 1 else f"in {ahead} days"
        out.append({"text": describe(row), "soon": soon if ahead <= 31 else ""})
    return out
