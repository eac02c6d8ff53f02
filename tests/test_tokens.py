"""Personal access tokens: shown once, kept as a digest, owner-bound, revocable."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from troth.errors import NotFound, TrothError
from troth.owned import Owner
from troth.owners import local_owner
from troth.tokens.actions import do_create_token, do_revoke_token
from troth.tokens.models import AccessToken
from troth.tokens.queries import TOUCH_EVERY, authenticate, authenticate_basic, digest, tokens

if TYPE_CHECKING:
    from conftest import Cli


def test_token_is_shown_once_and_kept_as_a_digest(alice: Owner) -> None:
    token, raw = do_create_token(alice, "  phone  ")
    assert token.name == "phone"
    assert raw.startswith("troth_") and len(raw) > 40
    row = AccessToken.objects.get(pk=token.pk)
    assert row.digest == digest(raw) and raw not in (row.digest, row.prefix)
    assert raw.startswith(row.prefix) and len(row.prefix) < 12
    found = authenticate(raw)
    assert found is not None and found.owner == alice and found.last_used_at is not None


def test_unknown_malformed_and_revoked_tokens_are_refused(alice: Owner) -> None:
    token, raw = do_create_token(alice, "script")
    assert authenticate(raw + "x") is None
    assert authenticate(raw[len("troth_") :]) is None  # no prefix
    assert authenticate("") is None
    assert authenticate("troth_" + "a" * 500) is None
    do_revoke_token(alice, "script")
    assert authenticate(raw) is None
    assert not tokens(alice).exists()
    assert tokens(alice, include_revoked=True).count() == 1


def test_a_deactivated_account_tokens_stop_working(alice: Owner) -> None:
    _, raw = do_create_token(alice, "script")
    alice.is_active = False
    alice.save()
    assert authenticate(raw) is None


def test_basic_auth_needs_the_tokens_own_account(alice: Owner, bob: Owner) -> None:
    _, raw = do_create_token(alice, "phone")
    assert authenticate_basic("alice", raw) is not None
    assert authenticate_basic("bob", raw) is None  # a token cannot name another account
    assert authenticate_basic("alice", "password") is None  # the password is not a token


def test_revoke_only_own_tokens(alice: Owner, bob: Owner) -> None:
    token, raw = do_create_token(alice, "phone")
    with pytest.raises(NotFound, match="no live token"):
        do_revoke_token(bob, token.id)
    with pytest.raises(NotFound, match="no live token"):
        do_revoke_token(bob, "phone")
    assert authenticate(raw) is not None
    do_revoke_token(alice, token.id)
    assert authenticate(raw) is None


def test_names_are_unique_among_live_tokens(alice: Owner, bob: Owner) -> None:
    do_create_token(alice, "phone")
    with pytest.raises(TrothError, match="already have a token named 'phone'"):
        do_create_token(alice, "phone")
    do_create_token(bob, "phone")  # another owner's names are theirs
    do_revoke_token(alice, "phone")
    do_create_token(alice, "phone")  # a revoked name can be used again
    with pytest.raises(TrothError, match="needs a name"):
        do_create_token(alice, "   ")
    with pytest.raises(TrothError, match="at most 100"):
        do_create_token(alice, "x" * 101)


def test_last_used_is_written_at_most_once_a_minute(alice: Owner) -> None:
    token, raw = do_create_token(alice, "busy")
    first = authenticate(raw)
    assert first is not None and first.last_used_at is not None
    stamp = first.last_used_at
    again = authenticate(raw)
    assert again is not None and again.last_used_at == stamp
    AccessToken.objects.filter(pk=token.pk).update(
        last_used_at=stamp - TOUCH_EVERY - dt.timedelta(seconds=1)
    )
    later = authenticate(raw)
    assert (
        later is not None
        and later.last_used_at is not None
        and later.last_used_at > stamp - TOUCH_EVERY
    )


def test_cli_add_list_revoke(cli: Cli) -> None:
    out = cli("tokens", "add", "phone", "--read-only").stdout
    raw = next(line for line in out.splitlines() if line.startswith("troth_"))
    found = authenticate(raw)
    assert found is not None and found.read_only and found.owner == local_owner()
    rows = cli.json("tokens")
    assert [(r["name"], r["read_only"]) for r in rows] == [("phone", True)]
    assert raw not in str(rows) and "digest" not in rows[0]
    made = cli.json("tokens", "add", "script")
    assert made["token"].startswith("troth_") and made["read_only"] is False
    cli("tokens", "revoke", "phone")
    assert authenticate(raw) is None
    assert [r["name"] for r in cli.json("tokens")] == ["script"]
    result = cli("tokens", "revoke", "phone", code=2)
    assert "no live token 'phone'" in result.stderr
    result = cli("tokens", "add", "script", code=2)
    assert "already have a token named 'script'" in result.stderr


def test_tokens_never_go_into_a_backup(alice: Owner) -> None:
    from troth.backup.tables import tables

    do_create_token(alice, "phone")
    assert "tokens.accesstoken" not in {t.label for t in tables()}
