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
