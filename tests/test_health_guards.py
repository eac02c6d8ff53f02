"""Issue 19's review found tests that could not fail; these keep the easy kinds out."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Expecting a ValueError with no `match=` passes on any ValueError at all (numpy's,
# a bad argument's) instead of the one the test is about.
BARE_VALUE_ERROR = re.compile(r"pytest\.raises\(\s*ValueError\s*\)")


def test_no_bare_value_error_is_expected() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{n}"
        for path in sorted(TESTS.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_VALUE_ERROR.search(line)
    ]
    assert found == [], "say which ValueError (match=...): " + ", ".join(found)
