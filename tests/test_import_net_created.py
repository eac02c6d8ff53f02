"""An import's "people created" counts people new to the network (a newcomer's review):
a 3-row CSV whose one row was someone already here said 2 would be created and 1
merged in the dry run, then 3 added plus 1 merged once imported. Now the dry run, the
import, `troth imports`, the JSON and the API's run all say 2 created, 1 merged, and
the undo still puts everything back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django.fixtures import Settings

from api_helpers import Api
from test_api_imports import post_file
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

ROWS = (
    "Name,Email,Company\n"
    "Robert Chen,bob.chen@initech.example,Initech\n"
    "Ann Archer,ann@archer.example,\n"
    "Ben Baker,ben@baker.example,\n"
)


def _people(owner: Owner) -> set[str]:
    return set(Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True))


def test_cli_counts_net_new_people_and_undo_still_works(cli: Cli, tmp_path: Path) -> None:
    me = local_owner()
    do_add_person(me, "Robert Chen", emails=["rob@chen.example"], company="Initech")
    path = tmp_path / "people.csv"
    path.write_text(ROWS, encoding="utf-8")
    dry = cli.json("import", str(path), "--dry-run")
    assert (dry["people_created"], dry["people_merged"]) == (2, 1)
    assert _people(me) == {"Robert Chen"}
    done = cli.json("import", str(path))
    assert (done["people_created"], done["people_merged"]) == (2, 1)
    assert Person.objects.filter(owner=me, is_me=False).count() == 3  # 1 + 2 new
    run = ImportRun.objects.get(owner=me, id=done["run"])
    assert (run.counts["people_created"], run.counts["people_merged"]) == (2, 1)
    assert "2 new, 1 merged" in cli("imports").stdout
    listed = cli.json("imports")
    rows = listed if isinstance(listed, list) else listed["items"]
    assert rows[0]["people_created"] == 2
    cli("import", "--undo", str(run.id))
    assert _people(me) == {"Robert Chen"}
    assert Person.objects.filter(owner=me, is_me=False).count() == 1


@pytest.fixture
def api(alice: Owner, home: Path, settings: Settings) -> Api:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TROTH_IMPORT_THREAD = False
    return Api(alice)


def test_the_apis_run_counts_net_new_people(api: Api, alice: Owner) -> None:
    do_add_person(alice, "Robert Chen", emails=["rob@chen.example"], company="Initech")
    run = post_file(api, "people.csv", ROWS.encode()).json()
    assert run["status"] == "preview"
    done = api("POST", f"/imports/{run['id']}/confirm").json()
    assert (done["people_created"], done["people_merged"]) == (2, 1), done
    assert api.get(f"/imports/{run['id']}").json()["people_created"] == 2
    assert _people(alice) == {"Robert Chen", "Ann Archer", "Ben Baker"}
