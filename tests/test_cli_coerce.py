"""Plain options are read without pydantic (troth.cli.coerce, issue 18 item 6), to the
same values and messages as Typer's own adapters, which read everything else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError
from typer._adapters import build_leaf_adapter
from typer.models import OptionInfo

from module_data import migrated_home
from troth.cli import coerce

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

INPUTS = [
    "12", " 12 ", "+5", "-3", "1_000", "12.0", "007", "2.5", "abc", "", "٣", "0x10", "1e3",
    "1__0", "_1", "true", "no", " On ", "Y", "maybe", "0", "1", "2", "x", " y ",
]  # fmt: skip


def typers(annotation: type, value: str) -> tuple[str, object]:
    try:
        return ("ok", build_leaf_adapter(annotation, OptionInfo()).validate_python(value))
    except ValidationError as exc:
        return ("error", exc.errors()[0]["msg"])


def ours(convert: Callable[[str], object], value: str) -> tuple[str, object]:
    try:
        return ("ok", convert(value))
    except ValueError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("value", INPUTS)
@pytest.mark.parametrize("annotation", [int, str, bool])
def test_plain_coercion_matches_typers_adapters(annotation: type, value: str) -> None:
    assert ours(coerce.PLAIN[annotation], value) == typers(annotation, value)


def test_only_plain_options_take_the_short_way() -> None:
    info = OptionInfo()
    assert coerce.plain_coercion(int, info, None) is coerce.to_int
    assert coerce.plain_coercion(list[str], info, None) is coerce.to_str_list
    assert coerce.plain_coercion(float, info, None) is None
    assert coerce.plain_coercion(int, OptionInfo(min=1), None) is None
    assert coerce.plain_coercion(str, OptionInfo(parser=str.upper), None) is None
    assert coerce.install()  # Typer's internals are the ones it was written for


# troth in a process of its own, on SQLite, no test database: the PostgreSQL pass would
# repeat it unchanged
@pytest.mark.own_process
def test_a_read_command_loads_no_pydantic_and_a_bad_number_is_one_line(
    tmp_path: Path, migrated_db: Path
) -> None:
    probe = (
        "import json, sys\n"
        "sys.argv = ['troth', *json.loads(sys.argv[1])]\n"
        "from troth.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(json.dumps({'pydantic': 'pydantic' in sys.modules, 'code': code}), file=sys.stderr)\n"
    )
    # a user's shell: none of the test run's own settings (on the PostgreSQL pass they
    # would point the command at the test server's database)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    # on the migrated copy (a new home's migration is test_cli_process's subject)
    env["TROTH_HOME"] = str(migrated_home(migrated_db, tmp_path / "home"))

    def run(*args: str) -> tuple[list[str], Any]:
        done = subprocess.run(
            [sys.executable, "-c", probe, json.dumps(list(args))],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = done.stderr.strip().splitlines()
        return lines[:-1], json.loads(lines[-1])

    errors, state = run("people", "--limit", "5")
    assert state == {"pydantic": False, "code": 0}
    errors, state = run("people", "--limit", "lots")
    assert state["code"] == 2
    assert errors == ["troth: error: --limit must be a whole number (see troth people --help)"]
    # pydantic's words ("Input should be a valid integer, unable to parse string as an
    # integer") were a newcomer's puzzle: each option's mistake is said plainly, the
    # options Typer reads itself (a float, a minimum) as well as the plain ones
    for args, said in [
        (("log", "Ann", "call", "--minutes", "abc"), "--minutes must be a whole number"),
        (("log", "Ann", "call", "--minutes", "2.5"), "--minutes must be a whole number"),
        (("delete", "--favor", "x"), "--favour must be a whole number"),
        (("imports", "--limit", "-1"), "--limit must be 0 or more"),  # (0: all)
        (("worker", "--interval", "soon"), "--interval must be a number"),
    ]:
        errors, state = run(*args)
        assert state["code"] == 2
        assert errors == [f"troth: error: {said} (see troth {args[0]} --help)"]
