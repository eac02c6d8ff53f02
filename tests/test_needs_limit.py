"""`troth needs` stops its table at 100 rows unless told, as `troth people` does (issue
20: 4,500 open needs at 30,000 people were three seconds and a megabyte of table);
--limit N shows N (0 all), --json gives all, and --i-can-help the best N."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from troth.ledger.actions import do_add_need
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person, do_edit_person, do_tag

if TYPE_CHECKING:
    from conftest import Cli


def _open_needs(n: int) -> None:
    owner = local_owner()
    me = me_person(owner)
    do_edit_person(owner, me, company="Ledgerly", title="CPA")
    do_tag(owner, me, ["accounting"])
    for i in range(n):
        person = do_add_person(owner, f"Client {i:03d} Example")
        do_add_need(owner, person, f"a CPA for case {i}", days=10 + i)


def test_the_table_stops_at_100_unless_told(cli: Cli) -> None:
    _open_needs(103)
    out = cli("needs").stdout
    assert "a CPA for case 99" in out and "a CPA for case 100" not in out
    assert "3 more; --limit N (0 for all) or --person to narrow." in out
    everything = cli("needs", "--limit", "0").stdout
    assert "a CPA for case 102" in everything and "more;" not in everything
    three = cli("needs", "--limit", "3").stdout
    assert "case 2" in three and "case 3" not in three and "100 more;" in three
    assert len(json.loads(cli("needs", "--json").stdout)) == 103
    assert len(json.loads(cli("needs", "--json", "--limit", "5").stdout)) == 5


def test_needs_i_can_help_shows_the_best_n(cli: Cli) -> None:
    _open_needs(12)
    every = json.loads(cli("needs", "--i-can-help", "--json").stdout)
    assert len(every) == 12
    best = json.loads(cli("needs", "--i-can-help", "--json", "--limit", "4").stdout)
    assert best == every[:4]
    out = cli("needs", "--i-can-help", "--limit", "4").stdout
    assert "8 more match; --limit N (0 for all)." in out
    assert "more match" not in cli("needs", "--i-can-help").stdout


def test_a_negative_limit_is_refused(cli: Cli) -> None:
    r = cli("needs", "--limit", "-1", code=2)
    assert "--limit must be 0 (no limit) or more, got -1" in r.output
