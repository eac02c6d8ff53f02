"""Dates as people type them (issue 18 item 9): numeric dates either way round, the
locale's order for an ambiguous one (said out loud), and back-dated promises. Every date
is built from today or fixed in the test; none depends on the day the suite runs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.ledger.models import Commitment
from troth.lib.dates import DMY, MDY, DateError, date_order, parse_date, read_date

if TYPE_CHECKING:
    from conftest import Cli

DAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize("text", ["12/31/2026", "31/12/2026", "31.12.2026", "2026/12/31"])
@pytest.mark.parametrize("order", [MDY, DMY, None])
def test_a_numeric_date_that_reads_one_way_is_read_that_way(text: str, order: str | None) -> None:
    assert read_date(text, DAY, order=order) == (dt.date(2026, 12, 31), None)


def test_an_ambiguous_date_follows_the_order_and_says_so() -> None:
    day, note = read_date("03/04/2026", DAY, order=MDY)
    assert day == dt.date(2026, 3, 4)
    assert note and "4 March 2026" in note and "month first" in note
    day, note = read_date("03/04/2026", DAY, order=DMY)
    assert day == dt.date(2026, 4, 3)
    assert note and "3 April 2026" in note and "day first" in note
    # the same day both ways is not ambiguous
    assert read_date("05/05/2026", DAY, order=DMY) == (dt.date(2026, 5, 5), None)


def test_without_an_order_an_ambiguous_date_is_refused_naming_both_readings() -> None:
    with pytest.raises(DateError, match="4 March 2026 or 3 April 2026"):
        parse_date("03/04/2026", DAY)


@pytest.mark.parametrize("text", ["32/13/2026", "00/00/2026", "13/13/2026"])
def test_an_impossible_numeric_date_is_one_clear_error(text: str) -> None:
    with pytest.raises(DateError, match="neither month/day/year nor day/month/year"):
        parse_date(text, DAY, order=MDY)


@pytest.mark.parametrize(
    ("env", "order"),
    [
        ({}, MDY),  # nothing known: US-style
        ({"LANG": "C.UTF-8"}, MDY),
        ({"LANG": "en_US.UTF-8"}, MDY),
        ({"LANG": "en_GB.UTF-8"}, DMY),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "de_DE.UTF-8"}, DMY),
        ({"LC_ALL": "en_US.UTF-8", "LC_TIME": "de_DE.UTF-8"}, MDY),
        ({"LANG": "fr_FR.UTF-8", "TROTH_DATE_ORDER": "mdy"}, MDY),
        ({"LANG": "en_US.UTF-8", "TROTH_DATE_ORDER": "DMY"}, DMY),
    ],
)
def test_the_order_comes_from_troth_date_order_then_the_locale(
    env: dict[str, str], order: str
) -> None:
    assert date_order(env) == order


def test_the_cli_reads_an_ambiguous_due_date_the_locales_way_and_says_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = timezone.localdate().year + 1
    cli("add", "Dana Whitfield")
    monkeypatch.setenv("TROTH_DATE_ORDER", "DMY")
    out = cli("promise", "send the deck", "--to", "Dana", "--due", f"03/04/{year}")
    assert f"due {year}-04-03" in out.stdout
    assert f"read as 3 April {year} (day first" in out.stderr
    monkeypatch.setenv("TROTH_DATE_ORDER", "MDY")
    out = cli("promise", "send the notes", "--to", "Dana", "--due", f"03/04/{year}")
    assert f"due {year}-03-04" in out.stdout
    assert f"read as 4 March {year} (month first" in out.stderr
    # unambiguous either way: no note
    out = cli("promise", "call back", "--to", "Dana", "--due", f"31/12/{year}")
    assert f"due {year}-12-31" in out.stdout and "read as" not in out.stderr


def test_a_promise_can_be_back_dated(cli: Cli) -> None:
    today = timezone.localdate()
    cli("add", "Bernard Biggs")
    # made three days ago, due yesterday: a past due date is fine after the making
    cli(
        "promise",
        "introduce me to Ralph",
        "--from",
        "Bernard",
        "--made",
        "3 days ago",
        "--due",
        "yesterday",
    )
    promise = Commitment.objects.get(what="introduce me to Ralph")
    assert promise.made_on == today - dt.timedelta(days=3)
    assert promise.due_on == today - dt.timedelta(days=1)
    # still refused: due before it was made, or made in the future
    err = cli(
        "promise", "x", "--from", "Bernard", "--made", "yesterday", "--due", "3 days ago", code=2
    )
    assert "before the promise was made" in err.stderr
    err = cli("promise", "x", "--from", "Bernard", "--made", "tomorrow", code=2)
    assert "--made" in err.stderr
    assert Commitment.objects.filter(what="x").count() == 0
