"""A member's writes on a group's server through the API, as on the web: post a need,
offer help (and withdraw it), offer an introduction, close and carry one's own need,
publish a profile, ask a member for an introduction and move it on. Another group,
another member's need or a group one is not in is not found, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from api_helpers import Api
from troth.groups import actions
from troth.groups.models import Group, GroupNeed, GroupProfile, HelpOffer, MemberIntro, Membership
from troth.owned import Owner
from troth.owners import do_ensure_me

pytestmark = pytest.mark.django_db


def test_post_offer_withdraw_close_a_need(alice: Owner, bob: Owner, circle: Group) -> None:
    alices, bobs = Api(alice), Api(bob, name="bob's")
    r = alices("POST", f"/groups/{circle.slug}/needs", {"text": "An intro to a CFO", "days": 30})
    assert r.status_code == 201, r.content
    need = r.json()
    assert need["text"] == "An intro to a CFO" and need["status"] == "open"
    assert need["expires_on"] == (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    # bob sees it on the board and offers help; alice sees the offer there
    board = bobs.get(f"/groups/{circle.slug}/needs").json()
    assert [n["id"] for n in board["items"]] == [need["id"]]
    r = bobs("POST", f"/groups/{circle.slug}/needs/{need['id']}/offer", {"note": "I know two"})
    assert r.status_code == 201 and r.json()["note"] == "I know two", r.content
    again = bobs("POST", f"/groups/{circle.slug}/needs/{need['id']}/offer", {})
    assert again.status_code == 409 and "already" in again.json()["error"]
    mine = alices.get(f"/groups/{circle.slug}/needs").json()["items"][0]
    assert mine["offers"] == 1 and mine["offer_list"][0]["note"] == "I know two"
    # one's own need: no offering on it, and only its author closes it
    own = alices("POST", f"/groups/{circle.slug}/needs/{need['id']}/offer", {})
    assert own.status_code == 400 and "your own need" in own.json()["error"]
    r = bobs("POST", f"/groups/{circle.slug}/needs/{need['id']}/close", {"outcome": "met"})
    assert r.status_code == 404, r.content
    r = bobs("DELETE", f"/groups/{circle.slug}/needs/{need['id']}/offer")
    assert r.status_code == 204 and not HelpOffer.objects.exists()
    r = bobs("DELETE", f"/groups/{circle.slug}/needs/{need['id']}/offer")
    assert r.status_code == 404
    r = alices(
        "POST",
        f"/groups/{circle.slug}/needs/{need['id']}/close",
        {"outcome": "met", "met_by_user_id": bob.id},
    )
    assert r.status_code == 200 and r.json()["status"] == "met", r.content
    assert GroupNeed.objects.get(pk=need["id"]).met_by_id == bob.id
    # bad input names the field; nothing is written
    for body, word in (({"text": ""}, "need"), ({"text": "x", "days": 400}, "horizon")):
        r = alices("POST", f"/groups/{circle.slug}/needs", body)
        assert r.status_code == 400 and word in r.json()["error"], r.content
    r = alices("POST", f"/groups/{circle.slug}/needs", {"text": "x", "colour": "red"})
    assert r.status_code == 422 and "colour" in r.json()["error"]
    assert GroupNeed.objects.count() == 1


def test_carry_profile_and_connector(alice: Owner, bob: Owner, circle: Group) -> None:
    alices = Api(alice)
    need = alices("POST", f"/groups/{circle.slug}/needs", {"text": "A designer"}).json()
    r = alices("POST", f"/groups/{circle.slug}/needs/{need['id']}/carry")
    assert r.status_code == 400 and "no meeting scheduled" in r.json()["error"]
    meeting = actions.do_schedule_meeting(circle, "Meetup", timezone.now() + dt.timedelta(days=80))
    r = alices("POST", f"/groups/{circle.slug}/needs/{need['id']}/carry")
    assert r.status_code == 200 and r.json()["carried"] == 1, r.content
    until = timezone.localdate(meeting.starts_at) + dt.timedelta(days=actions.CARRY_DAYS)
    assert r.json()["expires_on"] == until.isoformat()
    r = alices(
        "PUT",
        f"/groups/{circle.slug}/profile",
        {"headline": "CFO at Acme", "companies": ["Acme", "Stripe"], "fields": ["finance"]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["companies"] == ["Acme", "Stripe"] and r.json()["headline"] == "CFO at Acme"
    profile = GroupProfile.objects.get(membership__user=alice)
    assert profile.fields == ["finance"]
    r = alices("PUT", f"/groups/{circle.slug}/connector", {"capacity": 3, "paused": True})
    assert r.json() == {"capacity": 3, "paused": True}
    r = alices("PUT", f"/groups/{circle.slug}/connector", {"capacity": 99})
    assert r.status_code == 400 and "0 to 50" in r.json()["error"]


def test_member_introduction_ask_agree_and_offer(alice: Owner, bob: Owner, circle: Group) -> None:
    alices, bobs = Api(alice), Api(bob, name="bob's")
    need = alices("POST", f"/groups/{circle.slug}/needs", {"text": "An intro to a CFO"}).json()
    # bob offers an introduction on alice's need; alice accepts it
    r = bobs(
        "POST", f"/groups/{circle.slug}/needs/{need['id']}/intro-offer", {"hint": "a CFO at Acme"}
    )
    assert r.status_code == 201, r.content
    offered = MemberIntro.objects.get(need_id=need["id"])
    assert [i["id"] for i in r.json()["under_way"] + r.json()["waiting"]] == [offered.id]
    r = alices("POST", f"/groups/{circle.slug}/intros/{offered.id}/steps", {"step": "accept"})
    assert r.status_code == 200, r.content
    offered.refresh_from_db()
    assert offered.state != MemberIntro.OFFERED
    # alice asks bob directly; bob agrees
    r = alices(
        "POST", f"/groups/{circle.slug}/intros", {"connector_user_id": bob.id, "ask": "a VC"}
    )
    assert r.status_code == 201, r.content
    asked = MemberIntro.objects.exclude(pk=offered.pk).get()
    assert asked.id in {i["id"] for rows in r.json().values() for i in rows}
    r = bobs(
        "POST",
        f"/groups/{circle.slug}/intros/{asked.id}/steps",
        {"step": "agree", "hint": "a partner at a fund"},
    )
    assert r.status_code == 200, r.content
    asked.refresh_from_db()
    assert asked.state == MemberIntro.AGREED
    r = alices("POST", f"/groups/{circle.slug}/intros/{offered.id}/steps", {"step": "fly"})
    assert r.status_code == 422 and "step" in r.json()["error"]


def test_another_group_is_not_found_and_unchanged(alice: Owner, bob: Owner, circle: Group) -> None:
    carol = get_user_model().objects.create_user("carol", "carol@example.org", "password")
    do_ensure_me(carol, "Carol")
    other = actions.do_create_group("Acme Alumni", organiser=carol)
    theirs = actions.do_post_need(Membership.objects.get(group=other, user=carol), "Secret need")
    bobs = Api(bob, name="bob's")
    for method, path, body in (
        ("POST", f"/groups/{other.slug}/needs", {"text": "sneaky"}),
        ("POST", f"/groups/{other.slug}/needs/{theirs.id}/offer", {}),
        ("DELETE", f"/groups/{other.slug}/needs/{theirs.id}/offer", None),
        ("POST", f"/groups/{other.slug}/needs/{theirs.id}/close", {"outcome": "dropped"}),
        ("POST", f"/groups/{other.slug}/needs/{theirs.id}/carry", None),
        ("POST", f"/groups/{other.slug}/needs/{theirs.id}/intro-offer", {"hint": "x"}),
        ("PUT", f"/groups/{other.slug}/profile", {"headline": "x"}),
        ("PUT", f"/groups/{other.slug}/connector", {"paused": True}),
        ("POST", f"/groups/{other.slug}/intros", {"connector_user_id": carol.id, "ask": "x"}),
        # a need of another group, through one's own group
        ("POST", f"/groups/{circle.slug}/needs/{theirs.id}/offer", {}),
        ("POST", f"/groups/{circle.slug}/needs/{theirs.id}/intro-offer", {"hint": "x"}),
    ):
        r = bobs(method, path, body)
        assert r.status_code == 404, (method, path, r.content)
    assert GroupNeed.objects.filter(group=other).count() == 1
    assert not HelpOffer.objects.exists() and not MemberIntro.objects.exists()
    assert not GroupProfile.objects.exists()
