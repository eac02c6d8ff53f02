"""The group server's mail: invitations with --send, and reminders of introduction
asks (troth group remind), through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import re
import socket
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from time_machine import TimeMachineFixture

from troth.groups import actions, introductions
from troth.groups.models import Invitation, MemberIntro, Membership
from troth.owned import Owner

if TYPE_CHECKING:
    from conftest import Cli, Inbox

pytestmark = pytest.mark.usefixtures("no_mail_settings")


def test_an_invitation_sent_by_mail_carries_a_link_that_works(
    cli: Cli, inbox: Inbox, alice: Owner
) -> None:
    cli("group", "create", "Job Club")
    out = cli("group", "invite", "job-club", "dana@example.org", "--send", "--url", "https://t.x")
    assert "Sent the invitation to dana@example.org" in out.stdout
    assert "/join/" not in out.stdout  # the link went by mail only
    [message] = inbox.messages()
    assert message["To"] == "dana@example.org" and "Job Club" in message["Subject"]
    found = re.search(r"https://t\.x/join/([A-Za-z0-9_-]{43})", message.get_content())
    assert found, message.get_content()
    token = found[1]
    assert actions.open_invitation(token).email == "dana@example.org"


def test_an_invitation_that_cannot_be_sent_is_not_kept(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, alice: Owner
) -> None:
    cli("group", "create", "Job Club")
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("TROTH_SMTP_PORT", str(s.getsockname()[1]))
    err = cli(
        "group", "invite", "job-club", "d@example.org", "--send", "--url", "https://t.x", code=2
    )
    assert err.stderr.startswith("troth: error: cannot send the invitation")
    assert not Invitation.objects.exists()


def test_remind_sends_two_reminders_then_closes_the_ask(
    cli: Cli, inbox: Inbox, alice: Owner, bob: Owner, time_machine: TimeMachineFixture
) -> None:
    group = actions.do_create_group("Job Club", organiser=alice)
    Membership.objects.create(group=group, user=bob, joined_at=timezone.now())
    start = timezone.now()
    membership = Membership.objects.get(group=group, user=alice)
    intro = introductions.do_ask_member(membership, bob.id, "an intro to a CFO", now=start)
    sent_on = []
    for day in range(1, 16):
        time_machine.move_to(start + dt.timedelta(days=day, minutes=1))
        before = len(inbox.envelopes)
        cli("group", "remind", "--url", "https://t.x")
        sent_on += [day] * (len(inbox.envelopes) - before)
    assert sent_on == [5, 10]
    first = inbox.messages()[0]
    assert first["To"] == "bob@example.org"
    assert "Alice asked you for an introduction: an intro to a CFO" in first.get_content()
    assert f"https://t.x/groups/job-club/intros/#intro-{intro.id}" in first.get_content()
    assert MemberIntro.objects.get().state == "expired"
