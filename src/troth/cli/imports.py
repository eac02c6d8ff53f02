"""troth import: bring a LinkedIn export, an address book, a calendar or mail in."""

from __future__ import annotations

import csv
import importlib
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from troth.cli.app import command, console, owner, plural, print_json
from troth.errors import TrothError

KINDS = ("linkedin", "google", "vcard", "ics", "mail", "json")
STAGES = {
    "reading": "Reading",
    "people": "People",
    "interactions": "Interactions",
    "identities": "Same person?",
    "files": "Files",
}


def _parser(kind: str):
    from troth.importers.registry import parser

    try:
        return parser(kind)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("troth.importers."):
            raise TrothError(f"importing {kind} files is not available in this version") from None
        raise TrothError(f"importing {kind} files needs the Python package {exc.name}") from None


def _restore(me_owner, path: Path) -> Any:
    try:
        module = importlib.import_module("troth.backup.restore")
    except ModuleNotFoundError as exc:
        if exc.name != "troth.backup.restore":
            raise
        module = None
    restore = getattr(module, "do_restore", None)
    if restore is None:
        raise TrothError(f"{path}: restoring a troth JSON export is not available in this version")
    return restore(me_owner, path)


class _Bar:
    """A Rich progress bar fed by do_import's (stage, done, total) callbacks."""

    def __init__(self, show: bool) -> None:
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}
        err = Console(stderr=True)
        if show and err.is_terminal:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )

    def __enter__(self) -> _Bar:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.progress is None:
            return
        task = self.tasks.get(stage)
        if task is None:
            task = self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total)
        self.progress.update(task, completed=done, total=total)


# A folder of these is imported file by file (each file all or nothing).
FILE_KINDS = {"vcard": (".vcf", ".vcard"), "ics": (".ics", ".ical", ".ifb")}


def files_to_import(path: Path, kind: str) -> list[Path]:
    if not path.is_dir() or kind not in FILE_KINDS:
        return [path]
    found = sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_KINDS[kind]
    )
    if not found:
        raise TrothError(f"{path}: no {'/'.join(FILE_KINDS[kind])} files in this folder")
    return found


def _import_each(
    me_owner, parser: Any, folder: Path, files: list[Path], kind: str, me: list[str], bar: _Bar
) -> Any:
    """Every file of a folder, one transaction each; a file that cannot be read is
    reported (with its one-line reason) and the others still come in."""
    from troth.importers.apply import ImportSummary, do_import
    from troth.importers.records import Problem

    total = ImportSummary(kind=kind, path=str(folder))
    for i, path in enumerate(files):
        try:
            one = do_import(me_owner, parser, path, options={"me": me}, kind=kind)
        except TrothError as exc:
            total.problems.append(Problem(str(path), f"file not imported: {exc}"))
        else:
            total.add(one)
        bar("files", i + 1, len(files))
    return total


def write_report(
    path: Path, problems: list[Any], left_out: dict[str, int] | None = None, where: str = ""
) -> None:
    """Every skipped record (where, why), then one row per reason for what was left
    out on purpose (counted, not listed: a mailbox leaves out most of itself)."""
    try:
        with path.expanduser().open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["where", "reason"])
            for p in problems:
                out.writerow([p.where, p.reason])
            for reason, n in (left_out or {}).items():
                out.writerow([where, f"left out: {n:,} {reason}"])
    except OSError as exc:
        raise TrothError(f"cannot write the report {path}: {exc.strerror or exc}") from None


@command("import", rich_help_panel="Setup")
def import_(
    args: list[str] = typer.Argument(
        ...,
        metavar="[KIND] PATH",
        help=f"PATH: the file, folder or zip to import. KIND: one of {', '.join(KINDS)};"
        " leave it out to have it guessed from the file.",
        show_default=False,
    ),
    me: list[str] = typer.Option(
        [],
        "--me",
        help="Your own address or profile URL (repeatable; remembered for later imports).",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Write every skipped record, with where and why, to this CSV."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Bring in a LinkedIn export, Google Contacts, vCards, calendars or mail.

    Running the same import twice changes nothing; a file that cannot be read is
    rolled back whole, and single bad records are skipped and reported.
    """
    from django.db import transaction

    from troth.importers.apply import do_import
    from troth.importers.detect import detect_kind

    if len(args) == 1:
        kind, path = None, Path(args[0])
    elif len(args) == 2:
        kind, path = args[0].lower(), Path(args[1])
        if kind not in KINDS:
            raise TrothError(f"unknown kind {args[0]!r}; use one of {', '.join(KINDS)}")
    else:
        raise TrothError(f"give a PATH, or a KIND and a PATH (got {len(args)} arguments)")
    path = path.expanduser()
    if not path.exists():
        raise TrothError(f"{path}: no such file or folder")
    kind = kind or detect_kind(path)
    me_owner = owner()
    if kind == "json":
        with transaction.atomic():
            result = _restore(me_owner, path)
        counts = result if isinstance(result, dict) else {}
        if as_json:
            print_json({"kind": "json", "path": str(path), "restored": counts})
            return
        console.print(f"Restored {escape(str(path))}")
        for label, n in counts.items():
            if n:
                console.print(f"  {escape(str(label))}: {n}")
        return
    parser = _parser(kind)
    files = files_to_import(path, kind)
    with _Bar(show=not as_json) as bar:
        if len(files) == 1:
            summary = do_import(
                me_owner, parser, files[0], options={"me": me}, progress=bar, kind=kind
            )
        else:
            summary = _import_each(me_owner, parser, path, files, kind, me, bar)
    if report is not None:
        write_report(report, summary.problems, summary.left_out, str(path))
    if as_json:
        print_json(summary.as_dict())
        return
    table = Table(title=f"Imported {escape(str(path))} ({kind})", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("People created", str(summary.people_created))
    table.add_row("People updated", str(summary.people_updated))
    table.add_row("People merged", str(summary.people_merged))
    table.add_row("Interactions added", str(summary.interactions_added))
    table.add_row("Records skipped or reported", str(summary.skipped))
    if summary.left_out:
        table.add_row("Left out on purpose", f"{sum(summary.left_out.values()):,}")
    console.print(table)
    reasons = summary.reasons()
    for reason, n in list(reasons.items())[:8]:
        console.print(f"  skipped {n:,}: {escape(reason)}")
    if len(reasons) > 8:
        console.print(f"  and {plural(len(reasons) - 8, 'other reason')}")
    for reason, n in sorted(summary.left_out.items(), key=lambda kv: (-kv[1], kv[0])):
        console.print(f"  left out {n:,} {escape(reason)}")
    if report is not None:
        console.print(f"Wrote {plural(summary.skipped, 'skipped record')} to {escape(str(report))}")
    elif summary.skipped:
        console.print("[dim]--report FILE lists every skipped record with where and why.[/dim]")
    verdict = summary.nothing_new()
    if verdict:
        console.print(escape(verdict))
