"""The agenda's contact candidates (check-ins by tier, cooling and dormant ties, ties
with a rhythm of their own) read in one round trip (issue 20: PostgreSQL within 1.2x of
SQLite), with the rows each read gave on its own: each tier's strongest PER_TIER due,
equal scores in the order they were scored, dates as dates on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from module_data import FIXED_DAY, kept_for_the_module
from troth.agenda.queries import (
    CADENCE_TIERS,
    COOLING_DROP,
    COOLING_TIERS,
    PER_TIER,
    RECONNECT_AFTER_DAYS,
    _contact_candidates,
    _rows_of,
    agenda_candidates,
    tier_cadences,
)
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.models import Person, Relationship
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.actions import do_recompute_trust
from troth.trust.models import TrustScore

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker

FIELDS = ("person_id", "person__full_name", "score", "tier", "activity_trend_30", "last_contact")


def _one_read_each(owner: Owner, today: dt.date) -> dict[int, tuple[Any, ...]]:
    """What the candidates were read from before: one ORM query per part."""
    overrides = list(
        Relationship.objects.filter(owner=owner, cadence_days__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    scored = TrustScore.objects.filter(owner=owner, last_contact__isnull=False)
    cadence_of = tier_cadences(owner)
    rows: dict[int, tuple[Any, ...]] = {}
    for tier in CADENCE_TIERS:
        due_by = today - dt.timedelta(days=cadence_of[tier])
        due = scored.filter(tier=tier, last_contact__lte=due_by).order_by("-score", "id")
        rows.update((r[0], r) for r in due.values_list(*FIELDS)[:PER_TIER])
    cooling = scored.filter(tier__in=COOLING_TIERS, activity_trend_30__lte=-COOLING_DROP)
    dormant = scored.filter(
        tier="dormant", last_contact__lte=today - dt.timedelta(days=RECONNECT_AFTER_DAYS)
    ).order_by("-score", "id")[:PER_TIER]
    own = scored.filter(person_id__in=overrides)
    for qs in (cooling, dormant, own):
        rows.update((r[0], r) for r in qs.values_list(*FIELDS))
    return rows


def _build() -> int:
    owner = local_owner()
    load_network(
        owner, generate_network(people=1500, seed=11, today=FIXED_DAY, interactions_per_person=3)
    )
    do_recompute_trust(owner, FIXED_DAY)
    # a few ties with a rhythm of their own (the part read by person)
    people = Person.objects.filter(owner=owner, is_me=False).order_by("id")[:3]
    for days, person in zip((7, 45, 400), people, strict=True):
        Relationship.objects.update_or_create(
            owner=owner, person=person, defaults={"cadence_days": days}
        )
    return int(owner.pk)


@pytest.fixture(scope="module")
def network(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[int]:
    yield from kept_for_the_module(django_db_blocker, tmp_path_factory, _build)


@pytest.fixture
def owner(network: int, db: None) -> Owner:
    return local_owner()


def test_one_read_gives_each_parts_rows_its_order_and_its_cut(owner: Owner) -> None:
    scored = TrustScore.objects.filter(owner=owner, last_contact__isnull=False)
    parts = [
        scored.filter(tier=tier).order_by("-score", "id").values_list(*FIELDS)[:7]
        for tier in CADENCE_TIERS
    ]
    parts.append(scored.filter(tier="dormant").order_by("score", "-id").values_list(*FIELDS)[:5])
    expected = [row for qs in parts for row in qs]
    assert sum(scored.filter(tier=t).count() > 7 for t in CADENCE_TIERS) >= 2  # cuts made
    got = [
        (*row[:5], row[5] if isinstance(row[5], dt.date) else dt.date.fromisoformat(row[5]))
        for row in _rows_of(parts)
    ]
    assert got == expected


def test_the_candidates_come_from_one_read_per_part(owner: Owner) -> None:
    rows = _one_read_each(owner, FIXED_DAY)
    got = _contact_candidates(owner, FIXED_DAY)
    assert got and {c.kind for c in got} >= {"checkin", "reconnect"}
    assert {c.person_id for c in got} <= set(rows)
    for c in got:  # each reason's facts are the row's: name, score, the last contact
        _pid, name, score, _tier, _trend, last = rows[c.person_id]
        assert (c.person, c.importance) == (name, score / 100)
        assert c.key.split(":")[2] == last.isoformat()
    # every dormant tie quiet long enough is offered (none lost in the one read)
    dormant = {
        pid
        for pid, (_p, _n, _s, tier, _t, last) in rows.items()
        if tier == "dormant" and (FIXED_DAY - last).days >= RECONNECT_AFTER_DAYS
    }
    assert dormant and dormant <= {c.person_id for c in got if c.kind == "reconnect"}


def test_the_candidates_are_read_in_one_round_trip(owner: Owner) -> None:
    with CaptureQueriesContext(connection) as ctx:
        _contact_candidates(owner, FIXED_DAY)
    scores = [q for q in ctx.captured_queries if "trust_trustscore" in q["sql"]]
    assert len(scores) == 1, [q["sql"][:80] for q in scores]
    assert len(ctx.captured_queries) == 3  # the rhythms of their own, the tiers', the scores


def test_a_rebuild_reads_the_marks_and_the_introductions_once(owner: Owner) -> None:
    # Every round trip of a rebuild is a wait on a busy PostgreSQL server: the marks
    # (handled keys and the nudges sent) and the introductions (open ones and those to
    # tell A about) are read once each, and the whole gathering takes a dozen queries.
    with CaptureQueriesContext(connection) as ctx:
        candidates = agenda_candidates(owner, FIXED_DAY, hints=False, scores_fresh=True)
    assert candidates
    sql = [q["sql"] for q in ctx.captured_queries]
    for table in ("agenda_agendamark", "intros_introduction"):
        assert sum(s.startswith(f'SELECT "{table}".') for s in sql) == 1, table
    assert len(sql) <= 12, [s[:60] for s in sql]
