"""One tie is cooling everywhere or nowhere: `troth trust --cooling` (today's cache and
another day's list), the People page's filter (paged by the database and, for a
search, in Python), the API and Insights drew four different lines (a drop of 0.05,
any drop at all, any drop, a point), so the web listed ties whose trend read "0"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from api_helpers import Api
from troth.insights import queries as insights_queries
from troth.insights.series import cooling as insights_cooling
from troth.lib.text import whole
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.trust.constants import COOLING_TREND_90, is_cooling
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, trust_list, trust_on

if TYPE_CHECKING:
    from django.test import Client

    from conftest import Cli
    from troth.owned import Owner

# the raw 90-day trends given to the ties, and whether each is a drop of a point as shown
TRENDS = {
    "Ann Fell Example": (-7.3, True),
    "Ben Fell Example": (-1.0, True),
    "Cid Edge Example": (-0.56, True),  # shown as -1 (whole points, half up)
    "Dee Noise Example": (-0.54, False),  # shown as "=": less than a point
    "Eve Noise Example": (-0.3, False),
    "Fay Flat Example": (0.0, False),
    "Gus Rose Example": (2.5, False),
}


def _web_ids(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)}


@pytest.fixture
def me(db: None) -> Owner:
    return local_owner()  # the CLI's owner


@pytest.fixture
def ties(me: Owner) -> dict[str, int]:
    alice = me
    ids = {name: do_add_person(alice, name).id for name in TRENDS}
    do_add_person(alice, "Hal Unscored Example")
    fresh_scores(alice)
    for name, (trend, _cooling) in TRENDS.items():
        TrustScore.objects.filter(owner=alice, person_id=ids[name]).update(trend_90=trend)
    return ids


def test_every_list_of_cooling_ties_draws_one_line(
    me: Owner, ties: dict[str, int], client: Client, cli: Cli
) -> None:
    alice, web = me, client
    web.force_login(me)
    expected = {ties[name] for name, (_trend, cooling) in TRENDS.items() if cooling}
    assert {ties[n] for n, (t, _c) in TRENDS.items() if is_cooling(t)} == expected
    assert COOLING_TREND_90 > -1
    # the line is where a drop shows as a point (the attacker's review: -0.7 read "-1"
    # in `troth trust` and on the People page, and was in no list of cooling ties)
    for thousandths in range(-3000, 1):
        trend = thousandths / 1000
        assert is_cooling(trend) == (whole(trend) <= -1), trend

    seen: dict[str, set[int]] = {}
    seen["trust --cooling"] = {r["id"] for r in cli.json("trust", "--cooling")}
    seen["trust_on"] = {r["id"] for r in trust_on(alice, timezone.localdate(), cooling=True)}
    api = Api(alice).get("/trust", cooling="true", limit=100).json()
    seen["api"] = {r["id"] for r in api["items"]}
    seen["web"] = _web_ids(web.get("/people/", {"cooling": "1"}).content.decode())
    searched = web.get("/people/", {"cooling": "1", "q": "example"}).content.decode()
    seen["web search"] = _web_ids(searched)
    seen["insights"] = {r["id"] for r in insights_cooling(trust_list(alice), 100)}
    seen["insights page"] = {r["id"] for r in insights_queries.cooling(alice, 100)}
    for where, ids in seen.items():
        assert ids == expected, where


def test_the_cooling_ties_are_biggest_drop_first(ties: dict[str, int], cli: Cli) -> None:
    shown = [r["name"] for r in cli.json("trust", "--cooling")]
    assert shown == ["Ann Fell Example", "Ben Fell Example", "Cid Edge Example"]
