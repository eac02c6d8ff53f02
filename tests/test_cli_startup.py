"""The CLI answers at once (issue 18 item 6): `--version` and `--help` without Django,
a command loads only its own module, and the schema is checked without the migration
graph. Speed itself is measured by bench/bench_cli_startup.py, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connection

from module_data import migrated_home
from troth import bootstrap

if TYPE_CHECKING:
    from conftest import Cli

# Runs the console script's main() in a fresh interpreter, then reports which of the
# heavy modules were imported (on stderr, after the command's own output).
PROBE = """
import json, sys
sys.argv = ["troth", *json.loads(sys.argv[1])]
from troth.cli import main
try:
    main()
except SystemExit:
    pass
heavy = ("django", "numpy", "scipy", "django.db.migrations.loader", "troth.cli.intros")
print(json.dumps({m: m in sys.modules for m in heavy}), file=sys.stderr)
"""


def probe(home: Path, *args: str) -> tuple[str, dict[str, bool]]:
    env = {**os.environ, "TROTH_HOME": str(home)}
    env.pop("TROTH_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.own_process
@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_do_not_start_django(tmp_path: Path, option: str) -> None:
    out, loaded = probe(tmp_path, option)
    assert "troth" in out
    assert not loaded["django"], f"troth {option} imported Django"
    assert not loaded["numpy"]
    assert not (tmp_path / "troth.sqlite3").exists()


@pytest.mark.own_process
def test_help_lists_every_command_by_panel(tmp_path: Path) -> None:
    out, loaded = probe(tmp_path, "--help")
    for name in ("add", "people", "intro", "agenda", "draft", "import", "export", "eval"):
        assert f" {name} " in out
    for panel in ("Setup", "People", "Promises", "Follow through", "Trust"):
        assert f"─ {panel} " in out
    assert not loaded["troth.cli.intros"]


@pytest.mark.own_process
def test_a_read_command_loads_neither_numpy_nor_the_migration_graph(
    tmp_path: Path, migrated_db: Path
) -> None:
    # On a home already migrated (the first command's full migration is
    # test_cli_process's subject), a command checks the schema with one query: no
    # migration graph, no numpy.
    migrated_home(migrated_db, tmp_path)
    out, loaded = probe(tmp_path, "people", "--limit", "5")
    assert "Your network is empty" in out
    assert loaded["django"]
    assert not loaded["django.db.migrations.loader"]
    assert not loaded["numpy"]
    assert not loaded["troth.cli.intros"]


@pytest.mark.own_process
def test_commands_json_is_up_to_date() -> None:
    """commands.json feeds `troth --help`; after adding or renaming a command run
    `python -m troth.cli.manifest` to rewrite it."""
    from troth.cli.manifest import build_manifest

    stored = json.loads(resources.files("troth.cli").joinpath("commands.json").read_text())
    assert stored == build_manifest(), "run: python -m troth.cli.manifest"


@pytest.mark.django_db
def test_shipped_migrations_are_the_loaders() -> None:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    assert bootstrap.shipped_migrations() == set(loader.disk_migrations)


@pytest.mark.django_db
def test_schema_check_sees_a_missing_migration() -> None:
    assert bootstrap.schema_is_current()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s",
            ["people", "0001_initial"],
        )
    assert not bootstrap.schema_is_current()


def test_an_unknown_command_is_one_line(cli: Cli) -> None:
    result = cli("no-such-command", code=2)
    assert "No such command" in result.output


@pytest.mark.parametrize("args", [["--help"], ["add", "--help"], ["import", "--help"]])
def test_help_has_no_type_noise(cli: Cli, args: list[str]) -> None:
    text = cli(*args).stdout
    for noise in ("<bool>", "<str>", "<int>", "<list[str]>"):
        assert noise not in text


@pytest.mark.own_process
def test_help_on_a_command_shows_its_options_in_a_fresh_process(tmp_path: Path) -> None:
    # `troth help add` asks the root group for `add` before its module was imported:
    # it must get the real command, not the one-line stand-in the top-level help uses.
    out, _ = probe(tmp_path, "help", "add")
    assert "--email" in out and "--company" in out
