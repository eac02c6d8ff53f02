"""A web page names its own fields, not the command line's flags: a refused value
from the shared validation (`FieldError`) reads `floor must be one of ...` on the
page, `--floor must be one of ...` in the CLI (a newcomer's review)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from troth.errors import FieldError, TrothError, web_text
from troth.owned import Owner
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def test_the_paths_page_names_its_floor_field(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Tess Target", company="Acme")
    page = web.get("/paths/?company=Acme&floor=bogus")
    assert page.status_code == 400
    html = page.content.decode()
    assert "floor must be one of" in html
    assert "--floor" not in html


def test_the_cli_keeps_its_flag_name(cli: Cli) -> None:
    from troth.owners import local_owner

    do_add_person(local_owner(), "Tess Target", company="Acme")
    result = cli("path", "--company", "Acme", "--floor", "bogus", code=2)
    assert "--floor must be one of" in result.stderr


@pytest.mark.parametrize(
    ("error", "cli", "web"),
    [
        (
            FieldError("hops", "must be 1 to 4, got 9"),
            "--hops must be 1 to 4, got 9",
            "hops must be 1 to 4, got 9",
        ),
        (
            FieldError("to", ": 'me' is not an e-mail address"),
            "--to: 'me' is not an e-mail address",
            "to: 'me' is not an e-mail address",
        ),
        (
            FieldError("for", "must be 1 day or more", label="Open for"),
            "--for must be 1 day or more",
            "Open for must be 1 day or more",
        ),
        (TrothError("nobody called 'x'"), "nobody called 'x'", "nobody called 'x'"),
    ],
)
def test_one_error_two_phrasings(error: TrothError, cli: str, web: str) -> None:
    assert str(error) == cli
    assert web_text(error) == web


def test_a_too_long_option_is_named_by_field_on_the_web() -> None:
    from troth.people.actions import MAX_TEXT, check_length

    with pytest.raises(FieldError) as refused:
        check_length("x" * (MAX_TEXT + 1), "--blurb")
    assert str(refused.value).startswith("--blurb is limited to")
    assert web_text(refused.value).startswith("blurb is limited to")
