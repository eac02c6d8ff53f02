"""The Typer application and what every command shares.

Commands stay thin: parse what was typed, call one service function inside a
transaction, print the result. A TrothError becomes one line on stderr and
exit code 2, and because the write was inside `transaction.atomic()`, nothing
of a failed command is left behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import typer
from rich.console import Console

from troth import __version__
from troth.cli import lazy
from troth.cli.coerce import install as plain_options
from troth.cli.coerce import plain_message
from troth.cli.lazy import LazyGroup
from troth.errors import TrothError
from troth.lib.busy import BUSY_MESSAGE, is_locked
from troth.lib.text import is_number

F = TypeVar("F", bound=Callable[..., Any])

# Plain options (str, int, bool, list[str]) are read without pydantic, which Typer
# would import for them: a fifth of a read command's start-up (troth.cli.coerce).
plain_options()

app = typer.Typer(
    name="troth",
    help="troth: remember people, keep your word, give first.",
    no_args_is_help=True,
    cls=LazyGroup,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


def _quiet_types() -> None:
    """`--help` without Typer's type labels (`--yes <bool>`, `--to <str>`, `words <list[str]>`):
    a flag shows nothing, a value a plain word (TEXT, N), as click always did.

    Typer (0.2x) prints `<type>` beside every option and offers no setting to turn it
    off short of a metavar on each option, so its one method is wrapped here."""
    from typer.core import TyperArgument, TyperOption

    words = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "PATH", "datetime": "DATE"}

    for cls in (TyperOption, TyperArgument):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "quiet", False):
            continue  # an older Typer: nothing to hide

        def display_type_rich(self: Any, ctx: Any, _original: Any = original) -> str | None:
            if isinstance(self, TyperArgument) or getattr(self, "is_flag", False):
                return None  # an argument's name says what it is; a flag takes no value
            if getattr(self, "metavar", None) is not None:
                return _original(self, ctx)
            label = _original(self, ctx)
            if not label:
                return label
            bare = label.rstrip(".").strip("<>")
            if bare.startswith("list["):  # a repeatable option: its element's word
                bare = bare.removeprefix("list[").removesuffix("]")
            if bare == "bool":
                return None
            return words.get(bare, bare)

        display_type_rich.quiet = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _classic_usage() -> None:
    """Usage lines name arguments the way click and the README do: `troth add NAME`,
    `troth people [QUERY]`, an explicit metavar as written (`sources remove ID`).

    Typer (0.2x) draws an argument in the usage line as `{name}` (required) or `[name]`
    whatever its metavar, so `troth eval persistence --help` read `{log}`; click's own
    usage line said LOG, as the README's reference does."""
    from typer.core import TyperArgument

    original = getattr(TyperArgument, "get_usage_pieces", None)
    if original is None or getattr(original, "classic", False):
        return

    def get_usage_pieces(self: Any, ctx: Any) -> list[str]:
        if self.metavar is not None:  # written out in full by its command: `[ID]`
            return [str(self.metavar)]
        name = str(self.name).upper()
        if not self.required:
            name = f"[{name}]"
        return [name + ("..." if self.nargs != 1 else "")]

    get_usage_pieces.classic = True  # type: ignore[attr-defined]
    TyperArgument.get_usage_pieces = get_usage_pieces  # type: ignore[method-assign]


_quiet_types()
_classic_usage()
# soft_wrap: long one-line messages stay one line when piped (tables still fit the width).
console = Console(highlight=False, soft_wrap=True)


# "busy, try again": EX_TEMPFAIL from sysexits.h, so a script can tell it from a mistake
BUSY_EXIT = 75


def fail(message: str, code: int = 2) -> typer.Exit:
    # One plain line (no Rich wrapping) so scripts and people both can read it.
    typer.echo(f"troth: error: {message}", err=True)
    return typer.Exit(code)


