"""Needs you could meet, a page at a time (issue 20: at 30,000 people the page listed
thousands, a megabyte of HTML and a second of CPU), in the order the CLI and the API
give them, and only the owner's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.test import Client

from troth.helping import needs_i_can_help, rank_needs_i_can_help
from troth.ledger.actions import do_add_need
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person, do_tag
from troth.present import i_can_help_rows
from troth.web.views.needs import PER_PAGE

if TYPE_CHECKING:
    from troth.owned import Owner


def _needs(owner: Owner, n: int) -> list[int]:
    """n contacts' needs I could meet as a CPA, horizons spread so the order is theirs;
    every third one tagged."""
    me = me_person(owner)
    do_edit_person(owner, me, company="Ledgerly", title="CPA")
    do_tag(owner, me, ["accounting"])
    ids = []
    for i in range(n):
        person = do_add_person(owner, f"Client {i:03d} Example")
        tags = ["accounting"] if i % 3 == 0 else []
        need = do_add_need(owner, person, f"a CPA for case {i}", days=10 + i % 40, tags=tags)
        ids.append(need.id)
    return ids


def _shown(page: str) -> list[int]:
    return [int(i) for i in re.findall(r"\?need=(\d+)#quick-gave", page)]


def test_pages_hold_every_match_once_in_the_cli_order(
    web: Client, alice: Owner, bob: Owner
) -> None:
    made = _needs(alice, PER_PAGE + 7)
    _needs(bob, 3)  # bob's needs never reach alice's pages
    order = [need.id for need, _match in needs_i_can_help(alice)]
    assert sorted(order) == sorted(made)
    assert [r.need_id for r in rank_needs_i_can_help(alice)] == order
    assert [row["id"] for row in i_can_help_rows(alice)] == order
    first = web.get("/needs/i-can-help").content.decode()
    second = web.get("/needs/i-can-help", {"page": "2"}).content.decode()
    assert _shown(first) == order[:PER_PAGE]
    assert _shown(second) == order[PER_PAGE:]
    assert f"{len(made)} open needs of your contacts match" in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert "Page 2 of 2" in second and 'href="?page=1"' in second


def test_a_page_that_is_no_page_shows_the_first_or_the_last(web: Client, alice: Owner) -> None:
    _needs(alice, PER_PAGE + 1)
    first = _shown(web.get("/needs/i-can-help").content.decode())
    last = _shown(web.get("/needs/i-can-help", {"page": "2"}).content.decode())
    for page, expected in (("x", first), ("²", first), ("0", last), ("99", last), ("-1", last)):
        r = web.get("/needs/i-can-help", {"page": page})
        assert r.status_code == 200, page
        assert _shown(r.content.decode()) == expected, page


def test_the_rows_carry_their_tags_as_before(alice: Owner) -> None:
    _needs(alice, 4)
    rows = i_can_help_rows(alice)
    tagged = {row["what"]: row["tags"] for row in rows}
    assert tagged["a CPA for case 0"] == ["accounting"]
    assert tagged["a CPA for case 1"] == []
