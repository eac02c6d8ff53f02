"""The Person page's trust section shows the activity ("still in touch") and its
reasons, the same lines `troth trust NAME` prints, read from the same trust_detail."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.trust.queries import trust_detail

if TYPE_CHECKING:
    from conftest import Cli


def test_the_trust_section_says_what_the_command_line_says(
    fixed_day: dt.date, client: Client, cli: Cli
) -> None:
    me = local_owner()  # the command line's owner, signed in on the web too
    client.force_login(me)
    dana = do_add_person(me, "Dana Kang")
    now = timezone.now()
    for days in (3, 20, 45, 80, 130):
        do_log_interaction(me, dana, "meeting", when=now - dt.timedelta(days=days), minutes=30)
    detail = trust_detail(me, dana)
    assert detail["activity_reasons"]  # something to show
    r = client.get(f"/people/{dana.pk}/trust", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    page = html.unescape(r.content.decode())
    said = cli("trust", f"#{dana.pk}").stdout
    activity = round(detail["activity"])
    assert f"Activity {activity}/100" in said
    assert f"Activity <strong>{activity}</strong>/100" in page
    for reason in detail["activity_reasons"]:
        assert f"<li>{reason}</li>" in page
        assert reason[:30] in " ".join(said.split())  # Rich may wrap a long line
