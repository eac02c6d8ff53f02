"""A merge re-scores once: the rows it deletes one by one (a duplicate interaction)
no longer re-score the people it is merging, whose scores it drops when done; the
next read recomputes, and what it shows is the truth."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from troth.identity.actions import do_merge, do_unmerge
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.models import TrustScore
from troth.trust.queries import trust_list
from troth.trust.summary import load_scores


def _score_writes(queries: list[dict[str, str]]) -> list[str]:
    table = TrustScore._meta.db_table
    return [
        q["sql"]
        for q in queries
        if table in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def _truth(owner: Owner) -> dict[int, float]:
    ids, (now, _d30, _d90) = load_scores(owner, timezone.localdate())
    return {
        int(i): round(float(s), 1) for i, s in zip(ids.tolist(), now.score.tolist(), strict=True)
    }


def test_a_merge_writes_no_score_before_it_drops_them(fixed_day: dt.date, alice: Owner) -> None:
    now = timezone.now()
    kim = do_add_person(alice, "Kim Stranger", emails=["kim@example.org"])
    twin = do_add_person(
        alice, "Kim Stranger", emails=["kim.s@example.org"], allow_duplicate_name=True
    )
    dana = do_add_person(alice, "Dana Whitfield")
    for person in (kim, twin):  # the same meeting twice: the merge deletes one
        for days in (3, 40):
            do_log_interaction(
                alice, person, "meeting", when=now - dt.timedelta(days=days), minutes=60
            )
    do_log_interaction(alice, dana, "call", when=now - dt.timedelta(days=5), minutes=20)
    trust_list(alice)  # the cache is in use
    with CaptureQueriesContext(connection) as merged:
        record = do_merge(alice, kim, twin)
    assert _score_writes(merged.captured_queries) == []
    assert set(TrustScore.objects.filter(owner=alice).values_list("person_id", flat=True)) == {
        dana.pk
    }
    shown = {r["id"]: r["score"] for r in trust_list(alice)}
    assert shown == _truth(alice) and twin.pk not in shown
    with CaptureQueriesContext(connection) as undone:
        do_unmerge(alice, record)
    assert _score_writes(undone.captured_queries) == []
    shown = {r["id"]: r["score"] for r in trust_list(alice)}
    assert shown == _truth(alice) and twin.pk in shown
