"""A mail sync written batch by batch (issue 14: memory flat as the mailbox grows),
against a real dovecot on 127.0.0.1: with batches of a few messages, the correspondent
rule still sees the whole mailbox (someone becomes a correspondent through messages in
different batches), the result is the file import's, a sync is still one ImportRun
that undoes whole, and a sync cut between two batches goes on from the last one kept."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import DOVECOT, Dovecot, need
from test_sync_imap import ME, add_source, fill, message, people
from troth.importers.apply import do_import
from troth.importers.mail import PARSER as MAIL
from troth.importers.models import ImportRun, MessageParticipant
from troth.importers.undo import do_undo_import
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import Person
from troth.sync import imap
from troth.sync.actions import do_sync
from troth.sync.models import SeenMail, Source, SyncRun


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    server = Dovecot(tmp_path / "dovecot", need(DOVECOT, "dovecot"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "BATCH", 3)


def spread(server: Dovecot) -> None:
    """Dee writes once early and once late (two To: a correspondent only once both
    are read); Eve writes once and Sam answers much later (two-way); Fay writes once
    (never a correspondent); a small message to Sam, Dee and Gil (who knows whom)."""
    server.deliver("", "d1", message("Dee Ray <dee@example.com>", ME, "First", 30))
    server.deliver("", "e1", message("Eve Moss <eve@example.com>", ME, "Question", 29))
    server.deliver("", "f1", message("Fay Lu <fay@example.com>", ME, "Once", 28))
    for i in range(7):  # filler between them: other batches
        server.deliver("", f"x{i}", message(f"one{i}@example.net", ME, f"Hi {i}", 27 - i))
    server.deliver(
        "",
        "g1",
        message("Gil Ng <gil@example.com>", f"{ME}, dee@example.com", "Us three", 12),
    )
    server.deliver("", "d2", message("dee@example.com", ME, "Second", 10))
    server.deliver("Sent", "e2", message(ME, "eve@example.com", "Re: Question", 9))


def test_batches_give_the_file_imports_result(
    alice: Owner, bob: Owner, dovecot: Dovecot, realdata: Path, tmp_path: Path, small_batches: None
) -> None:
    fill(dovecot, realdata)
    spread(dovecot)
    run = do_sync(alice, add_source(alice, dovecot))
    assert run.status == SyncRun.DONE
    for folder, name in (("", "inbox"), (".Sent", "sent")):
        shutil.copytree(dovecot.maildir / folder / "new", tmp_path / "files" / name)
    summary = do_import(bob, MAIL, tmp_path / "files", options={"me": [ME]}, kind="mail")
    assert {"Dee Ray", "Eve Moss", "Ann Lee", "Bob Stone"} <= people(alice) == people(bob)
    assert "Fay Lu" not in people(alice)
    mine = Interaction.objects.filter(owner=alice)
    assert mine.count() == summary.interactions_added == run.counts["interactions_added"]
    dee = Person.objects.get(owner=alice, full_name="Dee Ray")
    assert mine.filter(person=dee).count() == 2  # the early one too, from an earlier batch
    assert sorted(mine.values_list("external_id", flat=True)) == sorted(
        Interaction.objects.filter(owner=bob).values_list("external_id", flat=True)
    )
    assert (
        MessageParticipant.objects.filter(owner=alice).count()
        == (MessageParticipant.objects.filter(owner=bob).count())
        > 0
    )
    # one sync, one import (the batches folded into it), which undoes whole
    assert ImportRun.objects.filter(owner=alice, kind="mail").count() == 1
    assert run.import_run is not None
    assert run.import_run.counts["interactions_added"] == mine.count()
    do_undo_import(alice, run.import_run.pk)
    assert not Interaction.objects.filter(owner=alice).exists()
    assert people(alice) == set()


def test_cut_between_batches_goes_on_from_the_last_kept(
    alice: Owner, dovecot: Dovecot, small_batches: None
) -> None:
    spread(dovecot)
    source = add_source(alice, dovecot)

    def stop_after_two_batches(stage: str, done: int, total: int | None) -> None:
        # each batch's import reports "reading"; the first batch is kept by then when
        # the second is being written: the server stops, the third cannot be read
        if stage == "reading" and SeenMail.objects.filter(owner=alice).exists():
            dovecot.stop()

    with pytest.raises(imap.SyncError, match="the connection broke"):
        do_sync(alice, source, progress=stop_after_two_batches)
    kept = Source.objects.get(pk=source.pk)
    uid = kept.state["folders"]["INBOX"]["uid"]
    assert uid == 6 and SeenMail.objects.filter(owner=alice).count() == 6
    dovecot.start()
    run = do_sync(alice, kept)
    assert run.counts["messages"] == 13 - uid
    assert people(alice) == {"Dee Ray", "Eve Moss"}
    assert Interaction.objects.filter(owner=alice).count() == 4
    assert SeenMail.objects.filter(owner=alice).count() == 13
    # and nothing new reads nothing
    again = do_sync(alice, Source.objects.get(pk=source.pk))
    assert again.counts["messages"] == 0
    assert Interaction.objects.filter(owner=alice).count() == 4
