"""What an import run did, as counts and problems (ImportSummary): what the command
line prints, --json returns, the web page shows and the run keeps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from troth.importers.records import Problem

# How many of the people an import created (and updated) its run remembers by id.
PEOPLE_KEPT = 100
# Examples of each thing a dry run did that its preview shows.
EXAMPLES_SHOWN = 5


@dataclass
class ImportSummary:
    kind: str
    path: str
    people_created: int = 0
    people_updated: int = 0
    people_merged: int = 0
    interactions_added: int = 0
    problems: list[Problem] = field(default_factory=list)
    run_id: int | None = None
    # a folder imported file by file: each file's run (the JSON's "run" stays the first's
    # None; `troth import --undo A-B` takes them back together)
    run_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    # records the file held (people and interactions), and how many of them were
    # usable (a person found or created, an interaction matched to someone)
    records: int = 0
    usable: int = 0
    # interactions with no one in the network (nothing to attach them to)
    unmatched: int = 0
    # what a parser left out on purpose, by reason (mailing lists, duplicates...)
    left_out: dict[str, int] = field(default_factory=dict)
    # who the import created and updated (the web page names them; the first
    # PEOPLE_KEPT of each are kept with the run, the counts say how many in all)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    # how a CSV of the user's own was read: (column, field) pairs (records.ColumnMap)
    mapping: list[tuple[str, str]] = field(default_factory=list)
    # merges identity resolution made (MergeRecord ids)
    merge_ids: list[int] = field(default_factory=list)
    # why the records look like noise (troth.importers.sanity), [] when they do not
    noise: list[str] = field(default_factory=list)
    # a dry run: nothing was written; `preview` holds examples of what would be
    dry_run: bool = False
    preview: dict[str, Any] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def counts(self) -> dict[str, int]:
        return {
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "people_merged": self.people_merged,
            "interactions_added": self.interactions_added,
            "skipped": self.skipped,
        }

    def reasons(self) -> dict[str, int]:
        """How many records were skipped for each reason, most frequent first.

        A reason is shown whole; problems that differ only in a value (see
        Problem.group) are one line: the group, then a few of the values."""
        return reason_counts((p.reason, p.group) for p in self.problems)

    def add(self, other: ImportSummary) -> None:
        """Add another file's figures (a folder imported file by file)."""
        if other.run_id is not None:
            self.run_ids.append(other.run_id)
        self.people_created += other.people_created
        self.people_updated += other.people_updated
        self.people_merged += other.people_merged
        self.interactions_added += other.interactions_added
        self.created_ids.extend(other.created_ids)
        self.updated_ids.extend(other.updated_ids)
        self.merge_ids.extend(other.merge_ids)
        self.noise.extend(other.noise)
        self.dry_run = self.dry_run or other.dry_run
        for key, shown in other.preview.items():
            if isinstance(shown, list):
                mine = self.preview.setdefault(key, [])
                mine.extend(shown[: max(0, EXAMPLES_SHOWN - len(mine))])
        self.problems.extend(other.problems)
        self.seconds += other.seconds
        self.records += other.records
        self.usable += other.usable
        self.unmatched += other.unmatched
        for reason, n in other.left_out.items():
            self.left_out[reason] = self.left_out.get(reason, 0) + n

    def empty(self) -> bool:
        """The file held nothing at all: no record, none skipped, none left out (a CSV
        of a header row alone, an empty mailbox)."""
        return not self.records and not self.problems and not sum(self.left_out.values())

    def nothing_new(self, where: str = "this file") -> str:
        """Why the import changed nothing, in a line or two ("" when it changed something).

        A re-import of what is already here is not the same as a file with nothing
        usable in it: a first import of a header-only CSV, of a mailbox of list mail,
        or of LinkedIn messages before any connections must say so, and why. `where`
        names the file in the line for an empty one."""
        if self.people_created or self.people_updated or self.interactions_added:
            return ""
        if self.people_merged:
            return ""
        # a preview (dry run) says what *would* happen: the same reasons, in its tense
        nothing = "Nothing would be imported" if self.dry_run else "Nothing imported"
        if self.usable:
            if self.dry_run:
                return "Nothing new would come in: everything in this file is already here."
            return "Nothing new: everything in this file was already here."
        left = sum(self.left_out.values())
        if self.empty():
            what = "messages" if self.kind == "mail" else "records"
            header = " (only a header row)" if self.mapping else ""
            return f"{nothing}: there are no {what} in {where}{header}."
        if left and not self.problems:
            line = f"{nothing}: everything in this file was left out (see above)."
        elif not left:
            skipped = _plural(self.skipped, "record", would=self.dry_run)
            line = f"{nothing}: all {skipped} skipped (see above)."
        else:
            verb = "would be" if self.dry_run else "was"
            line = f"{nothing}: every record {verb} skipped or left out (see above)."
        if self.unmatched:
            if self.kind == "linkedin":
                line += (
                    "\nMessages count only with people troth knows: import Connections.csv"
                    " (or the whole export) first, then this file again."
                )
            else:
                line += (
                    "\nInteractions count only with people troth knows: import your contacts"
                    " (an address book, your LinkedIn connections) first, then this file again."
                )
        return line

    def run_counts(self) -> dict[str, Any]:
        """What an ImportRun keeps of the summary (the web page shows it later)."""
        return {
            **self.counts(),
            "left_out": dict(self.left_out),
            "nothing_new": self.nothing_new(),
            "created_ids": self.created_ids[:PEOPLE_KEPT],
            "updated_ids": self.updated_ids[:PEOPLE_KEPT],
            **({"mapping": self.mapping_rows()} if self.mapping else {}),
        }

    def mapping_rows(self) -> list[dict[str, str]]:
        return [{"column": column, "field": name} for column, name in self.mapping]

    def problem_rows(self) -> list[dict[str, str]]:
        """The skipped records as an ImportRun keeps them (with their group, so that
        the page counts them by reason as the command line does)."""
        return [
            {"where": p.where, "reason": p.reason, **({"group": p.group} if p.group else {})}
            for p in self.problems
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "run": self.run_id,
            **({"runs": list(self.run_ids)} if self.run_ids else {}),
            **self.counts(),
            "records": self.records,
            "left_out": dict(self.left_out),
            "nothing_new": self.nothing_new(),
            "seconds": round(self.seconds, 3),
            "problems": [{"where": p.where, "reason": p.reason} for p in self.problems],
            **({"mapping": self.mapping_rows()} if self.mapping else {}),
            **({"dry_run": True, "preview": self.preview} if self.dry_run else {}),
            **({"noise": self.noise} if self.noise else {}),
        }


