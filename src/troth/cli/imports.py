"""troth import: bring a LinkedIn export, an address book, a calendar or mail in."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand

from troth.cli.app import command, console, fail, owner, parse_id, plural, print_json
from troth.errors import TrothError
from troth.lib import csvsafe
from troth.owned import Owner

KINDS = ("linkedin", "google", "csv", "vcard", "ics", "mail", "json")
# stage -> (what the bar says, the unit counted)
STAGES = {
    "reading": ("Reading", "records"),
    "messages": ("Reading", "messages"),
    "people": ("People", "people"),
    "interactions": ("Interactions", "interactions"),
    "identities": ("Same person?", ""),
    "files": ("Files", "files"),
}


def _parser(kind: str):
    from troth.importers.registry import parser

    try:
        return parser(kind)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("troth.importers."):
            raise TrothError(f"importing {kind} files is not available in this version") from None
        raise TrothError(f"importing {kind} files needs the Python package {exc.name}") from None


def _restore(me_owner, path: Path) -> dict[str, int]:
    # imported here, not at the top: `troth import` of a vCard never loads the restore
    from troth.backup.restore import do_restore

    return do_restore(me_owner, path)


class _Count(ProgressColumn):
    """ "1,234/5,000 people", or "1,234 messages" while the total is unknown (no
    made-up totals: the bar then only pulses)."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        done = f"{int(task.completed):,}"
        text = done if task.total is None else f"{done}/{int(task.total):,}"
        return Text(f"{text} {unit}".strip() if unit or task.total is not None else "")


class _Eta(ProgressColumn):
    """Time left ("ETA 0:00:12") while the total is known; nothing while it is not
    (a count alone has no end to reach)."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.finished:
            return Text("")
        left = task.time_remaining
        if left is None:
            return Text("ETA -:--:--")
        minutes, seconds = divmod(int(left), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}")


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
                _Count(),
                TimeElapsedColumn(),
                _Eta(),
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
        total = total or None  # 0 of 0 says nothing: show a count alone
        task = self.tasks.get(stage)
        if task is None:
            label, unit = STAGES.get(stage, (stage.capitalize(), ""))
            task = self.tasks[stage] = self.progress.add_task(label, total=total, unit=unit)
        self.progress.update(task, completed=done, total=total)


# A folder of these is imported file by file (each file all or nothing).
FILE_KINDS = {"vcard": (".vcf", ".vcard"), "ics": (".ics", ".ical", ".ifb")}
# What may sit beside them in such a folder and be imported by its own kind.
FOLDER_KINDS = ("vcard", "ics", "google", "linkedin")
KIND_NAMES = {
    "vcard": "vCard",
    "ics": "calendar",
    "google": "Google Contacts",
    "csv": "CSV",
    "linkedin": "LinkedIn",
    "mail": "mail",
}


def _folder_files(path: Path) -> list[Path]:
    """The folder's files, hidden ones and symbolic links left out (a link could name a
    file anywhere on the disk: the attacker's review), in name order."""
    return [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and not p.is_symlink()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]


def files_to_import(
    path: Path, kind: str, chosen: bool = True
) -> tuple[list[tuple[Path, str]], list[Path]]:
    """The files to import, each with its kind, and the files of the folder left aside.

    A folder of vCards or calendars is imported file by file. When the user named
    the KIND, files of other kinds are left aside (and listed); when troth guessed
    it, each file is imported by its own kind (a .vcf, a Google .csv, an .ics)."""
    from troth.importers.detect import detect_kind

    if path.is_dir() and kind == "linkedin" and not chosen:
        # A LinkedIn export is read whole (its Profile.csv says who you are in its
        # messages); vCards and calendars beside it come in each by its kind (they were
        # dropped without a word: a newcomer's review). Its own CSVs are never sniffed
        # one by one: Verifications.csv reads as a Google export (the attacker's review).
        beside = [
            (p, own)
            for p in _folder_files(path)
            for own in [
                next((k for k, ends in FILE_KINDS.items() if p.suffix.lower() in ends), None)
            ]
            if own is not None
        ]
        return [(path, kind), *beside], []
    if not path.is_dir() or kind not in FILE_KINDS:
        return [(path, kind)], []
    found: list[tuple[Path, str]] = []
    ignored: list[Path] = []
    for p in _folder_files(path):
        own = next((k for k, ends in FILE_KINDS.items() if p.suffix.lower() in ends), None)
        if own is None and not chosen:
            try:
                own = detect_kind(p)
            except TrothError:
                own = None
        if own == kind or (not chosen and own in FOLDER_KINDS):
            found.append((p, own))
        else:
            ignored.append(p)
    if not found:
        raise TrothError(f"{path}: no {'/'.join(FILE_KINDS[kind])} files in this folder")
    return found, ignored


