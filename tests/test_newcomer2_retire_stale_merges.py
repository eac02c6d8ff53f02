"""Merges a forced import undo left behind before it took them back (importers 0006):
marked undone, so undoing one no longer brings back an empty person of an undone
import; other merges stay as they are."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.apps import apps
from django.db import transaction

from test_newcomer2_undo_merged import _import_and_merge
from troth.identity.actions import do_merge
from troth.identity.models import MergeRecord
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

migration = importlib.import_module(
    "troth.importers.migrations.0006_retire_merges_of_undone_imports"
)


@pytest.fixture
def me(db: None) -> Owner:
    with transaction.atomic():
        return local_owner()


def test_a_merge_left_by_an_old_forced_undo_is_retired(me: Owner, cli: Cli, tmp_path: Path) -> None:
    run, older, merged_id = _import_and_merge(me, cli, tmp_path)
    cli("import", "--undo", str(run.id), "--force", "--yes")
    # as an undo before this fix left it: the import's person gone, the merge open
    MergeRecord.objects.filter(owner=me, merged_id=merged_id).update(undone_at=None)
    a = do_add_person(me, "Ann Archer", emails=["ann@a.example"])
    b = do_add_person(me, "Ann Archer", emails=["ann@b.example"], allow_duplicate_name=True)
    other = do_merge(me, a, b)
    migration.retire(apps, None)
    stale = MergeRecord.objects.get(owner=me, merged_id=merged_id)
    run.refresh_from_db()
    assert stale.undone_at == run.undone_at
    assert stale.reason.endswith(f"import #{run.id}, which made the person, was undone")
    out = cli("unmerge", str(stale.id), code=2)
    assert "already undone" in out.stderr
    assert not Person.objects.filter(pk=merged_id).exists()
    other.refresh_from_db()
    assert other.undone_at is None  # not an import's person: untouched
    assert older.pk
