"""A mail import's summary counts the interactions stored (issue 17, item 11).

The audit's 50,000-message mailbox said "42,585 interactions added" while 42,584
were stored. The cause: one mail sent to two addresses of one person ("Nia Usman" at
two addresses of her employer) is one interaction per address, written before
identity resolution finds the two are one person; the merge then keeps one of the
two identical interactions (do_merge drops the duplicate), and the summary had
counted both. This crafted mailbox does exactly that."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from troth.identity.models import MergeRecord
from troth.importers.models import ImportRun
from troth.interactions.models import Interaction
from troth.owners import local_owner

if TYPE_CHECKING:
    from conftest import Cli

OWNER = "Owner <owner@example.org>"
NIA_1 = "Nia Usman <nia.usman@umbrella-corp.example>"
NIA_2 = "Nia Usman <nusman@umbrella-corp.example>"


def msg(frm: str, to: str, subject: str, day: int) -> str:
    return (
        f"From: {frm}\nTo: {to}\nSubject: {subject}\n"
        f"Date: Mon, {day} Jun 2024 10:00:00 +0000\n"
        f"Message-ID: <{day}.{abs(hash((frm, subject)))}@x.example>\n\nHello.\n"
    )


def mbox(path: Path, *messages: str) -> Path:
    path.write_text(
        "".join(f"From x@example.net Mon Jun  3 10:00:00 2024\n{m}\n" for m in messages),
        encoding="utf-8",
    )
    return path


def test_one_mail_to_two_addresses_of_one_person_counts_once(cli: Cli, tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "nia.mbox",
        # each address is a correspondent of its own (mail both ways)...
        msg(OWNER, NIA_1, "Budget", 3),
        msg(NIA_1, OWNER, "Re: Budget", 4),
        msg(OWNER, NIA_2, "Offsite", 5),
        msg(NIA_2, OWNER, "Re: Offsite", 6),
        # ...and this one mail went to both: one interaction per address
        msg(OWNER, f"{NIA_1}, {NIA_2}", "Both of you", 7),
    )
    data = cli.json("import", "mail", str(path), "--me", "owner@example.org")
    owner = local_owner()
    assert data["people_merged"] == 1 and MergeRecord.objects.filter(owner=owner).count() == 1
    stored = Interaction.objects.filter(owner=owner).count()
    assert stored == 5  # the mail to both is one interaction with Nia
    assert data["interactions_added"] == stored
    assert ImportRun.objects.get(owner=owner).counts["interactions_added"] == stored

    # the same mailbox again: nothing new, and the count says so
    again = cli.json("import", "mail", str(path))
    assert again["interactions_added"] == 0
    assert Interaction.objects.filter(owner=owner).count() == stored
