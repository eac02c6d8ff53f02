"""The demo's "Try next" names a person as a command can find them: by name when the
name is theirs alone, else by #id (a newcomer's review: at 30,000 people the busiest
contact was one of five Maria Moores, and `troth show "Maria Moore"` asked which)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need
from troth.overview import network_overview
from troth.owned import Owner
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli


def test_a_name_borne_twice_is_given_as_an_id(alice: Owner) -> None:
    maria = do_add_person(alice, "Maria Moore")
    do_add_person(alice, "Maria Moore", allow_duplicate_name=True)
    sarah = do_add_person(alice, "Sarah O'Connor")
    do_log_interaction(alice, maria, "call", when=dt.datetime.now(dt.UTC))
    need = do_add_need(alice, sarah, "a designer")
    ex = network_overview(alice, timezone.localdate())["examples"]
    assert ex["busiest_contact"] == "Maria Moore"
    assert ex["busiest_contact_ref"] == f"#{maria.id}"
    assert ex["contact_with_need_ref"] == "Sarah O'Connor"
    assert ex["contact_need_id"] == need.id


def test_the_demo_prints_commands_that_resolve(cli: Cli) -> None:
    out = cli("demo", "--people", "60", "--seed", "3").stdout
    tried = [line.split("#")[0].strip() for line in out.splitlines() if "troth show" in line]
    assert tried, out
    who = tried[0].removeprefix("troth show ").strip()
    cli("show", who.strip('"'))  # exits 0: one person, not "matches several people"
