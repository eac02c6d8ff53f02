"""A warm path highlighted on the Insights network view, in a real browser (issue 12):
"Find a way in" on a demo person's page, then "Show on the network" beside the best
path opens Insights, whose drawing marks the path's hops and whose words name its
people in order from you. Read-only on the shared demo server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

TARGET = "David Ionescu"  # reached through several first hops in the demo (seed 7)


def test_show_a_path_on_the_network(page: Any, screenshots: Path) -> None:
    page.goto("/people/?q=" + TARGET.replace(" ", "+"))
    page.get_by_role("link", name=TARGET, exact=True).first.click()
    page.get_by_text("Find a way in", exact=True).click()
    best = page.locator("#paths-result .path").first
    expect(best.locator(".chain")).to_be_visible()
    hops = [
        (name or "").strip() for name in best.locator(".chain .hop:not(.you) a").all_text_contents()
    ]
    assert hops[-1] == TARGET and len(hops) >= 2
    best.get_by_role("link", name="Show on the network").click()
    page.wait_for_url(re.compile(r"/insights/\?path=[\d,]+#network-h"))

    box = page.locator("#network")
    expect(box).to_have_attribute("data-ready", "1", timeout=30_000)
    # the path in words, in order from you
    expect(page.locator("#network-path li")).to_have_text(["You", *hops])
    # and in the drawing: every person on it drawn, one marked link per hop after mine
    drawn = page.evaluate(
        """() => {
          const g = document.getElementById("network").forceGraph.graphData();
          const id = (end) => (typeof end === "object" ? end.id : end);
          return {
            names: g.nodes.map((n) => n.name),
            marked: g.links.filter((l) => l.path).map((l) => [id(l.source), id(l.target)]),
          };
        }"""
    )
    assert set(hops) <= set(drawn["names"])
    assert len(drawn["marked"]) == len(hops) - 1
    page.screenshot(path=str(screenshots / "network-path.png"), full_page=True)

    # without the path, nothing is marked
    page.get_by_role("link", name="show the network without it").click()
    expect(box).to_have_attribute("data-ready", "1", timeout=30_000)
    expect(page.locator("#network-path")).to_be_hidden()