def _import_each(
    me_owner,
    folder: Path,
    files: list[tuple[Path, str]],
    kind: str,
    me: list[str],
    bar: _Bar,
    dry_run: bool = False,
    force: bool = False,
) -> Any:
    """Every file of a folder, one transaction each; a file that cannot be read is
    reported (with its one-line reason) and the others still come in."""
    from troth.importers.apply import ImportSummary, do_import
    from troth.importers.records import Problem

    kinds = sorted({k for _p, k in files}, key=lambda k: (k != kind, k))
    total = ImportSummary(kind=", ".join(kinds), path=str(folder))
    bar("files", 0, len(files))
    for i, (path, own) in enumerate(files):
        try:
            one = do_import(
                me_owner,
                _parser(own),
                path,
                options={"me": me},
                kind=own,
                dry_run=dry_run,
                force=force,
            )
        except TrothError as exc:
            total.problems.append(Problem(str(path), f"file not imported: {exc}"))
        else:
            total.add(one)
        bar("files", i + 1, len(files))
    return total


def ignored_line(folder: Path, kind: str, chosen: bool, ignored: list[Path]) -> str:
    names = [str(p.relative_to(folder)) for p in ignored]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    why = f"not {KIND_NAMES.get(kind, kind)} files" if chosen else "not files troth imports"
    return f"{plural(len(names), 'file')} ignored ({why}): {shown}"


def write_report(
    path: Path, problems: list[Any], left_out: list[tuple[str, dict[str, int]]] | None = None
) -> None:
    """Every skipped record (where, why), then one row per reason for what was left
    out on purpose (counted, not listed: a mailbox leaves out most of itself)."""
    try:
        with path.expanduser().open("w", newline="", encoding="utf-8") as fh:
            out = csvsafe.writer(fh)  # where and why quote the imported file
            out.writerow(["where", "reason"])
            for p in problems:
                out.writerow([p.where, p.reason])
            for where, counts in left_out or []:
                for reason, n in counts.items():
                    out.writerow([where, f"left out: {n:,} {reason}"])
    except OSError as exc:
        raise TrothError(f"cannot write the report {path}: {exc.strerror or exc}") from None


