"""Mail sync over IMAP against a real dovecot on 127.0.0.1 (tests/servers.py): real
messages from ../shared/realdata and made ones, synced, added to, synced again,
renumbered (UIDVALIDITY), with a wrong password and a stopped server."""

from __future__ import annotations

import datetime as dt
import email.utils
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from servers import DOVECOT, PASSWORD, USER, Dovecot, need
from troth.importers.apply import do_import
from troth.importers.mail import PARSER as MAIL
from troth.importers.models import ImportRun
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import Person
from troth.sync.actions import Busy, do_add_imap, do_remove_source, do_set_secret, do_sync
from troth.sync.imap import SyncError
from troth.sync.models import SeenMail, Source, SyncRun

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

ME = "sam@example.org"


def message(sender: str, to: str, subject: str, days_ago: int, **extra: str) -> bytes:
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=days_ago)
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {email.utils.format_datetime(when)}",
        f"Message-ID: <{abs(hash((sender, subject, days_ago)))}@example.org>",
        *(f"{k.replace('_', '-')}: {v}" for k, v in extra.items()),
        "",
        "The body, which troth never reads.",
        "",
    ]
    return "\r\n".join(lines).encode()


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    server = Dovecot(tmp_path / "dovecot", need(DOVECOT, "dovecot"))
    server.start()
    yield server
    server.close()


def fill(server: Dovecot, realdata: Path | None = None) -> int:
    """Two mails from Ann to Sam (Ann is a correspondent: two To), Bob writes once and
    Sam answers (two-way), a list message, and real mail from other projects' Maildirs."""
    server.deliver("", "m1", message("Ann Lee <ann@example.com>", ME, "Lunch?", 9))
    server.deliver("", "m2", message("ann@example.com", ME, "Re: Lunch?", 8))
    server.deliver("", "m3", message("Bob Stone <bob@example.net>", ME, "Your CV", 7))
    server.deliver("Sent", "s1", message(ME, "bob@example.net", "Re: Your CV", 6))
    server.deliver(
        "",
        "l1",
        message("dev@lists.example.org", ME, "[dev] news", 5, List_Id="<dev.lists.example.org>"),
    )
    n = 0
    if realdata is not None:
        for sub in ("maildir/mu_testdir", "maildir/notmuch_corpora/default"):
            for path in sorted((realdata / sub).rglob("*")):
                if path.is_file() and path.parent.name in ("cur", "new"):
                    n += 1
                    server.deliver("", f"real{n}", path.read_bytes())
    return 5 + n


def add_source(owner: Owner, server: Dovecot, **kw: Any) -> Source:
    return do_add_imap(
        owner,
        host="127.0.0.1",
        port=server.port,
        security=kw.pop("security", "none"),
        username=USER,
        password=kw.pop("password", PASSWORD),
        me=[ME],
        **kw,
    )


def people(owner: Owner) -> set[str]:
    return set(Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True))


def test_sync_then_nothing_new_then_more(alice: Owner, dovecot: Dovecot, realdata: Path) -> None:
    total = fill(dovecot, realdata)
    source = add_source(alice, dovecot)
    run = do_sync(alice, source)
    assert run.status == SyncRun.DONE
    assert people(alice) == {"Ann Lee", "Bob Stone"}
    assert Interaction.objects.filter(owner=alice).count() == 4
    assert run.counts["folders"] == ["INBOX", "Sent"]  # SPECIAL-USE \Sent found
    assert run.counts["left_out"]["mailing-list messages"] >= 1
    assert run.counts["messages"] == total > 50  # the real messages were all read

    # nothing new: nothing read, no import recorded
    runs_before = ImportRun.objects.filter(owner=alice).count()
    again = do_sync(alice, Source.objects.get(pk=source.pk))
    assert again.counts["messages"] == 0 and again.import_run is None
    assert ImportRun.objects.filter(owner=alice).count() == runs_before

    # Carol writes once (not yet a correspondent), then again: both mails count
    dovecot.deliver("", "c1", message("Carol Diaz <carol@example.com>", ME, "Hello", 4))
    third = do_sync(alice, Source.objects.get(pk=source.pk))
    assert third.counts["messages"] == 1 and "Carol Diaz" not in people(alice)
    again_mail = message("carol@example.com", ME, "Hello again", 3)
    dovecot.deliver("", "c2", again_mail)
    fourth = do_sync(alice, Source.objects.get(pk=source.pk))
    assert fourth.counts["messages"] == 1
    assert "Carol Diaz" in people(alice)
    carol = Person.objects.get(owner=alice, full_name="Carol Diaz")
    assert Interaction.objects.filter(owner=alice, person=carol).count() == 2
    assert Interaction.objects.filter(owner=alice).count() == 6
    # the same mail twice in a folder (a copy) is one interaction
    # (the same bytes: made twice, a second apart on a busy machine, its Date would differ)
    dovecot.deliver("", "c2bis", again_mail)
    do_sync(alice, Source.objects.get(pk=source.pk))
    assert Interaction.objects.filter(owner=alice).count() == 6


