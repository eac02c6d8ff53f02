"""A group's meetings (schedule, RSVP, attendance), "give first", and the organiser's
dashboard with its CSV. Thin views over troth.groups (access, actions, queries)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from troth.errors import TrothError, web_text
from troth.groups import access, actions, queries
from troth.lib.text import is_number
from troth.web.views.groups import group_context


def _when(date_text: str, time_text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(date_text.strip())
        at = dt.time.fromisoformat(time_text.strip() or "18:00")
    except ValueError:
        raise TrothError(
            f"when: a date like 2031-05-14 and a time like 18:30, got {date_text!r} {time_text!r}"
        ) from None
    return timezone.make_aware(dt.datetime.combine(day, at))


@require_POST
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    group = access.access_group_as_organiser(request.user, slug)
    try:
        with transaction.atomic():
            meeting = actions.do_schedule_meeting(
                group,
                request.POST.get("title", ""),
                _when(request.POST.get("date", ""), request.POST.get("time", "")),
                place=request.POST.get("place", ""),
            )
    except TrothError as exc:
        context = group_context(
            request, slug, meeting_error=web_text(exc), meeting_form=request.POST
        )
        return render(request, "web/group.html", context, status=400)
    messages.success(request, f"Scheduled {meeting.title}: members can answer now.")
    return redirect("web:group", slug=slug)


@require_POST
def rsvp(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    membership = access.access_membership(request.user, slug)
    with transaction.atomic():
        actions.do_rsvp(membership, meeting_id, request.POST.get("answer", ""))
    messages.success(request, "Answer saved.")
    return redirect("web:group", slug=slug)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    group = access.access_group_as_organiser(request.user, slug)
    meeting = actions.meeting_in(group, meeting_id)
    if request.method == "POST":
        came = {int(v) for v in request.POST.getlist("came") if is_number(v, 11)}
        with transaction.atomic():
            count = actions.do_mark_attendance(group, meeting_id, came)
        messages.success(request, f"Attendance saved: {count} came.")
        return redirect("web:group", slug=slug)
    context = {
        "nav": "groups",
        "group": group,
        "meeting": meeting,
        "sheet": queries.attendance_sheet(group, meeting_id),
    }
    return render(request, "web/group_attendance.html", context)


@require_POST
def give_first(request: HttpRequest, slug: str) -> HttpResponse:
    group = access.access_group_as_organiser(request.user, slug)
    on = request.POST.get("on") == "1"
    with transaction.atomic():
        actions.do_set_give_first(group, on=on)
    messages.success(request, "Give first is on." if on else "Give first is off.")
    return redirect("web:group", slug=slug)


@require_POST
def waive(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = access.access_group_as_organiser(request.user, slug)
    with transaction.atomic():
        membership = actions.do_waive_give_first(group, user_id)
    messages.success(request, f"{access.display_name(membership.user)} can post needs now.")
    return redirect("web:group", slug=slug)


def _dashboard(request: HttpRequest, slug: str) -> tuple[Any, dict[str, Any]]:
    group = access.access_group_as_organiser(request.user, slug)
    return group, queries.dashboard(group)


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    group, figures = _dashboard(request, slug)
    return render(
        request, "web/group_dashboard.html", {"nav": "groups", "group": group, "f": figures}
    )


def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    group, figures = _dashboard(request, slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["measure", "value"])
    for key, value in figures.items():
        if key == "meetings":
            for m in value:
                writer.writerow([_cell(f"came to {m['title']} on {m['date']}"), _cell(m["came"])])
        elif key == "quiet":
            writer.writerow([f"quiet for {queries.QUIET_DAYS} days", _cell("; ".join(value))])
        else:
            writer.writerow([key, _cell(value)])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-dashboard.csv"'
    return response


def _cell(value: Any) -> str:
    """A value for the CSV; a text a spreadsheet would run as a formula (members choose
    meeting titles and user names such as "-x" or "@y") gets a leading apostrophe."""
    if isinstance(value, int):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
