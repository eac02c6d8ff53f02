"""The README says what `troth backup` does with an existing file (issue 18, a
newcomer's review: it said "asks before replacing a file" while, without a terminal,
it stops with exit 2 and asks for --yes; that behaviour is tested in test_cli_small)."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_says_backup_needs_yes_without_a_terminal() -> None:
    text = " ".join(README.read_text().split())
    assert "without one (a script, cron) it stops with exit code 2" in text
    assert '"FILE exists; pass --yes to replace it"' in text
