"""Every group URL, tried by someone outside the group, by a member on an organiser's
task, and with another group's object ids: not found (404) or forbidden (403), never
a 200 or a 500, and nothing changed. The URLs are read from the URL configuration,
so a new group page is in this test the day it is added."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypedDict

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from troth.groups import actions, introductions
from troth.groups.models import (
    Group,
    GroupNeed,
    HelpOffer,
    Invitation,
    JoinRequest,
    Meeting,
    MemberIntro,
    Membership,
)
from troth.owned import Owner
from troth.owners import do_ensure_me

# Pages a plain member may open; everything else under groups/<slug>/ is an organiser's
# or needs the member's own object.
MEMBER_PAGES = {"group", "group-needs", "group-intros", "group-profile"}
ORGANISER_ONLY = {
    "group-invite",
    "group-revoke",
    "group-role",
    "group-remove",
    "group-schedule",
    "group-attendance",
    "group-give-first",
    "group-waive",
    "group-dashboard",
    "group-dashboard-csv",
    "group-join-link",
    "group-join-request",
}


def _group_patterns() -> list[tuple[str, str]]:
    """(name, route) of every URL under groups/<slug>/."""
    found = []
    for p in get_resolver("troth.web.urls").url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLPattern) and p.name and route.startswith("groups/<slug:slug>/"):
            found.append((p.name, route))
    return found


class World(TypedDict):
    alice: Owner
    bob: Owner
    carol: Owner
    circle: Group
    other: Group
    need: GroupNeed
    theirs: GroupNeed
    intro: MemberIntro
    meeting: Meeting
    invitation: Invitation
    join: JoinRequest


@pytest.fixture
def world(alice: Owner, bob: Owner) -> World:
    User = get_user_model()
    carol = User.objects.create_user("carol", "carol@example.org", "x")
    do_ensure_me(carol, "Carol")
    circle = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(
        group=circle, user=bob, joined_at=timezone.now(), give_first_waived=True
    )
    other = actions.do_create_group("Acme Alumni", organiser=carol)
    need = actions.do_post_need(Membership.objects.get(group=circle, user=alice), "A lawyer")
    theirs = actions.do_post_need(Membership.objects.get(group=other, user=carol), "A CPA")
    intro = introductions.do_ask_member(
        Membership.objects.get(group=circle, user=bob), alice.id, "a designer"
    )
    meeting = actions.do_schedule_meeting(
        circle,
        "Leads",
        timezone.now() - dt.timedelta(hours=1),
        now=timezone.now() - dt.timedelta(days=1),
    )
    invitation, _ = actions.do_invite(circle, "dave@example.org")
    join = actions.do_request_to_join(
        actions.do_new_join_link(circle), email="erin@example.org", name="Erin"
    )
    return {
        "alice": alice, "bob": bob, "carol": carol, "circle": circle, "other": other,
        "need": need, "theirs": theirs, "intro": intro, "meeting": meeting,
        "invitation": invitation, "join": join,
    }  # fmt: skip


def _url(route: str, slug: str, w: World) -> str:
    ids = {
        "need_id": w["need"].id,
        "intro_id": w["intro"].id,
        "meeting_id": w["meeting"].id,
        "invitation_id": w["invitation"].id,
        "user_id": w["bob"].id,
        "name": "agree",
        "request_id": w["join"].id,
        "decision": "approve",
    }
    path = route.replace("<slug:slug>", slug)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m[1]]), path)


def _snapshot() -> tuple[list[Any], ...]:
    return (
        list(Group.objects.values_list("id", "name", "give_first", "join_digest")),
        list(
            Membership.objects.values_list(
                "id", "role", "give_first_waived", "share_follow_through"
            )
        ),
        list(GroupNeed.objects.values_list("id", "status", "carried", "expires_on")),
        list(HelpOffer.objects.values_list("id")),
        list(MemberIntro.objects.values_list("id", "state")),
        list(Meeting.objects.values_list("id", "title")),
        list(Invitation.objects.values_list("id", "revoked_at")),
        list(JoinRequest.objects.values_list("id", "decided_at")),
    )


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_group_url_is_closed_to_an_outsider(world: World) -> None:
    patterns = _group_patterns()
    assert len(patterns) >= 20  # the sweep found the group pages
    before = _snapshot()
    carol = _client(world["carol"])
    for name, route in patterns:
        url = _url(route, world["circle"].slug, world)
        for method in (carol.get, carol.post):
            answer = method(url)
            assert answer.status_code in (404, 405), (name, url, answer.status_code)
    assert _snapshot() == before


def test_organiser_tasks_are_refused_to_a_member(world: World) -> None:
    before = _snapshot()
    bob = _client(world["bob"])
    for name, route in _group_patterns():
        if name not in ORGANISER_ONLY:
            continue
        url = _url(route, world["circle"].slug, world)
        for method in (bob.get, bob.post):
            answer = method(url, {"role": "organiser", "on": "0", "email": "x@example.org"})
            assert answer.status_code in (403, 405), (name, url, answer.status_code)
    assert _snapshot() == before


def test_another_groups_ids_are_not_found_from_ones_own_group(world: World) -> None:
    """carol organises her own group: the other group's need, intro, meeting and
    invitation ids, tried under her group's address, are not found."""
    before = _snapshot()
    carol = _client(world["carol"])
    for name, route in _group_patterns():
        if not re.search(r"<int:(need|intro|meeting|invitation|request)_id>", route):
            continue
        url = _url(route, world["other"].slug, world)
        answer = carol.post(url, {"outcome": "dropped", "answer": "yes", "shared": "x"})
        assert answer.status_code in (404, 405), (name, url, answer.status_code)
    assert _snapshot() == before


def test_a_member_opens_their_own_pages(world: World) -> None:
    bob = _client(world["bob"])
    for name, route in _group_patterns():
        if name in MEMBER_PAGES:
            assert bob.get(_url(route, world["circle"].slug, world)).status_code == 200, name
