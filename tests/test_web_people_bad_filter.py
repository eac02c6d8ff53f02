"""A People filter the list cannot apply (`?tier=moon`) is a 400 naming the field and
what it takes, as `troth trust --tier` refuses it; never the whole list with a 200."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def _page(web: Client, query: str) -> tuple[int, str]:
    r = web.get(f"/people/?{query}")
    return r.status_code, r.content.decode().replace("&#x27;", "'")


def test_an_unknown_tier_is_a_400_naming_the_field_and_the_tiers(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Dana Kang")
    status, body = _page(web, "tier=moon")
    assert status == 400
    assert "tier: unknown tier 'moon'; use one of inner, close, active, network," in body
    assert "Dana Kang" not in body  # not the unfiltered list
    status, body = _page(web, "tier=inner")
    assert status == 200


def test_an_unknown_balance_filter_is_a_400_too(web: Client, alice: Owner) -> None:
    status, body = _page(web, "owes=everyone")
    assert status == 400
    assert "owes: unknown 'everyone'; use one of owes-you, you-owe" in body
    assert _page(web, "owes=you-owe")[0] == 200


def test_bulk_tagging_with_a_bad_tier_writes_nothing(web: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    r = web.post(
        "/people/tag", {"ids": [str(dana.pk)], "bulk_tag": "vip", "action": "add", "tier": "moon"}
    )
    assert r.status_code == 400
    assert not dana.tags.exists()


def test_the_command_line_says_the_same(cli: Cli) -> None:
    err = cli("trust", "--tier", "moon", code=2).stderr
    assert "--tier: unknown tier 'moon'; use one of inner, close, active" in err