def one_line_errors(fn: F) -> F:
    """For subcommands of a Typer group (which `command` does not wrap): a TrothError
    becomes one line and its exit code."""

    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except TrothError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except Exception as exc:
            if is_locked(exc):
                raise fail(BUSY_MESSAGE, BUSY_EXIT) from None
            raise

    return cast(F, wrapper)


# What a command holds until it ends: the SQLite database's in-use lock, taken by
# `owner()` (troth.lib.inuse: `troth restore` is refused while any command that reads
# or writes the network runs, and a command started during a restore waits for it).
_holding: contextvars.ContextVar[contextlib.ExitStack | None] = contextvars.ContextVar(
    "troth_holding", default=None
)


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """`app.command` that turns a TrothError into one clear line and exit code 2."""

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*a: Any, **kw: Any) -> Any:
            held = contextlib.ExitStack()
            token = _holding.set(held)
            try:
                return fn(*a, **kw)
            except TrothError as exc:
                raise fail(str(exc), exc.exit_code) from None
            except Exception as exc:
                if is_locked(exc):  # SQLite's write lock, past the busy timeout
                    raise fail(BUSY_MESSAGE, BUSY_EXIT) from None
                raise
            finally:
                _holding.reset(token)
                held.close()

        app.command(*args, **kwargs)(wrapper)
        return fn

    return decorator


def owner():
    """Start Django, migrate if the schema is behind, and return the local owner."""
    from django.db import transaction

    from troth import bootstrap

    bootstrap.configure()
    held = _holding.get()
    if held is not None:
        # before any connection: a restore under way is waited for, so nothing of this
        # command opens the database it is replacing
        held.enter_context(bootstrap.holding_database())
        _holding.set(None)  # once per command
    bootstrap.setup()
    from troth.owners import local_owner

    with transaction.atomic():
        return local_owner()


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def parse_id(value: str, what: str) -> int:
    """Ids as printed ("12") or as written elsewhere ("#12")."""
    text = value.strip().lstrip("#")
    if not is_number(text):
        raise TrothError(f"{what} id must be a number like 12 or #12, got {value!r}")
    return int(text)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def created(kind: str, ident: int, text: str) -> None:
    console.print(f"[green]Added {kind} #{ident}[/green]: {text}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"troth {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """troth: remember people, keep your word, give first.

    Data lives in your user data directory (TROTH_HOME overrides; TROTH_DATABASE_URL
    selects PostgreSQL). Every listing takes --json.
    """


def main() -> None:
    """The console script: like `app()`, but usage mistakes are one line too."""
    # A command's start-up (Django, every app's models, the command's module) makes
    # objects that all live until the process ends. The collector's passes over them
    # while they pile up, and its last pass at exit over everything, were a third of
    # `troth agenda`'s CPU at 30,000 people (0.55 -> 0.35 s, issue 20): it is off during
    # start-up (troth.cli.lazy turns it on again, the start-up's objects frozen out of
    # its sight, before the command runs) and what is left at exit is frozen too.
    lazy.pause_collector()
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Abort:
        typer.echo("troth: aborted", err=True)
        sys.exit(1)
    except typer.TyperException as exc:  # a missing argument, an unknown option...
        ctx = getattr(exc, "ctx", None)
        where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        message = plain_message(exc) or (
            exc.format_message() if hasattr(exc, "format_message") else str(exc)
        )
        if not message.strip():  # `troth` or a group alone: the help was the answer
            sys.exit(0)
        typer.echo(f"troth: error: {message}{where}", err=True)
        sys.exit(getattr(exc, "exit_code", 2) or 2)
    finally:
        _leave()
    sys.exit(code if isinstance(code, int) else 0)


def _leave() -> None:
    """Before the interpreter's own teardown: close the database connections (a frozen
    connection would not be collected at exit: SQLite's WAL is folded into the file
    when its last connection closes), then freeze whatever is left."""
    lazy.resume_collector()
    if "django.apps" in sys.modules:
        from django.apps import apps

        if apps.ready:  # a bad setting stops start-up before any connection
            from django.db import connections

            connections.close_all()
    gc.freeze()
