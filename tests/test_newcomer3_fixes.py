"""A newcomer's findings of 2026-12-07: a span with an unknown unit says so (not "too
long"), `troth trust --limit -3` is refused as `troth people --limit -1` is, "1 hop"
in the singular, and several PATHs with a mailbox and no --me import nothing.
(`troth serve` on a port in use: tests/test_serve_port_first.py, in processes of its own.)"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from troth.lib.dates import DateError, parse_span
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2x", "unknown time unit 'x'"),
        ("3 fortnights", "unknown time unit 'fortnights'"),
        ("99999999y", "too long"),
        ("1" * 5000 + "d", "too long"),
    ],
)
def test_a_span_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(DateError, match=says):
        parse_span(text)


def test_trust_refuses_a_negative_limit(cli: Cli) -> None:
    result = cli("trust", "--limit", "-3", code=2)
    assert "--limit must be 0 (no limit) or more, got -3" in result.stderr


def test_no_path_within_one_hop_in_the_singular(cli: Cli, alice: Owner) -> None:
    from troth.owners import local_owner

    do_add_person(local_owner(), "Tess Target")
    text = cli("path", "Tess Target", "--hops", "1").stdout
    assert "within 1 hop through" in " ".join(text.split())


def test_several_paths_with_a_mailbox_and_no_me_import_nothing(cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "a.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nN:Card;Vera;;;\r\nEND:VCARD\r\n")
    box = tmp_path / "b.mbox"
    box.write_text(
        "From vera@example.org Mon Jan  1 00:00:00 2024\n"
        "From: Vera Card <vera@example.org>\nTo: me@example.org\n"
        "Subject: hello\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1@example.org>\n\nhi\n"
    )
    result = cli("import", str(card), str(box), code=2)
    assert "b.mbox: mail import needs your own address" in result.stderr
    assert "nothing was imported" in result.stderr
    assert not Person.objects.filter(is_me=False).exists()
    cli("import", str(card), str(box), "--me", "me@example.org")
    assert Person.objects.filter(full_name="Vera Card").exists()
    # --me is remembered: the next import of several paths needs it no more
    cli("import", str(card), str(box))
