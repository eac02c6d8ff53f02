"""A search that finds nobody suggests close spellings, as `troth show` does (issue 18:
`troth people melisa` said "Nobody matches." while `troth show melisa` knew Melissa)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from troth.owners import local_owner

if TYPE_CHECKING:
    from conftest import Cli


def test_cli_people_suggests_close_spellings(cli: Cli) -> None:
    cli("add", "Melissa Martin")
    out = cli("people", "melisa").stdout
    assert "Nobody matches. Did you mean Melissa Martin (#" in out
    assert "Did you mean" not in cli("people", "zzzz").stdout


def test_web_people_page_suggests_close_spellings(client: Client, cli: Cli) -> None:
    cli("add", "Melissa Martin")
    client.force_login(local_owner())
    page = client.get("/people/", {"q": "melisa"}).content.decode()
    assert "Did you mean" in page and "Melissa Martin</a>" in page
