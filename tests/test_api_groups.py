"""A group's server through the API: a member sees their groups, the needs board and
their introductions as on the web; another group is not found."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from api_helpers import Api
from troth.groups import actions
from troth.groups.models import Membership
from troth.owned import Owner
from troth.owners import do_ensure_me

pytestmark = pytest.mark.django_db


def test_member_sees_groups_board_and_intros_and_nothing_else(alice: Owner, bob: Owner) -> None:
    carol = get_user_model().objects.create_user("carol", "carol@example.org", "password")
    do_ensure_me(carol, "Carol")
    circle = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(group=circle, user=bob, role="member", joined_at=timezone.now())
    other = actions.do_create_group("Acme Alumni", organiser=carol)
    actions.do_post_need(Membership.objects.get(group=circle, user=alice), "An intro to a CFO")
    actions.do_post_need(Membership.objects.get(group=other, user=carol), "Secret need")
    api = Api(bob)
    assert api.get("/groups").json() == {
        "items": [{"slug": circle.slug, "name": "Tuesday Circle", "role": "member", "members": 2}],
        "next": None,
    }
    board = api.get(f"/groups/{circle.slug}/needs").json()
    assert [n["text"] for n in board["items"]] == ["An intro to a CFO"]
    assert board["total"] == 1 and board["next"] is None
    intros = api.get(f"/groups/{circle.slug}/intros").json()
    assert intros == {"waiting": [], "under_way": [], "closed": []}
    for path in (
        f"/groups/{other.slug}/needs",
        f"/groups/{other.slug}/intros",
        "/groups/nope/needs",
    ):
        r = api.get(path)
        assert r.status_code == 404 and "among yours" in r.json()["error"]
    assert b"Secret" not in api.get(f"/groups/{other.slug}/needs").content
