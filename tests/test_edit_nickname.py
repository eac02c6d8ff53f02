"""`troth edit --nickname` (issue 18, a newcomer's review: the web's "Goes by" could set
it, the CLI could not), through the same action as the web; "" clears it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troth.owners import local_owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def test_edit_sets_and_clears_the_nickname(cli: Cli) -> None:
    cli("add", "Thomas Berg")
    cli("edit", "Thomas Berg", "--nickname", "  Tom ")
    person = Person.objects.get(owner=local_owner(), full_name="Thomas Berg")
    assert person.nickname == "Tom"
    assert cli.json("show", "Tom Berg")["nickname"] == "Tom"  # found by it too
    cli("edit", "Thomas Berg", "--nickname", "")
    person.refresh_from_db()
    assert person.nickname == ""


def test_a_nickname_too_long_is_one_line_and_exit_2(cli: Cli) -> None:
    cli("add", "Thomas Berg")
    err = cli("edit", "Thomas Berg", "--nickname", "x" * 500, code=2).stderr
    assert "nickname is longer than" in err
