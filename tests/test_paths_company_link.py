"""The company search of warm paths (`/paths/`) is reachable from the Introductions
page, not only by typing its address (issue 12: "a company search with the same")."""

from __future__ import annotations

from django.test import Client


def test_introductions_link_to_the_company_search(web: Client) -> None:
    page = web.get("/intros/").content.decode()
    assert 'href="/paths/"' in page
    assert web.get("/paths/").status_code == 200
