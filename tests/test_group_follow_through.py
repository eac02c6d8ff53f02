"""Follow-through bands: loops closed or left open over six months, a band not a
rank, shown to the group only with the member's consent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from troth.groups import actions, introductions, queries
from troth.groups.bands import MIN_LOOPS, Loops, band
from troth.groups.models import GroupNeed, MemberIntro, Membership
from troth.owned import Owner

if TYPE_CHECKING:
    from troth.groups.models import Group


@pytest.fixture
def circle(alice: Owner, bob: Owner) -> Group:
    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(
        group=group, user=bob, joined_at=timezone.now(), give_first_waived=True
    )
    return group


def _m(group: Group, user: Owner) -> Membership:
    return Membership.objects.get(group=group, user=user)


def test_bands_from_loops() -> None:
    assert band(Loops(answered=1, to_answer=1)) == ("new", "too early to say")
    assert band(Loops(answered=4, to_answer=4, needs_closed=1, needs_ended=1))[0] == "steady"
    assert band(Loops(answered=3, to_answer=5))[0] == "usually"
    assert band(Loops(answered=1, to_answer=5))[0] == "sometimes"
    assert Loops(answered=2, to_answer=3, thanked=1, to_thank=1).total == 4
    assert MIN_LOOPS == 3


def test_loops_count_answers_within_a_week_thanks_and_needs(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    day = dt.timedelta(days=1)
    me, him = _m(circle, alice), _m(circle, bob)
    quick = introductions.do_ask_member(me, bob.id, "a lawyer", now=start)
    introductions.do_answer_ask(him, quick.id, True, now=start + 2 * day)
    introductions.do_target_answer(him, quick.id, True, shared="Pat", now=start + 3 * day)
    introductions.do_mark_introduced(him, quick.id, now=start + 4 * day)
    slow = introductions.do_ask_member(me, bob.id, "an accountant", now=start)
    introductions.do_answer_ask(him, slow.id, False, now=start + 10 * day)  # after a week
    introductions.do_ask_member(me, bob.id, "a designer", now=start)  # never answered
    offer = introductions.do_offer_intro(
        him, actions.do_post_need(me, "a mentor", now=start).id, "a VP", now=start
    )
    introductions.do_answer_offer(me, offer.id, False, now=start + day)  # alice answers
    expired = actions.do_post_need(me, "an old need", days=7, now=start)
    GroupNeed.objects.filter(id=expired.id).update(posted_at=start)
    loops = queries.follow_through(circle)
    bob_loops, alice_loops = loops[bob.id], loops[alice.id]
    assert (bob_loops.answered, bob_loops.to_answer) == (1, 3)
    # alice: the offer answered in a day; the introduction made for her not thanked
    # after a week; one need expired open, one still open (not counted yet)
    assert (alice_loops.answered, alice_loops.to_answer) == (1, 1)
    assert (alice_loops.thanked, alice_loops.to_thank) == (0, 1)
    assert (alice_loops.needs_closed, alice_loops.needs_ended) == (0, 1)
    introductions.do_thank(me, quick.id, "an interview")
    after = queries.follow_through(circle)[alice.id]
    assert (after.thanked, after.outcomes, after.thanks_given) == (1, 1, 1)
    assert MemberIntro.objects.filter(offered=True).count() == 1


def test_a_band_is_shown_only_with_consent(circle: Group, alice: Owner, bob: Owner) -> None:
    for k in range(3):
        need = actions.do_post_need(_m(circle, bob), f"need {k}")
        actions.do_close_need(_m(circle, bob), need.id, "dropped")
    client = Client()
    client.force_login(alice)
    page = client.get(f"/groups/{circle.slug}/").content.decode()
    assert "closes nearly every loop" not in page  # bob's, not shared
    assert "too early to say (only you see this)" in page  # alice's own
    bob_client = Client()
    bob_client.force_login(bob)
    assert (
        bob_client.post(f"/groups/{circle.slug}/follow-through", {"share": "1"}).status_code == 302
    )
    page = client.get(f"/groups/{circle.slug}/").content.decode()
    assert "steady: closes nearly every loop" in page
    bob_client.post(f"/groups/{circle.slug}/follow-through", {"share": "0"})
    assert "closes nearly every loop" not in client.get(f"/groups/{circle.slug}/").content.decode()
