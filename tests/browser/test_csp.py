"""The Content-Security-Policy holds in a real browser (issue 17, item 4): every main
page of `troth serve --demo` in Chromium, with htmx, the charts and the network graph
running, and not one violation reported (neither the `securitypolicyviolation` event
nor a console message)."""

from __future__ import annotations

from typing import Any

import pytest

from pw_expect import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}

# Recorded from the first script on, before any of the page's own.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || ""}:${e.lineNumber || ""} ${e.sample || ""}`);
});
"""

PAGES = ["/", "/people/", None, "/intros/", "/needs/", "/insights/", "/import/", "/settings/"]


def test_no_page_breaks_the_content_security_policy(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=server)
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    try:
        for path in PAGES:
            if path is None:  # a person: the first on People
                page.goto("/people/")
                path = page.get_by_role("table").get_by_role("link").first.get_attribute("href")
            response = page.goto(path)
            assert response is not None and response.ok, path
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy, f"{path}: no policy"
            page.wait_for_load_state("networkidle")
            expect(page.locator("[aria-busy=true]")).to_have_count(0)
            if path == "/insights/":
                # The network view draws into a canvas once force-graph has run.
                expect(page.locator("#network canvas").first).to_be_visible()
            if path == "/":
                page.keyboard.press("?")  # the shortcuts dialog (troth.js)
                expect(page.locator("#shortcuts")).to_be_visible()
                page.keyboard.press("Escape")
            violations = page.evaluate("window.__violations")
            assert not violations, f"{path}: {violations}"
        assert not console, "\n".join(console)
    finally:
        context.close()


def test_a_fragment_swapped_in_by_htmx_stays_within_the_policy(browser: Any, server: str) -> None:
    """Search as you type on People: htmx fetches and swaps a fragment."""
    context = browser.new_context(viewport=DESKTOP, base_url=server)
    context.add_init_script(WATCH)
    page = context.new_page()
    try:
        page.goto("/people/")
        page.get_by_role("searchbox").first.fill("a")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert page.evaluate("window.__violations") == []
    finally:
        context.close()
