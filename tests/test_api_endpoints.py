"""Every endpoint of the API doing what its CLI command does, with the CLI's --json
fields; bad input is a 4xx naming the field, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from api_helpers import Api
from troth.ledger.models import Commitment, Need
from troth.owners import local_owner, me_person
from troth.people.models import Person

if TYPE_CHECKING:
    from typing import Any

    from conftest import Cli

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db: None) -> Api:
    """The local owner's token: the owner the in-process CLI acts for, so the API's
    answers can be compared with the CLI's --json."""
    return Api(local_owner())


def add(api: Api, name: str, **fields: Any) -> dict[str, Any]:
    r = api("POST", "/people", {"name": name, **fields})
    assert r.status_code == 201, r.content
    out: dict[str, Any] = r.json()
    return out


def test_people_add_search_show_edit_tag_note_delete(api: Api, cli: Cli) -> None:
    dana = add(
        api, "Dana Kang", emails=["dana@example.org"], company="Acme", title="CTO", tags=["fintech"]
    )
    assert dana["company"] == "Acme" and dana["emails"] == ["dana@example.org"]
    add(api, "Eli Stone", company="Birch", via_id=dana["id"])
    # the same rows as troth people --json (one presenter)
    found = api.get("/people", q="dana").json()
    assert [p["name"] for p in found["items"]] == ["Dana Kang"] and found["next"] is None
    assert [p["name"] for p in api.get("/people", company="birch").json()["items"]] == ["Eli Stone"]
    assert [p["name"] for p in api.get("/people", tag="fintech").json()["items"]] == ["Dana Kang"]
    # edit, tag, note
    r = api("PATCH", f"/people/{dana['id']}", {"title": "CEO", "nickname": "Dee", "closeness": 4})
    assert r.status_code == 200 and r.json()["title"] == "CEO" and r.json()["nickname"] == "Dee"
    assert api("POST", f"/people/{dana['id']}/tags", {"tags": ["ai", "golf"]}).json() == {
        "tags": ["ai", "fintech", "golf"]
    }
    assert api("DELETE", f"/people/{dana['id']}/tags/golf").json() == {"tags": ["ai", "fintech"]}
    note = api("POST", f"/people/{dana['id']}/notes", {"text": "likes tea"})
    assert note.status_code == 201 and note.json()["text"] == "likes tea"
    shown = api.get(f"/people/{dana['id']}").json()
    assert shown["closeness"] == 4 and shown["timeline"][0]["type"] == "note"
    assert api("DELETE", f"/notes/{note.json()['id']}").status_code == 204
    assert api("DELETE", f"/notes/{note.json()['id']}").status_code == 404
    # the same person as troth show --json says
    from troth.people.models import Person as P

    via_cli = cli.json("show", f"#{dana['id']}")
    assert api.get(f"/people/{dana['id']}").json() == via_cli
    assert P.objects.filter(owner=api.owner).count() == 3  # me, Dana, Eli
    assert api("DELETE", f"/people/{dana['id']}").status_code == 204
    assert api.get(f"/people/{dana['id']}").status_code == 404


def test_people_bad_input_names_the_field(api: Api) -> None:
    dana = add(api, "Dana Kang", emails=["dana@example.org"])
    cases = [
        ({"name": ""}, 400, "name"),
        ({"name": "\u200b"}, 400, "name"),
        ({}, 422, "name"),
        ({"name": "X", "closeness": 9}, 400, "closeness"),
        ({"name": "X", "nope": 1}, 422, "nope"),
        ({"name": "X", "met_on": "not a date"}, 422, "met_on"),
        ({"name": "Y", "emails": ["dana@example.org"]}, 400, "dana@example.org"),
        ({"name": "Dana Kang"}, 400, "already in your network"),
        ({"name": "X", "via_id": 99999}, 404, "99999"),
    ]
    for body, status, words in cases:
        r = api("POST", "/people", body)
        assert r.status_code == status, (body, r.content)
        assert words in r.json()["error"], (body, r.json())
    r = api.client.post(
        "/api/v1/people",
        "{oops",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.raw}",
    )
    assert r.status_code == 400 and r.json() == {"error": "body: not valid JSON"}
    assert api("PATCH", f"/people/{dana['id']}", {"closeness": 0}).status_code == 400
    assert api.get("/people", limit=0).status_code == 422
    assert api.get("/people/abc").status_code in (404, 422)
    assert Person.objects.filter(owner=api.owner).count() == 2  # nothing half-written


