"""Warm paths to a company named by the start of a word of its name (a newcomer's
review: `troth path --company Wayfinder` said nobody was at "Wayfinder Hospitality",
and /paths/?company=Wayfinder answered 400), case and accents aside; a name matching
several companies is one clear line naming them (exit 2, a 4xx), unless one matches
exactly."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _net(owner: Owner) -> dict[str, Person]:
    """Cleo, a close tie, mails Tess of Wayfinder Hospitality with me in copy."""
    cleo = do_add_person(owner, "Cleo Cole")
    tess = do_add_person(owner, "Tess Target", company="Wayfinder Hospitality")
    for i in range(12):
        do_log_interaction(
            owner, cleo, "meeting", when=_ago(3 + 9 * i), minutes=60, they_started=i % 2 == 1
        )
    for i in range(6):
        for p in (cleo, tess):
            do_log_interaction(
                owner, p, "email", when=_ago(5 + i), source="mail", external_id=f"ct{i}"
            )
    return {"cleo": cleo, "tess": tess}


def _me() -> Owner:
    from troth.owners import local_owner

    return local_owner()


def test_cli_finds_a_company_by_a_word_start(cli: Cli) -> None:
    net = _net(_me())
    for typed in ("Wayfinder", "wayfinder", "HOSPITAL", "wayfinder hosp"):
        data = cli.json("path", "--company", typed)
        assert data["target"]["company"] == "Wayfinder Hospitality", typed
        assert data["paths"][0]["hops"][-1]["id"] == net["tess"].id
    # not the middle of a word
    out = cli("path", "--company", "finder", code=2)
    assert "nobody at 'finder'" in out.stdout + out.stderr


def test_cli_names_the_companies_a_word_matches_unless_one_is_exact(cli: Cli) -> None:
    me = _me()
    _net(me)
    do_add_person(me, "Walt Way", company="Wayfinder Labs")
    out = cli("path", "--company", "wayfinder", code=2)
    text = (out.stdout + out.stderr).strip()
    assert len(text.splitlines()) == 1
    assert "'Wayfinder Hospitality'" in text and "'Wayfinder Labs'" in text
    do_add_person(me, "Wes Way", company="Wayfinder")
    assert cli.json("path", "--company", "WAYFINDER")["target"]["company"] == "Wayfinder"
    # more of the name picks one
    assert cli.json("path", "--company", "Wayfinder L")["target"]["company"] == "Wayfinder Labs"


def test_web_finds_a_company_by_a_word_start(web: Client, alice: Owner) -> None:
    net = _net(alice)
    page = web.get("/paths/?company=Wayfinder")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chain"' in html and net["tess"].full_name in html
    do_add_person(alice, "Walt Way", company="Wayfinder Labs")
    several = web.get("/paths/?company=wayfinder")
    assert several.status_code == 400
    assert "matches several companies" in several.content.decode()
