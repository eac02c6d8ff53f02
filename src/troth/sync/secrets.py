"""The sync passwords, encrypted at rest with a key kept outside the database.

Fernet (the cryptography package: AES-128-CBC with an HMAC), never home-made. The
key comes from, in this order:

- TROTH_ENCRYPTION_KEY: the key itself (a server: an environment variable, from the
  service manager or a secrets store);
- TROTH_ENCRYPTION_KEY_FILE: a file holding it;
- `encryption.key` in the data directory when it exists (made by an earlier troth,
  or on a machine without a keyring): the key its passwords were sealed with;
- the operating system's keyring (the `keyring` package: macOS Keychain, Windows
  Credential Locker, the Secret Service of GNOME or KDE), one entry per data
  directory, made on first use: on a laptop the key then sits with the user's
  other passwords, locked with their session, rather than in a file beside the
  database. Only a real OS keyring counts (a backend of priority 1 or more):
  keyrings.alt's plain-text file is no safer than our own file, so it is used only
  when chosen explicitly (PYTHON_KEYRING_BACKEND or keyring's own keyringrc.cfg).
  TROTH_KEYRING=off leaves the keyring alone;
- else `encryption.key` in the data directory, made on first use, readable by its
  owner only (0600). It is not in the database, so a copy of the database or a
  backup file alone reveals no password.

`key_store()` says which one is in use (`troth sources`, Settings → Sources).

It is not TROTH_SECRET_KEY, Django's signing key: one key for two jobs would mean
that rotating the signing key after a leak silently loses every stored password,
and Django's key is not a Fernet key anyway (a security review's M4).

A lost or changed key cannot decrypt what the old one encrypted: `reveal` then
says which source needs its password typed again, never a stack trace.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from troth.errors import TrothError
from troth.paths import data_dir

KEY_FILE = "encryption.key"


class SecretLost(TrothError):
    """The stored secret cannot be decrypted with the key at hand."""


def key_path() -> Path:
    named = os.environ.get("TROTH_ENCRYPTION_KEY_FILE", "").strip()
    return Path(named).expanduser() if named else data_dir() / KEY_FILE


SERVICE = "troth"  # the keyring entry: service "troth", user "encryption key <data dir>"


def _entry() -> str:
    return f"encryption key {data_dir()}"


def _keyring() -> Any | None:
    """The OS keyring to keep the key in, or None (see the module docstring)."""
    if os.environ.get("TROTH_KEYRING", "").strip().lower() in ("0", "off", "no", "false"):
        return None
    try:
        import keyring.backend
        import keyring.core
        from keyring.backends import fail, null
    except ImportError:
        return None
    try:
        # the user's explicit choice first, whatever its priority
        chosen = keyring.core.load_env() or keyring.core.load_config()
    except Exception:  # noqa: BLE001 - a broken keyring setting: no keyring, as without one
        return None
    if chosen is None:
        real = [b for b in keyring.backend.get_all_keyring() if b.priority >= 1]
        chosen = max(real, key=lambda b: b.priority, default=None)
    if chosen is None or isinstance(chosen, fail.Keyring | null.Keyring):
        return None
    return chosen


def _name(ring: Any) -> str:
    cls = type(ring)
    return getattr(ring, "name", "") or f"{cls.__module__}.{cls.__qualname__}"


def key_store(*, where: bool = True) -> str:
    """Where the key is (or will be made), in a few words: for `troth sources` (and,
    without the file's path (`where=False`), for the web page, which a group's
    members see: the server's paths are none of theirs)."""
    if os.environ.get("TROTH_ENCRYPTION_KEY", "").strip():
        return "the environment (TROTH_ENCRYPTION_KEY)"
    path = key_path()
    if os.environ.get("TROTH_ENCRYPTION_KEY_FILE", "").strip() or path.exists():
        return f"the file {path}" if where else "a key file"
    ring = _keyring()
    if ring is not None:
        return f"the OS keyring ({_name(ring)})"
    return f"the file {path}" if where else "a key file"


def _from_keyring(ring: Any) -> bytes:
    from keyring.errors import KeyringError

    try:
        stored = ring.get_password(SERVICE, _entry())
        if stored:
            return str(stored).strip().encode("ascii")
        key = Fernet.generate_key()
        ring.set_password(SERVICE, _entry(), key.decode("ascii"))
        # two processes making it at once: the one kept is the one read back
        return str(ring.get_password(SERVICE, _entry()) or key.decode()).strip().encode("ascii")
    except KeyringError as exc:
        # not a new key file: what the keyring holds would be lost for good
        raise TrothError(
            f"the OS keyring ({_name(ring)}) did not answer ({exc}): unlock it and try again,"
            " or set TROTH_KEYRING=off to keep the key in a file instead"
        ) from None


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
    ring = _keyring()
    if ring is not None:
        return _from_keyring(ring)
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
            f"{what} cannot be decrypted: the encryption key changed or was lost (in"
            f" {key_store()}); type it again"
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
