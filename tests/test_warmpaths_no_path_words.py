"""With no warm path, `troth path` says what is true (a newcomer's review): a target
known only to people I am not in touch with is not "known to nobody you know", and a
target I am in touch with myself is told apart from a stranger."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.warmpaths.actions import do_knows

if TYPE_CHECKING:
    from conftest import Cli


@pytest.fixture
def local_me(db: None) -> Owner:
    """The owner the CLI acts for (the local user)."""
    from troth.owners import local_owner

    return local_owner()


@pytest.fixture
def local_web(client: Client, local_me: Owner) -> Client:
    client.force_login(local_me)
    return client


def test_known_only_to_a_stranger(local_me: Owner, cli: Cli, local_web: Client) -> None:
    wren = do_add_person(local_me, "Wren Walker")
    thad = do_add_person(local_me, "Thaddeus Brennan")
    do_knows(local_me, thad, wren, how="met through", strength=4)
    data = cli.json("path", "Wren Walker")
    assert data["paths"] == [] and data["closest"] == []
    assert data["strangers"] == [{"id": thad.id, "name": "Thaddeus Brennan"}]
    text = " ".join(cli("path", "Wren Walker").stdout.split())
    assert "Nobody you know is known to know them" not in text
    assert "Only people you are not in touch with are known to know them (Thaddeus Brennan)" in text
    page = local_web.get(f"/people/{wren.id}/paths").content.decode()
    assert "Only people you are not in touch with" in page and "Thaddeus Brennan" in page


def test_nobody_at_all(local_me: Owner, cli: Cli) -> None:
    do_add_person(local_me, "Wren Walker")
    data = cli.json("path", "Wren Walker")
    assert data["strangers"] == []
    assert "Nobody you know is known to know them" in cli("path", "Wren Walker").stdout


def test_a_target_i_am_in_touch_with_is_not_a_stranger(local_me: Owner, cli: Cli) -> None:
    sam = do_add_person(local_me, "Sam Okafor")
    do_log_interaction(local_me, sam, "call")  # one call: in touch, not yet "active"
    data = cli.json("path", "Sam Okafor")
    assert data["paths"] == [] and data["target"]["tier"] != "stranger"
    text = " ".join(cli("path", "Sam Okafor").stdout.split())
    assert f"You are in touch with Sam Okafor yourself ({data['target']['tier']})" in text
    stranger = do_add_person(local_me, "Una Known")
    assert "yourself" not in cli("path", str(stranger.full_name)).stdout


def test_forgetting_a_link_does_not_say_they_knew_each_other(local_me: Owner, cli: Cli) -> None:
    a, b = do_add_person(local_me, "Kevin Watanabe"), do_add_person(local_me, "Siobhan Thomas")
    do_knows(local_me, a, b)
    text = " ".join(cli("knows", "--forget", "Kevin Watanabe", "Siobhan Thomas").stdout.split())
    assert "know each other" not in text
    assert "Forgot the link between Kevin Watanabe and Siobhan Thomas" in text
