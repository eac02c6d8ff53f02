"""Unknown query parameters: every endpoint answers 422 naming the parameter, read
from the OpenAPI document (so a new endpoint is covered without being listed), and
a write refused so changes nothing."""

from __future__ import annotations

import pytest

from api_helpers import Api
from test_api_sweep import counts, operations, requests_for, world
from troth.owned import Owner

pytestmark = pytest.mark.django_db


def test_an_unknown_query_parameter_is_a_422_naming_it_on_every_route(alice: Owner) -> None:
    mine = world(alice, "Alice's")
    before = counts(alice)
    api = Api(alice)
    tried = 0
    for method, path, op, doc in operations():
        if path.endswith(("openapi.json", "docs")):
            continue
        url, body, _ = requests_for(method, path, op, doc, mine)[0]
        url += ("&" if "?" in url else "?") + "tags=fintech"
        r = api(method, url, body)
        tried += 1
        assert r.status_code == 422, f"{method} {url}: {r.status_code} {r.content[:200]!r}"
        error = r.json()["error"]
        if "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
            continue  # the upload: its missing file is named first
        assert error.startswith("tags: unknown query parameter"), error
    assert tried >= 40
    assert counts(alice) == before  # nothing written


def test_declared_parameters_still_work_and_the_message_lists_them(alice: Owner) -> None:
    api = Api(alice)
    assert api.get("/people", tag="x", q="dana").status_code == 200
    r = api.get("/people", tags="x")
    assert r.status_code == 422
    assert "(this endpoint takes archived, company, cursor, limit, q, tag)" in r.json()["error"]
    r = api.get("/groups", limit=3)
    assert r.status_code == 422
    assert r.json()["error"] == (
        "limit: unknown query parameter (this endpoint takes no query parameters)"
    )
