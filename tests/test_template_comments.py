"""Django's `{# ... #}` comment ends at the line's end: one that spans two lines is not a
comment and shows on the page as text (the Person page and the needs board showed
theirs to every member). A comment over several lines is `{% comment %}`."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "troth"


def test_no_template_opens_a_one_line_comment_it_does_not_close() -> None:
    open_ended = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert open_ended == [], open_ended


def test_the_person_page_shows_no_template_syntax(alice: Owner, web: Client) -> None:
    person = do_add_person(alice, "Wren Halvorsen", company="Larkspur Labs")
    page = web.get(f"/people/{person.id}/").content.decode()
    assert "{#" not in page and "#}" not in page
    assert "{%" not in page
