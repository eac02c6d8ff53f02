"""The Person page renders less up front (issue 20): the edit form, a fifth of the page's
time at 30,000 people, is loaded when its panel opens (htmx), or shown on a page of its
own without JavaScript; who they know is read with a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from troth.owned import Owner
from troth.people.actions import do_add_person, do_link_knows
from troth.people.models import Person
from troth.warmpaths.queries import fresh_links

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(
        alice, "Dana Whitfield", emails=["dana@example.org"], company="Acme", title="CTO"
    )


def test_the_page_loads_the_edit_form_when_its_panel_opens(web: Client, dana: Person) -> None:
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert 'name="edit-name"' not in page
    panel = page[page.index('id="edit"') : page.index("</details>", page.index('id="edit"'))]
    assert f'hx-get="/people/{dana.id}/edit"' in panel
    assert 'hx-trigger="toggle once"' in panel
    # what htmx swaps in: the form alone, filled in
    r = web.get(f"/people/{dana.id}/edit", **HTMX)
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="person-edit"' in body
    assert "<html" not in body
    assert 'name="edit-name"' in body and 'value="Dana Whitfield"' in body
    assert 'value="Acme"' in body


def test_without_javascript_the_edit_link_opens_the_page_with_the_form(
    web: Client, dana: Person
) -> None:
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert f'href="/people/{dana.id}/edit#edit"' in page
    r = web.get(f"/people/{dana.id}/edit")
    body = r.content.decode()
    assert r.status_code == 200 and "<html" in body
    assert '<details class="edit-panel" id="edit" open>' in body
    assert 'name="edit-name"' in body and 'value="CTO"' in body
    # the lists are the page's as ever
    assert "Who they know" in body


def test_the_edit_form_is_the_owners_alone(web: Client, bob: Owner) -> None:
    theirs = do_add_person(bob, "Someone Else")
    assert web.get(f"/people/{theirs.id}/edit").status_code == 404
    assert web.get(f"/people/{theirs.id}/edit", **HTMX).status_code == 404


def test_who_they_know_costs_the_same_queries_for_one_link_or_thirty(
    web: Client, alice: Owner, dana: Person, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    do_link_knows(alice, dana, do_add_person(alice, "Lee Chen"))
    # the links are the warm paths' (`troth knows`'s): the inference pass that new
    # Knows rows call for runs first, as any view of them would run it; its cost is
    # the pass's, not the page's (a pass's count varies with its batches)
    fresh_links(alice)
    with django_assert_max_num_queries(100) as one:
        assert web.get(f"/people/{dana.id}/").status_code == 200
    for k in range(30):
        other = do_add_person(alice, f"Friend {k}", company=f"Firm {k}", title="CEO")
        do_link_knows(alice, dana, other)
    fresh_links(alice)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        page = web.get(f"/people/{dana.id}/").content.decode()
    assert "Friend 29" in page and "CEO at Firm 29" in page
    assert len(many.captured_queries) == len(one.captured_queries)