def test_merge(api: Api) -> None:
    a = add(api, "Dana Kang", emails=["dana@example.org"])
    b = add(api, "Dana K.", phones=["+1 415 555 0100"], duplicate=True)
    r = api("POST", f"/people/{a['id']}/merge", {"other_id": b["id"]})
    assert r.status_code == 200, r.content
    assert r.json()["kept"]["phones"] and r.json()["merge_id"]
    assert api.get(f"/people/{b['id']}").status_code == 404
    assert api("POST", f"/people/{a['id']}/merge", {"other_id": a["id"]}).status_code == 400


def test_interactions_favours_promises_needs(api: Api) -> None:
    dana = add(api, "Dana Kang")
    me = me_person(api.owner)
    i = api(
        "POST",
        "/interactions",
        {"person_id": dana["id"], "channel": "call", "minutes": 30, "summary": "coffee"},
    )
    assert i.status_code == 201 and i.json()["minutes"] == 30
    assert (
        api("POST", "/interactions", {"person_id": dana["id"], "channel": "fax"}).status_code == 422
    )
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()
    r = api("POST", "/interactions", {"person_id": dana["id"], "channel": "call", "when": future})
    assert r.status_code == 400 and "future" in r.json()["error"]
    assert api("POST", "/interactions", {"person_id": me.id, "channel": "call"}).status_code == 404
    assert [x["id"] for x in api.get("/interactions", person_id=dana["id"]).json()["items"]] == [
        i.json()["id"]
    ]

    need = api(
        "POST", "/needs", {"person_id": dana["id"], "what": "a CPA", "days": 30, "tags": ["cpa"]}
    )
    assert need.status_code == 201 and need.json()["tags"] == ["cpa"]
    assert (
        api("POST", "/needs", {"person_id": dana["id"], "what": "x", "days": 0}).status_code == 400
    )
    mine = api("POST", "/needs", {"person_id": me.id, "what": "intro to Larkspur"}).json()
    assert mine["mine"] is True
    assert [n["id"] for n in api.get("/needs", mine="true").json()["items"]] == [mine["id"]]
    f = api(
        "POST",
        "/favours",
        {
            "person_id": dana["id"],
            "direction": "gave",
            "kind": "intro",
            "what": "Pat",
            "need_id": need.json()["id"],
        },
    )
    assert f.status_code == 201 and f.json()["direction"] == "gave"
    assert Need.objects.get(id=need.json()["id"]).status == Need.MET
    assert api.get("/favours", direction="gave").json()["items"][0]["id"] == f.json()["id"]
    assert api.get("/favours", direction="got").json()["items"] == []
    r = api("POST", f"/needs/{mine['id']}/met", {"by_id": dana["id"]})
    assert r.status_code == 200 and r.json()["met_by"]["id"] == dana["id"]
    assert api("POST", f"/needs/{mine['id']}/met", {}).status_code == 409  # already met

    p = api(
        "POST", "/promises", {"to_id": dana["id"], "what": "send the deck", "due": "2999-01-01"}
    )
    assert p.status_code == 201 and p.json()["from"] == {"id": me.id, "name": "me"}
    theirs = api("POST", "/promises", {"from_id": dana["id"], "what": "intro to CFO"}).json()
    assert [x["id"] for x in api.get("/promises", mine="false").json()["items"]] == [theirs["id"]]
    for verb, status in (("kept", "kept"), ("broken", "broken")):
        pid = p.json()["id"] if verb == "kept" else theirs["id"]
        r = api("POST", f"/promises/{pid}/{verb}")
        assert r.status_code == 200 and r.json()["status"] == status
    again = api("POST", f"/promises/{theirs['id']}/released")
    assert again.status_code == 409 and "already broken" in again.json()["error"]
    assert api.get("/promises").json()["items"] == []
    assert len(api.get("/promises", all="true").json()["items"]) == 2
    assert (
        api(
            "POST", "/promises", {"to_id": dana["id"], "from_id": dana["id"], "what": "x"}
        ).status_code
        == 400
    )
    for kind, ident in (
        ("interactions", i.json()["id"]),
        ("favours", f.json()["id"]),
        ("promises", theirs["id"]),
        ("needs", mine["id"]),
    ):
        assert api("DELETE", f"/{kind}/{ident}").status_code == 204
        assert api("DELETE", f"/{kind}/{ident}").status_code == 404
    assert Commitment.objects.filter(owner=api.owner).count() == 1


