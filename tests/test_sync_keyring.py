"""The sync passwords' key in the OS keyring (issue 14), on a real keyring backend:
keyrings.alt's file keyring, chosen through keyring's own PYTHON_KEYRING_BACKEND (as a
user would choose one), its file in this test's folder. Nothing of troth is mocked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from module_data import migrated_home
from troth.sync.secrets import SecretLost, key_path, key_store, reveal, seal

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat these unchanged (conftest checks they use no
# test database)
pytestmark = pytest.mark.own_process


BACKEND = "keyrings.alt.file.PlaintextKeyring"
NAME = "file PlaintextKeyring"  # as keyring names it


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """keyrings.alt's file keyring, under tmp_path (XDG_DATA_HOME), chosen explicitly."""
    pytest.importorskip("keyrings.alt")
    monkeypatch.delenv("TROTH_KEYRING")  # the test suite's "off" (conftest)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", BACKEND)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg"


def stored_key(home: Path) -> str | None:
    from keyrings.alt.file import PlaintextKeyring

    key: str | None = PlaintextKeyring().get_password("troth", f"encryption key {home}")
    return key


def test_the_key_lives_in_the_keyring_not_in_a_file(
    file_keyring: Path, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert key_store() == f"the OS keyring ({NAME})"
    token = seal("app-password")
    assert reveal(token, "x") == "app-password"
    assert not key_path().exists()  # no key file beside the database
    assert file_keyring.exists()
    key = stored_key(home)
    assert key and Fernet(key.encode()).decrypt(token.encode()) == b"app-password"
    assert key_store() == f"the OS keyring ({NAME})"
    # another data directory has a key of its own
    other = tmp_path / "other-home"
    monkeypatch.setenv("TROTH_HOME", str(other))
    with pytest.raises(SecretLost, match=r"cannot be decrypted.*in the OS keyring"):
        reveal(token, "x")
    assert stored_key(other) not in (None, key)
    # the keyring entry lost (a new keyring): the password is typed again, no trace
    monkeypatch.setenv("TROTH_HOME", str(home))
    file_keyring.unlink()
    with pytest.raises(SecretLost, match="source 4's password cannot be decrypted"):
        reveal(token, "source 4's password")


def test_a_key_file_already_there_stays_the_key(file_keyring: Path, home: Path) -> None:
    """An earlier troth (or a machine without a keyring) made encryption.key: the
    passwords it sealed stay readable, whatever keyring appears later."""
    key = Fernet.generate_key()
    key_path().write_bytes(key + b"\n")
    token = seal("pw")
    assert Fernet(key).decrypt(token.encode()) == b"pw"
    assert stored_key(home) is None
    assert key_store() == f"the file {key_path()}"


def test_keyring_off_or_only_a_plain_text_one(
    file_keyring: Path, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("TROTH_KEYRING", "off")
    seal("pw")
    assert key_path().exists() and stored_key(home) is None
    key_path().unlink()
    # keyrings.alt's plain-text file is no OS keyring: used only when chosen explicitly
    monkeypatch.delenv("TROTH_KEYRING")
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "no-keyring-config"))
    assert "PlaintextKeyring" not in key_store()


def test_troth_sources_says_where_the_key_is(
    file_keyring: Path, tmp_path: Path, migrated_db: Path
) -> None:
    """As a user runs it: a real process, its own home, the keyring it was told to use."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    # a migrated copy: a new home's migration is test_cli_process's subject
    home = migrated_home(migrated_db, tmp_path / "home")
    env.update(TROTH_HOME=str(home), COLUMNS="200")
    troth = [sys.executable, "-m", "troth"]
    out = subprocess.run([*troth, "sources"], env=env, capture_output=True, text=True, check=True)
    assert f"the key in the OS keyring ({NAME})" in out.stdout
    env["TROTH_KEYRING"] = "off"
    out = subprocess.run([*troth, "sources"], env=env, capture_output=True, text=True, check=True)
    assert f"the key in the file {tmp_path / 'home' / 'encryption.key'}" in out.stdout
