"""troth webhooks and Settings → Webhooks, against a real receiver on 127.0.0.1."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from test_webhooks import Receiver
from troth.owned import Owner
from troth.owners import local_owner
from troth.webhooks.models import Subscription
from troth.webhooks.send import SIGNATURE_HEADER, verify

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Cli


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_cli_add_ping_log_remove(cli: Cli, receiver: Receiver) -> None:
    out = cli("webhooks", "add", receiver.url, "--event", "person.created").stdout
    secret = next(line for line in out.splitlines() if line.startswith("whsec_"))
    [row] = cli.json("webhooks")
    assert row["url"] == receiver.url and row["events"] == ["person.created"]
    assert secret not in json.dumps(row) and row["last_delivery"] is None
    assert "Delivered: the receiver answered 200" in cli("webhooks", "ping", str(row["id"])).stdout
    ping = receiver.requests[-1]
    assert verify(secret, ping["body"], ping["headers"][SIGNATURE_HEADER])
    assert json.loads(ping["body"])["type"] == "ping"
    cli("add", "Dana Whitfield")
    assert "1 delivered" in cli("webhooks", "send").stdout
    assert json.loads(receiver.requests[-1]["body"])["data"]["person"]["name"] == "Dana Whitfield"
    log = cli.json("webhooks", "deliveries", str(row["id"]))
    assert [(d["event"], d["status"], d["response_status"]) for d in log] == [
        ("person.created", "delivered", 200),
        ("ping", "delivered", 200),
    ]
    assert cli.json("webhooks")[0]["last_delivery"]["event"] == "person.created"
    cli("webhooks", "remove", str(row["id"]))
    assert cli.json("webhooks") == []


def test_cli_bad_input_is_one_line_and_exit_2(cli: Cli, receiver: Receiver) -> None:
    r = cli("webhooks", "add", "ftp://example.org/x", code=2)
    assert "is not an http(s) address" in r.stderr
    r = cli("webhooks", "add", receiver.url, "--event", "nope", code=2)
    assert "unknown event 'nope'" in r.stderr
    assert "no webhook #99" in cli("webhooks", "remove", "99", code=2).stderr
    assert "no webhook #99" in cli("webhooks", "deliveries", "99", code=2).stderr
    receiver.answers = [500]
    wid = cli.json("webhooks", "add", receiver.url)["id"]
    r = cli("webhooks", "ping", str(wid), code=2)
    assert "not delivered: HTTP 500" in r.stderr
    assert not Subscription.objects.filter(owner=local_owner()).exclude(pk=wid).exists()
    kinds = {k["event"] for k in cli.json("webhooks", "kinds")}
    assert {"person.created", "promise.due", "intro.step"} <= kinds


def test_settings_add_shows_the_secret_once_then_remove(
    web: Client, alice: Owner, receiver: Receiver
) -> None:
    page = web.get("/settings/")
    assert b"Webhooks" in page.content
    r = web.post("/settings/webhooks/add", {"wh-url": receiver.url, "wh-events": ["need.opened"]})
    assert r.status_code == 200
    sub = Subscription.objects.get(owner=alice)
    text = r.content.decode()
    secret = text.split('<code class="secret">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    assert secret not in web.get("/settings/").content.decode()  # shown once
    r = web.post(f"/settings/webhooks/{sub.id}/ping")
    assert r.status_code == 200 and b"on its way" in r.content
    r = web.post(f"/settings/webhooks/{sub.id}/remove")
    assert r.status_code == 200 and not Subscription.objects.exists()


def test_settings_bad_input_and_another_owners_webhook(
    web: Client, alice: Owner, bob: Owner, receiver: Receiver
) -> None:
    r = web.post("/settings/webhooks/add", {"wh-url": "javascript:alert(1)"})
    assert r.status_code == 400 and b"is not an http(s) address" in r.content
    r = web.post("/settings/webhooks/add", {"wh-url": receiver.url, "wh-events": ["nope"]})
    assert r.status_code == 400
    from troth.webhooks.actions import do_add_subscription

    theirs, _ = do_add_subscription(bob, receiver.url)
    for action in ("remove", "ping", "enable"):
        r = web.post(f"/settings/webhooks/{theirs.id}/{action}")
        assert r.status_code == 404, action
    assert Subscription.objects.filter(pk=theirs.pk, active=True).exists()
    assert web.get(f"/settings/webhooks/{theirs.id}/remove").status_code == 405
