"""commands.json, the list `troth --help` shows without importing the command modules.

`python -m troth.cli.manifest` rewrites it after a command is added, renamed or
moved to another panel; tests/test_cli_startup.py fails while it is out of date.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import typer
from typer.core import TyperGroup

from troth.cli.lazy import MANIFEST, MODULES, LazyGroup, load_all


def build_manifest() -> list[dict[str, Any]]:
    """Every top-level command as the help shows it (imports every module: slow)."""
    from troth.cli.app import app

    load_all()
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    ctx = typer.Context(group)
    group._sync(ctx)
    modules = _modules(app)
    rows = []
    for name, cmd in group.commands.items():
        rows.append(
            {
                "name": name,
                "module": modules.get(name, ""),
                "help": cmd.short_help or cmd.help or "",
                "panel": getattr(cmd, "rich_help_panel", None),
                "hidden": bool(cmd.hidden),
            }
        )
    # The order of MODULES, whatever order the modules happened to be imported in (a
    # test run imports them as its commands run); in a module, the order of its
    # commands, and command groups after commands, as Typer lists them.
    where = {module: i for i, module in enumerate(MODULES)}
    groups = {name for name, cmd in group.commands.items() if isinstance(cmd, TyperGroup)}
    rows.sort(key=lambda r: (r["name"] in groups, where.get(str(r["module"]), len(where))))
    return rows


def _modules(app: typer.Typer) -> dict[str, str]:
    """Command name -> the command module that registered it."""
    found: dict[str, str] = {}
    for info in app.registered_commands:
        if info.callback is not None:
            name = info.name or info.callback.__name__.replace("_", "-")
            found[name] = info.callback.__module__
    for group_info in app.registered_groups:
        sub = group_info.typer_instance
        callbacks = [c.callback for c in sub.registered_commands] if sub else []
        if sub and sub.registered_callback:
            callbacks.append(sub.registered_callback.callback)
        modules = [c.__module__ for c in callbacks if c is not None]
        if group_info.name and modules:
            found[group_info.name] = modules[0]
    return {name: module.removeprefix("troth.cli.") for name, module in found.items()}


def write_manifest() -> str:
    path = resources.files("troth.cli").joinpath(MANIFEST)
    text = json.dumps(build_manifest(), ensure_ascii=False, indent=1) + "\n"
    with resources.as_file(path) as real:
        real.write_text(text, encoding="utf-8")
    return str(path)


if __name__ == "__main__":
    print(f"wrote {write_manifest()}")
