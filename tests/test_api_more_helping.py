"""Giving first and rhythms through the API: who could meet a need (`troth help`),
the needs you could meet (`troth needs --i-can-help`) and each tier's check-in rhythm
(`troth rhythms`), each answer the CLI's --json."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from api_helpers import Api
from troth.ledger.actions import do_add_need, do_record_favor
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person, do_tag
from troth.trust.models import TierCadence

if TYPE_CHECKING:
    from conftest import Cli

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db: None) -> Api:
    return Api(local_owner())


def test_helpers_of_a_need_as_troth_help(api: Api, cli: Cli) -> None:
    who = local_owner()
    dana = do_add_person(who, "Dana Kang", company="Acme", title="Tax accountant")
    eli = do_add_person(who, "Eli Park", title="Accountant")
    do_tag(who, eli, ["tax"])
    need = do_add_need(who, dana, "a tax accountant for my startup")
    r = api.get(f"/needs/{need.id}/helpers")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body == cli.json("help", str(need.id))
    assert body["need"]["id"] == need.id
    assert [h["person"]["name"] for h in body["helpers"]] == ["Eli Park"]
    assert api.get(f"/needs/{need.id}/helpers", limit=0).json() == cli.json(
        "help", str(need.id), "--limit", "0"
    )
    r = api.get(f"/needs/{need.id}/helpers", limit=-1)
    assert r.status_code == 400 and r.json()["error"].startswith("limit:")


def test_needs_i_can_help_as_the_cli(api: Api, cli: Cli) -> None:
    who = local_owner()
    me = me_person(who)
    dana = do_add_person(who, "Dana Kang")
    eli = do_add_person(who, "Eli Park")
    # what troth knows I give: favours given
    do_record_favor(who, me, eli, "advice", "reviewed a pitch deck for investors")
    do_add_need(who, dana, "feedback on my pitch deck")
    do_add_need(who, eli, "a plumber")
    r = api.get("/i-can-help")
    assert r.status_code == 200, r.content[:3000]
    rows = r.json()["items"]
    assert rows == cli.json("needs", "--i-can-help")
    assert [r["what"] for r in rows] == ["feedback on my pitch deck"]
    assert rows[0]["why"] and rows[0]["score"] > 0
    only = api.get("/i-can-help", person_id=eli.id).json()["items"]
    assert only == cli.json("needs", "--i-can-help", "--person", f"#{eli.id}") == []


def test_rhythms_read_set_default_and_reset_as_the_cli(api: Api, cli: Cli) -> None:
    who = local_owner()
    assert api.get("/rhythms").json() == cli.json("rhythms")
    r = api("PUT", "/rhythms", {"tier": "close", "days": 21})
    assert r.status_code == 200, r.content
    close = next(row for row in r.json() if row["tier"] == "close")
    assert close["days"] == 21 and close["yours"] is True
    assert r.json() == cli.json("rhythms")
    back = api("PUT", "/rhythms", {"tier": "close", "days": None}).json()
    close = next(row for row in back if row["tier"] == "close")
    assert close["days"] == close["default"] and close["yours"] is False
    api("PUT", "/rhythms", {"tier": "inner", "days": 10})
    assert TierCadence.objects.filter(owner=who).count() == 1
    reset = api("POST", "/rhythms/reset").json()
    assert not any(row["yours"] for row in reset) and reset == cli.json("rhythms")
    # bad input names the field; nothing changes
    for body, word in (
        ({"tier": "stranger", "days": 10}, "tier:"),
        ({"tier": "close", "days": 0}, "close:"),
        ({"tier": "close"}, "days"),
    ):
        r = api("PUT", "/rhythms", body)
        assert r.status_code in (400, 422) and word in r.json()["error"], (body, r.content)
    assert TierCadence.objects.filter(owner=who).count() == 0
