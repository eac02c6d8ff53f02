"""Introductions between members: double opt-in at every step, the person to be met
named only once they agreed, each side kept in the member's own troth, capacity and
pause, expiry after 14 days with two reminders; and no member reaching another's."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.groups import actions, introductions, queries
from troth.groups.models import MemberIntro, Membership
from troth.ledger.models import Commitment, Favor
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.models import Person

if TYPE_CHECKING:
    from collections.abc import Callable

    from troth.groups.models import Group


@pytest.fixture
def carol(db: None) -> Owner:
    user = get_user_model().objects.create_user("carol", "carol@example.org", "password")
    do_ensure_me(user, "Carol Diaz")
    return user


@pytest.fixture
def circle(alice: Owner, bob: Owner, carol: Owner) -> Group:
    """alice organises; bob and carol are members (give first waived for carol)."""
    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    for user in (bob, carol):
        Membership.objects.create(
            group=group, user=user, joined_at=timezone.now(), give_first_waived=user == carol
        )
    return group


def _m(group: Group, user: Owner) -> Membership:
    return Membership.objects.get(group=group, user=user)


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_ask_goes_through_every_opt_in_and_lands_in_both_troths(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    need = actions.do_post_need(_m(circle, alice), "An introduction to someone at Stripe")
    intro = introductions.do_ask_member(_m(circle, alice), bob.id, "", need_id=need.id)
    assert intro.state == "asked" and intro.ask == need.text
    # nothing in anyone's troth before the connector says yes
    assert not Commitment.objects.filter(owner__in=[alice, bob]).exists()
    introductions.do_answer_ask(_m(circle, bob), intro.id, True, hint="a product lead at Stripe")
    mine = Commitment.objects.get(owner=alice)
    theirs = Commitment.objects.get(owner=bob)
    assert mine.debtor.full_name == "Bob" and mine.creditor.is_me  # bob owes alice, in hers
    assert theirs.debtor.is_me and theirs.creditor.full_name == "Alice"  # and in his
    assert "a product lead at Stripe" in mine.what
    assert mine.due_on == timezone.localdate() + dt.timedelta(days=14)
    # the requester does not see who, until that person agreed
    row = queries.member_intros(_m(circle, alice))["under_way"][0]
    assert row["shared"] == "" and row["hint"] == "a product lead at Stripe"
    with pytest.raises(TrothError, match="who they are"):
        introductions.do_target_answer(_m(circle, bob), intro.id, True, shared=" ")
    introductions.do_target_answer(
        _m(circle, bob), intro.id, True, shared="Ralph Chen, ralph@stripe.example"
    )
    row = queries.member_intros(_m(circle, alice))["under_way"][0]
    assert row["shared"] == "Ralph Chen, ralph@stripe.example"
    introductions.do_mark_introduced(_m(circle, bob), intro.id)
    assert set(Commitment.objects.values_list("status", flat=True)) == {"kept"}
    received = Favor.objects.get(owner=alice)
    assert received.giver.full_name == "Bob" and received.kind == "intro"
    assert received.thanked_on is None
    assert Favor.objects.get(owner=bob).receiver.full_name == "Alice"
    waiting = queries.member_intros(_m(circle, alice))["waiting"]
    assert [r["state"] for r in waiting] == ["introduced"]  # the thanks is alice's to give
    introductions.do_thank(_m(circle, alice), intro.id, "an interview next week")
    assert Favor.objects.get(owner=alice).thanked_on == timezone.localdate()
    assert MemberIntro.objects.get().state == "thanked"
    # each troth has one person for the other member, found again next time
    assert Person.objects.filter(owner=alice, full_name="Bob").count() == 1


def test_an_offer_waits_for_the_requester_and_a_no_ends_quietly(
    circle: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    need = actions.do_post_need(_m(circle, alice), "A mentor in product")
    with pytest.raises(TrothError, match="no names yet"):
        introductions.do_offer_intro(_m(circle, bob), need.id, "")
    offer = introductions.do_offer_intro(_m(circle, bob), need.id, "a VP of product I know well")
    assert need.offers.filter(helper=bob).exists()  # the board counts it as help offered
    with pytest.raises(TrothError, match="already"):
        introductions.do_offer_intro(_m(circle, bob), need.id, "again")
    with pytest.raises(NotFound):  # only the requester accepts
        introductions.do_answer_offer(_m(circle, carol), offer.id, True)
    introductions.do_answer_offer(_m(circle, alice), offer.id, True)
    assert Commitment.objects.filter(status="open").count() == 2
    introductions.do_target_answer(_m(circle, bob), offer.id, False)
    assert set(Commitment.objects.values_list("status", flat=True)) == {"released"}
    closed = queries.member_intros(_m(circle, alice))["closed"][0]
    assert closed["state_words"] == "not this time" and closed["shared"] == ""


def test_capacity_pause_and_give_first(
    circle: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    introductions.do_set_connector(_m(circle, bob), capacity=1)
    introductions.do_ask_member(_m(circle, alice), bob.id, "a lawyer")
    with pytest.raises(TrothError, match="as many as they take"):
        introductions.do_ask_member(_m(circle, carol), bob.id, "an accountant")
    introductions.do_set_connector(_m(circle, bob), capacity=4, paused=True)
    with pytest.raises(TrothError, match="not taking introduction asks"):
        introductions.do_ask_member(_m(circle, carol), bob.id, "an accountant")
    with pytest.raises(TrothError, match="0 to 50"):
        introductions.do_set_connector(_m(circle, bob), capacity=99)
    actions.do_post_need(_m(circle, alice), "a designer")  # something bob could help with
    with pytest.raises(TrothError, match="give first"):  # bob has not given yet
        introductions.do_ask_member(_m(circle, bob), carol.id, "a designer")
    introductions.do_set_connector(_m(circle, bob), paused=False)
    with pytest.raises(TrothError, match="already"):
        introductions.do_ask_member(_m(circle, alice), bob.id, "a lawyer")
    with pytest.raises(NotFound):
        introductions.do_ask_member(_m(circle, alice), alice.id, "myself")


def test_unanswered_asks_get_two_reminders_then_expire(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    start = timezone.now()
    intro = introductions.do_ask_member(_m(circle, alice), bob.id, "a lawyer", now=start)
    reminded = []
    for day in range(1, 15):
        expired, remind = introductions.do_expire_and_remind(start + dt.timedelta(days=day))
        reminded += [day for _ in remind]
        if expired:
            break
    assert reminded == [5, 10] and day == 14
    assert MemberIntro.objects.get(id=intro.id).state == "expired"
    with pytest.raises(TrothError, match="expired"):
        introductions.do_answer_ask(_m(circle, bob), intro.id, True)


def test_no_member_moves_another_members_introduction(
    circle: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    other = actions.do_create_group("Acme Alumni", organiser=carol)
    intro = introductions.do_ask_member(_m(circle, alice), bob.id, "a lawyer")
    steps: tuple[Callable[[Membership], object], ...] = (
        lambda m: introductions.do_answer_ask(m, intro.id, True),
        lambda m: introductions.do_target_answer(m, intro.id, True, shared="x"),
        lambda m: introductions.do_mark_introduced(m, intro.id),
    )
    for do in steps:
        with pytest.raises(NotFound):
            do(_m(circle, carol))
        with pytest.raises(NotFound):
            do(_m(circle, alice))  # the requester cannot play the connector
    with pytest.raises(NotFound):
        introductions.do_withdraw(_m(circle, bob), intro.id)  # nor the connector the requester
    with pytest.raises(NotFound):
        introductions.do_answer_ask(_m(other, carol), intro.id, True)  # from another group
    for name in ("agree", "decline", "they-agreed", "introduced", "withdraw", "thank"):
        url = f"/groups/{circle.slug}/intros/{intro.id}/{name}"
        assert _client(carol).post(url, {"shared": "x"}).status_code == 404, name
        assert (
            _client(carol).post(f"/groups/{other.slug}/intros/{intro.id}/{name}").status_code == 404
        )
    assert MemberIntro.objects.get(id=intro.id).state == "asked"
    assert queries.member_intros(_m(circle, carol)) == {
        "waiting": [],
        "under_way": [],
        "closed": [],
    }
    page = _client(carol).get(f"/groups/{circle.slug}/intros/").content.decode()
    assert "a lawyer" not in page


def test_introductions_in_the_browser(circle: Group, alice: Owner, bob: Owner) -> None:
    actions.do_publish_profile(_m(circle, bob), companies="Stripe")
    need = actions.do_post_need(_m(circle, alice), "An introduction to someone at Stripe")
    board = _client(alice).get(f"/groups/{circle.slug}/needs/").content.decode()
    assert "Ask Bob for an introduction" in board
    asked = _client(alice).post(
        f"/groups/{circle.slug}/intros/ask", {"connector": str(bob.id), "need": str(need.id)}
    )
    assert asked.status_code == 302
    intro = MemberIntro.objects.get()
    page = _client(bob).get(f"/groups/{circle.slug}/intros/").content.decode()
    assert "Yes, I'll ask them" in page
    base = f"/groups/{circle.slug}/intros/{intro.id}"
    assert _client(bob).post(f"{base}/agree", {"hint": "a PM at Stripe"}).status_code == 302
    bad = _client(bob).post(f"{base}/they-agreed", {"shared": ""})
    assert bad.status_code == 400 and "who they are" in bad.content.decode()
    assert _client(bob).post(f"{base}/they-agreed", {"shared": "Ralph"}).status_code == 302
    assert _client(bob).post(f"{base}/introduced").status_code == 302
    wrong = _client(bob).post(f"{base}/introduced")
    assert wrong.status_code == 400 and "not open" in wrong.content.decode()
    assert _client(alice).post(f"{base}/thank", {"outcome": "coffee"}).status_code == 302
    assert MemberIntro.objects.get().state == "thanked"
    assert _client(alice).post(f"{base}/nonsense").status_code == 404
    saved = _client(bob).post(f"/groups/{circle.slug}/intros/settings", {"capacity": "2"})
    assert saved.status_code == 302 and _m(circle, bob).intro_capacity == 2
    bad = _client(bob).post(f"/groups/{circle.slug}/intros/settings", {"capacity": "x"})
    assert bad.status_code == 400


def test_a_member_cannot_steer_an_introduction_onto_someone_in_anothers_troth(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    """bob takes the address of jane (in alice's troth), then the name of sam (also in
    it): what lands in alice's troth lands on a Person of bob's own, every time."""
    from troth.people.actions import do_add_person

    jane = do_add_person(alice, "Jane Roe", emails=["jane@corp.test"])
    sam = do_add_person(alice, "Sam Lee", emails=["sam@corp.test"])
    bob.email = "jane@corp.test"
    bob.save()
    first = actions.do_post_need(_m(circle, alice), "A mentor in product")
    offer = introductions.do_offer_intro(_m(circle, bob), first.id, "a VP I know")
    introductions.do_answer_offer(_m(circle, alice), offer.id, True)
    promise = Commitment.objects.get(owner=alice)
    assert promise.debtor_id not in (jane.id, sam.id) and promise.debtor.full_name == "Bob"
    assert not promise.debtor.contact_points.exists()  # jane's address stays jane's
    Person.objects.filter(owner=bob, is_me=True).update(full_name="Sam Lee")
    bob.email = "bob-evil@a.test"
    bob.save()
    second = actions.do_post_need(_m(circle, alice), "A designer")
    offer = introductions.do_offer_intro(_m(circle, bob), second.id, "a designer friend")
    introductions.do_answer_offer(_m(circle, alice), offer.id, True)
    again = Commitment.objects.filter(owner=alice).order_by("-id").first()
    assert again is not None and again.debtor_id == promise.debtor_id  # the same Person
    assert not sam.contact_points.filter(value="bob-evil@a.test").exists()
    assert not Commitment.objects.filter(owner=alice, debtor__in=[jane, sam]).exists()


def test_asks_withdrawn_before_an_answer_do_not_use_up_a_connector(
    circle: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    introductions.do_set_connector(_m(circle, alice), capacity=2)
    for k in range(4):  # bob asks and withdraws, again and again
        intro = introductions.do_ask_member(_m(circle, bob), alice.id, f"ask {k}")
        introductions.do_withdraw(_m(circle, bob), intro.id)
    introductions.do_ask_member(_m(circle, carol), alice.id, "a lawyer")  # still room
    row = queries.member_intros(_m(circle, alice))["waiting"][0]
    assert row["other"] == "Carol Diaz (carol)"  # a chosen name, with the account's
