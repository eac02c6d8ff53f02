"""A group's meetings and a member's RSVP through the API, as on the web: only a
member sees them, an answer can change until the meeting starts, a meeting of
another group is not found, and a refused answer writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api_helpers import Api
from troth.groups import actions
from troth.groups.models import Attendance, Group
from troth.owned import Owner

pytestmark = pytest.mark.django_db


def test_a_member_sees_meetings_and_answers(alice: Owner, bob: Owner, circle: Group) -> None:
    now = timezone.now()
    soon = actions.do_schedule_meeting(circle, "December breakfast", now + dt.timedelta(days=3))
    later = actions.do_schedule_meeting(circle, "January breakfast", now + dt.timedelta(days=30))
    bobs = Api(bob, name="bob's")
    got = bobs.get(f"/groups/{circle.slug}/meetings")
    assert got.status_code == 200, got.content
    body = got.json()
    assert [m["id"] for m in body["upcoming"]] == [soon.id, later.id] and body["past"] == []
    assert body["upcoming"][0]["my_rsvp"] == "" and body["upcoming"][0]["yes"] == 0
    assert dt.datetime.fromisoformat(body["upcoming"][0]["starts_at"]) == soon.starts_at

    r = bobs("POST", f"/groups/{circle.slug}/meetings/{soon.id}/rsvp", {"answer": "yes"})
    assert r.status_code == 200 and r.json() == {"meeting_id": soon.id, "answer": "yes"}
    r = bobs("POST", f"/groups/{circle.slug}/meetings/{soon.id}/rsvp", {"answer": "maybe"})
    assert r.status_code == 200 and r.json()["answer"] == "maybe"  # changed, not added
    assert Attendance.objects.filter(meeting=soon).count() == 1
    Api(alice)("POST", f"/groups/{circle.slug}/meetings/{soon.id}/rsvp", {"answer": "yes"})
    first = bobs.get(f"/groups/{circle.slug}/meetings").json()["upcoming"][0]
    assert first["my_rsvp"] == "maybe" and first["yes"] == 1  # alice's yes


def test_refused_answers_write_nothing(alice: Owner, bob: Owner, circle: Group) -> None:
    from django.contrib.auth import get_user_model

    now = timezone.now()
    meeting = actions.do_schedule_meeting(circle, "Breakfast", now + dt.timedelta(days=3))
    other = actions.do_create_group("Other Circle", organiser=alice)
    theirs = actions.do_schedule_meeting(other, "Theirs", now + dt.timedelta(days=3))
    bobs = Api(bob, name="bob's")
    r = bobs("POST", f"/groups/{circle.slug}/meetings/{meeting.id}/rsvp", {"answer": "perhaps"})
    assert r.status_code == 422 and r.json()["error"].startswith("answer:"), r.content
    # a meeting of a group bob is in, reached through another group: not found
    r = bobs("POST", f"/groups/{circle.slug}/meetings/{theirs.id}/rsvp", {"answer": "yes"})
    assert r.status_code == 404, r.content
    # a group bob is not in: not found, for reading and answering alike
    assert bobs.get(f"/groups/{other.slug}/meetings").status_code == 404
    r = bobs("POST", f"/groups/{other.slug}/meetings/{theirs.id}/rsvp", {"answer": "yes"})
    assert r.status_code == 404
    # a meeting that has started: the organiser marks who came
    Attendance.objects.all().delete()
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=now - dt.timedelta(hours=1))
    r = bobs("POST", f"/groups/{circle.slug}/meetings/{meeting.id}/rsvp", {"answer": "yes"})
    assert r.status_code == 400 and "started" in r.json()["error"], r.content
    assert not Attendance.objects.exists()
    # a stranger with an account sees no group at all
    stranger = get_user_model().objects.create_user("mallory", password="x" * 12)
    assert Api(stranger, name="m").get(f"/groups/{circle.slug}/meetings").status_code == 404
