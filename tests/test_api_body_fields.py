"""An unknown field in a request body: a 422 that names it and lists the fields the
body takes (as an unknown query parameter's does), and nothing written."""

from __future__ import annotations

import pytest

from api_helpers import Api
from troth.owned import Owner
from troth.people.models import Person

pytestmark = pytest.mark.django_db


def test_an_unknown_body_field_is_named_with_the_fields_it_takes(alice: Owner) -> None:
    api = Api(alice)
    r = api("POST", "/people", {"name": "Ann", "emial": "ann@example.com"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error.startswith("emial: unknown field (this body takes "), error
    assert "emails" in error and "name" in error
    assert not Person.objects.filter(owner=alice, is_me=False).exists()


def test_two_unknown_fields_are_both_named(alice: Owner) -> None:
    api = Api(alice)
    # two unknown fields: both named, the list of what is taken said once
    r = api("POST", "/people", {"name": "Ann", "x": 1, "y": 2})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error.startswith("x, y: unknown fields (this body takes "), error
    assert r.json()["error"].count("this body takes") == 1


def test_known_fields_still_work(alice: Owner) -> None:
    api = Api(alice)
    r = api("POST", "/people", {"name": "Ann"})
    assert r.status_code in (200, 201), r.content


def test_an_unknown_name_is_echoed_short_and_quoted(alice: Owner) -> None:
    api = Api(alice)
    huge = "k" * 100_000
    r = api("POST", "/people", {"name": "Ann", huge: 1, "bad\nname": 2})
    assert r.status_code == 422
    error = r.json()["error"]
    assert len(error) < 500, len(error)  # not the 100,000-character key again
    assert error.startswith("'" + "k" * 40 + "'..., 'bad\\nname': unknown fields"), error
    r = api.get("/people", **{"x" * 5000: "1"})
    assert r.status_code == 422 and len(r.json()["error"]) < 500
    assert r.json()["error"].startswith("'" + "x" * 40 + "'...: unknown query parameter")
