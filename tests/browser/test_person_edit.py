"""Editing a person in a real browser (issue 18 items 5 and 11): the Edit details
panel with a mistake and its correction, htmx swapping the 400 in and the page
coming back updated; "/" on Today typing into the people search; People on a phone
starting with people; a 200-character name not stretching the table."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _add(page: Any, name: str, **fields: str) -> None:
    """A new person through the Add a person form (never a demo person: other browser
    tests read those; _delete removes them again, so the demo keeps its 300)."""
    page.goto("/people/add")
    page.get_by_label("Full name").fill(name)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name[:40])


def _delete(page: Any, name: str) -> None:
    """Delete the person whose page is open, through its confirm step."""
    page.get_by_role("link", name="Delete…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete ")
    page.get_by_role("button", name=re.compile("^Delete ")).click()
    page.wait_for_url(re.compile(r"/people/$"))
    expect(page.locator(".flash")).to_contain_text(f"Deleted {name[:40]}")


def test_edit_a_person_fix_a_mistake_and_see_it_saved(
    page: Any, screenshots: Path, labels_ok: Callable[[Any], None]
) -> None:
    name = f"Jordan Pike {uuid.uuid4().hex[:6]}"
    _add(page, name, **{"Company": "Ledgerline", "Job title": "Analyst"})
    page.wait_for_load_state("networkidle")
    page.keyboard.press("e")  # the shortcut opens the panel and focuses its first field
    edit = page.locator("#person-edit")
    expect(page.get_by_label("Full name")).to_be_focused()
    labels_ok(page)
    edit.get_by_label("Job title").fill("Head of Data")
    edit.get_by_label("Tags").fill("data, chicago")
    edit.get_by_label("Add an e-mail").fill("not an address")
    edit.get_by_label("How close are you").select_option("4")
    edit.get_by_role("button", name="Save changes").click()
    # the form comes back (400, swapped in by htmx) with the error beside the e-mail
    email = page.locator("#person-edit").get_by_label("Add an e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#person-edit .has-error")).to_contain_text("not an address")
    expect(page.locator("#person-edit").get_by_label("Job title")).to_have_value("Head of Data")
    page.screenshot(path=str(screenshots / "person-edit-error-1280.png"), full_page=True)
    email.fill("jordan@ledgerline.example")
    page.locator("#person-edit").get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_contain_text(f"Updated {name}.")
    expect(page.locator(".person-head .job")).to_have_text("Head of Data at Ledgerline")
    expect(page.locator(".person-head .contact")).to_contain_text("jordan@ledgerline.example")
    expect(page.locator(".person-head .tags")).to_contain_text("chicago")
    # ready to ask: a verdict for the chosen ask, in place
    page.get_by_text("Ready to ask?").click()
    page.get_by_label("Ready to ask for").select_option("referral")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#ready-result")).to_contain_text("NOT YET")
    page.screenshot(path=str(screenshots / "person-edited-1280.png"), full_page=True)
    _delete(page, name)


def test_slash_on_today_types_into_the_people_search(page: Any) -> None:
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type("melissa")
    search = page.get_by_role("searchbox", name="Search people")
    expect(search).to_be_focused()
    expect(search).to_have_value("melissa")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/people/\?q=melissa"))
    expect(page.get_by_role("table")).to_contain_text("Melissa Martin")


def test_a_long_unbroken_name_does_not_stretch_people(page: Any, screenshots: Path) -> None:
    name = "A" * 200
    _add(page, name)
    page.goto("/people/?q=" + "A" * 60)
    table = page.get_by_role("table")
    expect(table).to_contain_text("AAAA")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = table.bounding_box()
    assert box is not None and box["width"] <= width
    page.screenshot(path=str(screenshots / "people-long-name-1280.png"), full_page=True)
    table.get_by_role("link", name=re.compile("^AAAA")).click()
    _delete(page, name)


def test_people_on_a_phone_starts_with_people(browser: Any, server: str, screenshots: Path) -> None:
    context = browser.new_context(viewport=PHONE, base_url=server)
    try:
        pg = context.new_page()
        pg.goto("/people/")
        pg.wait_for_load_state("networkidle")
        first = pg.get_by_role("table").get_by_role("row").nth(1)
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        expect(pg.get_by_label("Search", exact=True)).to_be_visible()
        expect(pg.get_by_label("Tier")).to_be_hidden()  # folded under "More filters"
        pg.get_by_text("More filters").click()
        expect(pg.get_by_label("Tier")).to_be_visible()
        pg.screenshot(path=str(screenshots / "people-phone-first-screen-375.png"))
    finally:
        context.close()
