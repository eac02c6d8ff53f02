"""The installed `troth` command as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from module_data import migrated_home

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat these unchanged (conftest checks they use no
# test database)
pytestmark = pytest.mark.own_process


TROTH = shutil.which("troth") or str(Path(sys.executable).parent / "troth")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "troth-home"


def run(home: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)
    return subprocess.run(
        [TROTH, *args], env=env, input=input, capture_output=True, text=True, timeout=120
    )


def test_first_command_creates_and_migrates_the_database(home: Path) -> None:
    result = run(home, "people", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    db = home / "troth.sqlite3"
    assert db.exists()
    # WAL keeps the web app reading while the CLI writes
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_is_idempotent(home: Path) -> None:
    first = run(home, "init")
    assert first.returncode == 0 and "migrations applied" in first.stdout
    second = run(home, "init")
    assert second.returncode == 0 and "up to date" in second.stdout


def test_a_schema_behind_is_migrated_silently(home: Path, migrated_db: Path) -> None:
    migrated_home(migrated_db, home)  # up to date (as `troth init` leaves it), then put back
    env = {**os.environ, "TROTH_HOME": str(home), "DJANGO_SETTINGS_MODULE": "troth.settings"}
    env.pop("TROTH_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "troth.manage", "migrate", "intros", "zero", "-v0"],
        env=env,
        check=True,
    )
    tables = {
        r[0]
        for r in sqlite3.connect(home / "troth.sqlite3").execute(
            "select name from sqlite_master where type='table'"
        )
    }
    assert "intros_introduction" not in tables
    result = run(home, "add", "Dana Whitfield")
    assert result.returncode == 0, result.stderr
    show = run(home, "show", "Dana", "--json")
    assert json.loads(show.stdout)["name"] == "Dana Whitfield"


def test_errors_are_one_line_with_exit_2_and_write_nothing(home: Path, migrated_db: Path) -> None:
    migrated_home(migrated_db, home)  # the migration is the tests above's subject
    run(home, "add", "Dana Whitfield")
    bad = run(home, "add", "Sam Ortiz", "--via", "Pat New", "--phone", "12")
    assert bad.returncode == 2
    assert bad.stderr.startswith("troth: error:") and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr
    names = [p["name"] for p in json.loads(run(home, "people", "--json").stdout)]
    assert names == ["Dana Whitfield"]
    unknown = run(home, "show", "Zed")
    assert unknown.returncode == 2 and "troth add" in unknown.stderr
    usage = run(home, "log")
    assert usage.returncode == 2


def test_version_and_help(home: Path) -> None:
    from troth import __version__

    assert run(home, "--version").stdout.strip() == f"troth {__version__}"
    helptext = run(home, "--help").stdout
    for cmd in ("add", "people", "show", "log", "gave", "got", "promise", "need", "demo"):
        assert cmd in helptext


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TROTH_TIMEZONE", "Nowhere/Bogus", "TROTH_TIMEZONE='Nowhere/Bogus' is not a time zone"),
        ("TROTH_DATABASE_URL", "bogus://x", "TROTH_DATABASE_URL is not usable"),
        ("TROTH_DATABASE_URL", "postgres://nobody@127.0.0.1:1/x", "cannot open the database"),
    ],
)
def test_bad_settings_are_one_clear_line(
    home: Path, variable: str, value: str, message: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env.update({"TROTH_HOME": str(home), variable: value})
    result = subprocess.run([TROTH, "people"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_troth_home_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "not-a-dir"
    afile.write_text("x")
    result = run(afile, "people")
    assert result.returncode == 2 and "check TROTH_HOME" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ready", "Dana"], "Missing option '--ask'"),
        (["people", "--bogus"], "No such option: --bogus"),
        (["nosuchcmd"], "No such command 'nosuchcmd'"),
    ],
)
def test_usage_mistakes_are_one_line_too(home: Path, args: list[str], message: str) -> None:
    result = run(home, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("troth: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
