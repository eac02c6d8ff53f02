"""A restore never takes a secret from a file: an export holds none, so a file with
one was made to smuggle another member's encrypted password in, for this server to
decrypt and send to a server of the file's choosing (found by a security review)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from troth.agenda.models import MailSettings
from troth.backup.export import write_export
from troth.backup.restore import do_restore
from troth.owners import do_ensure_me
from troth.sync.actions import do_add_imap
from troth.sync.models import Source
from troth.sync.secrets import reveal, seal

User = get_user_model()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TROTH_HOME", str(tmp_path / "home"))
    return tmp_path


def test_a_restored_source_keeps_no_secret_even_when_the_file_brings_one(
    db: None, home: Path
) -> None:
    alice = User.objects.create_user("alice", "alice@example.org", "x")
    do_ensure_me(alice, "Alice")
    with transaction.atomic():
        source = do_add_imap(
            alice,
            host="imap.example.org",
            username="alice",
            password="ALICE-IMAP-pw",
            me=["alice@example.org"],
        )
    stolen = Source.objects.get(pk=source.pk).secret  # as from a leaked copy of the database
    assert reveal(stolen, "the password") == "ALICE-IMAP-pw"
    MailSettings.objects.update_or_create(
        owner=alice,
        defaults={
            "host": "smtp.example.org",
            "password": seal("ALICE-SMTP-pw"),
            "updated_at": timezone.now(),
        },
    )
    out = io.StringIO()
    with transaction.atomic():
        write_export(alice, out)
    data = json.loads(out.getvalue())
    for table in data["tables"]:
        cols = table["columns"]
        for row in table["rows"]:
            if table["model"] == "sync.source":
                assert row[cols.index("secret")] == ""  # an export holds none
                row[cols.index("secret")] = stolen
                row[cols.index("host")] = "127.0.0.1"
            if table["model"] == "agenda.mailsettings":
                row[cols.index("password")] = seal("ALICE-SMTP-pw")
    alice.delete()  # the ids are free: the file restores as it is
    mallory = User.objects.create_user("mallory", "mallory@example.org", "x")
    do_ensure_me(mallory, "Mallory")
    path = home / "crafted.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with transaction.atomic():
        do_restore(mallory, path)
    restored = Source.objects.get(owner=mallory)
    assert restored.secret == ""
    assert MailSettings.objects.get(owner=mallory).password == ""
