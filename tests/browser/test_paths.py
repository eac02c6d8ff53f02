"""Warm paths in a real browser (issue 12): on a demo person's page "Find a way in"
opens the ranked paths as chains of people, each hop's evidence on hover and as
text; "Ask" opens the introduction ask with a draft; the company search finds the
way in to someone at a company and says plainly when there is nobody there.

Read-only on the shared demo server: the ask is opened, not sent (the Django client
tests in tests/test_web_paths.py send one), so other browser tests count the same
introductions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

# In the demo network (seed 7, 300 people) David Ionescu is reached through five
# different first hops, and people at Hooli through several.
TARGET = "David Ionescu"
COMPANY = "Hooli"


def test_find_a_way_in_and_open_the_ask(
    page: Any, screenshots: Path, labels_ok: Callable[[Any], None]
) -> None:
    page.goto("/people/?q=" + TARGET.replace(" ", "+"))
    page.get_by_role("link", name=TARGET, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TARGET)
    page.get_by_text("Find a way in", exact=True).click()
    chains = page.locator("#paths-result .chain")
    # the first path query of a process builds the graph's arrays: under a loaded CI
    # run (two workers, browsers) it once took longer than the default 5 s
    expect(chains.first).to_be_visible(timeout=15_000)
    assert chains.count() >= 2
    first_hop = chains.first.locator(".hop:not(.you)").first
    assert first_hop.get_attribute("title")  # the evidence on hover
    expect(chains.first.locator(".evidence").first).to_be_visible()  # and as text
    expect(chains.first).to_contain_text(TARGET)
    page.screenshot(path=str(screenshots / "paths-person.png"), full_page=True)

    ask = page.locator("#paths-result").get_by_role("link", name=re.compile("^Ask ")).first
    connector = (ask.text_content() or "").removeprefix("Ask ").strip()
    ask.click()
    page.wait_for_url(re.compile(r"/paths/ask\?"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for an introduction")
    form = page.locator("#intro-ask")
    expect(form.get_by_label("Ask")).to_have_value(re.compile(re.escape(connector) + r" \(#\d+\)"))
    expect(form.get_by_label("to introduce you to")).to_have_value(
        re.compile(re.escape(TARGET) + r" \(#\d+\)")
    )
    expect(form.get_by_label("Why you want to meet them")).to_have_value(
        re.compile("I would like to meet " + re.escape(TARGET))
    )
    labels_ok(page)
    page.screenshot(path=str(screenshots / "paths-ask.png"), full_page=True)


def test_company_search(page: Any, labels_ok: Callable[[Any], None]) -> None:
    page.goto("/paths/")
    labels_ok(page)
    page.get_by_label("Company").fill(COMPANY)
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#paths-result .chain").first).to_be_visible()
    page.get_by_label("Company").fill("Nobody Incorporated")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("alert")).to_contain_text("nobody at 'Nobody Incorporated'")