def test_same_result_as_the_file_import(
    alice: Owner, bob: Owner, dovecot: Dovecot, realdata: Path, tmp_path: Path
) -> None:
    """The IMAP sync and `troth import` of the same messages agree exactly."""
    fill(dovecot, realdata)
    do_sync(alice, add_source(alice, dovecot))
    for folder, name in (("", "inbox"), (".Sent", "sent")):  # as a file tree troth reads
        shutil.copytree(dovecot.maildir / folder / "new", tmp_path / "files" / name)
    summary = do_import(bob, MAIL, tmp_path / "files", options={"me": [ME]}, kind="mail")
    assert summary.interactions_added == Interaction.objects.filter(owner=alice).count() == 4
    assert people(bob) == people(alice)


def test_changed_uidvalidity_rescans_without_duplicates(alice: Owner, dovecot: Dovecot) -> None:
    fill(dovecot)
    source = add_source(alice, dovecot)
    do_sync(alice, source)
    before = Source.objects.get(pk=source.pk).state["folders"]["INBOX"]
    dovecot.deliver("", "n1", message("ann@example.com", ME, "Dinner", 1))
    assert dovecot.new_uidvalidity("") != before["uidvalidity"]
    run = do_sync(alice, Source.objects.get(pk=source.pk))
    after = Source.objects.get(pk=source.pk).state["folders"]["INBOX"]
    assert after["uidvalidity"] != before["uidvalidity"]
    assert run.counts["rescanned"] == ["INBOX"]
    assert run.counts["interactions_added"] == 1  # only Dinner: the rest was there
    assert Interaction.objects.filter(owner=alice).count() == 5
    assert SeenMail.objects.filter(owner=alice).count() == 5


def test_wrong_password_then_fixed(alice: Owner, dovecot: Dovecot) -> None:
    fill(dovecot)
    source = add_source(alice, dovecot, password="wrong")
    with pytest.raises(SyncError, match="login refused for 'sam'"):
        do_sync(alice, source)
    failed = Source.objects.get(pk=source.pk)
    assert failed.failures == 1 and "login refused" in failed.last_error
    assert failed.next_sync_at and failed.last_sync_at
    assert failed.next_sync_at > failed.last_sync_at  # it waits before trying again
    assert failed.lease_until is None
    assert Interaction.objects.filter(owner=alice).count() == 0
    do_set_secret(alice, failed, PASSWORD)
    run = do_sync(alice, Source.objects.get(pk=source.pk))
    ok = Source.objects.get(pk=source.pk)
    assert run.status == "done" and ok.failures == 0 and ok.last_error == ""
    assert Interaction.objects.filter(owner=alice).count() == 4


def test_stopped_server_then_back(alice: Owner, dovecot: Dovecot) -> None:
    fill(dovecot)
    source = add_source(alice, dovecot)
    dovecot.stop()
    with pytest.raises(SyncError, match="cannot connect"):
        do_sync(alice, source)
    assert SyncRun.objects.get(source=source).status == "failed"
    dovecot.start()
    do_sync(alice, Source.objects.get(pk=source.pk))
    assert Interaction.objects.filter(owner=alice).count() == 4


