"""A fast scanner for the few mail headers troth needs (pure: no Django, stdlib only).

`mailbox.mbox` parses every message completely (bodies, MIME parts) to hand out
a handful of headers; a 1 GB mailbox takes minutes. Here the file is memory-mapped
and walked in place: `find` gives the next "From " separator line, and one regular
expression runs over the header block only, picking out the wanted header lines
(folded continuation lines included) and stopping at the blank line that ends the
block. Bodies are never read by Python, copied or decoded, so memory stays flat
whatever the size of the mailbox: only the ranges being scanned are mapped.

Big mailboxes are cut at message boundaries into ranges that a process pool scans
in parallel; results come back in file order.

Separator lines: a line beginning "From " starts a new message only when it looks
like an mbox "From_" line (it carries a time hh:mm and a four-digit year), so an
unescaped "From time to time" in a body does not split a message (the standard
library's `mailbox.mbox` does split there). Escaped ">From " body lines are never
separators. CRLF mailboxes work too.

Measured by bench/bench_mail.py (200,000 messages, 1.13 GB, on a shared 2-CPU
machine): about 17-21 us of CPU per message against the standard library's
210-280 us, so 10-14x on one core; memory 67 MiB for 20,000 or 200,000 messages.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

# The header fields troth reads; everything else in a header block is skipped.
WANTED = (
    "from",
    "to",
    "cc",
    "date",
    "message-id",
    "subject",
    "list-id",
    "list-unsubscribe",
    "precedence",
    "auto-submitted",
    "return-path",
    "x-failed-recipients",
    "content-type",
)
# Fields that may repeat and are all kept (joined with ", "); others keep the first.
MULTI = frozenset({b"to", b"cc"})

Headers = dict[bytes, bytes]  # lower-case field name -> unfolded raw value

_NAMES = b"|".join(n.encode() for n in WANTED)
_VALUE = rb"(.*(?:\n[ \t].*)*)"  # the rest of the line and its folded continuations
# A wanted header line ("\nname:" then its value; as in the standard library, no
# space before the colon), or the blank line that ends the header block. The regex
# runs in place over the memory-mapped mailbox: nothing is copied but the values.
# It begins with a literal newline, so the engine jumps from line start to line
# start; a class of the names' initials then lets most lines (folded continuations,
# Received, DKIM...) fail on one test (30% faster); the names alone are
# case-insensitive (a scoped flag: IGNORECASE over the whole pattern is several
# times slower).
_INITIALS = b"".join(sorted({bytes([c]) for n in WANTED for c in (ord(n[0]), ord(n[0].upper()))}))
_FIELD = re.compile(
    rb"\n(?=[" + _INITIALS + rb"\r\n])(?:(?i:(" + _NAMES + rb")):" + _VALUE + rb"|(?=(\r?\n)))"
)
_FIRST = re.compile(rb"(?i:(" + _NAMES + rb")):" + _VALUE)  # a header at the very start
_FOLD = re.compile(rb"\r?\n(?=[ \t])")
# An mbox "From_" separator line: "From sender date", the date as ctime writes it,
# more or less ("Sat Jul  8 10:27 MET 2000", "Wed Mar 13 12:13:37 +0000 2024"): a day
# or month name, a time hh:mm and a four-digit year.
_FROM_LINE = re.compile(
    rb"From (?=[^\n]*\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    rb"|Oct|Nov|Dec)\b)(?=[^\n]* \d?\d:\d\d)(?=[^\n]*\b\d{4}\b)"
)

# Mailboxes smaller than this are scanned in-process: starting workers costs more.
PARALLEL_MIN = 64 << 20
CHUNK = 32 << 20


def parse_block(buf: Any, start: int, end: int) -> Headers:
    """The wanted fields of the header block that begins at buf[start] (the newline
    ending a From_ line, or the first header line itself) and ends at its first
    blank line, or at `end`. A huge header block costs time, never memory."""
    found: Headers = {}
    if buf[start : start + 1] != b"\n":
        first = _FIRST.match(buf, start, end)
        if first:
            _add(found, _CANON.get(first[1]) or _canon(first[1]), first[2])
    for m in _FIELD.finditer(buf, start, end):
        raw, value, blank = m.groups()
        if blank is not None:
            break
        name = _CANON.get(raw) or _canon(raw)
        if b"\n" in value:
            value = _FOLD.sub(b"", value)
        value = value.strip()
        if name not in found:
            found[name] = value
        elif name in MULTI and value:
            found[name] = found[name] + b", " + value if found[name] else value
    return found


def _add(found: Headers, name: bytes, value: bytes) -> None:
    if b"\n" in value:
        value = _FOLD.sub(b"", value)
    found[name] = value.strip()


# Each spelling of a wanted name ("From", "FROM", "from") -> the one lower-case bytes
# object: fewer lower() calls, and results pickle smaller (the pool sends them back).
_CANON: dict[bytes, bytes] = {n.encode(): n.encode() for n in WANTED}


def _canon(raw: bytes) -> bytes:
    name = _CANON[raw.lower()]
    if len(_CANON) < 1000:
        _CANON[raw] = name
    return name


def next_boundary(buf: Any, pos: int, end: int) -> int:
    """The offset of the next From_ separator line at or after pos (or end)."""
    while True:
        at = buf.find(b"\nFrom ", pos, end)
        if at < 0:
            return end
        if _FROM_LINE.match(buf, at + 1, min(end, at + 1000)):
            return at + 1
        pos = at + 1


def first_message(buf: Any, end: int) -> int:
    """Offset of the first From_ line (after any leading blank lines), or -1."""
    pos = 0
    while pos < end and buf[pos : pos + 1] in (b"\n", b"\r", b" ", b"\t"):
        pos += 1
    if buf[pos : pos + 5] == b"From ":
        return pos
    return -1


def iter_mbox_range(buf: Any, start: int, end: int) -> Iterator[tuple[int, Headers]]:
    """(offset, headers) for each message whose From_ line starts in [start, end)."""
    find, pos = buf.find, start
    while pos < end:
        eol = find(b"\n", pos, end)
        if eol < 0:  # a From_ line and nothing else
            yield pos, {}
            return
        nxt = next_boundary(buf, eol, end)
        yield pos, parse_block(buf, eol, nxt)
        pos = nxt


def split_ranges(buf: Any, size: int, chunk: int) -> list[tuple[int, int]]:
    """Cut [first message, size) at message boundaries into ranges of about `chunk`."""
    start = first_message(buf, size)
    if start < 0:
        return []
    ranges = []
    while start < size:
        stop = size if start + chunk >= size else next_boundary(buf, start + chunk, size)
        ranges.append((start, stop))
        start = stop
    return ranges


T = TypeVar("T")


def _scan_range(path: str, span: tuple[int, int], func: Callable[[int, Headers], T]) -> list[T]:
    """func over the messages of one range, mapping only that range: the pages of a
    range already scanned are unmapped, so resident memory stays flat."""
    start, end = span
    base = start - start % mmap.ALLOCATIONGRANULARITY
    with (
        open(path, "rb") as fh,
        mmap.mmap(fh.fileno(), end - base, access=mmap.ACCESS_READ, offset=base) as buf,
    ):
        if hasattr(buf, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
            buf.madvise(mmap.MADV_SEQUENTIAL)
        return [
            func(base + offset, headers)
            for offset, headers in iter_mbox_range(buf, start - base, end - base)
        ]


def _pair(offset: int, headers: Headers) -> tuple[int, Headers]:
    return offset, headers


def is_mbox(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return head.lstrip(b" \t\r\n").startswith(b"From ")


def scan_mbox(
    path: Path,
    func: Callable[[int, Headers], T] = _pair,  # type: ignore[assignment]
    workers: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[T]:
    """func(offset, headers) for every message of the mbox at path, in file order.

    With more than one worker (default: see default_workers) ranges are scanned by
    a process pool; func must then be picklable (a module-level function or a
    functools.partial of one) and so must what it returns.
    """
    size = path.stat().st_size
    if size == 0:
        return
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        ranges = split_ranges(buf, size, chunk)
    if workers is None:
        workers = default_workers(size)
    workers = min(workers, len(ranges))
    if workers <= 1:
        for span in ranges:
            yield from _scan_range(str(path), span, func)
        return
    yield from _parallel(str(path), ranges, func, workers)


def default_workers(size: int) -> int:
    """Processes for a mailbox of `size` bytes: one per idle CPU for big ones.

    Workers only pay off on idle cores: bench/bench_mail.py measured about 1.4x the
    one-process rate with both cores free, but 0.8x when other work already kept a
    core busy (the results must be pickled back, and the parent competes)."""
    cpus = os.cpu_count() or 1
    if size < PARALLEL_MIN or cpus < 2:
        return 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not available on this system
        busy = 0.0
    return max(1, min(cpus, int(cpus - busy + 0.5)))


def _parallel(
    path: str, ranges: Iterable[tuple[int, int]], func: Callable[[int, Headers], T], workers: int
) -> Iterator[T]:
    import multiprocessing

    # forkserver: the workers run only this module's code on their own range. Plain
    # fork copies a parent that may have other threads (a web server's, a database
    # driver's) holding locks, and a child can then wait forever on one; this hung
    # the test suite. Where there is no forkserver, scan in this process.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        for span in ranges:
            yield from _scan_range(path, span, func)
        return
    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(workers) as pool:
        for results in pool.imap(partial(_scan_range, path, func=func), ranges):
            yield from results


def file_headers(path: Path) -> Headers:
    """The wanted fields of a single-message file (a leading mbox From_ line is
    skipped). The file is memory-mapped and only its header block is touched, so a
    big attachment is never read and a huge header block is never copied whole."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return {}
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            start = 0
            if buf[:5] == b"From ":
                start = buf.find(b"\n")
                if start < 0:
                    return {}
            return parse_block(buf, start, size)


def count_boundaries(path: Path) -> int:
    """Messages found by plain "\\nFrom " search only: the ceiling for any scanner."""
    n = 0
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        find = buf.find
        pos = find(b"From ")
        while pos >= 0:
            n += 1
            pos = find(b"\nFrom ", pos + 1)
    return n
