"""Shared fixtures: named owners (alice, bob), the CLI runner, and real test data.

Tests use the real database (SQLite in memory, or PostgreSQL when
TROTH_TEST_DATABASE_URL is set) and real files; nothing of troth is mocked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings

from module_data import FIXED_DAY
from troth.owned import Owner

if TYPE_CHECKING:
    from typer.testing import Result
from troth.owners import do_ensure_me


def pytest_report_header(config: pytest.Config) -> str | None:
    pinned = os.environ.get("TROTH_TEST_TODAY")
    return f"troth: clock pinned to {pinned} (TROTH_TEST_TODAY)" if pinned else None


_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """An `own_process` test must reach no test database: .ci/run's PostgreSQL pass
    leaves such tests out (they would run there exactly as in the first pass), so one
    that did would lose its PostgreSQL run without anyone noticing."""
    wrong = [
        item.nodeid
        for item in items
        if item.get_closest_marker("own_process")
        and (
            item.get_closest_marker("django_db") is not None
            or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
    ]
    if wrong:
        raise pytest.UsageError(f"own_process tests that use the test database: {wrong}")


@pytest.fixture(scope="session", autouse=True)
def pinned_clock() -> Iterator[dt.date | None]:
    """`TROTH_TEST_TODAY=2028-02-29 pytest` runs the whole suite as if it were that day
    (time-machine moves every clock the process reads; it keeps ticking from there).
    bench/pinned_dates.py and .ci/run use it to prove that no test depends on the date
    it happens to run on: a month-end, a Sunday, a leap day, a year ahead."""
    pinned = os.environ.get("TROTH_TEST_TODAY")
    if not pinned:
        yield None
        return
    import time_machine

    day = dt.date.fromisoformat(pinned)
    # noon in the process's zone: the same calendar day in every time zone troth uses
    with time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=True):
        yield day


# FIXED_DAY, a fixed Wednesday in mid-May years ahead, lives in module_data.py (which
# builds module-wide data on it too); tests name it through the fixed_day fixture.


@pytest.fixture
def fixed_day() -> Iterator[dt.date]:
    """Pins every clock of the process to noon of FIXED_DAY (still ticking) for one test.
    Name it before `web` or `client` in a test's arguments: a session made before the
    jump would have expired by then."""
    import time_machine

    with time_machine.travel(dt.datetime.combine(FIXED_DAY, dt.time(12)), tick=True):
        yield FIXED_DAY


@pytest.fixture(autouse=True)
def troth_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own empty data directory, and the caches that read files from
    it start empty: a developer's own synonyms.txt or draft templates never change a
    test's outcome (they did, before this fixture)."""
    from troth.matching import keywords

    home = tmp_path_factory.mktemp("troth-home")
    monkeypatch.setenv("TROTH_HOME", str(home))
    # the encryption key then comes from this home (encryption.key), never the developer's
    monkeypatch.delenv("TROTH_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("TROTH_ENCRYPTION_KEY_FILE", raising=False)
    # ...and never the developer's OS keyring (test_sync_keyring turns it on, on a file)
    monkeypatch.setenv("TROTH_KEYRING", "off")
    keywords._load.cache_clear()
    keywords._DEFAULT = None
    yield home
    keywords._load.cache_clear()
    keywords._DEFAULT = None


@pytest.fixture
def web(client: Client, alice: Owner) -> Client:
    """The Django test client, signed in as alice."""
    client.force_login(alice)
    return client


@pytest.fixture
def alice(db: None) -> Owner:
    user = get_user_model().objects.create_user("alice", "alice@example.org", "password")
    do_ensure_me(user, "Alice")
    return user


@pytest.fixture
def bob(db: None) -> Owner:
    user = get_user_model().objects.create_user("bob", "bob@example.org", "password")
    do_ensure_me(user, "Bob")
    return user


@pytest.fixture
def circle(alice: Owner, bob: Owner) -> Any:
    """A group organised by alice, bob a member (the groups' tests)."""
    from django.utils import timezone

    from troth.groups import actions
    from troth.groups.models import Membership

    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(group=group, user=bob, role="member", joined_at=timezone.now())
    return group


class Cli:
    """Runs troth commands in-process against the test database."""

    def __init__(self) -> None:
        from typer.testing import CliRunner

        from troth.cli import app

        self.app = app
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0) -> Result:
        result = self.runner.invoke(self.app, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (
            f"troth {' '.join(args)} exited {result.exit_code}, wanted {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def cli(db: None) -> Cli:
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
def no_mail_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
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


@pytest.fixture
def home(troth_home: Path) -> Path:
    """This test's data directory (TROTH_HOME), for tests that put files in it."""
    return troth_home


class Inbox:
    """What a real SMTP server on 127.0.0.1 (aiosmtpd) received: the group server's
    invitations, reminders, resets and confirmations."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"

    def messages(self) -> list[Any]:
        import email
        import email.policy

        return [
            email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes
        ]

    def texts(self) -> list[str]:
        return [m.get_content() for m in self.messages()]


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on a free port of 127.0.0.1, and TROTH_SMTP_* pointing at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TROTH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TROTH_SMTP_PORT", str(port))
    monkeypatch.setenv("TROTH_DIGEST_FROM", "troth@example.org")
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A troth.sqlite3 with every migration applied, made once per test run by `manage
    migrate` in a user's environment (no TROTH_/DJANGO_ variables). Tests that run troth
    in processes of their own copy it into their home (`migrated_home`) instead of paying
    a full migrate each (some 10 s of CPU; issue 19: CI time); the tests of a new or
    outdated database keep an empty home. Under xdist the workers share one, made by
    whichever asks first (pytest-xdist's documented recipe: the workers' common base
    folder and a file lock), which saves the other worker's migrate."""
    import subprocess
    import sys

    from filelock import FileLock

    if worker_id == "master":  # not under xdist
        home = tmp_path_factory.mktemp("migrated-home")
    else:
        home = tmp_path_factory.getbasetemp().parent / "migrated-home"
    db = home / "troth.sqlite3"
    done = home / "migrated"  # written last: a migrate that failed half-way is not reused
    with FileLock(f"{home}.lock"):
        if not done.is_file():
            home.mkdir(exist_ok=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
            env.update(TROTH_HOME=str(home), DJANGO_SETTINGS_MODULE="troth.settings")
            subprocess.run(
                [sys.executable, "-m", "troth.manage", "migrate", "-v0"],
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
            # the process has closed it: nothing is left in a write-ahead log beside it
            # (checked here, by its maker: once made, another worker copying it has it
            # open, with its -wal beside it, and a check then failed a whole worker)
            assert db.is_file() and not Path(f"{db}-wal").exists()
            done.touch()
    assert db.is_file()
    return db


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0913 (pytest-django's own fixture's arguments)
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's test database set-up, except on SQLite: there each worker's
    in-memory test database is a copy of the run's `migrated_db` (SQLite's backup API,
    as Django's own parallel runner fills its workers' in-memory databases) instead of
    a migrate of its own, some 10 s of CPU per worker (issue 19: CI time). The copy is
    the same schema: troth.settings_test changes no app, only the database and the
    mail and password back ends, and the triggers and search index post_migrate makes
    are in the file. PostgreSQL (TROTH_TEST_DATABASE_URL), `--nomigrations` and a
    second database still take pytest-django's way; tests of migrations migrate the
    test database themselves, as before."""
    import sqlite3
    from contextlib import closing

    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    connection = connections["default"]
    creation: Any = connection.creation  # (its _get_test_db_name is not in django-stubs)
    copy = (
        django_db_use_migrations
        and aliases == {"default"}
        and not serialized_aliases  # no test asks for serialized_rollback
        and connection.vendor == "sqlite"
        and creation.is_in_memory_db(creation._get_test_db_name())
    )
    if copy:
        source = request.getfixturevalue("migrated_db")
        with django_db_blocker.unblock():
            old_name = connection.settings_dict["NAME"]
            test_name = creation._get_test_db_name()
            # what Django's create_test_db does around its migrate
            connection.close()
            settings.DATABASES["default"]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
            connection.ensure_connection()
            with closing(sqlite3.connect(source)) as migrated:
                migrated.backup(connection.connection)
        db_cfg: list[Any] = [(connection, old_name, True)]
    else:
        if not django_db_use_migrations:
            _disable_migrations()
        with django_db_blocker.unblock():
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=cast(Any, aliases),  # a set, as pytest-django's own passes
                serialized_aliases=serialized_aliases,
                keepdb=django_db_keepdb and not django_db_createdb,
            )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)
