"""Numbers typed or posted that are not plain ASCII digits ("²", "٣") or are too long
for Python to read (over 4,300 digits) are a clear 4xx or one-line error, never a 500
(troth.lib.text.is_number). Found by an audit of the web app's new forms."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.ledger.actions import do_make_promise
from troth.ledger.models import Commitment
from troth.lib.text import is_number
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person

if TYPE_CHECKING:
    from conftest import Cli

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
ODD = ["²", "٣", "9" * 5000, "1e3", "-1", ""]


def test_is_number() -> None:
    assert is_number("12") and is_number("0")
    assert not any(is_number(x) for x in ODD)
    assert is_number("9" * 18) and not is_number("9" * 19)


@pytest.mark.parametrize("odd", ODD)
def test_web_forms_refuse_odd_numbers_without_a_500(web: Client, alice: Owner, odd: str) -> None:
    dana = do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"])
    do_add_person(alice, "Sam Okafor")
    # the Today count sent back by the page: ignored when unreadable, the action done
    late = do_make_promise(
        alice,
        me_person(alice),
        dana,
        "send the deck",
        made_on=timezone.localdate() - dt.timedelta(days=10),
        due=timezone.localdate() - dt.timedelta(days=2),
    )
    r = web.post(f"/today/p{late.id}/done", {"left": odd}, **HTMX)
    assert r.status_code == 200
    late.refresh_from_db()
    assert late.status == Commitment.KEPT
    # a mail server's port
    r = web.post(
        "/settings/digest",
        {
            "action": "save",
            "mail-host": "smtp.example.org",
            "mail-port": odd,
            "mail-security": "none",
        },
        **HTMX,
    )
    assert r.status_code in (200, 400) if odd == "" else r.status_code == 400
    # a person typed as an #id in an introduction
    data = {"propose-a": f"#{odd}", "propose-b": "Sam Okafor", "propose-why": "both hiring"}
    r = web.post("/intros/start/propose", data, **HTMX)
    assert r.status_code == 400
    # bulk tagging with odd ids, the network size, a need's id on a person's page
    assert web.post("/people/tag", {"ids": [odd], "tag": "x"}).status_code < 500
    assert web.get(f"/insights/network.json?n={odd}").status_code in (200, 400)
    assert web.get(f"/people/{dana.id}/?need={odd}").status_code == 200


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_cli_refuses_odd_ids_in_one_line(cli: Cli, odd: str) -> None:
    cli("add", "Dana Whitfield")
    result = cli("show", f"#{odd}", code=2)
    assert "\n" not in result.stderr.strip() and "Traceback" not in result.stderr
    result = cli("unmerge", odd, code=2)
    assert "Traceback" not in result.stderr
