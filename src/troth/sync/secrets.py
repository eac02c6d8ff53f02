"""The sync passwords, encrypted at rest with a key kept outside the database.

Fernet (the cryptography package: AES-128-CBC with an HMAC), never home-made. The
key comes from, in this order:

- TROTH_ENCRYPTION_KEY: the key itself (a server: an environment variable, from the
  service manager or a secrets store);
- TROTH_ENCRYPTION_KEY_FILE: a file holding it;
- else `encryption.key` in the data directory (TROTH_HOME on a laptop), made on first
  use, readable by its owner only (0600). It is not in the database, so a copy of
  the database or a backup file alone reveals no password.

It is not TROTH_SECRET_KEY, Django's signing key: one key for two jobs would mean
that rotating the signing key after a leak silently loses every stored password,
and Django's key is not a Fernet key anyway (a security review's M4).

A lost or changed key cannot decrypt what the old one encrypted: `reveal` then
says which source needs its password typed again, never a stack trace.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from troth.errors import TrothError
from troth.paths import data_dir

KEY_FILE = "encryption.key"


class SecretLost(TrothError):
    """The stored secret cannot be decrypted with the key at hand."""


def key_path() -> Path:
    named = os.environ.get("TROTH_ENCRYPTION_KEY_FILE", "").strip()
    return Path(named).expanduser() if named else data_dir() / KEY_FILE


def _key() -> bytes:
    raw = os.environ.get("TROTH_ENCRYPTION_KEY", "").strip()
    if raw:
        return raw.encode("ascii")
    path = key_path()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        if os.environ.get("TROTH_ENCRYPTION_KEY_FILE", "").strip():
            raise TrothError(
                f"TROTH_ENCRYPTION_KEY_FILE={path}: no such file (make one with: python -c"
                ' "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
            ) from None
    except OSError as exc:
        raise TrothError(f"cannot read the encryption key {path}: {exc.strerror or exc}") from None
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once cannot each write a different key
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key


def _fernet() -> Fernet:
    try:
        return Fernet(_key())
    except ValueError:
        raise TrothError(
            "the encryption key (TROTH_ENCRYPTION_KEY or its file) is not a Fernet key:"
            " 32 url-safe base64-encoded bytes"
        ) from None


def seal(value: str) -> str:
    """`value` encrypted (an ASCII token), or "" for no value."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def reveal(token: str, what: str) -> str:
    """The value `seal` encrypted; `what` names it in the error ("source 3's password")."""
    if not token:
        raise SecretLost(f"{what} is not stored (a restored backup keeps none): type it again")
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretLost(
            f"{what} cannot be decrypted: the encryption key changed or was lost ({key_path()});"
            " type it again"
        ) from None


# A stored value that `seal` encrypted, told from one saved in clear before troth
# encrypted it (the SMTP password of older versions), which is still read as it is.
TAG = "fernet:"


def seal_tagged(value: str) -> str:
    return TAG + seal(value) if value else ""


def open_tagged(stored: str, what: str) -> str:
    if not stored.startswith(TAG):
        return stored  # saved in clear by an older version: encrypted at the next save
    return reveal(stored.removeprefix(TAG), what)
