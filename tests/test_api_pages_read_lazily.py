"""Lists the API pages from the database or from ids, turning only the page into rows
(issue 20: at 30,000 people /needs built 4,500 rows and /trust read 30,000 to send
fifty): every page together is still the CLI's --json, in its order, once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from api_helpers import Api
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person, do_edit_person, do_tag

if TYPE_CHECKING:
    from conftest import Cli

pytestmark = pytest.mark.django_db


def _all_pages(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    body = api.get(path, limit=7, **params).json()
    while True:
        items += body["items"]
        if not body["next"]:
            return items
        body = api.get(path, limit=7, cursor=body["next"], **params).json()


@pytest.fixture
def api(db: None) -> Api:
    return Api(local_owner())


def test_needs_and_needs_i_can_help_page_as_the_cli_lists(api: Api, cli: Cli) -> None:
    who = local_owner()
    me = me_person(who)
    do_edit_person(who, me, company="Ledgerly", title="CPA")
    do_tag(who, me, ["accounting"])
    for i in range(23):
        person = do_add_person(who, f"Client {i:02d} Example")
        do_add_need(who, person, f"a CPA for case {i}", days=5 + (i * 7) % 23)
    do_add_need(who, me, "a designer for my site")
    assert _all_pages(api, "/needs") == cli.json("needs")
    assert _all_pages(api, "/needs", mine="false") == cli.json("needs", "--theirs")
    assert _all_pages(api, "/i-can-help") == cli.json("needs", "--i-can-help")
    assert len(_all_pages(api, "/i-can-help")) == 23


def test_trust_pages_as_the_cli_lists(api: Api, cli: Cli) -> None:
    who = local_owner()
    now = dt.datetime.now(dt.UTC)
    for i in range(30):
        person = do_add_person(who, f"Tie {i:02d} Example")
        for k in range(i % 6):  # some in touch long ago, some lately: trends either way
            when = now - dt.timedelta(days=(200 if i % 2 else 10) + 9 * k)
            do_log_interaction(who, person, "meeting", when=when, minutes=45)
    everyone = cli.json("trust")
    assert _all_pages(api, "/trust") == everyone
    assert len(everyone) == 30
    cooling = cli.json("trust", "--cooling")
    assert _all_pages(api, "/trust", cooling="true") == cooling
    assert cooling and all(r["trend_90"] < 0 for r in cooling)
    assert [r["trend_90"] for r in cooling] == sorted(r["trend_90"] for r in cooling)
    tier = everyone[0]["tier"]
    # namesakes of one score (never in touch: all 0) page once each, in one order, on
    # PostgreSQL too, where LIMIT/OFFSET gave ties in a different order on each page
    for _ in range(40):
        do_add_person(who, "Same Name", allow_duplicate_name=True)
    everyone = cli.json("trust")
    assert _all_pages(api, "/trust") == everyone
    assert len({r["id"] for r in everyone}) == 70
    in_tier = cli.json("trust", "--tier", tier)
    assert _all_pages(api, "/trust", tier=tier) == in_tier
    assert in_tier == [r for r in everyone if r["tier"] == tier]
