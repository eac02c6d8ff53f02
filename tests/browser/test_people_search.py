"""The People page's live search: one request per change of the filters, none on leaving a field.

A search that also fired on `change` sent a second request when the search box lost
focus, which is what clicking a result does; its answer pushed the search's address
to the history while the browser was leaving for the person's page, and Chromium
dropped that navigation (a CI run's walk test stayed on the results).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser


def test_leaving_the_search_box_sends_nothing_and_a_filter_sends_one(page: Any) -> None:
    searches: list[str] = []
    page.on(
        "request",
        lambda r: searches.append(r.url) if r.headers.get("hx-request") else None,
    )
    page.goto("/people/")
    page.get_by_role("searchbox", name="Search").fill("an")
    page.wait_for_url(re.compile(r"q=an"))
    expect(page.get_by_role("status").filter(has_text="match")).to_be_visible()
    assert len(searches) == 1, searches

    page.keyboard.press("Tab")  # the box loses focus, as on clicking a result
    page.wait_for_timeout(800)  # past the search's 300 ms delay
    assert len(searches) == 1, f"leaving the box searched again: {searches[1:]}"

    page.get_by_label("Tier").select_option("active")
    page.wait_for_url(re.compile(r"tier=active"))
    expect(page.get_by_role("status").filter(has_text="match")).to_be_visible()
    page.wait_for_timeout(800)
    assert len(searches) == 2, searches
    assert "q=an" in searches[1] and "tier=active" in searches[1], searches[1]


def test_back_from_a_person_shows_the_whole_search_page(page: Any) -> None:
    """The live search pushes its address; the browser kept htmx's piece of the page
    under it and showed that alone on Back (no title, no search box) until the answer
    said `Vary: HX-Request` (a newcomer's review)."""
    page.goto("/people/")
    page.get_by_role("searchbox", name="Search").fill("an")
    page.wait_for_url(re.compile(r"q=an"))
    first = page.get_by_role("table").get_by_role("row").nth(1).get_by_role("link").first
    name = first.inner_text().strip()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    page.go_back()
    page.wait_for_url(re.compile(r"/people/\?q=an"))
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("an")
    expect(page.get_by_role("navigation").first).to_be_visible()
