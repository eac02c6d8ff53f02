"""An empty book's agenda says how to begin (a newcomer's review): "a good day to give
first" to someone troth knows nobody for helped nobody."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troth.owned import Owner
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def test_the_first_days_agenda_says_how_to_begin(cli: Cli) -> None:
    from troth.owners import local_owner

    text = " ".join(cli("agenda").stdout.split())
    assert "troth knows nobody yet" in text
    assert "troth add NAME" in text and "troth import FILE" in text and "troth demo" in text
    owner: Owner = local_owner()
    do_add_person(owner, "Dana Whitfield")
    text = " ".join(cli("agenda").stdout.split())
    assert "nothing needs you today" in text and "knows nobody yet" not in text
