"""States done or undone already answer 409 through the API, as the README lists for
conflicts (they answered 400), and the CLI still exits 2 with the same line; the OpenAPI
document lists 409 where it can happen; an import undo refused through the API says
`?force=true`, not the CLI's `--force` (a newcomer's review)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from api_helpers import Api
from troth.identity.actions import do_merge
from troth.importers.models import ImportRun
from troth.ledger.actions import do_make_promise
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


@pytest.fixture
def api(db: None) -> Api:
    return Api(local_owner())


def test_a_merge_undone_twice_is_a_conflict(api: Api, cli: Cli) -> None:
    me = local_owner()
    a = do_add_person(me, "Ann Archer", emails=["ann@a.example"])
    b = do_add_person(me, "Ann Archer", emails=["ann@b.example"], allow_duplicate_name=True)
    merge = do_merge(me, a, b)
    assert api("POST", f"/merges/{merge.id}/undo").status_code == 200
    again = api("POST", f"/merges/{merge.id}/undo")
    assert again.status_code == 409
    assert again.json()["error"] == f"merge #{merge.id} was already undone"
    out = cli("unmerge", str(merge.id), code=2)
    assert f"merge #{merge.id} was already undone" in out.stderr


def test_an_import_undone_twice_is_a_conflict_and_force_is_worded_for_the_api(
    api: Api, cli: Cli, tmp_path: Path
) -> None:
    me = local_owner()
    f = tmp_path / "people.csv"
    f.write_text("Name,Email\nBen Baker,ben@baker.example\n", encoding="utf-8")
    cli("import", str(f))
    run = ImportRun.objects.filter(owner=me).latest("id")
    ben = do_add_person(me, "Cleo Cole")  # someone else, untouched
    do_add_note(me, me_person(me, "Ben Baker"), "met at the fair")
    refused = api("POST", f"/imports/{run.id}/undo")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "use ?force=true" in error and "--force" not in error
    assert "troth imports" not in error
    out = cli("import", "--undo", str(run.id), code=2)
    assert "use --force" in out.stderr  # the CLI keeps its own wording
    assert api("POST", f"/imports/{run.id}/undo?force=true").status_code == 200
    again = api("POST", f"/imports/{run.id}/undo?force=true")
    assert again.status_code == 409
    assert again.json()["error"] == f"import #{run.id} was already undone"
    assert "was already undone" in cli("import", "--undo", str(run.id), code=2).stderr
    assert ben.pk


def me_person(owner: Owner, name: str) -> Person:
    if name == "Me":
        return Person.objects.get(owner=owner, is_me=True)
    return Person.objects.get(owner=owner, full_name=name)


def test_a_promise_closed_already_is_a_conflict(api: Api) -> None:
    me = local_owner()
    dana = do_add_person(me, "Dana Kang")
    promise = do_make_promise(me, me_person(me, "Me"), dana, "send the deck")
    assert api("POST", f"/promises/{promise.id}/kept").status_code == 200
    again = api("POST", f"/promises/{promise.id}/broken")
    assert again.status_code == 409 and "already kept" in again.json()["error"]


def test_the_document_lists_409_where_it_can_happen(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/imports/{import_id}/undo", "/api/v1/merges/{merge_id}/undo"):
        assert "409" in paths[path]["post"]["responses"], path
