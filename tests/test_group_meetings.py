"""Meetings (RSVP, attendance), "give first", carrying a need to the next meeting,
and the organiser's dashboard and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.groups import actions, queries
from troth.groups.models import Attendance, GroupNeed, Meeting, Membership
from troth.owned import Owner

if TYPE_CHECKING:
    from troth.groups.models import Group


@pytest.fixture
def circle(alice: Owner, bob: Owner) -> Group:
    group = actions.do_create_group("Tuesday Circle", organiser=alice)
    Membership.objects.create(
        group=group, user=bob, role="member", joined_at=timezone.now() - dt.timedelta(days=90)
    )
    return group


def _m(group: Group, user: Owner) -> Membership:
    return Membership.objects.get(group=group, user=user)


def _client(user: Owner) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meeting(group: Group, days: float, title: str = "Leads and needs") -> Meeting:
    """A meeting `days` from now (negative: in the past), made as if scheduled in time."""
    starts = timezone.now() + dt.timedelta(days=days)
    return actions.do_schedule_meeting(group, title, starts, now=starts - dt.timedelta(days=7))


def test_give_first_opens_a_members_needs_after_an_offer(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    need = actions.do_post_need(_m(circle, alice), "A designer")  # organisers are exempt
    with pytest.raises(TrothError, match="give first"):
        actions.do_post_need(_m(circle, bob), "An intro to a CFO")
    actions.do_offer_help(_m(circle, bob), need.id)
    assert actions.do_post_need(_m(circle, bob), "An intro to a CFO").author == bob


def test_give_first_opens_after_two_meetings_or_a_waiver_or_when_off(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    actions.do_post_need(_m(circle, alice), "A designer")  # something bob could give to
    for days in (-14, -7):
        meeting = _meeting(circle, days)
        actions.do_mark_attendance(circle, meeting.id, {bob.id})
        if days == -14:
            assert not actions.may_ask(_m(circle, bob))  # one meeting is not yet two
    assert actions.may_ask(_m(circle, bob))
    Attendance.objects.all().delete()
    actions.do_waive_give_first(circle, bob.id)
    assert actions.may_ask(_m(circle, bob))
    actions.do_waive_give_first(circle, bob.id, waived=False)
    actions.do_set_give_first(circle, on=False)
    assert actions.may_ask(_m(circle, bob))


def test_rsvp_before_and_attendance_after(circle: Group, alice: Owner, bob: Owner) -> None:
    coming = _meeting(circle, 3)
    actions.do_rsvp(_m(circle, bob), coming.id, "yes")
    actions.do_rsvp(_m(circle, bob), coming.id, "maybe")  # a change of mind replaces
    assert Attendance.objects.get(meeting=coming, user=bob).rsvp == "maybe"
    with pytest.raises(TrothError, match="yes, no or maybe"):
        actions.do_rsvp(_m(circle, bob), coming.id, "perhaps")
    with pytest.raises(TrothError, match="once the meeting has started"):
        actions.do_mark_attendance(circle, coming.id, {bob.id})
    past = _meeting(circle, -1)
    with pytest.raises(TrothError, match="has started"):
        actions.do_rsvp(_m(circle, bob), past.id, "yes")
    assert actions.do_mark_attendance(circle, past.id, {bob.id}) == 1
    marks = dict(Attendance.objects.filter(meeting=past).values_list("user__username", "attended"))
    assert marks == {"alice": False, "bob": True}
    with pytest.raises(NotFound):
        actions.do_mark_attendance(circle, past.id, {bob.id, 10**6})
    with pytest.raises(TrothError, match="time to come"):
        actions.do_schedule_meeting(circle, "Late", timezone.now() - dt.timedelta(days=3))


def test_a_need_carried_to_the_next_meeting_stays_open_past_it(circle: Group, alice: Owner) -> None:
    need = actions.do_post_need(_m(circle, alice), "A tax accountant", days=7)
    with pytest.raises(TrothError, match="no meeting scheduled"):
        actions.do_carry_need(_m(circle, alice), need.id)
    meeting = _meeting(circle, 20)
    carried = actions.do_carry_need(_m(circle, alice), need.id)
    assert carried.carried == 1
    assert carried.expires_on == timezone.localdate(meeting.starts_at) + dt.timedelta(days=30)


def test_the_dashboard_counts_what_happened_in_the_group_only(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    need = actions.do_post_need(_m(circle, alice), "A designer")
    GroupNeed.objects.filter(id=need.id).update(posted_at=timezone.now() - dt.timedelta(days=2))
    actions.do_offer_help(_m(circle, bob), need.id)
    actions.do_close_need(_m(circle, alice), need.id, "met", met_by=bob.id)
    old = actions.do_post_need(_m(circle, alice), "Old need")
    GroupNeed.objects.filter(id=old.id).update(posted_at=timezone.now() - dt.timedelta(days=45))
    past = _meeting(circle, -3)
    actions.do_mark_attendance(circle, past.id, {alice.id})
    f = queries.dashboard(circle)
    assert (f["needs_posted_30d"], f["needs_met_30d"], f["needs_posted_60d"]) == (1, 1, 2)
    assert f["offers_30d"] == 1 and f["median_days_to_first_offer"] == 2.0
    assert f["meetings"][0]["came"] == 1
    assert f["quiet"] == []  # bob offered help: not quiet
    Membership.objects.create(
        group=circle,
        user=type(bob).objects.create_user("dan", "dan@example.org", "x"),
        joined_at=timezone.now() - dt.timedelta(days=100),
    )
    assert queries.dashboard(circle)["quiet"] == ["dan"]


def test_the_dashboard_and_its_csv_are_for_organisers(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    page = _client(alice).get(f"/groups/{circle.slug}/dashboard")
    assert page.status_code == 200 and "Quiet for 60 days" in page.content.decode()
    sheet = _client(alice).get(f"/groups/{circle.slug}/dashboard.csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode())))
    assert rows[0] == ["measure", "value"] and ["members", "2"] in rows
    # a user name a spreadsheet would compute (Django allows "-2+3") stays text
    Membership.objects.create(
        group=circle,
        user=type(bob).objects.create_user("-2+3", "m@example.org", "x"),
        joined_at=timezone.now() - dt.timedelta(days=100),
    )
    sheet = _client(alice).get(f"/groups/{circle.slug}/dashboard.csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode())))
    quiet = next(row[1] for row in rows if row[0] == "quiet for 60 days")
    assert quiet == "'-2+3; bob", rows
    for url in ("dashboard", "dashboard.csv", f"meetings/{_meeting(circle, -1).id}/attendance"):
        assert _client(bob).get(f"/groups/{circle.slug}/{url}").status_code == 403, url


def test_meetings_in_the_browser(circle: Group, alice: Owner, bob: Owner) -> None:
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    done = _client(alice).post(
        f"/groups/{circle.slug}/meetings/new",
        {"title": "Leads and needs", "date": day, "time": "18:30", "place": "Library"},
    )
    assert done.status_code == 302
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "18:30"
    bad = _client(alice).post(f"/groups/{circle.slug}/meetings/new", {"title": "x", "date": "soon"})
    assert bad.status_code == 400 and "a date like" in bad.content.decode()
    assert Meeting.objects.count() == 1  # said why, made nothing
    assert (
        _client(bob)
        .post(f"/groups/{circle.slug}/meetings/new", {"title": "t", "date": day})
        .status_code
        == 403
    )
    answer = _client(bob).post(
        f"/groups/{circle.slug}/meetings/{meeting.id}/rsvp", {"answer": "yes"}
    )
    assert answer.status_code == 302
    page = _client(alice).get(f"/groups/{circle.slug}/").content.decode()
    assert "1 coming" in page and "Let Bob post needs now" in page
    assert _client(alice).post(f"/groups/{circle.slug}/members/{bob.id}/waive").status_code == 302
    assert _m(circle, bob).give_first_waived


def test_carrying_a_need_in_the_browser(circle: Group, alice: Owner, bob: Owner) -> None:
    need = actions.do_post_need(_m(circle, alice), "A tax accountant", days=7)
    url = f"/groups/{circle.slug}/needs/{need.id}/carry"
    refused = _client(alice).post(url)
    assert refused.status_code == 400 and "no meeting scheduled" in refused.content.decode()
    _meeting(circle, 20)
    assert _client(bob).post(url).status_code == 404  # not bob's need
    assert _client(alice).post(url).status_code == 302
    assert GroupNeed.objects.get(id=need.id).carried == 1
    assert "carried 1×" in _client(bob).get(f"/groups/{circle.slug}/needs/").content.decode()


def test_give_first_asks_nothing_of_a_member_with_no_chance_to_give(
    circle: Group, alice: Owner, bob: Owner
) -> None:
    """A new group: nobody else needs anything and it has not met: nothing to give to."""
    assert actions.may_ask(_m(circle, bob))
    actions.do_post_need(_m(circle, bob), "An intro to a CFO")
    need = actions.do_post_need(_m(circle, alice), "A designer")
    assert not actions.may_ask(_m(circle, bob))  # now there is someone to help first
    actions.do_close_need(_m(circle, alice), need.id, "dropped")
    for days in (-14, -7):  # two meetings since bob joined, and he came to neither
        _meeting(circle, days)
    assert not actions.may_ask(_m(circle, bob))
