"""troth export csv: one spreadsheet-friendly CSV per kind of record.

UTF-8, a header row, one file per table (people, interactions, favours,
promises, needs, introductions, notes, dates), each written atomically. A
birthday is written as vCard writes one: 1980-03-14, or --03-14 without a year
(people.csv has each person's birthday; dates.csv every kept date). Text that a
spreadsheet would run as a formula is neutralised (troth.lib.csvsafe). People are
referred to by id and name in the same row so a file reads on its own. Instants
are ISO 8601 in the local time zone, with their offset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.utils import timezone

from troth.errors import TrothError
from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.lib import csvsafe
from troth.lib.files import atomic_text
from troth.lib.keydates import KeyDate
from troth.people.models import ContactPoint, Employment, Note, Person, PersonDate, Relationship
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores

CHUNK = 5000


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def _people(owner: Any) -> Iterator[list[Any]]:
    primary: dict[tuple[int, str], str] = {}
    points = ContactPoint.objects.filter(owner=owner).order_by("-is_primary", "id")
    for pid, kind, value in points.values_list("person_id", "kind", "value"):
        primary.setdefault((pid, kind), value)
    jobs: dict[int, tuple[str, str]] = {}
    current = Employment.objects.filter(owner=owner, is_current=True).order_by("-started_on", "id")
    for pid, org, title in current.values_list("person_id", "organization__name", "title"):
        jobs.setdefault(pid, (org, title))
    tags: dict[int, list[str]] = {}
    through = Person.tags.through.objects.filter(person__owner=owner)
    for pid, tag in through.order_by("tag__name").values_list("person_id", "tag__name"):
        tags.setdefault(pid, []).append(tag)
    trust = {
        pid: (tier, score)
        for pid, tier, score in TrustScore.objects.filter(owner=owner).values_list(
            "person_id", "tier", "score"
        )
    }
    rel = {
        r[0]: r[1:]
        for r in Relationship.objects.filter(owner=owner).values_list(
            "person_id", "met_how", "met_on", "met_through__full_name", "closeness", "archived"
        )
    }
    birthdays = {
        pid: KeyDate(PersonDate.BIRTHDAY, month, day, year).text()
        for pid, month, day, year in PersonDate.objects.filter(
            owner=owner, kind=PersonDate.BIRTHDAY
        ).values_list("person_id", "month", "day", "year")
    }
    people = Person.objects.filter(owner=owner, is_me=False).order_by("id")
    for pid, full, given, family, nickname, created in people.values_list(
        "id", "full_name", "given_name", "family_name", "nickname", "created_at"
    ).iterator(chunk_size=CHUNK):
        org, title = jobs.get(pid, ("", ""))
        tier, score = trust.get(pid, ("", None))
        met_how, met_on, via, closeness, archived = rel.get(pid, ("", None, None, None, False))
        yield [
            pid, full, given, family, nickname,
            primary.get((pid, ContactPoint.EMAIL), ""),
            primary.get((pid, ContactPoint.PHONE), ""),
            primary.get((pid, ContactPoint.URL), ""),
            org, title, "; ".join(tags.get(pid, [])), tier, score,
            met_how, met_on, via, closeness, archived, created, birthdays.get(pid, ""),
        ]  # fmt: skip


def _names(owner: Any) -> dict[int, str]:
    return dict(Person.objects.filter(owner=owner).values_list("id", "full_name"))


def _rows(query: Any, columns: list[str], names: dict[int, str], people: set[str]) -> Iterator:
    """Rows of `query` with a name column after each person id column."""
    for row in query.values_list(*columns).iterator(chunk_size=CHUNK):
        out = []
        for column, value in zip(columns, row, strict=True):
            out.append(value)
            if column in people:
                out.append(names.get(value, "") if value is not None else "")
        yield out


def _header(columns: list[str], people: set[str]) -> list[str]:
    out = []
    for column in columns:
        out.append(column)
        if column in people:
            out.append(column.removesuffix("_id"))
    return out


def _tags_of_needs(owner: Any) -> dict[int, str]:
    tags: dict[int, list[str]] = {}
    through = Need.tags.through.objects.filter(need__owner=owner)
    for nid, tag in through.order_by("tag__name").values_list("need_id", "tag__name"):
        tags.setdefault(nid, []).append(tag)
    return {nid: "; ".join(t) for nid, t in tags.items()}


PEOPLE_HEADER = [
    "id", "full_name", "given_name", "family_name", "nickname", "email", "phone", "url", "company",
    "title", "tags", "tier", "score", "met_how", "met_on", "met_through", "closeness",
    "archived", "created_at", "birthday",
]  # fmt: skip

# file name -> (model, columns, the columns holding a person id)
TABLES: dict[str, tuple[Any, list[str], set[str]]] = {
    "interactions.csv": (
        Interaction,
        ["id", "occurred_at", "person_id", "channel", "initiated_by", "duration_minutes",
         "summary", "source"],
        {"person_id"},
    ),
    "favours.csv": (
        Favor,
        ["id", "given_on", "kind", "giver_id", "receiver_id", "what", "need_id", "thanked_on"],
        {"giver_id", "receiver_id"},
    ),
    "promises.csv": (
        Commitment,
        ["id", "made_on", "due_on", "debtor_id", "creditor_id", "what", "status",
         "status_changed_at"],
        {"debtor_id", "creditor_id"},
    ),
    "needs.csv": (
        Need,
        ["id", "noted_on", "expires_on", "person_id", "what", "status", "met_by_id",
         "closed_at"],
        {"person_id", "met_by_id"},
    ),
    "introductions.csv": (
        Introduction,
        ["id", "role", "state", "introducer_id", "person_a_id", "person_b_id", "why",
         "outcome", "created_at", "updated_at"],
        {"introducer_id", "person_a_id", "person_b_id"},
    ),
    "notes.csv": (Note, ["id", "created_at", "person_id", "text"], {"person_id"}),
    "dates.csv": (
        PersonDate, ["id", "person_id", "kind", "label", "month", "day", "year"], {"person_id"}
    ),
}  # fmt: skip


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    n = 0
    with atomic_text(path, newline="") as fh:
        writer = csvsafe.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            n += 1
    return n


def write_csv(owner: Any, directory: Path) -> dict[str, int]:
    """Write the CSV files into `directory` (created if missing); rows per file.

    Call inside a transaction: the trust tiers are refreshed first if stale.
    """
    target = directory.expanduser()
    if target.exists() and not target.is_dir():
        raise TrothError(f"cannot write into {directory}: it is a file; name a directory")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrothError(f"cannot create {directory}: {exc.strerror or exc}") from None
    fresh_scores(owner)
    names = _names(owner)
    counts = {"people.csv": _write(target / "people.csv", PEOPLE_HEADER, _people(owner))}
    need_tags = _tags_of_needs(owner)
    for name, (model, columns, people) in TABLES.items():
        query = model.objects.filter(owner=owner).order_by("id")
        rows: Iterable[list[Any]] = _rows(query, columns, names, people)
        header = _header(columns, people)
        if model is Need:
            rows = _with_tags(rows, need_tags)
            header = [*header, "tags"]
        counts[name] = _write(target / name, header, rows)
    return counts


def _with_tags(rows: Iterable[list[Any]], tags: dict[int, str]) -> Iterator[list[Any]]:
    for row in rows:
        yield [*row, tags.get(row[0], "")]
