"""Every error under /api/ is JSON, as README says, the ones no endpoint wrote too:
an unknown path and a method an endpoint does not take. The web app's own pages
keep their HTML."""

from __future__ import annotations

import pytest
from django.test import Client

from api_helpers import Api
from troth.owned import Owner

pytestmark = pytest.mark.django_db


def test_an_unknown_endpoint_is_a_json_404(alice: Owner) -> None:
    for r in (Api(alice).get("/nope"), Client().get("/api/v1/nope/deeper")):
        assert r.status_code == 404
        assert r["Content-Type"].startswith("application/json"), r.content[:80]
        assert "no such endpoint" in r.json()["error"]


def test_a_method_not_taken_is_a_json_405_with_allow(alice: Owner) -> None:
    api = Api(alice)
    r = api("DELETE", "/interactions")
    assert r.status_code == 405
    assert r["Content-Type"].startswith("application/json"), r.content[:80]
    assert r.json()["error"].startswith("DELETE is not allowed here")
    assert "POST" in r["Allow"] and "POST" in r.json()["error"]


def test_the_web_apps_own_404_stays_a_page(alice: Owner) -> None:
    web = Client()
    web.force_login(alice)
    r = web.get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
