"""What a security review tried on webhooks: a worker on a group's server delivering to
127.0.0.1, addresses that only fail at sending time, a receiver that drips its answer,
IPv6 spellings of private IPv4 addresses."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

import pytest
from pytest_django.fixtures import Settings

from test_webhooks import Receiver
from troth.errors import TrothError
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.sync.netguard import is_public
from troth.sync.secrets import seal
from troth.webhooks import actions, send
from troth.webhooks.models import Delivery, Subscription

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_a_worker_on_a_groups_server_does_not_deliver_to_private_addresses(
    alice: Owner, receiver: Receiver, settings: Settings
) -> None:
    # troth worker and cron's `troth webhooks send` never see TROTH_NETWORK_MODE (only
    # troth serve --host sets it); the server's settings file says TROTH_TASKS=database
    actions.do_add_subscription(alice, receiver.url)
    settings.TROTH_NETWORK_MODE = False
    settings.TROTH_TASKS = "database"
    do_add_person(alice, "Sam Lee")
    actions.do_deliver_due()
    d = Delivery.objects.get()
    assert "not a public address" in d.last_error and receiver.requests == []
    settings.TROTH_TASKS = "immediate"
    settings.TROTH_PUBLIC_URL = "https://troth.example.org"
    with pytest.raises(TrothError, match="not a public address"):
        actions.do_add_subscription(alice, receiver.url + "2")


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.com/",
        "http://\x00example.com/",
        "http://example.com/\x7f",
        "http://%31%32%37.0.0.1:9999/",
        "http://127.0.0.1%2e:9999/",
        "http://[::1/",
        "http://[::1]:99999/",
        "http://ex\u00e4mple..com/",
    ],
)
def test_addresses_that_would_fail_at_sending_time_are_refused_when_added(
    alice: Owner, url: str
) -> None:
    with pytest.raises(TrothError):
        actions.do_add_subscription(alice, url)
    assert not Subscription.objects.exists()


def test_one_delivery_that_cannot_be_sent_never_stops_the_others(
    alice: Owner, bob: Owner, receiver: Receiver
) -> None:
    # an address from before the check (or written by hand): sending it raises
    Subscription.objects.create(owner=bob, url="http://exa mple.com/", secret=seal("whsec_x"))
    actions.do_add_subscription(alice, receiver.url)
    do_add_person(bob, "Bob's Contact")
    do_add_person(alice, "Alice's Contact")
    counts = actions.do_deliver_due()
    assert counts["delivered"] == 1 and len(receiver.requests) == 1
    bad = Delivery.objects.get(subscription__owner=bob)
    assert bad.status in (Delivery.PENDING, Delivery.FAILED) and bad.last_error
    assert bad.lease_until is None


class Dripper:
    """Answers headers, then one byte a second, for ever (until closed)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/slow"
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                while not self.stop.is_set():
                    conn.sendall(b"x")
                    time.sleep(1)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_a_receiver_that_drips_its_answer_is_cut_at_the_deadline(
    alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    dripper = Dripper()
    monkeypatch.setattr(send, "DEADLINE", 3.0)  # 15 s in use: the test need not wait so long
    try:
        actions.do_add_subscription(alice, dripper.url)
        do_add_person(alice, "Sam Lee")
        started = time.monotonic()
        actions.do_deliver_due()
        took = time.monotonic() - started
    finally:
        dripper.close()
    d = Delivery.objects.get()
    assert "no whole answer within 3 s" in d.last_error
    assert took < 3.0 + 5  # cut at the deadline, not after the 100,000 bytes' 28 hours


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::a00:1",
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "::ffff:0:7f00:1",  # SIIT of 127.0.0.1
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:127.0.0.1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_ipv6_spellings_of_private_ipv4_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


def test_public_addresses_stay_public() -> None:
    assert is_public("93.184.215.14") and is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert is_public("64:ff9b::5db8:d70e")  # NAT64 of a public address


def test_a_ping_is_sent_once_and_does_not_count_against_the_webhook(
    alice: Owner, receiver: Receiver
) -> None:
    sub, _ = actions.do_add_subscription(alice, receiver.url)
    receiver.answers = [500]
    actions.do_ping(alice, sub)
    assert actions.do_deliver_due() == {"delivered": 0, "retrying": 0, "failed": 1}
    sub.refresh_from_db()
    assert sub.failures_in_row == 0 and sub.active
