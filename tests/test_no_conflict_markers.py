"""No merge's conflict markers are left in a tracked text file (one was, in
DEVELOPERS.md, on 2026-12-07: the code-map test still passed, since each row it
looks for was there, twice)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(rb"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def test_no_conflict_markers() -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False
    ).stdout.split(b"\0")
    if not any(files):
        pytest.skip("not a git checkout (an sdist): nothing was merged here")
    found = []
    for name in filter(None, files):
        path = ROOT / name.decode()
        if path.suffix in {".png", ".sqlite3", ".gz", ".zip"} or not path.is_file():
            continue
        if MARKER.search(path.read_bytes()):
            found.append(name.decode())
    assert not found, found
