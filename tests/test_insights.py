"""Insights: the pure series on plain data (exact), the owner-scoped reads on the real
database, the page and its JSON through Django's test client, and the vendored
chart libraries served as static files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries

from troth.insights import queries, series
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_make_promise, do_record_favor, do_set_promise_status
from troth.ledger.models import Commitment
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_link_knows
from troth.people.models import Person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.engine import TIERS
from troth.trust.models import TrustScore
from troth.trust.summary import load_scores

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.test.client import _MonkeyPatchedWSGIResponse as Response

D = dt.date


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()  # the tiers over time are cached per owner and day
    yield
    cache.clear()


def text(response: Response) -> str:
    return response.content.decode()


# -- pure series -------------------------------------------------------------------


def test_months_and_sample_days() -> None:
    assert series.months_back(D(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert series.month_end(D(2024, 2, 3)) == D(2024, 2, 29)
    assert series.month_end(D(2025, 12, 31)) == D(2025, 12, 31)
    assert series.sample_days(D(2026, 3, 15), 4) == [
        D(2025, 12, 31),
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 15),
    ]


def test_give_take_counts_each_month_and_leaves_others_out() -> None:
    months = ["2026-01", "2026-02", "2026-03"]
    favours = [
        (D(2026, 1, 5), True, 1),
        (D(2026, 1, 20), True, 2),
        (D(2026, 1, 21), False, 1),
        (D(2026, 3, 1), False, 3),
        (D(2025, 12, 31), True, 5),  # before the window
    ]
    assert series.give_take(favours, months) == {
        "months": months,
        "given": [3, 0, 0],
        "received": [1, 0, 3],
        "total_given": 3,
        "total_received": 4,
    }


def test_settled_promises_are_on_time_late_or_broken() -> None:
    assert series.settled((D(2026, 1, 10), "kept", D(2026, 1, 10))) == (D(2026, 1, 10), "on_time")
    assert series.settled((D(2026, 1, 10), "kept", D(2026, 1, 11))) == (D(2026, 1, 11), "late")
    assert series.settled((None, "kept", D(2026, 5, 1))) == (D(2026, 5, 1), "on_time")
    assert series.settled((None, "broken", D(2026, 5, 1))) == (D(2026, 5, 1), "broken")
    assert series.settled((None, "released", D(2026, 5, 1))) is None
    assert series.settled((None, "open", None)) is None


def test_follow_through_per_month_and_rolling_90_days() -> None:
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    promises = [
        (D(2025, 12, 1), "kept", D(2025, 12, 20)),  # late, before the window: only in rates
        (D(2026, 1, 10), "kept", D(2026, 1, 9)),  # on time
        (D(2026, 1, 10), "kept", D(2026, 1, 12)),  # late
        (None, "broken", D(2026, 2, 3)),
        (None, "kept", D(2026, 3, 31)),  # on time
        (None, "released", D(2026, 3, 2)),  # not counted
        (None, "open", None),
    ]
    out = series.follow_through(promises, months, today=D(2026, 6, 10))
    assert out["on_time"] == [1, 0, 1, 0, 0, 0]
    assert out["late"] == [1, 0, 0, 0, 0, 0]
    assert out["broken"] == [0, 1, 0, 0, 0, 0]
    # windows of 90 days ending at each month's end (today for June):
    # Jan 31: Dec 20 late, Jan 9 on time, Jan 12 late -> 1/3
    # Feb 28: the same three and Feb 3 broken -> 1/4
    # Mar 31: from Dec 31: Jan 9, Jan 12, Feb 3, Mar 31 -> 2/4
    # Apr 30: from Jan 30: Feb 3, Mar 31 -> 1/2
    # May 31: from Mar 2: Mar 31 -> 1/1; Jun 10: from Mar 12: Mar 31 -> 1/1
    assert out["rate_90"] == [0.333, 0.25, 0.5, 0.5, 1.0, 1.0]
    assert series.follow_through([], months[:2], D(2026, 2, 1))["rate_90"] == [None, None]


def test_tier_counts_per_day_in_tier_order() -> None:
    snapshots = [
        (D(2026, 1, 31), ["inner", "close", "close", "stranger"]),
        (D(2026, 2, 28), ["inner", "inner", "dormant", "stranger", "weird"]),
    ]
    assert series.tier_counts(snapshots, ["inner", "close", "dormant", "stranger"]) == {
        "days": ["2026-01-31", "2026-02-28"],
        "tiers": {"inner": [1, 2], "close": [2, 0], "dormant": [0, 1], "stranger": [1, 1]},
    }


def test_tiers_to_show_keeps_the_layers_and_hides_what_would_dwarf_them() -> None:
    counts: dict[str, Sequence[int]] = {
        "inner": [5, 5],
        "close": [10, 9],
        "active": [35, 30],
        "network": [100, 80],
        "acquaintance": [18000, 18500],
        "dormant": [300, 400],
        "stranger": [50, 60],
    }
    assert series.tiers_to_show(counts) == ["inner", "close", "active", "network", "dormant"]
    assert series.tiers_to_show({"inner": [0], "dormant": [4], "acquaintance": [5]}) == [
        "inner",
        "dormant",
        "acquaintance",
    ]


def test_cooling_biggest_drops_first_and_only_real_drops() -> None:
    rows = [
        {"id": 1, "name": "Ann", "trend_30": -2, "trend_90": -5},
        {"id": 2, "name": "Bo", "trend_30": -1, "trend_90": -12},
        {"id": 3, "name": "Cy", "trend_30": 0, "trend_90": -0.5},  # less than a point
        {"id": 4, "name": "Di", "trend_30": 3, "trend_90": 4},
        {"id": 5, "name": "Ed", "trend_30": None, "trend_90": None},
        {"id": 6, "name": "Al", "trend_30": -2, "trend_90": -5},
    ]
    assert [r["id"] for r in series.cooling(rows, 10)] == [2, 6, 1]
    assert [r["id"] for r in series.cooling(rows, 1)] == [2]


def test_network_keeps_the_strongest_ties_and_their_links() -> None:
    people = [
        {"id": 1, "name": "A", "score": 90, "tier": "inner"},
        {"id": 2, "name": "B", "score": 70, "tier": "close"},
        {"id": 3, "name": "C", "score": 50, "tier": "active"},
        {"id": 4, "name": "D", "score": 80, "tier": "stranger"},  # never a tie
        {"id": 5, "name": "E", "score": 10, "tier": "acquaintance"},
    ]
    links = [(1, 2), (3, 1), (2, 3), (1, 5), (4, 1), (2, 1)]
    out = series.network(people, links, limit=3)
    assert [n["id"] for n in out["nodes"]] == [1, 2, 3]
    assert out["links"] == [
        {"source": 1, "target": 2},
        {"source": 1, "target": 3},
        {"source": 2, "target": 3},
    ]
    assert [n["degree"] for n in out["nodes"]] == [2, 2, 2]
    assert out["ties"] == 4 and out["limit"] == 3
    assert series.network(people, links, limit=0)["nodes"] == []


# -- owner-scoped reads ----------------------------------------------------------


@pytest.mark.parametrize(
    "day, given_this_month",
    [
        # mid-month: both favours of the last two days fall in this month
        (dt.date(2031, 5, 14), 2),
        # the first of a month: yesterday's favour fell in last month
        (dt.date(2031, 5, 1), 1),
    ],
)
def test_give_take_and_follow_through_from_the_ledger(
    alice: Owner, bob: Owner, day: dt.date, given_this_month: int
) -> None:
    with time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=False):
        _give_take_and_follow_through(alice, bob, given_this_month)


def _give_take_and_follow_through(alice: Owner, bob: Owner, given_this_month: int) -> None:
    today = timezone.localdate()
    me = me_person(alice)
    dana = do_add_person(alice, "Dana Whitfield")
    do_record_favor(alice, me, dana, "lead", "a lead", on=today)
    do_record_favor(alice, me, dana, "advice", "advice", on=today - dt.timedelta(days=1))
    do_record_favor(alice, dana, me, "intro", "an intro", on=today)
    early = do_make_promise(alice, me, dana, "send the deck", made_on=today, due=today)
    late = do_make_promise(
        alice,
        me,
        dana,
        "call back",
        made_on=today - dt.timedelta(days=9),
        due=today - dt.timedelta(days=2),
    )
    gone = do_make_promise(alice, me, dana, "lunch", made_on=today)
    theirs = do_make_promise(alice, dana, me, "their deck", made_on=today)
    for promise, status in ((early, "kept"), (late, "kept"), (gone, "broken"), (theirs, "broken")):
        do_set_promise_status(alice, promise, status)
    # bob's ledger never shows in alice's
    bob_me, sam = me_person(bob), do_add_person(bob, "Sam Okafor")
    do_record_favor(bob, bob_me, sam, "lead", "bob's", on=today)
    do_set_promise_status(bob, do_make_promise(bob, bob_me, sam, "x", made_on=today), "broken")

    give = queries.give_take(alice, today)
    assert len(give["months"]) == queries.MONTHS
    assert give["given"][-1] == given_this_month
    assert give["received"][-1] == 1 and give["total_given"] == 2 and give["total_received"] == 1
    follow = queries.follow_through(alice, today)
    assert (follow["on_time"][-1], follow["late"][-1], follow["broken"][-1]) == (1, 1, 1)
    assert follow["rate_90"][-1] == pytest.approx(0.333)
    assert Commitment.objects.filter(owner=bob, status="broken").count() == 1


def test_tiers_over_time_end_with_today_and_are_cached(
    alice: Owner, django_assert_max_num_queries: DjangoAssertNumQueries, fixed_day: dt.date
) -> None:
    today = timezone.localdate()
    load_network(alice, generate_network(people=40, seed=5, today=today))
    history = queries.tier_history(alice, today)
    assert history["days"][-1] == today.isoformat() and len(history["days"]) == queries.TIER_POINTS
    now = queries.tiers_now(alice)
    assert {t: history["tiers"][t][-1] for t in TIERS} == now
    assert sum(now.values()) == Person.objects.filter(owner=alice, is_me=False).count()
    with django_assert_max_num_queries(12):  # the freshness check and today's counts only
        assert queries.tier_history(alice, today) == history
    # the past points are the trust engine's own scoring of those days
    day = dt.date.fromisoformat(history["days"][0])
    _ids, (then, *_trends) = load_scores(alice, day)
    scored = Counter(TIERS[t] for t in then.tier.tolist())
    assert {t: history["tiers"][t][0] for t in TIERS} == {t: scored[t] for t in TIERS}
    # a meeting logged today moves today's point at once; the past stays cached
    stranger = TrustScore.objects.filter(owner=alice, tier="stranger").first()
    assert stranger is not None
    do_log_interaction(alice, stranger.person, "meeting", when=timezone.now(), minutes=30)
    with django_assert_max_num_queries(12):
        after = queries.tier_history(alice, today)
    assert after["tiers"]["stranger"][-1] == history["tiers"]["stranger"][-1] - 1
    assert {t: after["tiers"][t][-1] for t in TIERS} == queries.tiers_now(alice)
    assert all(after["tiers"][t][:-1] == history["tiers"][t][:-1] for t in TIERS)


def test_network_is_only_the_owners_and_capped(
    alice: Owner, bob: Owner, fixed_day: dt.date
) -> None:
    today = timezone.localdate()
    load_network(alice, generate_network(people=50, seed=3, today=today))
    load_network(bob, generate_network(people=50, seed=4, today=today))
    mine = set(Person.objects.filter(owner=alice).values_list("id", flat=True))
    out = queries.network(alice, 20)
    assert 0 < len(out["nodes"]) <= 20
    ids = {n["id"] for n in out["nodes"]}
    assert ids <= mine
    assert all(link["source"] in ids and link["target"] in ids for link in out["links"])
    assert queries.clamp_limit("99999") == queries.NETWORK_MAX
    assert queries.clamp_limit("0") == 1 and queries.clamp_limit(None) == queries.NETWORK_DEFAULT


# -- the page ----------------------------------------------------------------------


def test_insights_page_for_an_empty_network(web: Client) -> None:
    r = web.get("/insights/")
    assert r.status_code == 200
    body = text(r)
    assert 'aria-current="page">Insights' in body
    assert "No favours given or received in the last 12 months." in body
    assert "No promises of yours were kept or broken" in body
    assert "Nobody is cooling" in body
    assert 'id="insights-series"' in body and "chart.umd.min.js" in body
    # nothing to chart: no empty axes, no tiers over time to wait for, no network box
    assert "<canvas" not in body and 'id="tier-history"' not in body and 'id="network"' not in body
    assert "No ties to draw yet" in body
    tiers = web.get("/insights/tiers", HTTP_HX_REQUEST="true")
    assert tiers.status_code == 200 and "<html" not in text(tiers)
    assert 'id="insights-tiers"' in text(tiers)
    net = web.get("/insights/network.json")
    assert net.status_code == 200 and net.json()["nodes"] == [] and net.json()["links"] == []


def test_insights_page_on_a_simulated_network(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    load_network(alice, generate_network(people=60, seed=7, today=timezone.localdate()))
    r = web.get("/insights/")
    assert r.status_code == 200
    body = text(r)
    assert 'id="tier-history"' in body and 'id="network"' in body
    data = json.loads(
        body.split('id="insights-series" type="application/json">')[1].split("</script>")[0]
    )
    assert len(data["give"]["months"]) == 12 and len(data["follow"]["rate_90"]) == 12
    # a chart only where there is something to chart
    give = data["give"]["total_given"] + data["give"]["total_received"]
    settled = sum(sum(data["follow"][k]) for k in ("on_time", "late", "broken"))
    assert ('id="chart-give"' in body) == bool(give) and give > 0
    assert ('id="chart-follow"' in body) == bool(settled)
    assert ('id="chart-cooling"' in body) == bool(data["cooling"])
    assert "you gave" in body and "favours" in body
    assert data["cooling"], "the fixed day's network has cooling ties to link"
    for row in data["cooling"]:  # each cooling tie links to its person page
        assert f'href="/people/{row["id"]}/"' in body
    full = web.get("/insights/tiers")  # without htmx: a page of its own
    assert full.status_code == 200 and "<html" in text(full) and "Tiers over time" in text(full)
    net = web.get("/insights/network.json?n=25").json()
    assert 0 < len(net["nodes"]) <= 25 and net["limit"] == 25
    assert {"id", "name", "score", "tier", "degree"} <= set(net["nodes"][0])
    assert all(n["tier"] != "stranger" for n in net["nodes"])


def test_network_json_never_shows_another_owners_people(
    fixed_day: dt.date, client: Client, alice: Owner, bob: Owner
) -> None:
    today = timezone.localdate()
    load_network(bob, generate_network(people=40, seed=9, today=today))
    a1, a2 = do_add_person(alice, "Ana One"), do_add_person(alice, "Ana Two")
    for p in (a1, a2):
        do_log_interaction(alice, p, "meeting", when=timezone.now(), minutes=30)
    do_link_knows(alice, a1, a2)
    bobs = set(Person.objects.filter(owner=bob).values_list("id", flat=True))
    client.force_login(alice)
    net = client.get("/insights/network.json?n=5000").json()
    assert {n["id"] for n in net["nodes"]} == {a1.id, a2.id}
    assert net["links"] == [{"source": min(a1.id, a2.id), "target": max(a1.id, a2.id)}]
    page = client.get("/insights/").content.decode()
    assert not any(f"/people/{pid}/" in page for pid in bobs)
    client.force_login(bob)
    assert not {a1.id, a2.id} & {
        n["id"] for n in client.get("/insights/network.json").json()["nodes"]
    }


def test_tiers_over_time_are_only_the_owners(
    fixed_day: dt.date, client: Client, alice: Owner, bob: Owner
) -> None:
    load_network(alice, generate_network(people=30, seed=2, today=timezone.localdate()))
    client.force_login(bob)
    body = client.get("/insights/tiers", HTTP_HX_REQUEST="true").content.decode()
    history = json.loads(body.split('type="application/json">')[1].split("</script>")[0])
    assert all(n == 0 for counts in history["tiers"].values() for n in counts)
    client.force_login(alice)
    body = client.get("/insights/tiers", HTTP_HX_REQUEST="true").content.decode()
    history = json.loads(body.split('type="application/json">')[1].split("</script>")[0])
    assert sum(counts[-1] for counts in history["tiers"].values()) == 30


def test_network_json_is_compressed_for_browsers_that_ask(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    load_network(alice, generate_network(people=200, seed=7, today=timezone.localdate()))
    plain = web.get("/insights/network.json?n=200")
    packed = web.get("/insights/network.json?n=200", HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


def test_network_json_refuses_a_malformed_size(web: Client) -> None:
    r = web.get("/insights/network.json?n=lots")
    assert r.status_code == 400 and "whole number" in r.json()["error"]
    assert web.get("/insights/network.json?n=999999").json()["limit"] == queries.NETWORK_MAX
    assert web.post("/insights/network.json").status_code == 405


def test_insights_asks_for_a_sign_in_beyond_local_mode(client: Client, alice: Owner) -> None:
    for url in ("/insights/", "/insights/tiers", "/insights/network.json"):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("web/vendor/chartjs/chart.umd.min.js", b"Chart.js v4.6.1"),
        ("web/vendor/chartjs/LICENSE.md", b"MIT"),
        ("web/vendor/force-graph/force-graph.min.js", b"force-graph"),
        ("web/vendor/force-graph/LICENSE", b"MIT"),
        ("web/insights.js", b"ForceGraph"),
        ("web/insights.css", b"--tier-inner"),
    ],
)
def test_vendored_files_are_served(web: Client, path: str, needle: bytes) -> None:
    r = web.get(f"/static/{path}")
    assert r.status_code == 200
    assert needle in r.getvalue()  # a file response: its streamed content
