"""A forced import undo after a merge made since (a newcomer's review): the person the
import created, merged by hand into an older one, came back empty when that merge was
undone after the import was. Now the forced undo undoes such merges first (the import's
person goes with what it brought, the older one keeps what was theirs), so the merge
list never offers to bring back a person of an undone import. CLI, API and web."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.test import Client

from troth.identity.actions import do_accept
from troth.identity.models import MergeRecord
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import ContactPoint, Person

if TYPE_CHECKING:
    from conftest import Cli


@pytest.fixture
def me(db: None) -> Owner:
    with transaction.atomic():
        return local_owner()


def _csv(path: Path) -> Path:
    path.write_text(
        "Name,Email,Company\n"
        "Robert Chen,bob.chen@newmail.example,Initech\n"
        "Ann Archer,ann@archer.example,\n"
        "Ben Baker,ben@baker.example,\n"
        "Cleo Cole,cleo@cole.example,\n",
        encoding="utf-8",
    )
    return path


def _import_and_merge(owner: Owner, cli: Cli, tmp_path: Path) -> tuple[ImportRun, Person, int]:
    """Robert Chen is known; the file brings a second Robert Chen, whom I merge into
    the first by hand (the merge suggestion's Accept)."""
    older = do_add_person(owner, "Robert Chen", emails=["rob@chen.example"])
    cli("import", str(_csv(tmp_path / "people.csv")))
    run = ImportRun.objects.filter(owner=owner).latest("id")
    newer = Person.objects.get(owner=owner, full_name="Robert Chen", id__gt=older.id)
    merged_id = newer.id
    do_accept(owner, older, newer)
    assert set(
        ContactPoint.objects.filter(owner=owner, person=older).values_list("value", flat=True)
    ) == {"rob@chen.example", "bob.chen@newmail.example"}
    return run, older, merged_id


def _after(owner: Owner, older: Person, merged_id: int) -> None:
    """The merge is undone with the import; the older Robert keeps only his own."""
    merge = MergeRecord.objects.get(owner=owner, merged_id=merged_id)
    assert merge.undone_at is not None
    assert not Person.objects.filter(pk=merged_id).exists()
    assert Person.objects.filter(pk=older.id).exists()
    assert list(
        ContactPoint.objects.filter(owner=owner, person=older).values_list("value", flat=True)
    ) == ["rob@chen.example"]
    assert not MergeRecord.objects.filter(owner=owner, undone_at__isnull=True).exists()


def test_cli_forced_undo_undoes_the_merge_made_since(me: Owner, cli: Cli, tmp_path: Path) -> None:
    run, older, merged_id = _import_and_merge(me, cli, tmp_path)
    refused = cli("import", "--undo", str(run.id), code=2)
    assert "--force" in refused.stdout + refused.stderr
    done = cli.json("import", "--undo", str(run.id), "--force", "--yes")
    assert done["people_removed"] == 4 and done["unmerged"] == 1
    _after(me, older, merged_id)
    merge = MergeRecord.objects.get(owner=me, merged_id=merged_id)
    out = cli("unmerge", str(merge.id), code=2)
    assert "already undone" in out.stdout + out.stderr
    assert not Person.objects.filter(pk=merged_id).exists()


def test_api_forced_undo_undoes_the_merge_made_since(
    me: Owner, cli: Cli, client: Client, tmp_path: Path
) -> None:
    from troth.tokens.actions import do_create_token

    run, older, merged_id = _import_and_merge(me, cli, tmp_path)
    _, secret = do_create_token(me, "test")
    auth = {"Authorization": f"Bearer {secret}"}
    refused = client.post(f"/api/v1/imports/{run.id}/undo", headers=auth)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "?force=true" in error and "--force" not in error
    assert "POST /api/v1/merges/" in error and "troth unmerge" not in error
    done = client.post(f"/api/v1/imports/{run.id}/undo?force=true", headers=auth)
    assert done.status_code == 200, done.content
    assert done.json()["people_removed"] == 4 and done.json()["unmerged"] == 1
    _after(me, older, merged_id)
    merge = MergeRecord.objects.get(owner=me, merged_id=merged_id)
    again = client.post(f"/api/v1/merges/{merge.id}/undo", headers=auth)
    assert again.status_code == 409 and "already undone" in again.json()["error"]
    twice = client.post(f"/api/v1/imports/{run.id}/undo?force=true", headers=auth)
    assert twice.status_code == 409 and "already undone" in twice.json()["error"]
    assert not Person.objects.filter(pk=merged_id).exists()


def test_web_forced_undo_undoes_the_merge_made_since(
    me: Owner, cli: Cli, client: Client, tmp_path: Path
) -> None:
    run, older, merged_id = _import_and_merge(me, cli, tmp_path)
    client.force_login(me)
    refused = client.post(f"/import/{run.id}/undo", follow=True)
    assert "press Undo anyway" in refused.content.decode()
    page = client.post(f"/import/{run.id}/undo", {"force": "1"}, follow=True)
    assert page.status_code == 200
    _after(me, older, merged_id)


def test_someone_merged_into_the_imports_person_comes_back(
    me: Owner, cli: Cli, tmp_path: Path
) -> None:
    """The other way round: the older Robert folded into the import's one. Without
    undoing that merge first, the older Robert would go with the import."""
    older = do_add_person(me, "Robert Chen", emails=["rob@chen.example"])
    cli("import", str(_csv(tmp_path / "people.csv")))
    run = ImportRun.objects.filter(owner=me).latest("id")
    newer = Person.objects.get(owner=me, full_name="Robert Chen", id__gt=older.id)
    do_accept(me, newer, older)
    assert not Person.objects.filter(pk=older.id).exists()
    done = cli.json("import", "--undo", str(run.id), "--force", "--yes")
    assert done["unmerged"] == 1 and done["people_removed"] == 4
    assert not Person.objects.filter(pk=newer.id).exists()
    back = Person.objects.get(pk=older.id)
    assert list(back.contact_points.values_list("value", flat=True)) == ["rob@chen.example"]
    # undone, the merge went with the person it kept: nothing offers to undo it
    assert not MergeRecord.objects.filter(owner=me, merged_id=older.id).exists()


def test_a_merge_that_cannot_be_undone_is_retired(me: Owner, cli: Cli, tmp_path: Path) -> None:
    """A merge restored from a backup keeps no snapshot: it cannot be undone, so the
    forced undo marks it undone, saying why, and the merge list offers nothing."""
    run, older, merged_id = _import_and_merge(me, cli, tmp_path)
    MergeRecord.objects.filter(owner=me, merged_id=merged_id).update(snapshot={})
    done = cli.json("import", "--undo", str(run.id), "--force", "--yes")
    assert done["unmerged"] == 0
    merge = MergeRecord.objects.get(owner=me, merged_id=merged_id)
    assert merge.undone_at is not None
    assert merge.reason.endswith(f"retired: import #{run.id}, which made the person, was undone")
    out = cli("unmerge", str(merge.id), code=2)
    assert "already undone" in out.stderr
    assert not Person.objects.filter(pk=merged_id).exists()
    assert Person.objects.filter(pk=older.id).exists()
