"""Commands load on demand, so that the CLI answers at once.

Importing every command module meant starting Django, importing all models,
numpy and the matching tables before `troth --version` could print a line
(0.9-1.8 s a call, issue 18). Now:

- `troth --help` lists the commands from commands.json (each command's name,
  module, panel and one-line help), without importing a command module or Django;
- running a command configures Django and imports only that command's module
  (which registers its commands on the app, as before);
- a name commands.json does not know yet loads every module, so a command that
  was added without refreshing the file still runs (it is only missing from
  the top-level help until `python -m troth.cli.manifest` rewrites the file, which
  tests/test_cli_startup.py asks for).
"""

from __future__ import annotations

import gc
import importlib
import json
from functools import cache
from importlib import resources
from typing import Any

from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group_from_info

# The command modules; this order is the help's order.
MODULES = (
    "people",
    "dates",
    "ledger",
    "helping",
    "intros",
    "agenda",
    "drafts",
    "calendar",
    "imports",
    "identity",
    "backup",
    "trust",
    "evaluate",
    "demo",
    "web",
    "worker",
    "sync",
    "paths",
    "groups",
    "tokens",
    "webhooks",
)
MANIFEST = "commands.json"
# Modules that import no model at the top and start Django themselves: `troth serve`
# decides local or network mode from its arguments, into the environment, before
# Django reads its settings.
STARTS_DJANGO_ITSELF = {"web"}


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """name -> {module, help, panel, hidden}, in the help's order."""
    try:
        text = resources.files("troth.cli").joinpath(MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:  # a broken install: every module is loaded instead
        return {}
    return {row["name"]: row for row in json.loads(text)}


def load_module(module: str) -> None:
    """Import one command module, with Django configured first (the modules import models)."""
    from troth import bootstrap

    if module not in STARTS_DJANGO_ITSELF:
        bootstrap.configure()
    importlib.import_module(f"troth.cli.{module}")
    resume_collector()


_paused = False


def pause_collector() -> None:
    """No garbage collection while a command starts (the console script's `main`)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Collect again, once start-up is over: what it made is frozen first (moved where
    the collector never looks), so the command's own collections do not walk it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def load_all() -> None:
    for module in MODULES:
        load_module(module)


class LazyGroup(TyperGroup):
    """The root `troth` group: stubs from the manifest for the help, real commands on use."""

    def _sync(self, ctx: Any) -> None:
        """Build click commands for whatever the imported modules registered since last time."""
        from troth.cli.app import app

        for info in app.registered_commands:
            name = info.name or (info.callback.__name__ if info.callback else None)
            if name and name.replace("_", "-") in self.commands:
                continue
            cmd = get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
            if cmd.name:
                self.commands[cmd.name] = cmd
        for group_info in app.registered_groups:
            if group_info.name in self.commands:
                continue
            group = get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
            if group.name:
                self.commands[group.name] = group

    def _load(self, ctx: Any, name: str) -> None:
        entry = manifest().get(name)
        if entry is not None:
            load_module(entry["module"])
        else:
            load_all()
        self._sync(ctx)

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(manifest())
        if not names:  # no manifest: the slow way, every module
            self._load(ctx, "")
        return names + [n for n in self.commands if n not in names]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The real command, its module loaded on first use (`troth help add` and shell
        completion ask here too); None for a name nobody registered."""
        cmd = self.commands.get(cmd_name)
        if cmd is None and cmd_name in manifest():
            self._load(ctx, cmd_name)
            cmd = self.commands.get(cmd_name)
        return cmd

    def listed(self, ctx: Any, cmd_name: str) -> Any:
        """For the top-level help only: the command if loaded, else a stand-in from the
        manifest with its name, panel and one-line help (no module imported)."""
        cmd = self.commands.get(cmd_name)
        if cmd is not None:
            return cmd
        entry = manifest().get(cmd_name)
        if entry is None:
            return None
        return TyperCommand(
            name=cmd_name,
            help=entry["help"],
            rich_help_panel=entry["panel"],
            hidden=entry["hidden"],
        )

    def format_help(self, ctx: Any, formatter: Any) -> None:
        if ctx.parent is not None or not manifest():
            return super().format_help(ctx, formatter)
        # Typer's own rich help imports rich.markdown and markdown-it, which alone took
        # longer than the 0.15 s `troth --help` may take: the same panels, drawn here.
        root_help(self, ctx)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            from troth.cli.app import fail
            from troth.errors import TrothError

            try:
                self._load(ctx, args[0])
            except TrothError as exc:  # a bad setting: one line, like every other error
                raise fail(str(exc), exc.exit_code) from None
        return super().resolve_command(ctx, args)


def root_help(group: LazyGroup, ctx: Any) -> None:
    """`troth --help`: usage, what troth is, the options, and the commands by panel."""
    import inspect

    from rich import box
    from rich.console import Console
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Padding(Text(group.get_usage(ctx), style="bold"), 1))
    if group.help:
        console.print(Padding(Text(inspect.cleandoc(group.help)), (0, 1, 1, 1)))

    def panel(title: str, rows: list[tuple[str, str]], width: int) -> None:
        table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
        table.add_column(style="bold cyan", no_wrap=True, min_width=width)
        table.add_column(ratio=10)
        for name, text in rows:
            table.add_row(name, text)
        console.print(
            Panel(table, title=title, title_align="left", border_style="dim", box=box.ROUNDED)
        )

    options = [
        (", ".join(param.opts), getattr(param, "help", "") or "")
        for param in group.get_params(ctx)
        if not getattr(param, "hidden", False)
    ]
    panel("Options", options, 0)
    panels: dict[str, list[tuple[str, str]]] = {}
    for name in group.list_commands(ctx):
        cmd = group.listed(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        text = inspect.cleandoc(cmd.short_help or cmd.help or "").split("\n\n")[0]
        panels.setdefault(getattr(cmd, "rich_help_panel", None) or "Commands", []).append(
            (name, " ".join(text.split()))
        )
    width = max((len(name) for rows in panels.values() for name, _ in rows), default=0)
    for title, rows in panels.items():
        panel(title, rows, width)
