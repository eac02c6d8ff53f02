"""Playwright's `expect` for the browser tests, or their module skipped.

On a laptop without the test extra the browser tests are skipped, as without
Chromium; in CI a missing package is an error (the import fails loudly).
"""

from __future__ import annotations

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(
        "the playwright package is missing (pip install -e '.[test]')", allow_module_level=True
    )

__all__ = ["expect"]
