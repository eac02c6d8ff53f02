"""Shared fixtures: named owners (alice, bob), the CLI runner, and real test data.

Tests use the real database (SQLite in memory, or PostgreSQL when
TROTH_TEST_DATABASE_URL is set) and real files; nothing of troth is mocked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from troth.owners import do_ensure_me


@pytest.fixture
def alice(db):
    user = get_user_model().objects.create_user("alice", "alice@example.org", "password")
    do_ensure_me(user, "Alice")
    return user


@pytest.fixture
def bob(db):
    user = get_user_model().objects.create_user("bob", "bob@example.org", "password")
    do_ensure_me(user, "Bob")
    return user


class Cli:
    """Runs troth commands in-process against the test database."""

    def __init__(self) -> None:
        from typer.testing import CliRunner

        from troth.cli import app

        self.app = app
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0):
        result = self.runner.invoke(self.app, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (
            f"troth {' '.join(args)} exited {result.exit_code}, wanted {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def cli(db):
    return Cli()


# Other projects' test files (vCards, calendars, exports, mail) live beside the
# checkout, never in it: they are not ours to redistribute (see SOURCES.md there).
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """../shared/realdata; a user's own clone lacks it, so those tests skip, but
    CI (CI=true) must have it: a skipped importer test there would hide a gap."""
    if not REALDATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {REALDATA} is missing; the importer tests need it")
        pytest.skip(f"{REALDATA} is absent (external test files beside the checkout)")
    return REALDATA


SMTP_VARS = (
    "TROTH_SMTP_HOST",
    "TROTH_SMTP_PORT",
    "TROTH_SMTP_USER",
    "TROTH_SMTP_PASSWORD",
    "TROTH_SMTP_TLS",
    "TROTH_SMTP_SSL",
    "TROTH_DIGEST_TO",
    "TROTH_DIGEST_FROM",
)


@pytest.fixture
def no_mail_settings(monkeypatch, settings):
    """Start from no mail server configured, whatever the developer's environment says
    (the digest and Settings tests use it for every test)."""
    for var in SMTP_VARS:
        monkeypatch.delenv(var, raising=False)
    settings.EMAIL_HOST = ""
    settings.EMAIL_PORT = 587
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.TROTH_DIGEST_TO = ""
    settings.TROTH_DIGEST_FROM = ""
