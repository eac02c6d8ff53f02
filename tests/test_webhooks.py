"""Webhooks: events from the actions, signed POSTs to a real receiver on 127.0.0.1,
retries with backoff, the delivery log, the network guard, and owners kept apart."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from troth.errors import NotFound, TrothError
from troth.ledger.actions import do_make_promise, do_set_promise_status
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.actions import do_add_person, do_delete_person, do_edit_person
from troth.people.models import Person
from troth.present import person_row
from troth.webhooks import actions
from troth.webhooks.models import Delivery, Event, Subscription
from troth.webhooks.queries import deliveries, subscription
from troth.webhooks.send import SIGNATURE_HEADER, verify

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers with the
    statuses it is given, in turn (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": body, "path": self.path}
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "/elsewhere")
                self.end_headers()
                self.wfile.write(f"answered {status}".encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def me(alice: Owner) -> Person:
    return do_ensure_me(alice)


def test_a_person_added_is_posted_signed_with_the_cli_json_shape(
    alice: Owner, receiver: Receiver
) -> None:
    sub, secret = actions.do_add_subscription(alice, receiver.url)
    assert secret.startswith("whsec_") and secret not in Subscription.objects.get(pk=sub.pk).secret
    dana = do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"], tags=["cpa"])
    assert actions.do_deliver_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    [got] = receiver.requests
    headers, body = got["headers"], got["body"]
    assert verify(secret, body, headers[SIGNATURE_HEADER])
    assert not verify(secret + "x", body, headers[SIGNATURE_HEADER])
    assert not verify(secret, body + b" ", headers[SIGNATURE_HEADER])
    sent = json.loads(body)
    event = Event.objects.get(owner=alice)
    assert sent["id"] == str(event.uid) == headers["Troth-Event-Id"]
    assert sent["type"] == "person.created" == headers["Troth-Event"]
    assert headers["Content-Type"] == "application/json"
    # one presenter: the same fields and values as `--json`
    dana.refresh_from_db()
    assert sent["data"]["person"] == json.loads(json.dumps(person_row(dana), default=str))
    assert sent["data"]["person"]["tags"] == ["cpa"]  # one event, after the tags
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.last_status) == (Delivery.DELIVERED, 1, 200)


def test_a_signature_too_old_is_refused(alice: Owner, receiver: Receiver) -> None:
    _, secret = actions.do_add_subscription(alice, receiver.url)
    do_add_person(alice, "Sam Lee")
    actions.do_deliver_due()
    got = receiver.requests[0]
    header = got["headers"][SIGNATURE_HEADER]
    stamp = int(header.split(",")[0].split("=")[1])
    assert verify(secret, got["body"], header, now=stamp + 299)
    assert not verify(secret, got["body"], header, now=stamp + 301)  # a replay, later
    assert not verify(secret, got["body"], "v1=abc")


def test_only_the_kinds_asked_for_are_sent(alice: Owner, me: Person, receiver: Receiver) -> None:
    actions.do_add_subscription(alice, receiver.url, ["promise.kept"])
    dana = do_add_person(alice, "Dana Whitfield")
    promise = do_make_promise(alice, me, dana, "send the deck")
    actions.do_deliver_due()
    assert receiver.requests == []
    do_set_promise_status(alice, promise, "kept")
    actions.do_deliver_due()
    [got] = receiver.requests
    sent = json.loads(got["body"])
    assert sent["type"] == "promise.kept"
    assert (
        sent["data"]["promise"]["status"] == "kept"
        and sent["data"]["promise"]["what"] == "send the deck"
    )


def test_unknown_kinds_and_bad_addresses_are_refused(alice: Owner) -> None:
    with pytest.raises(TrothError, match="unknown event 'person.exploded'"):
        actions.do_add_subscription(alice, "http://127.0.0.1:9/x", ["person.exploded"])
    for bad in ("ftp://example.org/x", "not a url", "http:///nohost", "http://u:p@127.0.0.1/x"):
        with pytest.raises(TrothError):
            actions.do_add_subscription(alice, bad)
    assert not Subscription.objects.exists()


def test_an_action_rolled_back_sends_nothing(alice: Owner, receiver: Receiver) -> None:
    actions.do_add_subscription(alice, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        do_add_person(alice, "Ghost Person")
        raise RuntimeError("the rest of the request failed")
    assert not Event.objects.exists() and not Delivery.objects.exists()
    assert actions.do_deliver_due()["delivered"] == 0 and receiver.requests == []


def test_edits_and_deletes_are_sent_and_a_deleted_person_is_named(
    alice: Owner, receiver: Receiver
) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    actions.do_add_subscription(alice, receiver.url)
    do_edit_person(alice, dana, nickname="Dee", title="CFO", company="Acme")
    do_delete_person(alice, dana)
    actions.do_deliver_due()
    sent = [json.loads(r["body"]) for r in receiver.requests]
    assert [s["type"] for s in sent] == ["person.updated", "person.deleted"]  # one each
    assert sent[0]["data"]["person"]["nickname"] == "Dee"
    assert sent[0]["data"]["person"]["company"] == "Acme"
    assert sent[1]["data"]["person"] == {"id": dana.id, "name": "Dana Whitfield"}


def test_a_failed_delivery_is_retried_with_backoff_and_logged(
    alice: Owner, receiver: Receiver
) -> None:
    receiver.answers = [500, 503]
    actions.do_add_subscription(alice, receiver.url)
    do_add_person(alice, "Sam Lee")
    start = timezone.now()
    assert actions.do_deliver_due(start)["retrying"] == 1
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.last_status) == (Delivery.PENDING, 1, 500)
    assert "answered 500" in d.last_response
    assert d.next_attempt_at is not None and d.next_attempt_at - start >= actions.BACKOFF[0]
    # not due yet: nothing sent
    assert actions.do_deliver_due(start + dt.timedelta(seconds=30))["retrying"] == 0
    assert len(receiver.requests) == 1
    actions.do_deliver_due(d.next_attempt_at + dt.timedelta(seconds=1))
    d.refresh_from_db()
    assert d.attempts == 2 and d.last_status == 503
    assert d.next_attempt_at is not None
    actions.do_deliver_due(d.next_attempt_at + dt.timedelta(seconds=1))
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_status) == (Delivery.DELIVERED, 3, 200)
    ids = {r["headers"]["Troth-Event-Id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1  # the same event each time


def test_a_delivery_that_always_fails_gives_up_and_the_webhook_is_switched_off(
    alice: Owner, receiver: Receiver
) -> None:
    sub, _ = actions.do_add_subscription(alice, receiver.url)
    receiver.answers = [500] * (actions.MAX_ATTEMPTS * actions.DISABLE_AFTER + 5)
    for i in range(actions.DISABLE_AFTER):
        do_add_person(alice, f"Person {i}")
    when = timezone.now()
    for _ in range(actions.MAX_ATTEMPTS):
        actions.do_deliver_due(when)
        when += max(actions.BACKOFF) + dt.timedelta(seconds=1)
    assert Delivery.objects.filter(status=Delivery.FAILED).count() == actions.DISABLE_AFTER
    assert all(d.attempts == actions.MAX_ATTEMPTS for d in Delivery.objects.all())
    sub.refresh_from_db()
    assert not sub.active and "in a row failed" in sub.disabled_reason
    do_add_person(alice, "After")  # nothing more is queued for a switched-off webhook
    assert not Delivery.objects.filter(status=Delivery.PENDING).exists()
    actions.do_enable(alice, sub)
    sub.refresh_from_db()
    assert sub.active and sub.failures_in_row == 0


def test_a_redirect_is_an_answer_not_a_second_request(alice: Owner, receiver: Receiver) -> None:
    receiver.answers = [302]
    actions.do_add_subscription(alice, receiver.url)
    do_add_person(alice, "Sam Lee")
    actions.do_deliver_due()
    d = Delivery.objects.get()
    assert d.status == Delivery.PENDING and d.last_status == 302
    assert [r["path"] for r in receiver.requests] == ["/hook"]


def test_a_receiver_that_is_not_there_is_an_error_line(alice: Owner) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nobody listens
    actions.do_add_subscription(alice, f"http://127.0.0.1:{port}/x")
    do_add_person(alice, "Sam Lee")
    actions.do_deliver_due()
    d = Delivery.objects.get()
    assert d.status == Delivery.PENDING and d.last_status is None
    assert d.last_error.startswith("could not deliver")


def test_on_a_groups_server_private_addresses_are_refused(
    alice: Owner, receiver: Receiver, settings: Settings
) -> None:
    settings.TROTH_NETWORK_MODE = True
    with pytest.raises(TrothError, match="not a public address"):
        actions.do_add_subscription(alice, receiver.url)
    # one added before (or by the operator's own rules) is still checked when it sends
    settings.TROTH_NETWORK_MODE = False
    actions.do_add_subscription(alice, receiver.url)
    settings.TROTH_NETWORK_MODE = True
    do_add_person(alice, "Sam Lee")
    actions.do_deliver_due()
    d = Delivery.objects.get()
    assert "not a public address" in d.last_error and receiver.requests == []


def test_owners_are_kept_apart(alice: Owner, bob: Owner, receiver: Receiver) -> None:
    sub, _ = actions.do_add_subscription(alice, receiver.url)
    do_add_person(bob, "Bob's Contact")  # bob subscribes to nothing: nothing queued
    assert not Event.objects.exists()
    do_add_person(alice, "Alice's Contact")
    with pytest.raises(NotFound, match=f"no webhook #{sub.id}"):
        subscription(bob, sub.id)
    assert deliveries(bob) == [] and len(deliveries(alice)) == 1
    actions.do_remove_subscription(bob, sub)  # another's: nothing happens
    assert Subscription.objects.filter(pk=sub.pk).exists()


def test_promise_due_is_sent_once_and_only_for_promises_due_since_subscribing(
    alice: Owner, me: Person, receiver: Receiver
) -> None:
    today = timezone.localdate()
    dana = do_add_person(alice, "Dana Whitfield")
    old = do_make_promise(
        alice,
        me,
        dana,
        "old one",
        due=today - dt.timedelta(days=3),
        made_on=today - dt.timedelta(days=10),
    )
    sub, _ = actions.do_add_subscription(alice, receiver.url, ["promise.due"])
    due = do_make_promise(alice, me, dana, "due today", due=today)
    later = do_make_promise(alice, me, dana, "next week", due=today + dt.timedelta(days=7))
    assert actions.do_emit_due_promises(today) == 1
    assert actions.do_emit_due_promises(today) == 0  # once
    actions.do_deliver_due()
    [got] = [json.loads(r["body"]) for r in receiver.requests]
    assert got["type"] == "promise.due" and got["data"]["promise"]["id"] == due.id
    assert actions.do_emit_due_promises(today + dt.timedelta(days=7)) == 1  # `later`, on its day
    assert {old.id, later.id} & {
        e.data["promise"]["id"] for e in Event.objects.filter(kind="promise.due")
    } == {later.id}


def test_old_events_are_pruned_unless_still_pending(alice: Owner, receiver: Receiver) -> None:
    actions.do_add_subscription(alice, receiver.url)
    do_add_person(alice, "Sam Lee")
    receiver.answers = [500]
    do_add_person(alice, "Kim Ray")
    actions.do_deliver_due()
    later = timezone.now() + actions.KEEP + dt.timedelta(days=1)
    Delivery.objects.filter(status=Delivery.PENDING).update(
        next_attempt_at=later + dt.timedelta(days=1)
    )
    actions.do_prune(later)
    assert Event.objects.count() == 1 and Delivery.objects.get().status == Delivery.PENDING


def test_at_most_so_many_webhooks(alice: Owner) -> None:
    for i in range(actions.MAX_SUBSCRIPTIONS):
        actions.do_add_subscription(alice, f"http://127.0.0.1:9/{i}")
    with pytest.raises(TrothError, match=f"at most {actions.MAX_SUBSCRIPTIONS} webhooks"):
        actions.do_add_subscription(alice, "http://127.0.0.1:9/more")


def test_webhooks_never_go_into_a_backup(alice: Owner) -> None:
    from troth.backup.tables import tables

    labels = {t.label for t in tables()}
    assert not labels & {"webhooks.subscription", "webhooks.event", "webhooks.delivery"}


def test_every_action_says_its_event(
    alice: Owner, me: Person, receiver: Receiver, tmp_path: Path
) -> None:
    from troth.identity.actions import do_merge
    from troth.interactions.actions import do_log_interaction
    from troth.intros.actions import do_propose, do_step
    from troth.ledger.actions import do_add_need, do_close_need, do_record_favor

    actions.do_add_subscription(alice, receiver.url)
    dana = do_add_person(alice, "Dana Whitfield")
    sam = do_add_person(alice, "Sam Lee")
    twin = do_add_person(alice, "Dana W", allow_duplicate_name=True)
    do_log_interaction(alice, dana, "call", summary="catch-up")
    do_record_favor(alice, me, dana, "advice", "read her plan")
    need = do_add_need(alice, dana, "a tax accountant")
    do_close_need(alice, need, "met", met_by=sam)
    intro = do_propose(alice, dana, sam, "both into tax", anyway="they asked me")
    do_step(alice, intro, "asked")
    do_merge(alice, dana, twin)
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nKim Ray,kim@example.org\n")
    from troth.importers.apply import do_import
    from troth.importers.detect import detect_kind
    from troth.importers.registry import parser

    do_import(alice, parser(detect_kind(csv)), csv)
    while actions.do_deliver_due()["delivered"]:
        pass
    sent = [json.loads(r["body"]) for r in receiver.requests]
    kinds = [s["type"] for s in sent]
    assert kinds == [
        "person.created",
        "person.created",
        "person.created",
        "interaction.logged",
        "favour.recorded",
        "need.opened",
        "need.met",
        "intro.step",
        "intro.step",
        "person.merged",
        "import.finished",
    ]
    by = dict(zip(kinds, sent, strict=False))
    assert by["interaction.logged"]["data"]["interaction"]["summary"] == "catch-up"
    assert by["need.met"]["data"]["need"]["status"] == "met"
    steps = [s["data"]["step"] for s in sent if s["type"] == "intro.step"]
    assert [(st["from"], st["to"]) for st in steps] == [(None, "proposed"), ("proposed", "asked")]
    assert by["person.merged"]["data"]["removed"] == {"id": twin.id, "name": "Dana W"}
    assert by["import.finished"]["data"]["run"]["counts"]
