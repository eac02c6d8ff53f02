"""Numbers from a request are read with troth.lib.text.is_number, never str.isdigit():
isdigit() accepts "²", which int() refuses, and int() refuses more than 4,300 digits,
so either was a 500 instead of a 400 (an attacker's review, 2026-12-07). A bulk tag
whose page number is bad is refused before anything is tagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

WEB = Path(__file__).resolve().parent.parent / "src" / "troth" / "web"


@pytest.mark.parametrize("bad", ["\u00b2", "1\u00b3", "1" * 5000, "0", "-1"])
def test_a_people_page_that_is_no_number_is_a_400(web: Client, alice: Owner, bad: str) -> None:
    do_add_person(alice, "Dana Kang")
    web.raise_request_exception = False
    r = web.get("/people/", {"page": bad})
    assert r.status_code == 400, r.status_code
    assert b"page" in r.content


def test_a_people_page_that_is_a_number_is_shown(web: Client, alice: Owner) -> None:
    do_add_person(alice, "Dana Kang")
    r = web.get("/people/", {"page": "1"})
    assert r.status_code == 200
    assert b"Dana Kang" in r.content


@pytest.mark.parametrize("query", ["hops=\u00b2", "hops=\u00b9"])
def test_the_paths_page_refuses_what_is_no_number(web: Client, alice: Owner, query: str) -> None:
    dana = do_add_person(alice, "Dana Kang")
    web.raise_request_exception = False
    r = web.get(f"/people/{dana.id}/paths?{query}")
    assert r.status_code == 400, r.status_code


@pytest.mark.parametrize("which", ["via", "to"])
def test_the_ask_refuses_an_id_that_is_no_number(web: Client, alice: Owner, which: str) -> None:
    dana = do_add_person(alice, "Dana Kang")
    ids = {"via": str(dana.id), "to": str(dana.id), which: "1\u00b3"}
    web.raise_request_exception = False
    r = web.get("/paths/ask", ids)
    assert r.status_code == 400, r.status_code
    assert which.encode() in r.content


@pytest.mark.parametrize("page", ["0", "x", "\u00b2"])
def test_a_bulk_tag_with_a_bad_page_writes_nothing(web: Client, alice: Owner, page: str) -> None:
    dana = do_add_person(alice, "Dana Kang")
    web.raise_request_exception = False
    r = web.post(
        "/people/tag",
        {"ids": [dana.id], "bulk_tag": "vip", "action": "add", "page": page},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 400, r.status_code
    assert not Person.objects.get(id=dana.id).tags.filter(name="vip").exists()


def test_a_bulk_tag_with_a_good_page_tags(web: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Kang")
    r = web.post(
        "/people/tag",
        {"ids": [dana.id], "bulk_tag": "vip", "action": "add", "page": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert Person.objects.get(id=dana.id).tags.filter(name="vip").exists()


def test_no_web_view_reads_a_number_with_isdigit() -> None:
    found = [
        f"{path.relative_to(WEB)}:{n}"
        for path in sorted(WEB.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.isdigit\(\)", line)
    ]
    assert found == [], "use troth.lib.text.is_number: " + ", ".join(found)
