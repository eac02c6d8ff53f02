"""A group's join link (a request waits for an organiser, who answers with an
invitation), invitations mailed from the web, and the reminders `troth worker` sends,
through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import re
import socket
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone
from time_machine import TimeMachineFixture

from troth.errors import NotFound, TrothError
from troth.groups import actions, introductions, tasks
from troth.groups.models import Invitation, JoinRequest, MemberIntro, Membership
from troth.owned import Owner

if TYPE_CHECKING:
    from conftest import Inbox
    from troth.groups.models import Group

pytestmark = pytest.mark.usefixtures("no_mail_settings")


@pytest.fixture
def circle(alice: Owner, bob: Owner) -> Group:
    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(group=group, user=bob, joined_at=timezone.now())
    return group


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_join_link_request_waits_for_an_organiser_then_becomes_an_invitation(
    circle: Group, alice: Owner, bob: Owner, inbox: Inbox
) -> None:
    organiser = _client(alice)
    page = organiser.post(f"/groups/{circle.slug}/join-link", {"action": "new"})
    found = re.search(r'value="http://testserver(/join-group/[^"]+)"', page.content.decode())
    assert page.status_code == 200 and found
    stranger = Client()
    assert stranger.get(found[1]).status_code == 200
    bad = stranger.post(found[1], {"name": "Erin", "email": "nope"})
    assert bad.status_code == 400 and "not an e-mail address" in bad.content.decode()
    asked = stranger.post(found[1], {"name": "Erin Park", "email": "erin@example.org"})
    assert asked.status_code == 200 and "organisers will see" in asked.content.decode()
    again = stranger.post(found[1], {"name": "Erin Park", "email": "ERIN@example.org"})
    assert again.status_code == 400 and "asked already" in again.content.decode()
    assert not Invitation.objects.exists()  # nothing until an organiser approves
    request = JoinRequest.objects.get()
    url = f"/groups/{circle.slug}/join-requests/{request.id}/approve"
    assert _client(bob).post(url).status_code == 403  # a member cannot approve
    assert "Erin Park" in organiser.get(f"/groups/{circle.slug}/").content.decode()
    approved = organiser.post(url, {"send": "1"})
    assert approved.status_code == 200 and "Sent the invitation to erin@example.org" in (
        approved.content.decode()
    )
    [text] = inbox.texts()
    token = re.search(r"/join/([A-Za-z0-9_-]{43})", text)
    assert token and actions.open_invitation(token[1]).email == "erin@example.org"
    assert organiser.post(url).status_code == 404  # decided already
    # a new link stops the old one; closing stops any
    organiser.post(f"/groups/{circle.slug}/join-link", {"action": "new"})
    assert stranger.get(found[1]).status_code == 404
    actions.do_close_join_link(circle)
    with pytest.raises(NotFound):
        actions.group_for_join_link(found[1].rsplit("/", 1)[-1])


def test_a_declined_request_invites_nobody(circle: Group, alice: Owner) -> None:
    token = actions.do_new_join_link(circle)
    request = actions.do_request_to_join(token, email="x@example.org", name="X")
    answer = _client(alice).post(f"/groups/{circle.slug}/join-requests/{request.id}/decline")
    assert answer.status_code == 302
    assert JoinRequest.objects.get().approved is False and not Invitation.objects.exists()
    with pytest.raises(TrothError, match="member of Tuesday Circle already"):
        actions.do_request_to_join(token, email="bob@example.org", name="Bob")


def test_an_invitation_mailed_from_the_web(circle: Group, alice: Owner, inbox: Inbox) -> None:
    page = _client(alice).post(
        f"/groups/{circle.slug}/invite", {"email": "dana@example.org", "send": "1"}
    )
    assert "Sent the invitation to dana@example.org" in page.content.decode()
    assert "/join/" in inbox.texts()[0]


def test_an_invitation_that_cannot_be_mailed_still_shows_its_link(
    circle: Group, alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("TROTH_SMTP_PORT", str(s.getsockname()[1]))
    page = (
        _client(alice)
        .post(f"/groups/{circle.slug}/invite", {"email": "dana@example.org", "send": "1"})
        .content.decode()
    )
    assert "cannot send the invitation" in page and "send the link yourself" in page
    assert 'aria-label="Invitation link for dana@example.org"' in page


def test_the_worker_reminders_task_mails_and_closes(
    circle: Group, alice: Owner, bob: Owner, inbox: Inbox, time_machine: TimeMachineFixture
) -> None:
    start = timezone.now()
    intro = introductions.do_ask_member(
        Membership.objects.get(group=circle, user=alice), bob.id, "a lawyer", now=start
    )
    time_machine.move_to(start + dt.timedelta(days=5, minutes=1))
    result = tasks.remind_members.call("https://t.example")
    assert result == "0 expired, 1 reminded"
    assert "https://t.example/groups/tuesday-circle/intros/" in inbox.texts()[0]
    time_machine.move_to(start + dt.timedelta(days=15))
    assert tasks.remind_members.call("https://t.example") == "1 expired, 0 reminded"
    assert MemberIntro.objects.get(id=intro.id).state == "expired"
