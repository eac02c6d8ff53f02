"""Small words a newcomer tripped on (issue 18 item 11): `troth trust --cooling` printed
"-0", readiness said "1 days ago" for a meeting today, "did you mean" offered Sarahs
for "Ralph", and the web's offer form showed the first unknown name's error only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from troth.cli.trust import _trend
from troth.interactions.actions import do_log_interaction
from troth.lib.names import resolve
from troth.lib.text import count
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.asking import ready_to_ask
from troth.web.views.settings import rhythm

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def test_a_trend_under_half_a_point_is_no_change_never_minus_zero() -> None:
    assert _trend(-0.5) == "=" and _trend(-0.4) == "=" and _trend(0.4) == "="
    assert _trend(-1.6) == "[red]-2[/red]"
    assert _trend(2.5) == "[green]+3[/green]"
    assert _trend(None) == ""


def test_one_day_is_singular() -> None:
    assert count(1, "day") == "1 day" and count(0, "day") == "0 days"
    assert count(3, "day") == "3 days"
    assert rhythm(1) == "every day" and rhythm(2) == "every 2 days"


def test_readiness_counts_whole_days_since_the_first_contact(alice: Owner) -> None:
    new = do_add_person(alice, "Nina New")
    do_log_interaction(alice, new, "meeting", minutes=30, when=timezone.now())
    why = " ".join(ready_to_ask(alice, new, "lead")["why"])
    assert "You first had contact today" in why and "1 days" not in why
    old = do_add_person(alice, "Olly Yesterday")
    yesterday = timezone.now() - dt.timedelta(days=1)
    do_log_interaction(alice, old, "meeting", minutes=30, when=yesterday)
    why = " ".join(ready_to_ask(alice, old, "lead")["why"])
    assert "You first had contact 1 day ago" in why


def test_did_you_mean_offers_close_spellings_only() -> None:
    people = [(1, "Sarah Chen"), (2, "Sarah Martinez"), (3, "Sarah Hill"), (4, "Raúl Béranger")]
    assert resolve("Ralph", people).suggestions == []
    people.append((5, "Ralph Okonkwo"))
    close = resolve("Ralf", people).suggestions
    assert (5, "Ralph Okonkwo") in close and not any("Sarah" in n for _i, n in close)


def test_the_offer_form_suggests_close_matches_for_every_unknown_name(
    client: Client, alice: Owner
) -> None:
    bernard = do_add_person(alice, "Bernard Biggs")
    ralph = do_add_person(alice, "Ralph Okonkwo")
    client.force_login(alice)
    data = {"offered-c": "Bernhard", "offered-b": "Ralf", "offered-why": "learn finance"}
    r = client.post("/intros/start/offered", data, **HTMX)
    assert r.status_code == 400
    html = r.content.decode()
    errors = re.findall(r'id="id_offered-(\w)_error"><li>([^<]*)</li>', html)
    by_field = dict(errors)
    assert f"Did you mean Bernard Biggs (#{bernard.id})?" in by_field["c"]
    assert f"Did you mean Ralph Okonkwo (#{ralph.id})?" in by_field["b"]
    # typed as suggested, the offer is recorded
    data = {
        "offered-c": f"Bernard Biggs (#{bernard.id})",
        "offered-b": f"Ralph Okonkwo (#{ralph.id})",
        "offered-why": "learn finance",
    }
    assert client.post("/intros/start/offered", data, **HTMX).status_code == 200
