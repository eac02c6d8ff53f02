"""Where troth keeps its files.

`TROTH_HOME` wins so tests, demos and several networks can live side by side;
otherwise the platform's per-user data directory (platformdirs) is used.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    home = os.environ.get("TROTH_HOME")
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir("troth", appauthor=False))


def sqlite_path() -> Path:
    return data_dir() / "troth.sqlite3"
