""" "Introduced by" on the web with a name nobody has (a newcomer's finding of
2026-12-07: a typo silently added a person): refused beside the field, naming the
name and how to add them, nothing written; ticked "add them", the person is added
and the page says so, as `troth edit --via` says "(who introduced you; new)"."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person, Relationship

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _form(web: Client, person: Person, **changes: str) -> dict[str, str]:
    """The edit form as its panel loads it, with some fields changed."""
    page = web.get(f"/people/{person.id}/edit", **HTMX).content.decode()
    data = dict(re.findall(r'<input[^>]*name="(edit-[^"]+)"[^>]*value="([^"]*)"', page))
    data["edit-name"] = person.full_name
    data.update({f"edit-{key}": value for key, value in changes.items()})
    return data


def _via_error(body: str) -> str:
    start = body.index('name="edit-via"')
    block = body[body.rindex('<div class="field', 0, start) : start]
    assert "has-error" in block, "no error beside Introduced by"
    return re.sub(r"<[^>]+>", " ", block)


def test_an_unknown_name_is_refused_beside_the_field(web: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    people = Person.objects.filter(owner=alice).count()
    for extra in ({}, HTMX):
        r = web.post(f"/people/{dana.id}/edit", _form(web, dana, via="Zqxw Typo"), **extra)
        assert r.status_code == 400
        said = _via_error(r.content.decode())
        assert "nobody called &#x27;Zqxw Typo&#x27; is among your people" in said
        assert "Add them as a new person" in said
    assert Person.objects.filter(owner=alice).count() == people
    assert not Person.objects.filter(owner=alice, full_name="Zqxw Typo").exists()
    assert Relationship.objects.get(person=dana).met_through_id is None


def test_ticked_add_them_adds_the_person_and_says_so(web: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    data = _form(web, dana, via="Ravi Patel", via_new="on")
    r = web.post(f"/people/{dana.id}/edit", data)
    assert r.status_code == 302
    ravi = Person.objects.get(owner=alice, full_name="Ravi Patel")
    assert Relationship.objects.get(person=dana).met_through_id == ravi.id
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert f"Added Ravi Patel (#{ravi.id}), who introduced you." in page
    # a name they have needs no tick, and adds nobody
    lee = do_add_person(alice, "Lee Chen")
    r = web.post(f"/people/{dana.id}/edit", _form(web, dana, via="Lee Chen"))
    assert r.status_code == 302
    assert Relationship.objects.get(person=dana).met_through_id == lee.id
    assert Person.objects.filter(owner=alice, full_name="Lee Chen").count() == 1