def test_agenda_done_snooze_skip_draft_cadence(api: Api, cli: Cli) -> None:
    dana = add(api, "Dana Kang")
    eli = add(api, "Eli Stone")
    today = timezone.localdate()
    for who in (dana, eli):
        api(
            "POST",
            "/promises",
            {
                "to_id": who["id"],
                "what": "send the deck",
                "made_on": str(today - dt.timedelta(days=9)),
                "due": str(today - dt.timedelta(days=2)),
            },
        )
    page = api.get("/agenda").json()
    assert page["date"] == today.isoformat()
    # the rows of troth agenda --all --json
    assert page["items"] == cli.json("agenda", "--all")["items"]
    first, second = (x["id"] for x in page["items"][:2])
    draft = api.get(f"/agenda/{first}/draft")
    assert draft.status_code == 200 and draft.json()["body"] and "intro" not in draft.json()
    assert api.get(f"/people/{dana['id']}/draft", kind="checkin").json()["kind"] == "checkin"
    assert api.get(f"/people/{dana['id']}/draft", kind="nonsense").status_code == 400
    r = api("POST", f"/agenda/{first}/done", {"channel": "email", "notes": "sent it"})
    # done on a promise of mine: kept (as troth done), no contact logged for it
    assert r.status_code == 200 and r.json() == {"id": first, "logged": None}
    assert Commitment.objects.get(id=int(first[1:])).status == Commitment.KEPT
    assert api("POST", f"/agenda/{first}/done", {}).status_code in (404, 409)
    r = api("POST", f"/agenda/{second}/snooze", {"until": str(today)})
    assert r.status_code == 400 and "until" in r.json()["error"]
    r = api("POST", f"/agenda/{second}/snooze", {"until": str(today + dt.timedelta(days=3))})
    assert r.json() == {
        "id": second,
        "status": "snoozed",
        "until": str(today + dt.timedelta(days=3)),
    }
    assert second not in [x["id"] for x in api.get("/agenda").json()["items"]]
    assert api("POST", "/agenda/zz9/skip").status_code == 404
    r = api("PUT", f"/people/{dana['id']}/cadence", {"days": 14})
    assert r.json() == {"person": {"id": dana["id"], "name": "Dana Kang"}, "cadence_days": 14}
    assert api.get(f"/people/{dana['id']}").json()["cadence_days"] == 14


def test_trust_balance_reliability_ready(api: Api, cli: Cli) -> None:
    dana = add(api, "Dana Kang")
    api("POST", "/interactions", {"person_id": dana["id"], "channel": "meeting", "minutes": 60})
    api(
        "POST",
        "/favours",
        {"person_id": dana["id"], "direction": "got", "kind": "advice", "what": "CV"},
    )
    rows = api.get("/trust").json()["items"]
    assert rows == cli.json("trust")
    detail = api.get(f"/people/{dana['id']}/trust").json()
    assert detail == cli.json("trust", f"#{dana['id']}")
    assert api.get("/trust", tier="nonsense").status_code == 422
    assert api.get("/trust", as_of="2999-01-01").status_code == 400
    assert api.get("/balance").json() == cli.json("balance")
    assert api.get("/balance", person_id=dana["id"]).json()["people"][0]["received"] == 1
    assert api.get("/reliability").json() == cli.json("reliability")
    ready = api.get(f"/people/{dana['id']}/ready", ask="referral").json()
    assert ready == cli.json("ready", f"#{dana['id']}", "--ask", "referral")


def test_introductions_and_steps(api: Api, cli: Cli) -> None:
    dana = add(api, "Dana Kang")
    eli = add(api, "Eli Stone")
    r = api(
        "POST",
        "/intros",
        {"kind": "propose", "a_id": dana["id"], "b_id": eli["id"], "why": "both in fintech"},
    )
    assert r.status_code == 400 and "barely know" in r.json()["error"]  # the handoff guard
    r = api(
        "POST",
        "/intros",
        {
            "kind": "propose",
            "a_id": dana["id"],
            "b_id": eli["id"],
            "why": "both in fintech",
            "anyway": "old friends",
        },
    )
    assert r.status_code == 201, r.content
    intro = r.json()
    assert intro["state"] == "proposed" and intro["steps"][0]["to"] == "proposed"
    step = intro["legal_next"][0]
    r = api("POST", f"/intros/{intro['id']}/steps", {"step": step})
    assert r.status_code == 200 and len(r.json()["steps"]) == 2
    assert api("POST", f"/intros/{intro['id']}/steps", {"step": "thanked"}).status_code == 400
    assert api.get(f"/intros/{intro['id']}").json() == cli.json("intro", str(intro["id"]))
    assert api.get("/intros").json()["items"] == cli.json("intros")
    assert api("POST", "/intros", {"kind": "ask", "b_id": eli["id"], "why": "x"}).status_code == 400
