"""Small CLI things from issue 18 item 11: declining a delete is not an error, namesakes
are told apart, invisible names are refused, import counts say what they count, and a
backup asks before it replaces a file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from module_data import migrated_home
from troth.lib.names import name_problem
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

TROTH = shutil.which("troth") or str(Path(sys.executable).parent / "troth")


def test_answering_no_to_delete_is_not_an_error(cli: Cli) -> None:
    cli("add", "Thaddeus Moore")
    result = cli("delete", "Thaddeus", input="n\n")  # exit 0
    assert "Nothing deleted" in result.stdout and not result.stderr
    assert Person.objects.filter(full_name="Thaddeus Moore").exists()


def test_ambiguous_names_show_each_ones_job(cli: Cli) -> None:
    cli("add", "Sarah White", "--company", "Marigold", "--title", "Engineer")
    cli("add", "Sarah White", "--company", "Globex", "--duplicate")
    cli("add", "Sarah White", "--duplicate")
    err = cli("show", "Sarah White", code=2).stderr
    assert "Engineer at Marigold" in err and ", Globex)" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b\u200b",  # zero-width spaces
        "\u200d\u200c\ufeff",  # joiners and a BOM
        "\u202e\u2066",  # bidi controls
        "\x01\x7f",  # control characters
        "\u3164",  # Hangul filler, blank by design
        "\u0301",  # a combining accent on nothing
        " \u00a0 ",
    ],
)
def test_a_name_with_nothing_visible_is_refused(cli: Cli, name: str) -> None:
    assert name_problem(name)
    err = cli("add", name, code=2).stderr
    assert "name has no visible characters" in err or "name is empty" in err
    assert not Person.objects.filter(is_me=False).exists()


@pytest.mark.parametrize("name", ["Zoë", "李小龍", "O'Neill-Ärnlöv", "X Æ A-12", "\u200bAnna"])
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None


def test_edit_refuses_an_invisible_new_name(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    err = cli("edit", "Dana", "--name", "\u200b", code=2).stderr
    assert err.startswith("troth: error: --name has no visible characters")
    assert Person.objects.filter(full_name="Dana Whitfield").exists()


def test_the_import_summary_says_what_each_count_is(cli: Cli, tmp_path: Path) -> None:
    cards = tmp_path / "people.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Kang\r\nEMAIL:dana@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hugo Brandt\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    out = cli("import", "vcard", str(cards)).stdout
    assert "People added from this file" in out
    assert "People already here, brought up to date" in out
    assert "Merged into someone already here" in out
    assert "People created" not in out


def _home_with_one_person(tmp_path: Path, migrated_db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    # on the migrated copy: the migration of a new home is test_cli_process's subject
    env["TROTH_HOME"] = str(migrated_home(migrated_db, tmp_path / "home"))
    done = subprocess.run([TROTH, "add", "Wren Halvorsen"], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    return env


# troth in processes of its own, on SQLite, no test database: the PostgreSQL pass would
# repeat it unchanged
@pytest.mark.own_process
def test_backup_over_a_file_asks_first_and_refuses_without_a_terminal(
    tmp_path: Path, migrated_db: Path
) -> None:
    env = _home_with_one_person(tmp_path, migrated_db)
    target = tmp_path / "precious.sqlite3"
    target.write_bytes(b"my only other copy")

    def run(*args: str, stdin: int = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TROTH, "backup", str(target), *args],
            env=env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = run()
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"troth: error: {target} exists; pass --yes to replace it (or name a new file)"
    )
    assert target.read_bytes() == b"my only other copy"
    # at a terminal it asks; "n" keeps the file and is not an error
    for answer, replaced in (("n", False), ("y", True)):
        parent, child = os.openpty()
        os.write(parent, f"{answer}\n".encode())
        done = run(stdin=child)
        os.close(child)
        os.close(parent)
        assert done.returncode == 0, done.stderr
        assert "Replace it?" in done.stdout
        assert (target.read_bytes() != b"my only other copy") is replaced
    target.write_bytes(b"again")
    forced = run("--force")
    assert forced.returncode == 0 and "integrity check ok" in forced.stdout
    assert target.read_bytes().startswith(b"SQLite format 3")
