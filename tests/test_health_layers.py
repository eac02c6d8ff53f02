"""Issue 19: the layering holds with no exceptions written into .importlinter, and the
restore of an uploaded troth export reaches the importers' task through the hook
backup registers (the importers sit below backup and cannot import it)."""

from __future__ import annotations

import configparser
from pathlib import Path

from troth.backup import apps as backup_apps
from troth.importers.runners import RUNNERS

ROOT = Path(__file__).resolve().parents[1]


def test_no_upward_import_is_ignored() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]
    assert "ignore_imports" not in layers, layers.get("ignore_imports")
    for section in config.sections():
        assert "ignore_imports" not in config[section], section


def test_backup_registers_the_restore_of_an_uploaded_export() -> None:
    # backup's stand-in, which imports the restore when one runs (issue 20: start-up)
    assert RUNNERS["json"] is backup_apps.restore_upload
