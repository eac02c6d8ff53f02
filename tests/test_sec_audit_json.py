"""Issue 17, re-checked as the audit's attacker: a restore's memory, like the zip's
(item 3). An export as troth writes it is read a row at a time, but a file in any
other key order ("tables" before "format") was read whole with json.loads, and parsed
JSON takes up to ~25 times its size: a member's 60 MiB upload of empty lists took a
`troth serve --sign-in` server from 56 MiB to 4.7 GiB for minutes. A file in another
layout is now read whole only up to restore.WHOLE_LIMIT; a bigger one is refused
before it is read, with one line."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from pytest_django.fixtures import Settings

from api_helpers import Api
from troth.backup.export import write_export
from troth.backup.restore import WHOLE_LIMIT, do_restore
from troth.errors import TrothError
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.actions import do_add_person
from troth.people.models import Person

User = get_user_model()


def rows_of_nothing(path: Path, header_first: bool) -> Path:
    """A file just over the limit, one table of empty rows ([] costs 3 bytes of the file
    and ~60 bytes parsed)."""
    header = '"format": "troth-export", "version": 1'
    head = '{"model": "people.tag", "columns": ["id", "name"], "rows": ['
    n = WHOLE_LIMIT // 3 + 1024
    with path.open("w") as out:
        out.write("{" + header + ", " if header_first else "{")
        out.write('"tables": [' + head)
        out.write(",".join(["[]"] * n))
        out.write("]}]" + ("}" if header_first else ", " + header + "}"))
    return path


def peak_while(fn: Callable[[], object]) -> tuple[int, BaseException | None]:
    """The peak of Python's allocations while fn runs, and what it raised."""
    tracemalloc.start()
    try:
        fn()
        raised = None
    except TrothError as exc:
        raised = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, raised


@pytest.fixture
def mallory(db: None, home: Path) -> Owner:
    user = User.objects.create_user("mallory", "mallory@example.org", "x")
    do_ensure_me(user, "Mallory")
    return user


def test_a_big_file_in_another_layout_is_refused_before_it_is_read(
    mallory: Owner, tmp_path: Path
) -> None:
    path = rows_of_nothing(tmp_path / "backup.json", header_first=False)
    peak, raised = peak_while(lambda: do_restore(mallory, path))
    assert raised is not None
    assert "not laid out as `troth export json` writes it" in str(raised)
    assert f"{WHOLE_LIMIT // 2**20} MiB at most" in str(raised)
    assert peak < WHOLE_LIMIT  # json.loads of it took ~25 times its size
    assert not Person.objects.filter(owner=mallory, is_me=False).exists()


def test_the_same_file_in_troths_layout_is_read_a_row_at_a_time(
    mallory: Owner, tmp_path: Path
) -> None:
    path = rows_of_nothing(tmp_path / "backup.json", header_first=True)
    peak, raised = peak_while(lambda: do_restore(mallory, path))
    assert raised is not None and "people.tag record 1: expected 2 values" in str(raised)
    assert peak < WHOLE_LIMIT


def carols_export() -> str:
    """The JSON export of an account that has since gone (one person, Ann Lee): its
    ids are free on this server again, so another account can restore it."""
    carol = User.objects.create_user("carol", "carol@example.org", "x")
    do_ensure_me(carol, "Carol")
    do_add_person(carol, "Ann Lee", emails=["ann@lee.example"])
    out = io.StringIO()
    with transaction.atomic():
        write_export(carol, out)
    carol.delete()  # ids are the server's: hers are free again
    return out.getvalue()


def test_a_small_file_in_another_layout_still_restores(
    mallory: Owner, home: Path, tmp_path: Path
) -> None:
    data = json.loads(carols_export())
    reordered = {"tables": data.pop("tables"), **data}  # as a tool sorting keys writes it
    path = tmp_path / "sorted.json"
    path.write_text(json.dumps(reordered, indent=2))
    do_restore(mallory, path)
    assert Person.objects.get(owner=mallory, is_me=False).full_name == "Ann Lee"


def test_the_api_upload_fails_the_run_with_the_line(
    mallory: Owner, home: Path, settings: Settings, tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TROTH_IMPORT_THREAD = False
    api = Api(mallory)
    content = rows_of_nothing(tmp_path / "b.json", header_first=False).read_bytes()
    r = api.client.post(
        "/api/v1/imports",
        # "troth" is not in its first 2,000 bytes, so it is named a troth export by hand
        {"file": SimpleUploadedFile("backup.json", content), "kind": "json"},
        HTTP_AUTHORIZATION=f"Bearer {api.raw}",
    )
    assert r.status_code == 202, r.content
    run = ImportRun.objects.get(owner=mallory, pk=r.json()["id"])
    assert run.status == ImportRun.FAILED
    assert "too big to read whole" in run.error and "backup.json" in run.error
