"""Every page at desktop (1280x800) and phone (375x812) width, on the demo network:
a full-page screenshot of each (kept by CI as artefacts), no sideways scrolling on
a phone, and a label on every form control.

Screenshots are named <page>-<width>.png, e.g. person-375.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# name -> (path, what the main heading says); "person" is found on People.
PAGES = {
    "today": ("/", "Today"),
    "people": ("/people/", "People"),
    "person": (None, None),
    "intros": ("/intros/", "Introductions"),
    "needs": ("/needs/", "Needs"),
    "insights": ("/insights/", "Insights"),
    "settings": ("/settings/", "Settings"),
    "import": ("/import/", "Import"),
}


def _person_path(browser: Any, server: str) -> tuple[str, str]:
    """The person with the most trust: the fullest page (timeline, favours, promises)."""
    context = browser.new_context(viewport=DESKTOP, base_url=server)
    try:
        pg = context.new_page()
        pg.goto("/people/")
        pg.get_by_role("columnheader", name="Trust").get_by_role("link").click()
        pg.wait_for_url(re.compile(r"sort="))
        link = pg.get_by_role("table").get_by_role("row").nth(1).get_by_role("link").first
        return str(link.get_attribute("href")), link.inner_text().strip()
    finally:
        context.close()


def _settle(pg: Any) -> None:
    """Wait for what loads after the page (trust on Person, charts on Insights)."""
    pg.wait_for_load_state("networkidle")
    expect(pg.locator("[aria-busy=true]")).to_have_count(0)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_at_desktop_and_phone_width(
    browser: Any, server: str, screenshots: Path, labels_ok: Callable[[Any], None], name: str
) -> None:
    path, heading = PAGES[name]
    if path is None:
        path, heading = _person_path(browser, server)
    problems: list[str] = []
    for viewport in (DESKTOP, PHONE):
        width = viewport["width"]
        context = browser.new_context(viewport=viewport, base_url=server)
        try:
            pg = context.new_page()
            pg.on("pageerror", lambda exc, w=width: problems.append(f"{w}px page error: {exc}"))
            response = pg.goto(path)
            assert response is not None and response.status == 200, f"{path}: {response}"
            h1 = pg.get_by_role("heading", level=1)
            assert h1.inner_text().startswith(heading), h1.inner_text()
            _settle(pg)
            pg.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
            labels_ok(pg)
            if viewport is PHONE:
                scroll = pg.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    wide = pg.evaluate(WIDEST)
                    problems.append(
                        f"{path} scrolls sideways at {width} px (page is {scroll} px wide);"
                        f" wider than the screen: {wide}"
                    )
        finally:
            context.close()
    assert not problems, "\n".join(problems)


# The elements that stick out past the right edge, to say what to fix.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 && r.width > 0) {
      const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 0.5;
      if (!parentOut) out.push(`${el.tagName.toLowerCase()}.${el.className || ""} (${Math.round(r.right)} px)`);
    }
  }
  return out.slice(0, 5);
}"""
