"""A name that matches nobody is never taken as someone else (issue 18, a newcomer's
review): "Dana Whitfield" was read as Dana Kang, the only Dana, and written to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troth.interactions.models import Interaction
from troth.lib.names import resolve
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

PEOPLE = [(1, "Dana Kang"), (2, "Sergei Whitfield"), (3, "Thomas Berg"), (4, "Ralph Lauren")]


def test_every_word_typed_must_be_in_the_name() -> None:
    result = resolve("Dana Whitfield", PEOPLE)
    assert result.match is None and not result.candidates
    assert (1, "Dana Kang") in result.suggestions


def test_slips_prefixes_given_names_and_nicknames_still_match() -> None:
    assert resolve("Ralph Laurne", PEOPLE).match == 4
    assert resolve("Dana", PEOPLE).match == 1
    assert resolve("Serg Whitfeild", PEOPLE).match == 2
    assert resolve("Tom Berg", PEOPLE, {3: "Tom"}).match == 3


def test_the_cli_refuses_and_writes_nothing(cli: Cli) -> None:
    cli("add", "Dana Kang")
    for args in (
        ("show", "Dana Whitfield"),
        ("log", "Dana Whitfield", "call", "test", "--minutes", "5"),
        ("path", "Dana Whitfield"),
    ):
        out = cli(*args, code=2)
        assert "nobody called 'Dana Whitfield'" in out.stderr
        assert "Dana Kang (#" in out.stderr
    assert not Interaction.objects.filter(owner=local_owner()).exists()
    assert Person.objects.filter(owner=local_owner(), is_me=False).count() == 1


def test_the_resolver_the_web_forms_use_refuses_too(alice: Owner) -> None:
    # the web's "introduced by", intro and paths forms all call resolve_person
    import pytest

    from troth.errors import NotFound
    from troth.people.actions import do_add_person
    from troth.people.queries import resolve_person

    do_add_person(alice, "Dana Kang")
    with pytest.raises(NotFound, match="Did you mean Dana Kang"):
        resolve_person(alice, "Dana Whitfield")