class _ImportCommand(TyperCommand):
    """Usage `troth import [OPTIONS] [KIND] PATH...` (Typer would write the one
    repeated argument as {[KIND] PATH}..., as if KIND could come again)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return ["[OPTIONS]", "[KIND] PATH..."]


@command("import", rich_help_panel="Setup", cls=_ImportCommand)
def import_(
    args: list[str] = typer.Argument(
        None,
        metavar="[KIND] PATH",
        help=f"PATH: the file, folder or zip to import (several PATHs: each is imported on"
        f" its own). KIND: one of {', '.join(KINDS)}; leave it out to have it guessed"
        " from each file.",
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
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Say what would be created, updated, merged and skipped, with examples;"
        " write nothing.",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Import a file even if its records look like noise; with --undo, undo even"
        " what was changed since (asking first what it would remove).",
    ),
    yes: bool = typer.Option(
        False,
        "--yes",
        "-y",
        help="With --undo --force: do not ask before removing what was added since.",
    ),
    undo: list[str] = typer.Option(
        [],
        "--undo",
        metavar="RUN",
        help="Undo import RUN (troth imports lists them): remove what it created, put back"
        " what it changed. Repeatable, or a range A-B (a folder's runs), newest first.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    column_map: list[str] = typer.Option(
        [],
        "--map",
        metavar="FIELD=COLUMN",
        help="A CSV of your own: read COLUMN as FIELD (repeatable), e.g. --map email='Work"
        " mail'. Fields: name, first_name, last_name, email, phone, company, title, notes,"
        " tags, birthday, nickname, url, ...",
    ),
) -> None:
    """Bring in a LinkedIn export, Google Contacts, a CSV of your own, vCards, calendars or mail.

    Running the same import twice changes nothing; a file that cannot be read leaves
    nothing behind, and single bad records are skipped and reported. A file whose
    records look like noise is refused unless --force. Several PATHs are imported one
    after the other, each all or nothing. Every import can be undone: --undo RUN (with
    --force, what was added since goes too, after a question; --yes answers it).
    """
    if yes and not (undo and force):
        raise TrothError(
            "--yes goes with --undo RUN --force: it answers the question asked before"
            " removing what was added since"
        )
    if undo:
        if args:
            raise TrothError("--undo RUN takes no PATH: troth import --undo RUN")
        # An option an undo would ignore is refused before anything is undone: with
        # --dry-run ignored, "troth import --undo 8 --dry-run" undid the import (a
        # newcomer's review)
        ignored = [
            name
            for name, given in (
                ("--dry-run", dry_run),
                ("--report", report is not None),
                ("--me", bool(me)),
                ("--map", bool(column_map)),
            )
            if given
        ]
        if ignored:
            raise TrothError(
                f"--undo takes no {', '.join(ignored)}: it undoes the whole import at once"
                " (troth imports shows what each did)"
            )
        runs = _undo_ids(undo)
        if len(runs) == 1:
            _undo(runs[0], force, yes, as_json)
            return
        # several: newest first (a later import may hold what an earlier one made);
        # each all or nothing, and the first refusal stops the rest, saying what was done
        done: list[int] = []
        for run_id in runs:
            try:
                _undo(run_id, force, yes, as_json)
            except TrothError as exc:
                undone = f" (undone before it: {', '.join(f'#{r}' for r in done)})" if done else ""
                raise TrothError(f"{exc}{undone}") from None
            done.append(run_id)
        return
    if not args:
        raise TrothError("name the file to import: troth import PATH (see troth import --help)")
    kind, paths = _split(args)
    for path in paths:
        if not path.exists():
            raise TrothError(f"{path}: no such file or folder")
    mapped = _column_map(column_map, kind)
    if mapped is not None:
        kind = "csv"
    me_owner = owner()
    if not me and len(paths) > 1 and not _my_saved_addresses(me_owner):
        _check_mail_has_me(kind, paths)
    results: list[dict[str, Any]] = []
    problems: list[Any] = []
    left_out: list[tuple[str, dict[str, int]]] = []
    failed = 0
    for path in paths:
        try:
            # A library's warnings (icalendar guessing a time zone...) are not the
            # user's business mid-import: the records they concern are imported or
            # reported like any other.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = _import_path(me_owner, kind, path, me, as_json, mapped, dry_run, force)
        except TrothError as exc:
            if len(paths) == 1:
                raise
            typer.echo(f"troth: error: {exc}", err=True)
            failed += 1
            results.append({"path": str(path), "error": str(exc)})
            continue
        results.append(result["json"])
        problems.extend(result["problems"])
        left_out.append((str(path), result["left_out"]))
    if report is not None:
        write_report(report, problems, left_out)
        if not as_json:
            console.print(
                f"Wrote {plural(len(problems), 'skipped record')} to {escape(str(report))}"
            )
    elif problems and not as_json:
        console.print("[dim]--report FILE lists every skipped record with where and why.[/dim]")
    if as_json:
        print_json(results[0] if len(paths) == 1 else results)
    if failed:
        raise typer.Exit(2)


# an import run's id, or a range of them ("12-40"), as --undo takes them
_RUN_RANGE = re.compile(r"^#?(\d{1,12})\s*-\s*#?(\d{1,12})$")
MAX_UNDO_RUNS = 1000


def _undo_ids(values: list[str]) -> list[int]:
    """--undo's runs, each once, newest first: "12", "#12", "12-40"."""
    ids: set[int] = set()
    for value in values:
        span = _RUN_RANGE.match(value.strip())
        if span:
            low, high = sorted((int(span.group(1)), int(span.group(2))))
            if high - low >= MAX_UNDO_RUNS:
                raise TrothError(f"--undo {value}: at most {MAX_UNDO_RUNS} runs at once")
            ids.update(range(low, high + 1))
        else:
            ids.add(parse_id(value, "import"))
        if len(ids) > MAX_UNDO_RUNS:
            raise TrothError(f"--undo: at most {MAX_UNDO_RUNS} runs at once")
    return sorted(ids, reverse=True)


