"""people_rows for a page (up to EVERYONE ids) reads through statements composed once
(troth.prepared, groups of ROWS_AT_ONCE ids padded with 0): the rows must be exactly
what reading the owner's whole tables gives, only the owner's, and any page must be the
same one statement per read (issue 20: composing the reads was most of a search)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth import present
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_contact_points, do_add_person, do_set_job, do_tag
from troth.people.models import Person, Relationship


def _network(owner: Owner, n: int) -> list[int]:
    now = timezone.now()
    ids = []
    for i in range(n):
        p = do_add_person(
            owner,
            f"Person {i:03d} Rowe",
            emails=[f"p{i}@example.org"] if i % 3 == 0 else [],
            phones=[f"+1 415 555 {i:04d}"] if i % 4 == 0 else [],
            urls=[f"https://example.org/p{i}"] if i % 5 == 0 else [],
            company=f"Org {i % 7}" if i % 2 == 0 else None,
            title="Engineer" if i % 4 == 0 else None,
            tags=["b-friend", "a-work"] if i % 6 == 0 else [],
            closeness=(i % 5) + 1 if i % 3 else None,
        )
        if i % 3 == 0:
            do_add_contact_points(owner, p, [("email", f"second{i}@example.org")])
        if i % 8 == 0:  # a second job: the newest current one is shown
            do_set_job(owner, p, f"Later {i}", "Lead")
        if i % 9 == 0:
            Relationship.objects.filter(person=p).update(archived=True)
        if i % 2:
            do_log_interaction(owner, p, "email", when=now - dt.timedelta(days=i))
            do_log_interaction(owner, p, "call", when=now - dt.timedelta(days=i + 3))
        ids.append(p.id)
    return ids


def test_a_page_reads_what_the_whole_tables_give(alice: Owner, bob: Owner) -> None:
    ids = _network(alice, 120)
    theirs = _network(bob, 5)
    do_tag(alice, Person.objects.get(id=ids[7]), add=["only-here"])
    # in no order, with another owner's ids and a repeat among them
    asked = ids[::-2] + theirs + ids[:10] + [ids[3]]
    page = present._page_reads(alice, asked)
    whole = present._everyone_reads(alice, asked)  # (jobs, points, tags: everyone's)
    wanted = set(asked)
    assert page[0] == whole[0]
    # jobs, contact points and tags (each person's lists compared in order)
    assert page[1] == {k: v for k, v in whole[1].items() if k in wanted}
    assert page[2] == {k: v for k, v in whole[2].items() if k in wanted}
    assert page[3] == {k: v for k, v in whole[3].items() if k in wanted}
    assert set(page[0]) == set(asked) - set(theirs)  # only alice's people
    assert present.last_contacts(alice, asked) == {
        pid: last
        for pid, last in present.Interaction.objects.filter(owner=alice)
        .values("person_id")
        .annotate(last=present.Max("occurred_at"))
        .values_list("person_id", "last")
        if pid in set(asked)
    }
    rows = present.people_rows(alice, asked)
    assert [r["id"] for r in rows] == [i for i in asked if i not in theirs]
    tagged = next(r for r in rows if r["id"] == ids[6])
    assert tagged["tags"] == ["a-work", "b-friend"]
    first = next(r for r in rows if r["id"] == ids[3])
    assert first["emails"] == ["p3@example.org", "second3@example.org"]
    assert next(r for r in rows if r["id"] == ids[8])["company"] == "Later 8"
    assert next(r for r in rows if r["id"] == ids[9])["archived"] is True
    assert present.people_rows(bob, ids[:10]) == []


def test_any_page_is_one_statement_per_read(alice: Owner) -> None:
    ids = _network(alice, 60)
    for size in (1, 3, 17, 50, 51, 60):
        present.people_rows(alice, ids[:size])
    for read in (
        present._PAGE_PEOPLE,
        present._PAGE_JOBS,
        present._PAGE_POINTS,
        present._PAGE_TAGS,
        present._LAST,
    ):
        assert len(read.local.statements) == 1
