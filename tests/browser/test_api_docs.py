"""The API's interactive docs (/api/v1/docs) in a real browser: Swagger UI from
troth's own static files renders every operation with no Content-Security-Policy
violation (no CDN, no inline script), so the docs need no exception to the policy."""

from __future__ import annotations

from typing import Any

import pytest

import pw_expect  # noqa: F401  (skips the module without Playwright)

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def test_docs_render_under_the_policy_and_offline(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server)
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH)
    elsewhere: list[str] = []
    # offline: any request that leaves the server is recorded and refused

    def only_here(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console", lambda msg: console.append(msg.text) if "Content Security" in msg.text else None
    )
    try:
        response = page.goto("/api/v1/docs")
        assert response is not None and response.ok
        page.locator(".swagger-ui .opblock").first.wait_for()
        assert page.locator(".swagger-ui .opblock").count() >= 30
        assert page.evaluate("window.__violations") == []
        assert console == [] and elsewhere == []
    finally:
        context.close()
