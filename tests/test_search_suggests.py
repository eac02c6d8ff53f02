"""A search that finds nobody suggests close spellings, as `troth show` does (issue 18:
`troth people melisa` said "Nobody matches." while `troth show melisa` knew Melissa)."""

from __future__ import annotations

from troth.owners import local_owner


def test_cli_people_suggests_close_spellings(cli):
    cli("add", "Melissa Martin")
    out = cli("people", "melisa").stdout
    assert "Nobody matches. Did you mean Melissa Martin (#" in out
    assert "Did you mean" not in cli("people", "zzzz").stdout


def test_web_people_page_suggests_close_spellings(client, cli):
    cli("add", "Melissa Martin")
    client.force_login(local_owner())
    page = client.get("/people/", {"q": "melisa"}).content.decode()
    assert "Did you mean" in page and "Melissa Martin</a>" in page
