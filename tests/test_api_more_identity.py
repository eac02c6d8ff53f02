"""Identity through the API: the merges so far and undoing one, the merge suggestions
(list, accept, dismiss), each answer the CLI's --json where it has one; another
owner's merges and suggestions are not found and stay as they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from api_helpers import Api
from troth.identity.models import MergeRecord, MergeSuggestion
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db: None) -> Api:
    """The local owner's token: the owner the in-process CLI acts for."""
    return Api(local_owner())


def suggest(owner: Owner, first: str, second: str, confidence: float = 0.8) -> MergeSuggestion:
    a = do_add_person(owner, first, emails=[f"{first.split()[0].lower()}@a.example"])
    b = do_add_person(owner, second)
    return MergeSuggestion.objects.create(
        owner=owner,
        person_a=a,
        person_b=b,
        confidence=confidence,
        reasons=["similar names"],
        created_at=timezone.now(),
    )


def test_suggestions_list_accept_dismiss_as_the_cli(api: Api, cli: Cli) -> None:
    who = local_owner()
    robert = suggest(who, "Robert Chen", "Bob Chen", 0.9)
    dana = suggest(who, "Dana Kang", "Dana Kong", 0.7)
    listed = api.get("/merge-suggestions").json()
    assert listed["items"] == cli.json("merge", "--suggestions")
    assert [s["id"] for s in listed["items"]] == [robert.id, dana.id]  # likeliest first

    r = api("POST", f"/merge-suggestions/{robert.id}/accept")
    assert r.status_code == 200, r.content
    merged = r.json()
    assert merged["kept"]["id"] == robert.person_a_id and merged["kept"]["name"] == "Robert Chen"
    assert not Person.objects.filter(pk=robert.person_b_id).exists()
    record = MergeRecord.objects.get(pk=merged["merge_id"])
    assert record.kept_id == robert.person_a_id and record.reason == "accepted a suggestion (API)"
    # the merged person is gone, and the suggestion with them
    assert api("POST", f"/merge-suggestions/{robert.id}/accept").status_code == 404

    r = api("POST", f"/merge-suggestions/{dana.id}/dismiss")
    assert r.status_code == 200, r.content
    assert r.json() == {
        "id": dana.id,
        "a": {"id": dana.person_a_id, "name": "Dana Kang"},
        "b": {"id": dana.person_b_id, "name": "Dana Kong"},
        "status": "rejected",
    }
    assert Person.objects.filter(pk=dana.person_b_id).exists()  # nothing merged
    for decision in ("dismiss", "accept"):  # decided: not again
        again = api("POST", f"/merge-suggestions/{dana.id}/{decision}")
        assert again.status_code == 409
        assert "was decided already (rejected)" in again.json()["error"]
    assert api.get("/merge-suggestions").json()["items"] == [] == cli.json("merge", "--suggestions")


def test_merges_and_undoing_one_as_the_cli(api: Api, cli: Cli) -> None:
    who = local_owner()
    keep = do_add_person(who, "Robert Chen", emails=["robert@a.example"])
    other = do_add_person(who, "Bob Chen", emails=["bob@b.example"])
    merged = api("POST", f"/people/{keep.id}/merge", {"other_id": other.id}).json()
    rows = api.get("/merges").json()["items"]
    assert rows == cli.json("merges")
    assert rows[0]["id"] == merged["merge_id"] and rows[0]["undone_at"] is None

    r = api("POST", f"/merges/{merged['merge_id']}/undo")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["kept"]["id"] == keep.id and body["kept"]["emails"] == ["robert@a.example"]
    assert body["restored"]["id"] == other.id and body["restored"]["name"] == "Bob Chen"
    assert body["restored"]["emails"] == ["bob@b.example"]
    assert api.get("/merges").json()["items"] == cli.json("merges")
    assert cli.json("merges")[0]["undone_at"] is not None
    # undone once; a second time is refused with the reason, changing nothing
    again = api("POST", f"/merges/{merged['merge_id']}/undo")
    assert again.status_code == 409 and "error" in again.json()
    # by person, as `troth unmerge NAME`: the latest merge into them
    r = api("POST", f"/people/{keep.id}/unmerge")
    assert r.status_code == 400 and "nobody was merged into Robert Chen" in r.json()["error"]
    second = api("POST", f"/people/{keep.id}/merge", {"other_id": other.id}).json()
    r = api("POST", f"/people/{keep.id}/unmerge")
    assert r.status_code == 200 and r.json()["merge_id"] == second["merge_id"], r.content
    assert r.json()["restored"]["id"] == other.id


def test_another_owners_merges_and_suggestions_are_not_found(alice: Owner, bob: Owner) -> None:
    theirs = suggest(alice, "Robert Chen", "Bob Chen")
    keep = do_add_person(alice, "Eve Stone")
    gone = do_add_person(alice, "Eve Stone-Smith")
    alices = Api(alice)
    merge_id = alices("POST", f"/people/{keep.id}/merge", {"other_id": gone.id}).json()["merge_id"]
    api = Api(bob, name="bob's")
    assert api.get("/merge-suggestions").json()["items"] == []
    assert api.get("/merges").json()["items"] == []
    for path in (
        f"/merge-suggestions/{theirs.id}/accept",
        f"/merge-suggestions/{theirs.id}/dismiss",
        f"/merges/{merge_id}/undo",
    ):
        r = api("POST", path)
        assert r.status_code == 404, (path, r.content)
    theirs.refresh_from_db()
    assert theirs.status == MergeSuggestion.OPEN
    assert MergeRecord.objects.get(pk=merge_id).undone_at is None
    assert not Person.objects.filter(pk=gone.id).exists()