def _plural(n: int, word: str, *, would: bool = False) -> str:
    verb = " would be" if would else (" was" if n == 1 else " were")
    return f"{n:,} {word}" + ("" if n == 1 else "s") + verb


EXAMPLES = 2


def reason_counts(problems: Iterable[tuple[str, str]]) -> dict[str, int]:
    """(reason, group) pairs -> {line to show: how many}, most frequent first (see
    ImportSummary.reasons)."""
    counts: dict[str, int] = defaultdict(int)
    examples: dict[str, list[str]] = defaultdict(list)
    distinct: dict[str, set[str]] = defaultdict(set)
    for reason, group in problems:
        key = group or reason
        counts[key] += 1
        if group and reason not in distinct[key]:
            distinct[key].add(reason)
            if len(examples[key]) < EXAMPLES:
                examples[key].append(_example(reason, group))
    out: dict[str, int] = {}
    for key, n in counts.items():
        seen = distinct.get(key)
        if seen and len(seen) == 1:
            label = next(iter(seen))
        elif seen:
            more = len(seen) - len(examples[key])
            label = f"{key} ({len(seen):,} different): " + "; ".join(examples[key])
            label += f"; and {more:,} more" if more else ""
        else:
            label = key
        out[label] = n
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _example(reason: str, group: str) -> str:
    """What sets one problem of a group apart: its value ("not an email address:
    'x' (contact kept without it)" in group "not an email address (...)" -> 'x')."""
    if reason.startswith(group):
        rest = reason[len(group) :].strip(" :")
    else:
        rest = reason.partition(": ")[2].split(" (")[0]
    return rest or reason
