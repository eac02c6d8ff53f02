"""The secrets at rest (troth.sync.secrets): Fernet with a key outside the database,
from TROTH_ENCRYPTION_KEY, TROTH_ENCRYPTION_KEY_FILE or the data directory; the saved SMTP
password encrypted the same way (one saved in clear earlier still works)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from troth.agenda.digest import do_save_mail_settings, smtp_config
from troth.agenda.models import MailSettings
from troth.errors import TrothError
from troth.owned import Owner
from troth.sync.secrets import SecretLost, key_path, reveal, seal


def test_round_trip_and_a_changed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    token = seal("app-password")
    assert token and "app-password" not in token
    assert reveal(token, "x") == "app-password"
    monkeypatch.setenv("TROTH_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with pytest.raises(SecretLost, match="source 3's password cannot be decrypted"):
        reveal(token, "source 3's password")


def test_key_from_the_environment_or_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = Fernet.generate_key()
    monkeypatch.setenv("TROTH_ENCRYPTION_KEY", key.decode())
    assert Fernet(key).decrypt(seal("a").encode()) == b"a"
    assert not key_path().exists()  # nothing written when the key is given
    monkeypatch.delenv("TROTH_ENCRYPTION_KEY")
    monkeypatch.setenv("TROTH_ENCRYPTION_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(TrothError, match="missing.key: no such file"):
        seal("a")
    (tmp_path / "bad.key").write_text("not a key\n")
    monkeypatch.setenv("TROTH_ENCRYPTION_KEY_FILE", str(tmp_path / "bad.key"))
    with pytest.raises(TrothError, match="is not a Fernet key"):
        seal("a")


def test_smtp_password_encrypted_and_an_old_clear_one_still_read(
    alice: Owner, no_mail_settings: None
) -> None:
    do_save_mail_settings(
        alice, host="smtp.example.org", port=587, security="starttls",
        username="me", password="s3cret", from_address="", digest_to="",
    )  # fmt: skip
    stored = MailSettings.objects.get(owner=alice).password
    assert stored.startswith("fernet:") and "s3cret" not in stored
    assert smtp_config(alice).password == "s3cret"
    MailSettings.objects.filter(owner=alice).update(password="saved-in-clear")  # older troth
    assert smtp_config(alice).password == "saved-in-clear"
    with pytest.raises(TrothError, match="longer than 300 characters"):
        do_save_mail_settings(
            alice, host="smtp.example.org", port=587, security="starttls",
            username="me", password="x" * 301, from_address="", digest_to="",
        )  # fmt: skip


def test_smtp_password_with_a_lost_key_is_typed_again(
    web: Client, alice: Owner, no_mail_settings: None
) -> None:
    do_save_mail_settings(
        alice, host="smtp.example.org", port=587, security="starttls",
        username="me", password="s3cret", from_address="", digest_to="",
    )  # fmt: skip
    key_path().unlink()
    assert smtp_config(alice).password == ""
    page = web.get("/settings/")
    assert page.status_code == 200 and b"s3cret" not in page.content
