"""The Insights network view highlights a warm path (issue 12): "Show on the network"
beside each path of "Find a way in" opens Insights with the path's people; the JSON
draws them even when they are not among the strongest ties (a target is often a
stranger), marks the hops, and lists them in order; links troth inferred count as
"knows" links there too. Another owner's people are not found; bad ids are a 400."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import Knows, Person
from troth.warmpaths.actions import do_knows


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _net(owner: Owner) -> dict[str, Person]:
    """Dan (a close tie) knows Rob, who knows Tess, a stranger to me; the links are
    troth's (said by hand), with no Knows row behind them."""
    dan, rob = do_add_person(owner, "Dan Dee"), do_add_person(owner, "Rob Roe")
    tess = do_add_person(owner, "Tess Target")
    for i in range(12):
        do_log_interaction(owner, dan, "meeting", when=_ago(3 + 9 * i), minutes=60)
    do_log_interaction(owner, rob, "meeting", when=_ago(30), minutes=30)
    do_knows(owner, dan, rob, how="same climbing gym", strength=5)
    do_knows(owner, rob, tess, strength=3)
    return {"dan": dan, "rob": rob, "tess": tess}


def _path(net: dict[str, Person]) -> str:
    return ",".join(str(net[k].id) for k in ("dan", "rob", "tess"))


def test_the_network_json_draws_and_marks_a_path(web: Client, alice: Owner) -> None:
    net = _net(alice)
    assert not Knows.objects.filter(owner=alice).exists()
    plain = web.get("/insights/network.json?n=5000").json()
    # troth's own links are drawn as who knows whom, without any Knows row
    pair = sorted((net["dan"].id, net["rob"].id))
    assert {"source": pair[0], "target": pair[1]} in plain["links"]
    assert net["tess"].id not in {n["id"] for n in plain["nodes"]}  # a stranger: not a tie
    assert "path" not in plain

    data = web.get(f"/insights/network.json?n=5000&path={_path(net)}").json()
    assert [p["name"] for p in data["path"]] == ["Dan Dee", "Rob Roe", "Tess Target"]
    tess = next(n for n in data["nodes"] if n["id"] == net["tess"].id)
    assert tess["tier"] == "stranger"
    assert data["extra"] == 1  # drawn for the path, not one of the strongest ties
    marked = {(lk["source"], lk["target"]) for lk in data["links"] if lk.get("path")}
    ids = [net[k].id for k in ("dan", "rob", "tess")]
    assert marked == {(min(a, b), max(a, b)) for a, b in zip(ids, ids[1:], strict=False)}


def test_a_path_outside_the_strongest_ties_is_still_drawn(web: Client, alice: Owner) -> None:
    net = _net(alice)
    data = web.get(f"/insights/network.json?n=1&path={_path(net)}").json()
    shown = {n["id"] for n in data["nodes"]}
    assert {net["dan"].id, net["rob"].id, net["tess"].id} <= shown
    assert sum(1 for lk in data["links"] if lk["path"]) == 2


def test_bad_paths_are_4xx_and_another_owners_people_are_not_found(
    web: Client, alice: Owner, bob: Owner
) -> None:
    net = _net(alice)
    theirs = do_add_person(bob, "Bea Bobson")
    for raw, status in (
        ("abc", 400),
        ("1,,2", 400),
        (",".join(["1"] * 6), 400),
        (f"{net['dan'].id},{net['dan'].id}", 400),
        (str(theirs.id), 404),
        (f"{net['dan'].id},{theirs.id}", 404),
        (str(me_person(alice).id), 404),
        ("999999", 404),
    ):
        r = web.get(f"/insights/network.json?path={raw}")
        assert r.status_code == status, raw
        assert "error" in r.json() and "Bea" not in r.content.decode()


def test_show_on_the_network_links_each_path_to_insights(web: Client, alice: Owner) -> None:
    net = _net(alice)
    html = web.get(f"/people/{net['tess'].id}/paths").content.decode()
    links = re.findall(r'href="/insights/\?path=([\d,]+)#network-h"', html)
    assert links == [_path(net)]
    page = web.get(f"/insights/?path={_path(net)}").content.decode()
    assert f'data-path="{_path(net)}"' in page
    assert f'<input type="hidden" name="path" value="{_path(net)}">' in page
    # the page escapes what it echoes (the JSON endpoint checks the ids)
    page = web.get('/insights/?path="><script>').content.decode()
    assert "<script>" not in page.split('data-path="')[1].split('"')[0]
