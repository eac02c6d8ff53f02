"""Settings through Django's test client (real database): identities, the tier
rhythms, the digest over a real SMTP server on loopback, and the private calendar
subscription URL whose feed is read back with icalendar."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from troth.agenda.models import CalendarToken, DigestLog
from troth.ledger.actions import do_make_promise
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import ContactPoint

if TYPE_CHECKING:
    from aiosmtpd.smtp import SMTP, Envelope, Session
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.usefixtures("no_mail_settings")


def text(response: Response) -> str:
    return response.content.decode()


def me_points(owner: Owner) -> list[tuple[str, str]]:
    return sorted(
        ContactPoint.objects.filter(owner=owner, person=me_person(owner)).values_list(
            "kind", "value"
        )
    )


# -- the page -----------------------------------------------------------------------


def test_settings_page_shows_identity_rhythms_digest_and_calendar(
    web: Client, alice: Owner
) -> None:
    r = web.get("/settings/")
    assert r.status_code == 200
    page = text(r)
    assert 'aria-current="page">Settings' in page
    assert 'value="Alice"' in page
    # the tier rhythms: editable, with how to change one person's
    assert 'name="cad-inner" value="7"' in page and 'name="cad-network" value="365"' in page
    assert "every week, the default" in page and "Keep in touch" in page
    assert "a reconnect once quiet for 90 days" in page
    assert "troth cadence NAME 2w" in page
    assert "Server</dt><dd>not set" in page and "Send me the digest now" in page
    assert "No subscription address yet" in page
    assert page.count('name="csrfmiddlewaretoken"') >= 3


def test_password_is_never_shown(web: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("TROTH_SMTP_USER", "me@example.org")
    monkeypatch.setenv("TROTH_SMTP_PASSWORD", "hunter2-secret")
    page = text(web.get("/settings/"))
    assert "smtp.example.org:587 (STARTTLS)" in page and "me@example.org" in page
    assert "set (not shown)" in page and "hunter2-secret" not in page


def test_a_misconfigured_server_is_said_plainly(
    web: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TROTH_SMTP_PORT", "smtp")
    r = web.get("/settings/")
    assert r.status_code == 200
    assert "TROTH_SMTP_PORT=&#x27;smtp&#x27; is not a port number" in text(r)


# -- identities ----------------------------------------------------------------------


def test_identity_saves_name_email_and_linkedin(web: Client, alice: Owner) -> None:
    r = web.post(
        "/settings/identity",
        {
            "me-name": "Alice Marr",
            "me-email": "Alice@Example.org",
            "me-linkedin": "linkedin.com/in/alice",
        },
        **HTMX,
    )
    assert r.status_code == 200
    page = text(r)
    assert 'id="settings-identity"' in page and "Saved. Added alice@example.org." in page
    me = me_person(alice)
    assert me.full_name == "Alice Marr" and me.name_key == "me"
    assert me_points(alice) == [
        ("email", "alice@example.org"),
        ("url", "https://linkedin.com/in/alice"),
    ]
    # a new LinkedIn URL replaces the old one; other addresses stay
    r = web.post(
        "/settings/identity",
        {"me-name": "Alice Marr", "me-linkedin": "https://www.linkedin.com/in/alice-marr/"},
    )
    assert r.status_code == 302 and r["Location"] == "/settings/"
    assert me_points(alice) == [
        ("email", "alice@example.org"),
        ("url", "https://linkedin.com/in/alice-marr"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"me-name": "  "}, "This field is required."),
        ({"me-name": "Alice", "me-email": "not-an-address"}, "not an email address"),
        (
            {"me-name": "Alice", "me-linkedin": "https://example.org/alice"},
            "not a LinkedIn address",
        ),
        ({"me-name": "Alice", "me-linkedin": "linked in"}, "not a URL"),
    ],
)
def test_identity_errors_are_400_and_write_nothing(
    web: Client, alice: Owner, data: dict[str, str], message: str
) -> None:
    r = web.post("/settings/identity", data, **HTMX)
    assert r.status_code == 400
    assert message in text(r).replace("&#x27;", "'")
    assert me_person(alice).full_name == "Alice" and me_points(alice) == []


def test_an_address_of_a_contact_is_refused_as_a_form_error(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"])
    r = web.post("/settings/identity", {"me-name": "Alice", "me-email": "dana@example.org"}, **HTMX)
    assert r.status_code == 400
    assert "dana@example.org already belongs to Dana Whitfield" in text(r)
    assert me_points(alice) == []


def test_remove_one_of_my_addresses(web: Client, alice: Owner) -> None:
    web.post("/settings/identity", {"me-name": "Alice", "me-email": "a@example.org"})
    web.post("/settings/identity", {"me-name": "Alice", "me-email": "b@example.org"})
    r = web.post("/settings/identity/remove", {"value": "a@example.org"}, **HTMX)
    assert r.status_code == 200 and "Removed a@example.org." in text(r)
    assert me_points(alice) == [("email", "b@example.org")]
    r = web.post("/settings/identity/remove", {"value": "nobody@example.org"}, **HTMX)
    assert r.status_code == 400 and "has no contact point" in text(r)
    assert me_points(alice) == [("email", "b@example.org")]


def test_bob_cannot_touch_alices_identity(client: Client, alice: Owner, bob: Owner) -> None:
    do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"])
    client.force_login(alice)
    client.post(
        "/settings/identity", {"me-name": "Alice", "me-email": "alice@home.org"}, follow=True
    )
    client.force_login(bob)
    page = text(client.get("/settings/"))
    assert "alice@home.org" not in page and 'value="Bob"' in page
    r = client.post("/settings/identity/remove", {"value": "alice@home.org"}, **HTMX)
    assert r.status_code == 400
    assert me_points(alice) == [("email", "alice@home.org")]


def test_forms_need_csrf(alice: Owner) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    for url in (
        "/settings/identity",
        "/settings/digest",
        "/settings/calendar/new",
        "/settings/calendar/revoke",
        "/settings/",
    ):
        assert strict.post(url, {"me-name": "X"}).status_code == 403, url
    assert not CalendarToken.objects.exists()


# -- the digest ----------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_send_the_digest_now_over_smtp(
    web: Client, alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    today = timezone.localdate()
    do_make_promise(
        alice, me_person(alice), dana, "send the deck", made_on=today, due=today + dt.timedelta(1)
    )
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("TROTH_SMTP_PORT", str(port))
        r = web.post("/settings/digest", **HTMX)
    finally:
        controller.stop()
    assert r.status_code == 200
    assert f"Sent 1 thing to alice@example.org via 127.0.0.1:{port}." in text(r)
    content = inbox.envelopes[0].content
    assert isinstance(content, bytes)  # aiosmtpd keeps the raw bytes (decode_data off)
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["To"] == "alice@example.org" and "send the deck" in message.get_content()
    assert DigestLog.objects.filter(owner=alice).count() == 1


def test_digest_error_is_shown_and_nothing_recorded(
    web: Client, alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = web.post("/settings/digest", **HTMX)
    assert r.status_code == 400
    assert "no SMTP server configured: fill in the mail server in Settings" in text(r)
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TROTH_SMTP_PORT", str(free_port()))  # nobody listens there
    r = web.post("/settings/digest")
    assert r.status_code == 400 and "cannot send the digest via 127.0.0.1" in text(r)
    assert not DigestLog.objects.exists()


# -- the calendar subscription --------------------------------------------------------


def make_url(client: Client) -> str:
    r = client.post("/settings/calendar/new", **HTMX)
    assert r.status_code == 200
    found = re.search(r'id="cal-url" value="(http://testserver/calendar/[^"]+\.ics)"', text(r))
    assert found, text(r)
    assert 'href="webcal://testserver/calendar/' in text(r)
    return found.group(1).removeprefix("http://testserver")


def test_calendar_feed_serves_the_agenda_without_a_login(client: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    today = timezone.localdate()
    do_make_promise(
        alice, me_person(alice), dana, "send the deck", made_on=today, due=today + dt.timedelta(2)
    )
    client.force_login(alice)
    url = make_url(client)
    token = url.removeprefix("/calendar/").removesuffix(".ics")
    # only a fingerprint is stored
    row = CalendarToken.objects.get(owner=alice)
    assert token not in row.digest and row.last_used_at is None

    client.logout()
    r = client.get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(r.content)
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert any("send the deck" in s for s in summaries), summaries
    row.refresh_from_db()
    assert row.last_used_at is not None
    # the page now says it was read, but never shows the URL again
    client.force_login(alice)
    page = text(client.get("/settings/"))
    assert "last read by a calendar" in page and token not in page
    assert client.get(url + "?days=400").status_code == 400
    assert client.get(url + "?days=0").status_code == 200


def test_regenerate_revokes_the_old_url_and_revoke_stops_it(client: Client, alice: Owner) -> None:
    client.force_login(alice)
    old = make_url(client)
    new = make_url(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    r = client.post("/settings/calendar/revoke", **HTMX)
    assert r.status_code == 200 and "Revoked" in text(r)
    assert client.get(new).status_code == 404
    assert not CalendarToken.objects.exists()
    for bad in ("/calendar/nope.ics", "/calendar/" + "A" * 43 + ".ics"):
        assert client.get(bad).status_code == 404


def test_calendar_url_without_htmx_is_shown_once_as_a_message(client: Client, alice: Owner) -> None:
    client.force_login(alice)
    r = client.post("/settings/calendar/new", follow=True)
    assert r.status_code == 200
    found = re.search(r"Subscribe to http://testserver(/calendar/\S+\.ics)", text(r))
    assert found and client.get(found.group(1)).status_code == 200


def test_alices_token_never_serves_bobs_agenda(client: Client, alice: Owner, bob: Owner) -> None:
    today = timezone.localdate()
    for owner, what in ((alice, "alice's errand"), (bob, "bob's errand")):
        friend = do_add_person(owner, "Dana Whitfield")
        do_make_promise(
            owner, me_person(owner), friend, what, made_on=today, due=today + dt.timedelta(1)
        )
    client.force_login(alice)
    alices = make_url(client)
    client.force_login(bob)
    bobs = make_url(client)
    client.logout()
    a = client.get(alices).content.decode()
    b = client.get(bobs).content.decode()
    assert "alice's errand" in a and "bob's errand" not in a
    assert "bob's errand" in b and "alice's errand" not in b
    # bob revoking his own leaves alice's alone
    client.force_login(bob)
    client.post("/settings/calendar/revoke")
    assert client.get(alices).status_code == 200 and client.get(bobs).status_code == 404


# -- the rhythms by tier ---------------------------------------------------------------


def rhythms(**days: int) -> dict[str, str]:
    base = {"inner": 7, "close": 30, "active": 180, "network": 365, "acquaintance": 365}
    base.update(days)
    return {"action": "cadence", **{f"cad-{t}": str(d) for t, d in base.items()}}


def test_rhythms_are_edited_used_by_the_agenda_and_reset(
    web: Client, alice: Owner, bob: Owner
) -> None:
    from troth.agenda.queries import tier_cadences
    from troth.trust.models import TierCadence

    r = web.post("/settings/", rhythms(inner=10, close=21), **HTMX)
    assert r.status_code == 200
    assert "Saved: inner every 10 days, close every 21 days." in text(r)
    assert 'id="settings-cadence"' in text(r) and "default every week" in text(r)
    assert tier_cadences(alice)["inner"] == 10 and tier_cadences(alice)["close"] == 21
    assert tier_cadences(bob)["inner"] == 7  # alice's rhythms are hers
    # back to a default's value: no override kept
    web.post("/settings/", rhythms(inner=7, close=21))
    assert set(TierCadence.objects.filter(owner=alice).values_list("tier", flat=True)) == {"close"}
    r = web.post("/settings/", {"action": "reset"})
    assert r.status_code == 302
    assert not TierCadence.objects.filter(owner=alice).exists()
    assert "Back to the default rhythms." in text(web.get("/settings/"))


def test_the_agenda_follows_the_owners_tier_rhythm(alice: Owner) -> None:
    from troth.agenda.actions import do_set_tier_cadence
    from troth.agenda.queries import agenda
    from troth.interactions.actions import do_log_interaction
    from troth.trust.models import TrustScore

    dana = do_add_person(alice, "Dana Whitfield")
    today = timezone.localdate()
    now = timezone.now()
    for ago, theirs in ((80, True), (50, False), (20, True)):
        do_log_interaction(
            alice, dana, "meeting", when=now - dt.timedelta(days=ago), they_started=theirs
        )
    agenda(alice, today)  # scores the network
    tier = TrustScore.objects.get(owner=alice, person=dana).tier

    def checkins() -> list[str]:
        return [i.candidate.kind for i in agenda(alice, today).items if i.candidate.ref == dana.id]

    assert tier in ("inner", "close", "active", "network", "acquaintance"), tier
    do_set_tier_cadence(alice, tier, 30)
    assert "checkin" not in checkins()
    do_set_tier_cadence(alice, tier, 14)
    assert "checkin" in checkins()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"inner": 0}, "Whole days from 1 to 730 (two years)."),
        ({"close": 731}, "Whole days from 1 to 730 (two years)."),
        ({"active": "2.5"}, "Whole days from 1 to 730 (two years)."),
        ({"network": "often"}, "Whole days from 1 to 730 (two years)."),
        ({"acquaintance": ""}, "How many days between check-ins?"),
    ],
)
def test_bad_rhythms_are_400_per_field_and_write_nothing(
    web: Client, alice: Owner, days: dict[str, str], message: str
) -> None:
    from troth.trust.models import TierCadence

    data = rhythms(inner=3)
    data.update({f"cad-{t}": str(v) for t, v in days.items()})
    r = web.post("/settings/", data, **HTMX)
    assert r.status_code == 400
    page = text(r)
    [tier] = days
    assert f'id="id_cad-{tier}-error">{message}' in page
    assert not TierCadence.objects.filter(owner=alice).exists()


def test_the_service_checks_tiers_and_days(alice: Owner) -> None:
    from troth.agenda.actions import do_set_tier_cadence
    from troth.errors import TrothError

    for tier, days, message in (
        ("dormant", 30, "'dormant' has no check-in rhythm"),
        ("inner", 0, "inner: 0 days is out of range"),
        ("inner", 2.5, "inner: 2.5 is not a whole number of days"),
    ):
        with pytest.raises(TrothError, match=message):
            do_set_tier_cadence(alice, tier, days)  # type: ignore[arg-type]  # 2.5 on purpose
