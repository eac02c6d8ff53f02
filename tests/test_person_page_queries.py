"""The Person page reads in a fixed number of queries (issue 20: at 30,000 people each
query it runs is a good part of its time): never one per row, and the lists a person
has nothing in (most people have no favours, promises, needs, notes or introductions)
cost one probe together, not a query each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_note, do_add_person, do_link_knows
from troth.people.models import Person

# What a page costs before it reads anything of the person: the session, the user,
# the person, their job, contact points, tags and relationship, the probe, their
# interactions, who they know (warmpaths.queries.known_links, what `troth knows`
# reads: the strongest KNOWS_ROWS links whole with the other people's names and how
# many there are, one statement however many are listed; was 3, and 7 when the page
# rescored the Knows rows itself) and the favour form's needs; and the one probe of
# whether the warm paths' links are current (warmpaths.network.fresh_links: who they
# know is the links `troth knows` reads, so a pass runs first when they are not).
BARE = 12
# Everything present: the five lists the probe found, a need's tags, who they know's
# current jobs, so the page shows what `troth knows` and "Find a way in" show.
FULL = BARE + 7


def _queries(web: Client, person: Person) -> list[str]:
    web.get(f"/people/{person.id}/")  # the first look warms what a process keeps
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(f"/people/{person.id}/")
    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    return [q["sql"] for q in ctx.captured_queries]


def _outer_table(sql: str) -> str:
    """The table a SELECT reads at its top level (not inside a subquery)."""
    depth = 0
    for i, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", i):
            return sql[i + 6 :].split()[0].strip('"')
    return ""


def _fill(owner: Owner, person: Person, rows: int) -> None:
    """`rows` of each kind the page lists, both ways where there are two."""
    today = timezone.localdate()
    now = timezone.now()
    me = me_person(owner)
    for k in range(rows):
        do_log_interaction(owner, person, "email", summary=f"talk {k}", when=now - dt.timedelta(k))
        do_record_favor(owner, me, person, "advice", f"gave {k}", on=today - dt.timedelta(k))
        do_record_favor(owner, person, me, "intro", f"got {k}", on=today - dt.timedelta(k))
        do_make_promise(owner, person, me, f"their promise {k}", made_on=today)
        do_make_promise(owner, me, person, f"my promise {k}", made_on=today)
        do_add_need(owner, person, f"a need {k}", days=30, tags=[f"tag{k}"])
        do_add_note(owner, person, f"note {k}", when=now - dt.timedelta(k))
        other = do_add_person(
            owner, f"Other {person.id} {k}", company=f"Co {k}", title="CTO", tags=["x"]
        )
        do_link_knows(owner, person, other, strength=0.5)
        do_propose(owner, person, other, f"both build teams {k}", anyway="they asked")


def test_a_person_with_nothing_but_a_name_costs_one_probe(web: Client, alice: Owner) -> None:
    bare = do_add_person(alice, "Bare Person")
    sql = _queries(web, bare)
    assert len(sql) <= BARE, "\n".join(sql)
    # the lists the probe found empty are not read at all (the probe names them inside)
    read = {_outer_table(s) for s in sql}
    # (their needs are: the probe's; "me"'s open needs, for the favour-received form)
    for table in (
        "ledger_favor",
        "ledger_commitment",
        "people_note",
        "intros_introduction",
        "people_persondate",
    ):
        assert table not in read, table


@pytest.mark.parametrize("rows", [1, 6])
def test_the_count_does_not_grow_with_the_rows(web: Client, alice: Owner, rows: int) -> None:
    full = do_add_person(alice, "Full Person", company="Acme", emails=["full@example.org"])
    _fill(alice, full, rows)
    sql = _queries(web, full)
    assert len(sql) <= FULL, "\n".join(sql)
    body = web.get(f"/people/{full.id}/").content.decode()
    for needle in ("gave 0", "got 0", "their promise 0", "my promise 0", "a need 0", "note 0"):
        assert needle in body, needle
    assert f"Other {full.id} {rows - 1}" in body