def _ranges(ids: list[int]) -> str:
    """12, 13, 14, 20 -> "12-14 --undo 20": --undo's arguments for these runs."""
    out: list[str] = []
    for run_id in sorted(set(ids)):
        if out and "-" in out[-1] and int(out[-1].split("-")[1]) == run_id - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{run_id}"
        elif out and "-" not in out[-1] and int(out[-1]) == run_id - 1:
            out[-1] = f"{out[-1]}-{run_id}"
        else:
            out.append(str(run_id))
    return " --undo ".join(out)


def _split(args: list[str]) -> tuple[str | None, list[Path]]:
    """[KIND] PATH...: a first word naming a kind (and no file of that name) is the KIND."""
    first = args[0].lower()
    if len(args) > 1 and first in KINDS and not Path(args[0]).exists():
        return first, [Path(a).expanduser() for a in args[1:]]
    if len(args) > 1 and not Path(args[0]).expanduser().exists() and "." not in args[0]:
        raise TrothError(f"unknown kind {args[0]!r}; use one of {', '.join(KINDS)}")
    return None, [Path(a).expanduser() for a in args]


def _column_map(items: list[str], kind: str | None) -> dict[str, str] | None:
    """--map field=Column options, checked before anything is read (None: none given)."""
    if not items:
        return None
    if kind not in (None, "csv"):
        raise TrothError(f"--map is for a CSV of your own (troth import csv FILE), not {kind}")
    from troth.importers.records import ImportFileError
    from troth.importers.spreadsheet import parse_map

    try:
        return parse_map(items)
    except ImportFileError as exc:
        raise TrothError(str(exc)) from None


def _my_saved_addresses(me_owner: Owner) -> bool:
    """Whether an earlier --me left my addresses on my own card (imports use them)."""
    from troth.people.models import ContactPoint

    return ContactPoint.objects.filter(
        owner=me_owner, person__is_me=True, kind=ContactPoint.EMAIL
    ).exists()


def _check_mail_has_me(kind: str | None, paths: list[Path]) -> None:
    """Several PATHs without --me: a mailbox among them is refused before any file is
    imported, as a missing file is (a newcomer's review: the vCard before it was
    imported, then the mailbox refused)."""
    for path in paths:
        try:
            found = kind or _detect_or_each(path)
        except TrothError:
            continue  # its own refusal comes in its turn
        if found == "mail":
            raise TrothError(
                f"{path}: mail import needs your own address to tell sent from received"
                " mail: pass --me ADDRESS (nothing was imported)"
            )


def _detect_or_each(path: Path) -> str:
    """The kind of PATH; for a folder holding only CSV exports (no vCard, calendar or
    mail beside them, so no kind for the folder), "vcard": files_to_import then takes
    each file by its own kind, as it does in a mixed folder (the README's promise; a
    folder of LinkedIn CSVs alone was refused)."""
    from troth.importers.detect import detect_kind

    try:
        return detect_kind(path)
    except TrothError as exc:
        refused = exc
    if path.is_dir():
        try:
            files_to_import(path, "vcard", chosen=False)
        except TrothError:
            pass  # nothing importable in it either: the folder's own refusal says why
        else:
            return "vcard"
    raise refused


