"""Every route of the API, read from its OpenAPI document (so a new endpoint is covered
without being listed here): another owner's ids are not found, a read-only token
cannot write, and no token gets nothing but 401."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api_helpers import Api
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Person

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def operations() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(method, path, operation, the whole document) for every operation."""
    doc = json.loads(Client().get("/api/v1/openapi.json").content)
    return [
        (method.upper(), path, op, doc)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def world(owner: Any, prefix: str) -> dict[str, Any]:
    """One of everything an id can name, for `owner`."""
    dana = do_add_person(owner, f"{prefix} Dana")
    eli = do_add_person(owner, f"{prefix} Eli")
    me = me_person(owner)
    today = timezone.localdate()  # the suite's pinned day
    # a day late: on today's agenda as p<id>
    promise = do_make_promise(
        owner,
        me,
        dana,
        "send the deck",
        due=today - dt.timedelta(days=1),
        made_on=today - dt.timedelta(days=10),
    )
    need = do_add_need(owner, dana, "a CPA")
    favour = do_record_favor(owner, dana, me, "advice", "read my CV")
    note = do_add_note(owner, dana, "likes tea")
    from troth.interactions.actions import do_log_interaction

    interaction = do_log_interaction(owner, dana, "call")
    intro = do_propose(owner, dana, eli, "both in fintech", anyway="testing")
    from troth.groups.actions import do_create_group
    from troth.importers.models import ImportRun

    group = do_create_group(f"{prefix} circle", organiser=owner)
    run = ImportRun.objects.create(
        owner=owner,
        kind="vcard",
        path="a.vcf",
        file_name="a.vcf",
        status=ImportRun.PREVIEW,
        started_at=timezone.now(),
    )
    from troth.webhooks.actions import do_add_subscription

    hook, _secret = do_add_subscription(owner, "http://127.0.0.1:9/hook")
    from troth.identity.actions import do_merge
    from troth.identity.models import MergeSuggestion

    twin = do_add_person(owner, f"{prefix} Dana K")
    merge = do_merge(owner, dana, twin)
    suggestion = MergeSuggestion.objects.create(
        owner=owner,
        person_a=dana,
        person_b=eli,
        confidence=0.6,
        reasons=["both in fintech"],
        created_at=timezone.now(),
    )
    from troth.groups.actions import do_post_need
    from troth.groups.models import Membership

    do_post_need(Membership.objects.get(group=group, user=owner), f"{prefix} group need")
    return {
        "merge_id": merge.id,
        "suggestion_id": suggestion.id,
        "webhook_id": hook.id,
        "person_id": dana.id,
        "other_id": eli.id,
        "promise_id": promise.id,
        "need_id": need.id,
        "favour_id": favour.id,
        "note_id": note.id,
        "interaction_id": interaction.id,
        "intro_id": intro.id,
        "import_id": run.id,
        "slug": group.slug,
        "item_id": f"p{promise.id}",
        "tag": "x",
    }


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(doc: dict[str, Any], schema: dict[str, Any], ids: dict[str, Any], name: str) -> Any:
    """A value for one field: an id field gets `ids`' id of that kind (a person's by
    default), anything else the simplest valid value."""
    schema = resolve(doc, schema)
    if name.endswith("_id"):
        return ids.get(name, ids["person_id"])
    if "enum" in schema:
        return schema["enum"][0]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return example(doc, next(o for o in options if o.get("type") != "null"), ids, name)
    kind = schema.get("type")
    if kind == "array":
        return [example(doc, schema.get("items", {}), ids, name)]
    if kind == "object":
        return {
            k: example(doc, v, ids, k)
            for k, v in schema.get("properties", {}).items()
            if k in schema.get("required", [])
        }
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2999-01-01"
    if schema.get("format") == "date-time":
        return "2000-01-01T00:00:00Z"
    return "x"


def requests_for(
    method: str, path: str, op: dict[str, Any], doc: dict[str, Any], ids: dict[str, Any]
) -> list[tuple[str, Any, bool]]:
    """The URLs and bodies that aim the operation at `ids`' rows (one for each optional
    id it takes, since some exclude each other), each with whether any id of those
    rows is in it (an operation naming none has nothing to find or not)."""
    aimed = False
    url = path
    query = {}
    for param in op.get("parameters", []):
        name = param["name"]
        if param["in"] == "path":
            url = url.replace("{" + name + "}", str(ids.get(name, ids["person_id"])))
            aimed = True
        elif param["in"] == "query" and name.endswith("_id"):
            query[name] = ids.get(name, ids["person_id"])
            aimed = True
        elif param["in"] == "query" and param.get("required"):
            query[name] = example(doc, param["schema"], ids, name)
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return [(url, None, aimed)]
    schema = resolve(doc, content["schema"])
    fields = schema.get("properties", {})
    required = {
        k: example(doc, v, ids, k) for k, v in fields.items() if k in schema.get("required", [])
    }
    optional_ids = [k for k in fields if k.endswith("_id") and k not in required]
    bodies = [required | {k: example(doc, fields[k], ids, k)} for k in optional_ids] or [required]
    return [(url, body, aimed or any(k.endswith("_id") for k in body)) for body in bodies]


def counts(owner: Any) -> dict[str, int]:
    from troth.groups.models import GroupNeed, HelpOffer
    from troth.identity.models import MergeRecord, MergeSuggestion
    from troth.importers.models import ImportRun
    from troth.interactions.models import Interaction
    from troth.intros.models import Introduction
    from troth.ledger.models import Commitment, Favor, Need
    from troth.people.models import Note
    from troth.trust.models import TierCadence

    return {
        m.__name__: m.objects.filter(owner=owner).count()
        for m in (Person, Interaction, Favor, Commitment, Need, Note, Introduction, ImportRun)
    } | {
        "merges undone": MergeRecord.objects.filter(owner=owner, undone_at__isnull=False).count(),
        "open suggestions": MergeSuggestion.objects.filter(owner=owner, status="open").count(),
        "rhythms": TierCadence.objects.filter(owner=owner).count(),
        "group needs": GroupNeed.objects.filter(author=owner).count(),
        "open group needs": GroupNeed.objects.filter(author=owner, status="open").count(),
        "help offers": HelpOffer.objects.filter(need__author=owner).count(),
        "imports undone": ImportRun.objects.filter(owner=owner, undone_at__isnull=False).count(),
        "open promises": Commitment.objects.filter(owner=owner, status="open").count(),
        "open needs": Need.objects.filter(owner=owner, status="open").count(),
    }


def test_another_owners_ids_are_not_found_on_every_route(alice: Owner, bob: Owner) -> None:
    theirs = world(alice, "Alice's")
    world(bob, "Bob's")
    before = counts(alice)
    api = Api(bob)
    tried = []
    for method, path, op, doc in operations():
        for url, body, aimed in requests_for(method, path, op, doc, theirs):
            if not aimed:
                continue
            r = api(method, url, body)
            tried.append(f"{method} {path}")
            assert r.status_code == 404, (
                f"{method} {url} {body}: {r.status_code} {r.content[:300]!r}"
            )
            assert "error" in r.json()
    assert counts(alice) == before  # and nothing of alice's changed
    # the routes that name something: people, each ledger kind, the agenda, intros
    assert len(tried) >= 25, tried


def test_lists_show_only_the_owners_rows(alice: Owner, bob: Owner) -> None:
    world(alice, "Alice's")
    world(bob, "Bob's")
    api = Api(bob)
    for method, path, _op, _doc in operations():
        if method != "GET" or "{" in path or path.endswith(("openapi.json", "docs")):
            continue
        r = api("GET", path)
        assert r.status_code == 200, f"{path}: {r.status_code} {r.content[:200]!r}"
        assert b"Alice" not in r.content, path


def test_a_read_only_token_is_refused_on_every_write(alice: Owner) -> None:
    mine = world(alice, "Alice's")
    before = counts(alice)
    api = Api(alice, read_only=True)
    writes = 0
    for method, path, op, doc in operations():
        if method == "GET":
            continue
        url, body, _ = requests_for(method, path, op, doc, mine)[0]
        r = api(method, url, body)
        writes += 1
        assert r.status_code == 403, f"{method} {url}: {r.status_code} {r.content[:200]!r}"
        assert "read-only" in r.json()["error"]
    assert writes >= 15
    assert counts(alice) == before
    # and it reads
    assert api.get("/people").status_code == 200


def test_no_token_no_answer(alice: Owner) -> None:
    mine = world(alice, "Alice's")
    client = Client()
    for method, path, op, doc in operations():
        if path.endswith(("openapi.json", "docs")):
            continue
        url, body, _ = requests_for(method, path, op, doc, mine)[0]
        for header in (
            {},
            {"HTTP_AUTHORIZATION": "Bearer troth_nope"},
            {"HTTP_AUTHORIZATION": "Basic YTpi"},
        ):
            r = getattr(client, method.lower())(
                url,
                json.dumps(body) if body is not None else None,
                content_type="application/json",
                **header,
            )
            assert r.status_code == 401, f"{method} {url} {header}: {r.status_code}"
            assert r["WWW-Authenticate"].startswith("Bearer")
            assert "error" in r.json()


def test_a_signed_in_session_is_not_an_api_credential(web: Client, alice: Owner) -> None:
    """The web app's session (and local mode's owner) never authenticates the API:
    without a token a browser's cookie gets 401, so no CSRF question arises."""
    r = web.get("/api/v1/people")
    assert r.status_code == 401
