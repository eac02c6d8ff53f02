"""A group's needs board: published profiles, two open needs each, "I can help", and
closing a need; and what one member may reach of another's (alice and bob share a
group, carol is in another)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.groups import actions, queries
from troth.groups.models import Group, GroupNeed, GroupProfile, HelpOffer, Membership
from troth.owned import Owner
from troth.owners import do_ensure_me


@pytest.fixture
def carol(db: None) -> Owner:
    user = get_user_model().objects.create_user("carol", "carol@example.org", "password")
    do_ensure_me(user, "Carol")
    return user


@pytest.fixture
def other(carol: Owner) -> Group:
    return actions.do_create_group("Acme Alumni", organiser=carol)


def _m(group: Group, user: Owner) -> Membership:
    return Membership.objects.get(group=group, user=user)


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_open_needs_then_a_third_waits_until_one_closes(circle: Group, alice: Owner) -> None:
    me = _m(circle, alice)
    first = actions.do_post_need(me, "An intro to a hiring manager in fintech", days=30)
    actions.do_post_need(me, "A tax accountant for a small business")
    with pytest.raises(TrothError, match="2 open needs"):
        actions.do_post_need(me, "A third thing")
    actions.do_close_need(me, first.id, "dropped")
    actions.do_post_need(me, "A third thing")
    assert GroupNeed.objects.filter(author=alice, status="open").count() == 2
    for days in (0, 6, 91):
        with pytest.raises(TrothError, match="7 to 90 days"):
            actions.do_post_need(me, "x", days=days)
    with pytest.raises(TrothError, match="say what it is"):
        actions.do_post_need(me, "   ")


def test_an_expired_need_leaves_the_board_and_frees_its_slot(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    me = _m(circle, alice)
    then = timezone.now() - dt.timedelta(days=40)
    actions.do_post_need(me, "old need one", days=30, now=then)
    actions.do_post_need(me, "old need two", days=30, now=then)
    actions.do_post_need(me, "fresh need")  # the two old ones expired
    board = queries.board(_m(circle, bob))
    assert [n["text"] for n in board["needs"]] == ["fresh need"]


def test_the_board_points_needs_at_members_who_published_they_can_reach_it(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    actions.do_publish_profile(
        _m(circle, bob),
        headline="Accountant",
        offers="Happy to review a business plan",
        companies="Deloitte\nStripe, Stripe",
        fields=["payments", "fintech"],
    )
    profile = GroupProfile.objects.get(membership__user=bob)
    assert profile.companies == ["Deloitte", "Stripe"]  # duplicates dropped
    need = actions.do_post_need(_m(circle, alice), "An introduction to someone at Stripe")
    board = queries.board(_m(circle, alice))
    row = next(n for n in board["needs"] if n["id"] == need.id)
    assert [r["username"] for r in row["reach"]] == ["bob"]
    assert any(reason.startswith("can reach Stripe") for reason in row["reach"][0]["reasons"])
    actions.do_waive_give_first(circle, bob.id)  # a member new to the group: see give first
    unrelated = actions.do_post_need(_m(circle, bob), "Someone in payments")
    row = next(n for n in queries.board(_m(circle, bob))["needs"] if n["id"] == unrelated.id)
    assert row["reach"] == []  # bob's own profile is never offered for bob's own need


def test_offers_go_to_the_needs_owner_only(
    circle: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    Membership.objects.create(group=circle, user=carol, role="member", joined_at=timezone.now())
    need = actions.do_post_need(_m(circle, alice), "A designer for a weekend")
    actions.do_offer_help(_m(circle, bob), need.id, "my sister designs")
    with pytest.raises(TrothError, match="already"):
        actions.do_offer_help(_m(circle, bob), need.id)
    with pytest.raises(TrothError, match="your own need"):
        actions.do_offer_help(_m(circle, alice), need.id)
    mine = next(n for n in queries.board(_m(circle, alice))["needs"] if n["id"] == need.id)
    assert [(o["username"], o["note"]) for o in mine["offer_list"]] == [
        ("bob", "my sister designs")
    ]
    theirs = next(n for n in queries.board(_m(circle, carol))["needs"] if n["id"] == need.id)
    assert theirs["offers"] == 1 and theirs["offer_list"] == [] and not theirs["offered"]
    actions.do_close_need(_m(circle, alice), need.id, "met", met_by=bob.id)
    closed = GroupNeed.objects.get(id=need.id)
    assert closed.status == "met" and closed.met_by == bob
    with pytest.raises(TrothError, match="no longer open"):
        actions.do_offer_help(_m(circle, carol), need.id)
    with pytest.raises(TrothError, match="closed already"):
        actions.do_close_need(_m(circle, alice), need.id, "dropped")


def test_no_member_reaches_a_need_or_a_group_not_theirs(
    circle: Group, other: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    need = actions.do_post_need(_m(circle, alice), "A lawyer")
    theirs = actions.do_post_need(_m(other, carol), "An accountant")
    with pytest.raises(NotFound):
        actions.do_close_need(_m(circle, bob), need.id, "dropped")  # not bob's
    with pytest.raises(NotFound):
        actions.do_offer_help(_m(circle, bob), theirs.id)  # another group's need
    with pytest.raises(NotFound):
        actions.do_close_need(_m(circle, alice), need.id, "met", met_by=carol.id)
    as_carol = _client(carol)
    urls = {
        f"/groups/{circle.slug}/needs/post": {"text": "spam"},
        f"/groups/{circle.slug}/needs/{need.id}/offer": {},
        f"/groups/{circle.slug}/needs/{need.id}/withdraw": {},
        f"/groups/{circle.slug}/needs/{need.id}/close": {"outcome": "dropped"},
        f"/groups/{circle.slug}/profile": {"headline": "x"},
    }
    assert as_carol.get(f"/groups/{circle.slug}/needs/").status_code == 404
    assert as_carol.get(f"/groups/{circle.slug}/profile").status_code == 404
    for url, data in urls.items():
        assert as_carol.post(url, data).status_code == 404, url
    # carol reaching her own group with the other group's need id
    answer = as_carol.post(f"/groups/{other.slug}/needs/{need.id}/offer", {})
    assert answer.status_code == 404
    as_bob = _client(bob)
    assert (
        as_bob.post(f"/groups/{circle.slug}/needs/{need.id}/close", {"outcome": "met"}).status_code
        == 404
    )
    assert GroupNeed.objects.get(id=need.id).status == "open"
    assert not HelpOffer.objects.exists() and not GroupProfile.objects.exists()
    assert GroupNeed.objects.filter(group=circle).count() == 1


def test_the_board_in_the_browser_posts_offers_and_closes(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    as_alice, as_bob = _client(alice), _client(bob)
    answer = as_alice.post(
        f"/groups/{circle.slug}/needs/post", {"text": "A mentor in product", "days": "30"}
    )
    assert answer.status_code == 302
    need = GroupNeed.objects.get()
    assert need.expires_on - timezone.localdate() == dt.timedelta(days=30)
    page = as_bob.get(f"/groups/{circle.slug}/needs/").content.decode()
    assert "A mentor in product" in page and "I can help" in page
    assert (
        as_bob.post(f"/groups/{circle.slug}/needs/{need.id}/offer", {"note": "me!"}).status_code
        == 302
    )
    page = as_alice.get(f"/groups/{circle.slug}/needs/").content.decode()
    assert "Bob can help" in page and "me!" in page
    bad = as_alice.post(f"/groups/{circle.slug}/needs/post", {"text": "x" * 501})
    assert bad.status_code == 400 and "at most 500" in bad.content.decode()
    bad = as_alice.post(f"/groups/{circle.slug}/needs/post", {"text": "y", "days": "99999999"})
    assert bad.status_code == 400 and "7 to 90 days" in bad.content.decode()
    done = as_alice.post(
        f"/groups/{circle.slug}/needs/{need.id}/close", {"outcome": "met", "met_by": str(bob.id)}
    )
    assert done.status_code == 302 and GroupNeed.objects.get().met_by == bob
    bad = as_bob.post(
        f"/groups/{circle.slug}/profile", {"companies": "\n".join([f"c{i}" for i in range(31)])}
    )
    assert bad.status_code == 400 and "at most 30" in bad.content.decode()
    good = as_bob.post(
        f"/groups/{circle.slug}/profile",
        {"headline": "PM", "offers": "mock interviews", "companies": "Acme", "fields": ""},
    )
    assert good.status_code == 302
    assert (
        as_bob.get(f"/groups/{circle.slug}/profile").content.decode().count("mock interviews") == 1
    )


def test_a_long_board_comes_a_page_at_a_time_with_my_needs_first(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    from django.contrib.auth import get_user_model

    from troth.groups.queries import BOARD_PAGE

    User = get_user_model()
    for i in range(BOARD_PAGE + 3):
        user = User.objects.create_user(f"member{i}", f"m{i}@example.org", "x")
        m = Membership.objects.create(
            group=circle, user=user, joined_at=timezone.now(), give_first_waived=True
        )
        actions.do_post_need(m, f"need number {i}", days=30 + i)
    mine = actions.do_post_need(_m(circle, alice), "alice's own need", days=90)  # closes last
    first = queries.board(_m(circle, alice))
    assert (first["total"], first["pages"], len(first["needs"])) == (BOARD_PAGE + 4, 2, BOARD_PAGE)
    assert first["needs"][0]["id"] == mine.id and first["mine_open"] == 1
    second = queries.board(_m(circle, alice), page=2)
    assert len(second["needs"]) == 4
    seen = {n["id"] for n in first["needs"]} | {n["id"] for n in second["needs"]}
    assert len(seen) == BOARD_PAGE + 4
    assert queries.board(_m(circle, alice), page=99)["page"] == 2
    page = _client(alice).get(f"/groups/{circle.slug}/needs/?page=2").content.decode()
    assert "Page 2 of 2" in page and "← Previous" in page
    assert _client(alice).get(f"/groups/{circle.slug}/needs/?page=-1").status_code == 200
