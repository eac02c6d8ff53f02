"""Issue 19: one strict reading of every yes/no setting (troth.lib.flags)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from troth.agenda.digest import own_servers_allowed
from troth.lib.flags import FlagError, parse_flag
from troth.sync.netguard import private_allowed

SRC = Path(__file__).resolve().parents[1] / "src" / "troth"


@pytest.mark.parametrize(
    ("raw", "want"),
    [("1", True), (" Yes ", True), ("ON", True), (True, True), ("0", False), ("off", False)]
    + [(False, False), ("", None), ("  ", None), (None, None)],
)
def test_a_flag_is_read_one_way(raw: str | bool | None, want: bool | None) -> None:
    assert parse_flag("TROTH_X", raw) is want


@pytest.mark.parametrize("raw", ["yse", "2", "enabled", "o n"])
def test_a_typo_is_an_error_naming_the_variable(raw: str) -> None:
    with pytest.raises(FlagError, match=r"^TROTH_X=.* is neither on nor off"):
        parse_flag("TROTH_X", raw)


def test_member_smtp_and_private_sources_read_the_same_way(settings: Settings) -> None:
    settings.TROTH_NETWORK_MODE = True
    settings.TROTH_MEMBER_SMTP, settings.TROTH_SOURCES_PRIVATE = "yes", "on"
    assert own_servers_allowed() and private_allowed()
    settings.TROTH_MEMBER_SMTP, settings.TROTH_SOURCES_PRIVATE = False, "0"
    assert not own_servers_allowed() and not private_allowed()
    settings.TROTH_MEMBER_SMTP = "yse"  # before, a typo silently meant "off"
    with pytest.raises(FlagError, match="TROTH_MEMBER_SMTP"):
        own_servers_allowed()


# cli/coerce.py reads command-line options exactly as Typer (pydantic) would, "t" and
# "y" included (checked against Typer's own on 75 inputs): options, not settings.
NOT_SETTINGS = {"lib/flags.py", "cli/coerce.py"}


def test_no_module_reads_yes_or_no_settings_its_own_way() -> None:
    spelled = re.compile(r"""["']yes["'].{0,20}["']on["']|["']true["'].{0,20}["']yes["']""")
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if str(path.relative_to(SRC)) not in NOT_SETTINGS
        and spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"read yes/no settings with troth.lib.flags.parse_flag: {found}"
