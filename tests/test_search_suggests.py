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


def test_no_close_spellings_when_other_filters_left_nobody(client: Client, cli: Cli) -> None:
    """The name typed may be right: a tag or a tier that leaves nobody is not a typo (a
    newcomer was offered the very "Maria Moore" they had searched for), and a search
    alone that finds nobody is not told to use fewer filters."""
    cli("add", "Melissa Martin")
    out = cli("people", "melissa", "--tag", "nosuchtag").stdout
    assert "Nobody matches." in out and "Did you mean" not in out
    client.force_login(local_owner())
    page = client.get("/people/", {"q": "Melissa Martin", "tier": "inner"}).content.decode()
    assert "Nobody matches." in page and "Did you mean" not in page
    assert "Try fewer filters." in page
    alone = client.get("/people/", {"q": "zzzz"}).content.decode()
    assert "Nobody matches." in alone and "Try fewer filters" not in alone
