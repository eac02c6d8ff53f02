"""Bad input a security review sent to the API, each once a 500 (or the wrong answer)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from troth.errors import TrothError
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.tokens.actions import MAX_TOKENS, do_create_token


@pytest.fixture
def api(alice: Owner) -> Client:
    _token, raw = do_create_token(alice, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_nul_anywhere_in_a_body_or_query_is_named_not_a_500(api: Client, alice: Owner) -> None:
    r = api.post("/api/v1/people", {"name": "A\x00B"}, content_type="application/json")
    assert r.status_code == 422 and "name: contains a NUL character" in r.json()["error"]
    r = api.post(
        "/api/v1/people",
        {"name": "Ann", "emails": ["a\x00@b.c"]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "emails.0: contains a NUL" in r.json()["error"]
    r = api.get("/api/v1/people", {"q": "a\x00"})
    assert r.status_code == 400 and "query parameter 'q'" in r.json()["error"]
    assert not Person.objects.filter(owner=alice, is_me=False).exists()


def test_as_of_before_1900_is_one_line(api: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    for url in (
        "/api/v1/trust?as_of=0001-01-01",
        f"/api/v1/people/{dana.id}/trust?as_of=0001-01-01",
    ):
        r = api.get(url)
        assert r.status_code == 400 and "from 1900 on" in r.json()["error"], url
        # the API's parameter is as_of: the CLI's --as-of means nothing to a client
        assert r.json()["error"].startswith("as_of 0001-01-01"), r.json()["error"]
    r = api.get("/api/v1/trust?as_of=2999-01-01")
    assert r.json()["error"].startswith("as_of 2999-01-01 is in the future"), r.json()


def test_history_out_of_range_is_one_line(api: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    r = api.get(f"/api/v1/people/{dana.id}", {"history": 9223372036854775808})
    assert r.status_code in (400, 422)
    r = api.get(f"/api/v1/people/{dana.id}", {"history": 100_001})
    assert r.status_code == 400 and "history" in r.json()["error"]


def test_an_account_without_me_yet_can_use_the_ledger_and_the_agenda(db: None) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("made-in-a-shell", "m@example.org", "pw")
    assert not Person.objects.filter(owner=user, is_me=True).exists()
    _t, raw = do_create_token(user, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    dana = do_add_person(user, "Dana Whitfield")
    assert client.get("/api/v1/agenda").status_code == 200
    r = client.post(
        "/api/v1/promises",
        {"person_id": dana.id, "what": "send the deck", "direction": "mine"},
        content_type="application/json",
    )
    assert r.status_code in (201, 422), r.content  # never a 500


def test_the_rate_limit_is_per_account_not_per_token(alice: Owner, settings: Settings) -> None:
    settings.TROTH_API_RATE_LIMIT = 3
    clients = [
        Client(HTTP_AUTHORIZATION=f"Bearer {do_create_token(alice, f't{i}')[1]}") for i in range(3)
    ]
    codes = [c.get("/api/v1/people").status_code for c in clients for _ in range(2)]
    assert codes.count(200) == 3 and codes.count(429) == 3


def test_at_most_so_many_live_tokens(alice: Owner) -> None:
    for i in range(MAX_TOKENS):
        do_create_token(alice, f"t{i}")
    with pytest.raises(TrothError, match=f"at most {MAX_TOKENS} live tokens"):
        do_create_token(alice, "one more")
