"""A member's own account on a server: change the address, change and reset the
password (the reset mail through a real SMTP server on 127.0.0.1), delete the account
and everything it owns; none of it in local mode."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

from troth.errors import Forbidden, TrothError
from troth.groups import accounts, actions
from troth.groups.models import Membership
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Inbox

STRONG = "correct horse battery staple 9"
pytestmark = pytest.mark.usefixtures("no_mail_settings")


@pytest.fixture
def dana(db: None) -> Owner:
    user = get_user_model().objects.create_user("dana", "dana@example.org", STRONG)
    return user


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_address_counts_only_once_its_mailed_link_is_opened(
    dana: Owner, bob: Owner, inbox: Inbox
) -> None:
    with pytest.raises(TrothError, match="not your current password"):
        accounts.do_request_email_change(dana, "d@example.org", "wrong")
    with pytest.raises(TrothError, match="another account"):
        accounts.do_request_email_change(dana, "BOB@example.org", STRONG)
    with pytest.raises(TrothError, match="not an e-mail address"):
        accounts.do_request_email_change(dana, "nope", STRONG)
    client = _client(dana)
    page = client.post("/account/email", {"email": "x", "password": STRONG})
    assert page.status_code == 400 and "not an e-mail address" in page.content.decode()
    asked = client.post("/account/email", {"email": "Dana@Example.ORG", "password": STRONG})
    assert asked.status_code == 302
    dana.refresh_from_db()
    assert dana.email == "dana@example.org"  # unchanged until the link is opened
    [envelope] = inbox.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["To"] == "Dana@example.org"
    found = re.search(r"http://testserver(/account/email/confirm/\S+)", message.get_content())
    assert found, message.get_content()
    assert _client(bob).get(found[1]).status_code == 404  # another account's link
    assert client.get(found[1]).status_code == 302
    dana.refresh_from_db()
    assert dana.email == "Dana@example.org"
    stale = client.get(found[1])  # the address changed since: the link is spent
    assert stale.status_code == 400 and "changed since" in stale.content.decode()
    assert client.get("/account/email/confirm/forged:token").status_code == 404


def test_deleting_an_account_takes_its_troth_and_nothing_else(dana: Owner, bob: Owner) -> None:
    do_add_person(dana, "Ralph Chen")
    do_add_person(bob, "Ralph Chen")
    group = actions.do_create_group("Job Club", organiser=dana)
    Membership.objects.create(group=group, user=bob, joined_at=timezone.now())
    with pytest.raises(TrothError, match="only organiser"):
        accounts.do_delete_account(dana, STRONG)
    actions.do_set_role(group, bob.id, "organiser")
    bad = _client(dana).post("/account/delete", {"password": "wrong"})
    assert bad.status_code == 400 and get_user_model().objects.filter(id=dana.id).exists()
    done = _client(dana).post("/account/delete", {"password": STRONG})
    assert done.status_code == 200 and "deleted" in done.content.decode()
    assert not get_user_model().objects.filter(username="dana").exists()
    assert not Person.objects.filter(owner_id=dana.id).exists()
    assert Person.objects.filter(owner=bob, full_name="Ralph Chen").exists()
    assert list(
        Membership.objects.filter(group=group).values_list("user__username", flat=True)
    ) == ["bob"]


def test_the_local_owner_has_no_account_to_delete(db: None) -> None:
    from troth.owners import local_owner

    with pytest.raises(Forbidden):
        accounts.do_delete_account(local_owner(), "")


@override_settings(TROTH_LOCAL_LOGIN=True)
def test_local_mode_has_no_account_pages(db: None) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1")
    assert client.get("/account/").status_code == 404
    assert "Your account" not in client.get("/settings/").content.decode()


def test_change_the_password(dana: Owner) -> None:
    client = _client(dana)
    bad = client.post(
        "/account/password",
        {"old_password": STRONG, "new_password1": "short", "new_password2": "short"},
    )
    assert bad.status_code == 200 and "too short" in bad.content.decode()  # Django's form
    new = "another long passphrase 7"
    done = client.post(
        "/account/password", {"old_password": STRONG, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    dana.refresh_from_db()
    assert dana.check_password(new)


def test_a_forgotten_password_is_reset_by_mail_once(dana: Owner, inbox: Inbox) -> None:
    anonymous = Client()
    assert anonymous.get("/login/").content.decode().count("Forgot your password?") == 1
    sent = anonymous.post("/password-reset/", {"email": "dana@example.org"})
    assert sent.status_code == 302
    unknown = anonymous.post("/password-reset/", {"email": "nobody@example.org"})
    assert unknown.status_code == 302 and unknown["Location"] == sent["Location"]  # no hint
    [envelope] = inbox.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["To"] == "dana@example.org"
    found = re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", message.get_content())
    assert found, message.get_content()
    form = anonymous.get(found[1], follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    new = "a brand new passphrase 42"
    done = anonymous.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    dana.refresh_from_db()
    assert dana.check_password(new)
    again = Client().get(found[1], follow=True)
    assert "was used already" in again.content.decode()


def test_a_reset_mail_that_fails_says_nothing_to_the_asker(
    dana: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("TROTH_SMTP_PORT", str(s.getsockname()[1]))
    answer = Client().post("/password-reset/", {"email": "dana@example.org"})
    assert answer.status_code == 302  # the same as for an unknown address


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_new_password_from_the_mailed_link_lifts_a_sign_in_lock(
    dana: Owner, inbox: Inbox
) -> None:
    for _ in range(2):  # anyone who knows the user name can do this
        Client().post("/login/", {"username": "dana", "password": "wrong"})
    locked = Client().post("/login/", {"username": "dana", "password": STRONG})
    assert locked.status_code == 429
    Client().post("/password-reset/", {"email": "dana@example.org"})
    message = email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", message.get_content())
    assert link, message.get_content()
    client = Client()
    form = client.get(link[1], follow=True)
    new = "a fresh passphrase for dana 8"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert Client().post("/login/", {"username": "dana", "password": new}).status_code == 302


def test_reset_mails_to_one_address_are_limited(dana: Owner, inbox: Inbox) -> None:
    for _ in range(6):
        answer = Client().post("/password-reset/", {"email": "dana@example.org"})
        assert answer.status_code == 302  # the same answer every time
    assert len(inbox.envelopes) == accounts.RESET_MAILS_PER_HOUR
