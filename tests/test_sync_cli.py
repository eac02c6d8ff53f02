"""troth sources / troth sync on a real dovecot, the encrypted passwords (and a lost
key), and the worker's schedule (due sources queued once, failing ones backing off)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from servers import DOVECOT, PASSWORD, USER, Dovecot, need
from test_sync_imap import ME, fill, message
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.owners import local_owner
from troth.sync.actions import do_add_ics
from troth.sync.models import Source
from troth.sync.secrets import key_path
from troth.sync.tasks import do_enqueue_due

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Cli


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    server = Dovecot(tmp_path / "dovecot", need(DOVECOT, "dovecot"))
    server.start()
    yield server
    server.close()


def add(cli: Cli, server: Dovecot, password: str = PASSWORD) -> int:
    row = cli.json(
        "sources", "add", "imap", "--host", "127.0.0.1", "--port", str(server.port),
        "--security", "none", "--user", USER, "--password", password, "--me", ME,
    )  # fmt: skip
    return int(row["id"])


def test_add_list_sync_remove(cli: Cli, dovecot: Dovecot, home: Path) -> None:
    fill(dovecot)
    sid = add(cli, dovecot)
    listed = cli.json("sources")
    assert [r["id"] for r in listed] == [sid] and listed[0]["last_sync_at"] is None
    assert PASSWORD not in json.dumps(listed)  # never rendered back
    stored = Source.objects.get(pk=sid).secret
    assert stored and PASSWORD not in stored  # encrypted at rest
    # the key lives outside the database, readable by its owner only
    assert key_path().parent == home and stat.S_IMODE(os.stat(key_path()).st_mode) == 0o600

    out = cli("sync", str(sid)).stdout
    assert "5 new messages; 2 new people, 4 interactions added" in out
    assert "0 new messages" in cli("sync").stdout
    dovecot.deliver("", "x1", message("ann@example.com", ME, "Again", 1))
    result = cli.json("sync", str(sid))
    assert result[0]["counts"]["interactions_added"] == 1
    row = cli.json("sources")[0]
    assert row["added_total"]["interactions_added"] == 5 and row["last_error"] == ""

    cli("sources", "remove", str(sid))
    assert cli.json("sources") == []
    assert Interaction.objects.count() == 5  # kept without --purge


def test_purge_asks_before_taking_what_you_logged(cli: Cli, dovecot: Dovecot) -> None:
    """--purge undoes the source's imports by force: a call you logged with Ann since
    goes too, so it asks first, as `troth import --undo --force` does (no terminal: one
    line, exit 2, nothing removed; --yes answers it)."""
    fill(dovecot)
    sid = add(cli, dovecot)
    cli("sync", str(sid))
    cli("log", "Ann Lee", "call", "--minutes", "20", "a call logged by hand")
    refused = cli("sources", "remove", str(sid), "--purge", input="", code=2)
    assert "--yes" in refused.stderr and refused.stderr.count("\n") == 1
    assert Source.objects.filter(pk=sid).exists() and Interaction.objects.count() == 5
    said_no = cli("sources", "remove", str(sid), "--purge", input="n\n")
    assert "interaction" in said_no.stdout and "Nothing removed." in said_no.stdout
    assert Source.objects.filter(pk=sid).exists()
    cli("sources", "remove", str(sid), "--purge", "--yes")
    assert not Source.objects.filter(pk=sid).exists() and Interaction.objects.count() == 0


def test_wrong_password_one_line_then_recovers(cli: Cli, dovecot: Dovecot) -> None:
    fill(dovecot)
    sid = add(cli, dovecot, password="nope")
    failed = cli("sync", str(sid), code=2)
    assert failed.stderr.strip().count("\n") == 0
    assert "login refused for 'sam'" in failed.stderr
    assert "failing (1x)" in cli("sources").stdout
    cli("sources", "password", str(sid), "--password", PASSWORD)
    cli("sync", str(sid))
    assert cli.json("sources")[0]["failures"] == 0


def test_lost_key_asks_for_the_password_again(
    cli: Cli, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(dovecot)
    sid = add(cli, dovecot)
    key_path().unlink()  # a new machine, a wiped key store
    failed = cli("sync", str(sid), code=2)
    assert "cannot be decrypted: the encryption key changed or was lost" in failed.stderr
    assert "type it again" in failed.stderr
    cli("sources", "password", str(sid), "--password", PASSWORD)
    assert "2 new people" in cli("sync", str(sid)).stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["sources", "add", "pop3"], "unknown kind 'pop3'"),
        (["sources", "add", "imap", "--user", "u", "--password", "p"], "needs --host and --user"),
        (["sources", "add", "ics", "ftp://example.org/x.ics"], "not an http(s) or webcal"),
        (["sources", "add", "ics", "https://example.org/x.ics", "--every", "1"], "--every 1"),
        (["sources", "remove", "99"], "no source with id 99"),
        (["sync", "99"], "no source with id 99"),
        (["sync"], "no sources to sync"),
    ],
)
def test_bad_input_is_one_line(cli: Cli, args: list[str], said: str) -> None:
    result = cli(*args, code=2)
    assert said in result.stderr and result.stderr.strip().count("\n") == 0


def test_due_sources_are_queued_once_and_failing_ones_back_off(db: None, dovecot: Dovecot) -> None:
    fill(dovecot)
    owner = local_owner()
    good = Source.objects.create(
        owner=owner, kind="imap", label="x", host="127.0.0.1", port=dovecot.port,
        security="none", username=USER, me=[ME],
    )  # fmt: skip
    from troth.sync.secrets import seal

    Source.objects.filter(pk=good.pk).update(secret=seal(PASSWORD))
    broken = do_add_ics(
        owner, url="http://127.0.0.1:9/cal.ics", me=[ME], check=False
    )  # nothing listens
    # the immediate backend runs each queued task at once
    assert sorted(do_enqueue_due()) == sorted([good.pk, broken.pk])
    assert Interaction.objects.filter(owner=owner).count() == 4
    assert do_enqueue_due() == []  # not due again for 15 minutes
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert do_enqueue_due(later) == [good.pk]  # the failing one waits longer
    failing = Source.objects.get(pk=broken.pk)
    assert failing.failures == 1 and "cannot connect" in failing.last_error
    assert broken.pk in do_enqueue_due(later + dt.timedelta(minutes=15))
    assert Source.objects.get(pk=broken.pk).failures == 2


def test_backup_never_holds_the_secret_and_a_restore_asks_again(
    alice: Owner, dovecot: Dovecot, tmp_path: Path
) -> None:
    import io

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from troth.backup.export import write_export
    from troth.backup.restore import do_restore
    from troth.owners import do_ensure_me
    from troth.sync.actions import do_add_imap, do_sync
    from troth.sync.models import SeenMail
    from troth.sync.secrets import SecretLost

    fill(dovecot)
    source = do_add_imap(
        alice, host="127.0.0.1", port=dovecot.port, security="none",
        username=USER, password=PASSWORD, me=[ME],
    )  # fmt: skip
    do_sync(alice, source)
    out = io.StringIO()
    with transaction.atomic():
        write_export(alice, out)
    text = out.getvalue()
    assert Source.objects.get(pk=source.pk).secret not in text and PASSWORD not in text
    path = tmp_path / "backup.json"
    path.write_text(text)
    alice.delete()
    dana = get_user_model().objects.create_user("dana", "dana@example.org", "x")
    do_ensure_me(dana, "Dana")
    do_restore(dana, path)
    restored = Source.objects.get(owner=dana)
    assert restored.secret == "" and restored.state == {} and restored.lease_until is None
    assert SeenMail.objects.filter(owner=dana).count() == 4
    with pytest.raises(SecretLost, match="is not stored"):
        do_sync(dana, restored)