def test_vanished_folder_and_one_sync_at_a_time(alice: Owner, dovecot: Dovecot) -> None:
    fill(dovecot)
    source = add_source(alice, dovecot, folders=["INBOX", "Projects"])
    with pytest.raises(SyncError, match="no folder 'Projects'"):
        do_sync(alice, source)
    Source.objects.filter(pk=source.pk).update(
        lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), lease_token="other"
    )
    with pytest.raises(Busy):
        do_sync(alice, Source.objects.get(pk=source.pk))


def test_remove_keeps_or_purges(alice: Owner, dovecot: Dovecot) -> None:
    fill(dovecot)
    source = add_source(alice, dovecot)
    do_sync(alice, source)
    do_remove_source(alice, source)
    assert Interaction.objects.filter(owner=alice).count() == 4
    second = add_source(alice, dovecot)
    dovecot.deliver("", "z1", message("Zoe Park <zoe@example.com>", ME, "Hi", 2))
    dovecot.deliver("", "z2", message("zoe@example.com", ME, "Hi again", 1))
    do_sync(alice, second)
    assert "Zoe Park" in people(alice)
    assert do_remove_source(alice, second, purge=True) == 1
    assert "Zoe Park" not in people(alice)
    assert Interaction.objects.filter(owner=alice).count() == 4  # the first source's


@pytest.mark.parametrize(
    ("security", "said"),
    [
        ("starttls", "the server offers no STARTTLS, and TLS was asked for"),
        ("tls", "TLS failed"),
    ],
)
def test_tls_asked_of_a_server_without_it(
    alice: Owner, dovecot: Dovecot, security: str, said: str
) -> None:
    source = add_source(alice, dovecot, security=security)
    with pytest.raises(SyncError, match=said):
        do_sync(alice, source)
    assert said in Source.objects.get(pk=source.pk).last_error


def test_no_such_host(alice: Owner) -> None:
    source = do_add_imap(
        alice, host="no-such-host.invalid", username=USER, password=PASSWORD, me=[ME]
    )
    with pytest.raises(SyncError, match="no such host 'no-such-host.invalid'"):
        do_sync(alice, source)


def test_server_stopped_mid_sync_then_back(alice: Owner, dovecot: Dovecot) -> None:
    """The server goes away between two batches: one clear line, the first batch kept
    whole (written, remembered, its highest UID kept), and the next sync reads the rest
    once: nothing lost, nothing twice."""
    fill(dovecot)
    for i in range(2500):  # more than one batch (imap.BATCH)
        dovecot.deliver("", f"b{i}", message(f"p{i % 50}@example.com", ME, f"note {i}", 2))

    def stop_half_way(stage: str, done: int, total: int | None) -> None:
        if stage == "messages" and done == 1000:
            dovecot.stop()

    source = add_source(alice, dovecot)
    with pytest.raises(SyncError, match="the connection broke"):
        do_sync(alice, source, progress=stop_half_way)
    failed = SyncRun.objects.get(source=source)
    assert failed.status == SyncRun.FAILED and failed.import_run is not None
    first = Interaction.objects.filter(owner=alice).count()
    assert 0 < first < 4 + 2500
    assert SeenMail.objects.filter(owner=alice).count() == 2000  # one batch, whole
    kept = Source.objects.get(pk=source.pk)
    assert kept.state["folders"]["INBOX"]["uid"] == 2000  # imap.BATCH
    assert kept.added_total["interactions_added"] == first
    dovecot.start()
    run = do_sync(alice, Source.objects.get(pk=source.pk))
    assert run.counts["messages"] == 2505 - 2000
    assert Interaction.objects.filter(owner=alice).count() == 4 + 2500


def test_default_folders_by_special_use_or_name() -> None:
    from troth.sync.imap import default_folders

    gmail = [
        ((b"\\HasNoChildren",), b"/", "INBOX"),
        ((b"\\HasNoChildren", b"\\Sent"), b"/", "[Gmail]/Sent Mail"),
        ((b"\\HasNoChildren", b"\\All"), b"/", "[Gmail]/All Mail"),
    ]
    assert default_folders(gmail) == ["[Gmail]/All Mail"]  # it holds the other two
    none: tuple[bytes, ...] = ()
    plain = [(none, b".", "INBOX"), (none, b".", "INBOX.Drafts"), (none, b".", "Sent Items")]
    assert default_folders(plain) == ["INBOX", "Sent Items"]  # no SPECIAL-USE: by name