def _import_path(
    me_owner,
    kind: str | None,
    path: Path,
    me: list[str],
    as_json: bool,
    mapped: dict[str, str] | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> dict[str, Any]:
    """Import (or restore) one PATH and print its summary unless --json."""
    from django.db import transaction

    from troth.importers.apply import collector_paused, do_import

    chosen = kind is not None
    kind = kind or _detect_or_each(path)
    if kind == "json":
        if dry_run:
            raise TrothError(f"{path}: --dry-run does not apply to restoring a troth export")
        with transaction.atomic():
            result = _restore(me_owner, path)
        counts = result if isinstance(result, dict) else {}
        shown = _restored_names(counts)
        if not as_json:
            console.print(f"Restored {escape(str(path))}")
            for label, n in shown.items():
                console.print(f"  {escape(label)}: {n:,}")
        data = {"kind": "json", "path": str(path), "restored": counts, "summary": shown}
        return {"json": data, "problems": [], "left_out": {}}
    files, ignored = files_to_import(path, kind, chosen)
    with _Bar(show=not as_json) as bar, collector_paused():
        if len(files) == 1 and files[0][0] == path:
            options: dict[str, object] = {"me": me}
            if mapped is not None:
                options["map"] = mapped
            summary = do_import(
                me_owner,
                _parser(kind),
                path,
                options=options,
                progress=bar,
                kind=kind,
                dry_run=dry_run,
                force=force,
            )
        else:
            summary = _import_each(me_owner, path, files, kind, me, bar, dry_run, force)
    # Who knows whom is inferred when `troth knows` or `troth path` next asks
    # (warmpaths.queries.fresh_links), as after a web upload: a pass here, after a
    # 12,000-person LinkedIn import, kept other writers from SQLite's lock for seconds.
    data = summary.as_dict()
    if ignored:
        data["ignored"] = [str(p) for p in ignored]
    if not as_json:
        _print_summary(summary, path, ignored_line(path, kind, chosen, ignored) if ignored else "")
    return {"json": data, "problems": summary.problems, "left_out": summary.left_out}


def _restored_names(counts: dict[str, int]) -> dict[str, int]:
    from troth.backup.tables import user_counts

    return user_counts(counts)


def _print_summary(summary: Any, path: Path, ignored: str) -> None:
    dry = summary.dry_run
    if summary.empty():
        # one line, naming the file: not "Imported ..." over a table of noughts, then
        # "Nothing imported" (a newcomer's review: a CSV of a header row alone)
        if ignored:
            console.print(escape(ignored))
        console.print(escape(summary.nothing_new(str(path))))
        return
    title = f"{'Dry run of' if dry else 'Imported'} {escape(str(path))} ({summary.kind})"
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    if summary.mapping:
        console.print("Columns: " + escape(", ".join(f"{c} → {f}" for c, f in summary.mapping)))
    # Each label says what its number counts: "added" is people new to the network
    # (a row merged into someone already here is counted once, as merged, not as added).
    source = "these files" if summary.run_ids else "this file"
    table.add_row(f"People added from {source}", f"{summary.people_created:,}")
    table.add_row("People already here, brought up to date", f"{summary.people_updated:,}")
    table.add_row("Merged into someone already here", f"{summary.people_merged:,}")
    table.add_row("Interactions added", f"{summary.interactions_added:,}")
    table.add_row("Records skipped or reported", f"{summary.skipped:,}")
    if summary.left_out:
        table.add_row("Left out on purpose", f"{sum(summary.left_out.values()):,}")
    console.print(table)
    if summary.people_merged:
        console.print(
            f"  merged {summary.people_merged:,}: "
            + ("a person" if summary.people_merged == 1 else "people")
            + f" from {source} turned out to be someone already in your network; what the"
            " file said went to that person instead of a second entry (troth merges lists"
            " them, troth unmerge undoes one)"
        )
    reasons = summary.reasons()
    for reason, n in list(reasons.items())[:8]:
        console.print(f"  skipped {n:,}: {escape(reason)}")
    if len(reasons) > 8:
        console.print(f"  and {plural(len(reasons) - 8, 'other reason')}")
    for reason, n in sorted(summary.left_out.items(), key=lambda kv: (-kv[1], kv[0])):
        console.print(f"  left out {n:,}: {escape(reason)}")  # ("1 meetings" read wrong)
    if ignored:
        console.print(escape(ignored))
    verdict = summary.nothing_new()
    if verdict:  # a dry run's says what would happen (ImportSummary.nothing_new)
        console.print(escape(verdict))
    if dry:
        _print_preview(summary)
    elif summary.run_id is not None and not verdict:
        console.print(f"[dim]Undo it with: troth import --undo {summary.run_id}[/dim]")
    elif summary.run_ids and not verdict:
        # a folder: one run a file, taken back together (a newcomer's review: 79 runs
        # and no word of how to undo them)
        console.print(f"[dim]Undo them with: troth import --undo {_ranges(summary.run_ids)}[/dim]")


def _print_preview(summary: Any) -> None:
    """Examples of what the import would do, and whether it would be refused."""
    preview = summary.preview or {}
    for key, label in (("created", "would create"), ("updated", "would update")):
        for p in preview.get(key, []):
            details = [*p.get("contact", [])[:2]]
            if p.get("company"):
                details.append(" at ".join(x for x in (p.get("title"), p["company"]) if x))
            extra = f" ({'; '.join(details)})" if details else ""
            console.print(f"  {label}: {escape(p['name'])}{escape(extra)}")
    for m in preview.get("merged", []):
        console.print(f"  would merge: {escape(m['merged'])} into {escape(m['into'])}")
    for p in preview.get("skipped", []):
        console.print(f"  would skip: {escape(p['where'])}: {escape(p['reason'])}")
    if summary.noise:
        console.print(
            "[bold]This file would be refused[/bold]: it does not look like an address book ("
            + escape("; ".join(summary.noise))
            + "). Import it anyway with --force."
        )
    console.print("Dry run: nothing was written.")


def _undo(run_id: int, force: bool, yes: bool, as_json: bool) -> None:
    from troth.importers.undo import do_undo_import, forced_losses

    me_owner = owner()
    # --force removes what was added since to the people the import created (what
    # the refusal names): asked first, as troth delete asks (a newcomer's review:
    # it deleted 13 hand-logged interactions and a promise without a word)
    losses = forced_losses(me_owner, run_id) if force else []
    if losses and not yes:
        try:
            confirmed = typer.confirm(
                f"Undo import #{run_id} and remove with it {'; and '.join(losses)}?",
                default=False,
                err=as_json,  # (the JSON alone on stdout)
            )
        except typer.Abort:  # no terminal to ask on, or no answer
            raise fail("nothing undone: confirm with --yes when not at a terminal") from None
        if not confirmed:  # a clear "no" is an answer, not an error
            typer.echo("Nothing undone.", err=as_json)
            return
    done = do_undo_import(me_owner, run_id, force=force)
    if as_json:
        print_json(done.as_dict())
        return
    parts = [
        plural(done.people_removed, "person", "people") + " removed",
        plural(done.removed.get("interactions.interaction", 0), "interaction") + " removed",
    ]
    if done.restored:
        parts.append(plural(done.restored, "change") + " put back")
    if done.unmerged:
        parts.append(plural(done.unmerged, "merge") + " undone")
    if done.kept:
        parts.append(plural(done.kept, "later change") + " kept")
    # (what went with the people is not in the counts, which are the import's own)
    also = f"; with them went {'; and '.join(losses)}" if losses else ""
    console.print(f"Undid import #{run_id}: {', '.join(parts)}{also}.")


# below this many columns `troth imports` shows the day of a run, not its time, and
# below VERY_NARROW the day without its year (a server's six-digit ids need the room)
NARROW, VERY_NARROW = 100, 70


@command("imports", rich_help_panel="Setup")
def imports_(
    limit: int = typer.Option(
        30, "--limit", min=0, help="How many runs, newest first (0: all; JSON: all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The imports you ran, newest first: id, when, kind, file, counts, status, undone.

    Undo one with troth import --undo ID.
    """
    from troth.importers.models import ImportRun

    me_owner = owner()
    runs = ImportRun.objects.filter(owner=me_owner)
    if as_json:
        print_json([_run_row(r) for r in runs])
        return
    # (a LIMIT past what SQLite's integers hold was a traceback: the attacker's review)
    rows = [_run_row(r) for r in (runs[: min(limit, 2**62)] if limit else runs)]
    if not rows:
        console.print("No imports yet.")
        return
    # Every column fits an 80-column terminal: the short ones never wrap, the file name
    # and the counts wrap (a long name folds) and share what is left, and a narrow
    # terminal shows the day without the time. A file name that would not wrap made
    # Rich squeeze id and kind to nothing.
    narrow = console.width < NARROW
    table = Table()
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("file", overflow="fold", ratio=3, min_width=8)
    table.add_column("what it did", overflow="fold", ratio=2, min_width=8)
    table.add_column("status", no_wrap=True)
    for r in rows:
        when = r["when"][:16].replace("T", " ")
        if narrow:
            when = when[5:10] if console.width < VERY_NARROW else when[:10]
        did = [
            f"{r[key]:,} {label}"
            for key, label in (
                ("people_created", "new"),
                ("people_updated", "updated"),
                ("people_merged", "merged"),
                ("interactions_added", "interactions"),
                ("skipped", "skipped"),
            )
            if r[key]
        ]
        table.add_row(
            str(r["id"]),
            when,
            r["kind"],
            escape(r["file"]),
            ", ".join(did) or "nothing new",
            r["status"] + (" (undone)" if r["undone"] else ""),
        )
    console.print(table)
    # the table stopped at --limit: say so (a newcomer's review: 79 runs of a folder
    # import listed as 30, with no word of the rest)
    more = runs.count() - len(rows) if limit and len(rows) == limit else 0
    if more:
        console.print(f"[dim]{more} more; --limit 0 for all.[/dim]")


def _run_row(run: Any) -> dict[str, Any]:
    from troth.present import import_run_row  # one presenter for the CLI and the API

    return import_run_row(run)
