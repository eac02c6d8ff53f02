"""The Person page's timeline rows, put together in Python (issue 20: through the
template engine they were a fifth of the page), are the markup the template made, the
same values escaped the same way, hostile ones included."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.template import Context, Template
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.people.actions import do_add_person
from troth.web import html_rows

if TYPE_CHECKING:
    from django.test import Client

    from troth.owned import Owner

# the template's loop as it was before the rows moved to troth.web.html_rows
TEMPLATE = (
    '{% for i in interactions %}<li><time datetime="{{ i.when }}">{{ i.when|slice:":10" }}'
    '</time> <span class="badge">{{ i.channel }}</span>{% if i.minutes %} {{ i.minutes }}'
    ' min{% endif %}{% if i.started_by == "them" %} <span class="hint">(they reached out)'
    "</span>{% endif %} {{ i.summary }}</li>{% endfor %}"
)
HOSTILE: list[dict[str, Any]] = [
    {
        "when": "2026-03-01T09:30:00+01:00",
        "channel": "meeting",
        "minutes": 45,
        "started_by": "them",
        "summary": "coffee & <b>cake</b>",
    },
    {
        "when": "2026-02-01T00:00:00Z",
        "channel": 'email"><script>alert(1)</script>',
        "minutes": 0,
        "started_by": "me",
        "summary": "it's \"quoted\" </li><li onclick='x'>",
    },
    {
        "when": '2026-01-01"onmouseover="x',
        "channel": "call",
        "minutes": None,
        "started_by": "unknown",
        "summary": "",
    },
]


def test_the_rows_are_the_templates() -> None:
    old = Template(TEMPLATE).render(Context({"interactions": HOSTILE}))
    assert str(html_rows.timeline(HOSTILE)) == old
    assert "<script>" not in old and "<b>" not in old


def test_the_page_shows_the_timeline_escaped(web: Client, alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    do_log_interaction(
        alice, dana, "meeting", when=when, minutes=30, summary="<img src=x onerror=alert(1)>"
    )
    page = web.get(f"/people/{dana.id}/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
    assert f">{timezone.localtime(when).date().isoformat()}</time>" in page
    assert "30 min" in page
