"""Groups on a shared server: invitations, sign-up, roles, and what one member may
reach of a group or of another member (alice and bob in one group, carol in another)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from troth.errors import Forbidden, NotFound, TrothError
from troth.groups import access, actions, queries
from troth.groups.models import Group, Invitation, Membership
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

STRONG = "correct horse battery staple 9"


@pytest.fixture
def carol(db: None) -> Owner:
    user = get_user_model().objects.create_user("carol", "carol@example.org", "password")
    do_ensure_me(user, "Carol")
    return user


@pytest.fixture
def circle(alice: Owner, bob: Owner) -> Group:
    """Tuesday Circle: alice organises, bob is a member."""
    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(group=group, user=bob, role="member", joined_at=timezone.now())
    return group


@pytest.fixture
def other(carol: Owner) -> Group:
    """Acme Alumni: carol organises, alone."""
    return actions.do_create_group("Acme Alumni", organiser=carol)


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------- the service layer


def test_invitation_signs_up_once_and_lands_in_an_empty_troth_of_ones_own(
    circle: Group, alice: Owner
) -> None:
    invitation, token = actions.do_invite(circle, "Dana@Example.ORG", by=alice)
    assert invitation.email == "Dana@example.org" and invitation.digest != token
    assert token not in str(Invitation.objects.values_list().get())  # only the digest kept
    user = actions.do_sign_up(token, username="dana", password=STRONG, name="Dana Reyes")
    assert user.email == "Dana@example.org" and user.check_password(STRONG)
    assert Membership.objects.get(group=circle, user=user).role == "member"
    assert list(Person.objects.filter(owner=user).values_list("full_name", "is_me")) == [
        ("Dana Reyes", True)
    ]
    with pytest.raises(TrothError, match="used already"):
        actions.do_sign_up(token, username="dana2", password=STRONG)


def test_an_expired_withdrawn_or_unknown_invitation_opens_nothing(
    circle: Group, alice: Owner
) -> None:
    now = timezone.now()
    _, old = actions.do_invite(circle, "old@example.org", now=now - timedelta(days=8))
    with pytest.raises(TrothError, match="expired"):
        actions.do_sign_up(old, username="old", password=STRONG)
    _, first = actions.do_invite(circle, "twice@example.org")
    _, second = actions.do_invite(circle, "twice@example.org")  # replaces the first link
    with pytest.raises(TrothError, match="withdrawn"):
        actions.open_invitation(first)
    assert actions.open_invitation(second).email == "twice@example.org"
    for bad in ("", "x" * 43, "../../etc", second[:-1]):
        with pytest.raises(NotFound):
            actions.open_invitation(bad)
    assert get_user_model().objects.filter(username="old").count() == 0


def test_sign_up_checks_the_name_the_password_and_an_existing_account(
    circle: Group, bob: Owner
) -> None:
    _, token = actions.do_invite(circle, "eve@example.org")
    with pytest.raises(TrothError, match="password"):
        actions.do_sign_up(token, username="eve", password="short")
    with pytest.raises(TrothError, match="password"):
        actions.do_sign_up(token, username="eve", password="password123")  # too common
    with pytest.raises(TrothError, match="taken"):
        actions.do_sign_up(token, username="BOB", password=STRONG)
    with pytest.raises(TrothError, match="user name"):
        actions.do_sign_up(token, username="eve smith!", password=STRONG)
    assert actions.open_invitation(token).accepted_at is None  # nothing half-written
    _, again = actions.do_invite(
        circle.__class__.objects.create(name="Other", slug="other", created_at=timezone.now()),
        "bob@example.org",
    )
    with pytest.raises(TrothError, match="exists: sign in"):
        actions.do_sign_up(again, username="bobby", password=STRONG)


def test_a_group_keeps_an_organiser(circle: Group, alice: Owner, bob: Owner) -> None:
    with pytest.raises(Forbidden, match="needs an organiser"):
        actions.do_set_role(circle, alice.id, "member")
    with pytest.raises(Forbidden, match="needs an organiser"):
        actions.do_remove_member(circle, alice.id)
    actions.do_set_role(circle, bob.id, "organiser")
    actions.do_set_role(circle, alice.id, "member")
    actions.do_remove_member(circle, alice.id)
    assert list(Membership.objects.filter(group=circle).values_list("user__username", "role")) == [
        ("bob", "organiser")
    ]
    with pytest.raises(TrothError, match="organiser or member"):
        actions.do_set_role(circle, bob.id, "owner")


def test_group_names_are_checked_and_unique_in_any_case(db: None) -> None:
    actions.do_create_group("Tuesday Circle")
    with pytest.raises(TrothError, match="exists already"):
        actions.do_create_group("  tuesday   circle ")
    for bad, why in (("", "letter"), ("\u200b\u200b", "letter"), ("x" * 121, "at most")):
        with pytest.raises(TrothError, match=why):
            actions.do_create_group(bad)
    assert actions.do_create_group("Tuesday-Circle!").slug == "tuesday-circle-2"


def test_access_hides_other_groups_and_reserves_organiser_work(
    circle: Group, other: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    assert access.access_group(bob, circle.slug) == circle
    with pytest.raises(NotFound) as missing:
        access.access_group(carol, circle.slug)
    with pytest.raises(NotFound) as absent:
        access.access_group(carol, "no-such-group")
    # the same words whether the group exists or not: names cannot be probed
    assert str(missing.value).replace(circle.slug, "?") == str(absent.value).replace(
        "no-such-group", "?"
    )
    with pytest.raises(Forbidden):
        access.access_group_as_organiser(bob, circle.slug)
    assert access.access_group_as_organiser(alice, circle.slug) == circle


# ---------------------------------------------------------------- the web app


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_organiser_invites_and_the_invited_person_signs_up_in_the_browser(
    circle: Group, alice: Owner
) -> None:
    page = _client(alice).post(f"/groups/{circle.slug}/invite", {"email": "dana@example.org"})
    assert page.status_code == 200
    found = re.search(r'value="(http://testserver/join/[^"]+)"', page.content.decode())
    assert found, "the page shows the invitation link"
    link = found[1]
    stranger = Client()
    form = stranger.get(link.removeprefix("http://testserver"))
    assert form.status_code == 200 and b"dana@example.org" in form.content
    path = link.removeprefix("http://testserver")
    bad = stranger.post(path, {"username": "dana", "password": STRONG, "password2": "other"})
    assert bad.status_code == 400 and b"differ" in bad.content
    done = stranger.post(
        path, {"username": "dana", "name": "Dana", "password": STRONG, "password2": STRONG}
    )
    assert done.status_code == 302 and done["Location"] == f"/groups/{circle.slug}/"
    assert stranger.get(done["Location"]).status_code == 200  # signed in
    assert Client().get(path).status_code == 400  # used: a clear page, not a 500


def test_members_see_names_but_only_organisers_see_addresses(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    as_bob = _client(bob).get(f"/groups/{circle.slug}/").content.decode()
    assert "alice" in as_bob and "alice@example.org" not in as_bob
    assert "Make an invitation link" not in as_bob
    as_alice = _client(alice).get(f"/groups/{circle.slug}/").content.decode()
    assert "bob@example.org" in as_alice and "Make an invitation link" in as_alice


def test_no_url_of_a_group_opens_to_a_stranger_or_a_plain_member(
    circle: Group, other: Group, alice: Owner, bob: Owner, carol: Owner
) -> None:
    bob_id = bob.id
    invitation, _ = actions.do_invite(circle, "x@example.org")
    posts = {
        f"/groups/{circle.slug}/invite": {"email": "evil@example.org"},
        f"/groups/{circle.slug}/members/{bob_id}/role": {"role": "organiser"},
        f"/groups/{circle.slug}/members/{alice.id}/remove": {},
        f"/groups/{circle.slug}/invitations/{invitation.id}/revoke": {},
    }
    as_carol = _client(carol)
    assert as_carol.get(f"/groups/{circle.slug}/").status_code == 404
    assert as_carol.post(f"/groups/{circle.slug}/leave").status_code == 404
    for url, data in posts.items():
        assert as_carol.post(url, data).status_code == 404, url
        assert _client(bob).post(url, data).status_code == 403, url
    # nothing changed
    assert Membership.objects.get(group=circle, user=bob).role == "member"
    assert Membership.objects.filter(group=circle).count() == 2
    assert Invitation.objects.get(id=invitation.id).revoked_at is None
    assert not Invitation.objects.filter(email="evil@example.org").exists()
    # an organiser of one group has no reach into another
    assert _client(alice).get(f"/groups/{other.slug}/").status_code == 404
    anonymous = Client().get(f"/groups/{circle.slug}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_member_leaves_and_keeps_their_own_troth(circle: Group, bob: Owner) -> None:
    people = Person.objects.filter(owner=bob).count()
    answer = _client(bob).post(f"/groups/{circle.slug}/leave")
    assert answer.status_code == 302
    assert not Membership.objects.filter(group=circle, user=bob).exists()
    assert Person.objects.filter(owner=bob).count() == people
    assert queries.groups_of(bob) == []


def test_deleting_an_account_takes_its_memberships_not_the_group(circle: Group, bob: Owner) -> None:
    bob.delete()
    assert Group.objects.filter(id=circle.id).exists()
    assert Membership.objects.filter(group=circle).count() == 1


# ---------------------------------------------------------------- the operator's CLI


def test_the_operator_creates_invites_and_lists_from_the_command_line(
    cli: Cli, alice: Owner
) -> None:
    cli("group", "create", "Job Club", "--organiser", "alice")
    cli("group", "create", "job club", code=2)
    out = cli("group", "invite", "job-club", "dana@example.org", "--url", "https://t.example")
    link = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"https://t\.example/join/[A-Za-z0-9_-]{43}", link), link
    actions.do_sign_up(_token(link), username="dana", password=STRONG)
    cli("group", "invite", "Job Club", "erin@example.org", "--url", "https://t.example")
    data = cli.json("group", "members", "job-club")
    assert [(m["username"], m["role"], m["email"]) for m in data["members"]] == [
        ("alice", "organiser", "alice@example.org"),
        ("dana", "member", "dana@example.org"),
    ]
    assert [i["email"] for i in data["invitations"]] == ["erin@example.org"]
    assert cli.json("group", "list")["groups"][0]["members"] == 2
    cli("group", "role", "job-club", "dana", "organiser")
    cli("group", "remove", "job-club", "alice")
    assert [m["username"] for m in cli.json("group", "members", "job-club")["members"]] == ["dana"]


def test_the_operators_bad_input_is_one_line_and_exit_2(cli: Cli, alice: Owner) -> None:
    cli("group", "create", "Job Club")
    err = cli("group", "invite", "nope", "a@example.org", "--url", "https://t.example", code=2)
    assert err.stderr.strip().startswith("troth: error: no group named 'nope'")
    err = cli("group", "invite", "job-club", "not-an-address", "--url", "https://t.example", code=2)
    assert "not an e-mail address" in err.stderr
    err = cli("group", "invite", "job-club", "a@example.org", code=2)
    assert "--url" in err.stderr
    cli("group", "role", "job-club", "nobody", "member", code=2)
    assert Invitation.objects.count() == 0


def test_an_invitation_opens_only_for_its_own_address(
    circle: Group, other: Group, alice: Owner, carol: Owner
) -> None:
    _, token = actions.do_invite(circle, "dave@example.org")
    with pytest.raises(Forbidden, match="for dave@example.org"):
        actions.do_join(token, carol)  # signed in as someone else, link in hand
    answer = _client(carol).post(f"/join/{token}")
    assert answer.status_code == 403
    assert not Membership.objects.filter(group=circle, user=carol).exists()
    dave = get_user_model().objects.create_user("dave", "Dave@example.org", "x")
    actions.do_join(token, dave)
    assert Membership.objects.filter(group=circle, user=dave).exists()


def test_the_operator_is_told_when_a_name_is_also_anothers_address(
    cli: Cli, alice: Owner, bob: Owner
) -> None:
    get_user_model().objects.create_user("bob@example.org", "mallory@example.org", "x")
    cli("group", "create", "Job Club", "--organiser", "alice")
    err = cli("group", "role", "job-club", "bob@example.org", "organiser", code=2)
    assert "user name of bob@example.org" in err.stderr and "address of bob" in err.stderr
