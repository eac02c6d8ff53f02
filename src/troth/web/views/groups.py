"""Groups in the web app: my groups, a group's members (organisers also invite,
promote and remove), and the invitation page where a new member signs up.

Thin views: what a member may reach is decided by troth.groups.access, what changes
by troth.groups.actions. A member sees the group's members by user name and role;
e-mail addresses and open invitations are for organisers only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from troth.errors import NotFound, TrothError, web_text
from troth.groups import access, actions, queries, tasks
from troth.groups.access import display_name
from troth.groups.bands import Loops, band
from troth.groups.models import Membership
from troth.web.views.common import owner_of

# Signing in after sign-up: django-axes adds a backend, so login() must be told which.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def groups_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/groups.html", {"nav": "groups", "groups": queries.groups_of(request.user)}
    )


def group_context(request: HttpRequest, slug: str, **extra: Any) -> dict[str, Any]:
    membership = access.access_membership(request.user, slug)
    organiser = membership.role == Membership.ORGANISER
    data = queries.members(membership.group)
    if not organiser:  # addresses and invitations are the organisers' to see
        for m in data["members"]:
            m.pop("email")
        data["invitations"] = []
    loops = queries.follow_through(membership.group)
    sharing = set(
        Membership.objects.filter(group=membership.group, share_follow_through=True).values_list(
            "user_id", flat=True
        )
    )
    for m in data["members"]:
        # a band is shown only with its member's consent (their own always, to them)
        if m["user_id"] in sharing or m["user_id"] == membership.user_id:
            m["band"] = band(loops.get(m["user_id"], Loops()))
    return {
        "nav": "groups",
        "group": membership.group,
        "me": membership,
        "may_ask": actions.may_ask(membership),
        "give_first_meetings": actions.GIVE_FIRST_MEETINGS,
        "meetings": queries.meetings(membership),
        "organiser": organiser,
        "members": data["members"],
        "invitations": data["invitations"],
        "join_requests": queries.join_requests(membership.group) if organiser else [],
        **extra,
    }


def group_page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "web/group.html", group_context(request, slug))


@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    email = request.POST.get("email", "")
    send = request.POST.get("send") == "1"
    group = access.access_group_as_organiser(request.user, slug)  # 404 / 403 first
    try:
        with transaction.atomic():
            invitation, token = actions.do_invite(
                group,
                email,
                by=request.user,
                as_organiser=request.POST.get("role") == Membership.ORGANISER,
            )
    except TrothError as exc:
        context = group_context(request, slug, invite_error=web_text(exc), invite_email=email)
        return render(request, "web/group.html", context, status=400)
    link = request.build_absolute_uri(reverse("web:join", args=[token]))
    # Shown once: only the token's digest is kept, so the link rides on this page.
    context = group_context(request, slug, new_link=link, new_email=invitation.email)
    if send:
        context.update(_mail_invitation(group.name, invitation, link))
    return render(request, "web/group.html", context)


def _mail_invitation(group_name: str, invitation: Any, link: str) -> dict[str, str]:
    """Mail (or queue) an invitation; what to tell the organiser either way."""
    subject, body = tasks.invitation_mail(group_name, f"{invitation.expires_at:%Y-%m-%d}", link)
    try:
        return {
            "mail_done": tasks.mail_now_or_queue(invitation.email, subject, body, "the invitation")
        }
    except TrothError as exc:
        return {"mail_error": f"{exc}: send the link yourself"}


@require_POST
def join_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a new join link (the old one stops working), or close it."""
    with transaction.atomic():
        group = access.access_group_as_organiser(request.user, slug)
        if request.POST.get("action") == "close":
            actions.do_close_join_link(group)
            messages.success(request, "The join link is closed: it no longer works.")
            return redirect("web:group", slug=slug)
        token = actions.do_new_join_link(group)
    link = request.build_absolute_uri(reverse("web:join-group", args=[token]))
    return render(request, "web/group.html", group_context(request, slug, join_link=link))


@require_POST
def join_request(request: HttpRequest, slug: str, request_id: int, decision: str) -> HttpResponse:
    """Approve (an invitation to the address, mailed or shown) or decline a request."""
    if decision not in ("approve", "decline"):
        raise NotFound(f"no decision {decision!r}")
    with transaction.atomic():
        group = access.access_group_as_organiser(request.user, slug)
        found, invitation, token = actions.do_decide_join_request(
            group, request_id, decision == "approve", by=request.user
        )
    if invitation is None:
        messages.success(request, f"Declined {found.name}'s request.")
        return redirect("web:group", slug=slug)
    link = request.build_absolute_uri(reverse("web:join", args=[token]))
    context = group_context(request, slug, new_link=link, new_email=invitation.email)
    if request.POST.get("send") == "1":
        context.update(_mail_invitation(group.name, invitation, link))
    return render(request, "web/group.html", context)


@login_not_required  # the join link is for people without an account here
@require_http_methods(["GET", "POST"])
def join_group(request: HttpRequest, token: str) -> HttpResponse:
    group = actions.group_for_join_link(token)  # NotFound: 404
    context: dict[str, Any] = {"group": group, "form": {}}
    if request.method == "GET":
        return render(request, "web/join_group.html", context)
    form = {k: request.POST.get(k, "") for k in ("name", "email", "note")}
    try:
        with transaction.atomic():
            actions.do_request_to_join(
                token, email=form["email"], name=form["name"], note=form["note"]
            )
    except TrothError as exc:
        context.update(form=form, error=web_text(exc))
        return render(request, "web/join_group.html", context, status=400)
    return render(request, "web/join_group.html", {"group": group, "asked": True})


@require_POST
def revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    with transaction.atomic():
        group = access.access_group_as_organiser(request.user, slug)
        actions.do_revoke_invitation(group, invitation_id)
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect("web:group", slug=slug)


@require_POST
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    with transaction.atomic():
        group = access.access_group_as_organiser(request.user, slug)
        membership = actions.do_set_role(group, user_id, request.POST.get("role", ""))
    messages.success(request, f"{display_name(membership.user)} is now {membership.role}.")
    return redirect("web:group", slug=slug)


@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    with transaction.atomic():
        group = access.access_group_as_organiser(request.user, slug)
        name = display_name(access.access_member(group, user_id).user)
        actions.do_remove_member(group, user_id)
    messages.success(request, f"{name} is no longer a member of {group.name}.")
    return redirect("web:group", slug=slug)


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    with transaction.atomic():
        group = access.access_group(request.user, slug)
        actions.do_remove_member(group, owner_of(request).id)
    messages.success(request, f"You left {group.name}. Your own troth is untouched.")
    return redirect("web:groups")


@login_not_required  # the invitation link is how someone without an account gets one
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.open_invitation(token)  # NotFound: 404; used/expired: 400
    signed_in = request.user.is_authenticated
    context: dict[str, Any] = {"invitation": invitation, "signed_in": signed_in}
    if request.method == "GET":
        return render(request, "web/join.html", context)
    if signed_in:
        membership = actions.do_join(token, request.user)
        messages.success(request, f"Welcome to {membership.group.name}.")
        return redirect("web:group", slug=membership.group.slug)
    password = request.POST.get("password", "")
    try:
        if password != request.POST.get("password2", ""):
            raise TrothError("password: the two passwords differ")
        user = actions.do_sign_up(
            token,
            username=request.POST.get("username", ""),
            password=password,
            name=request.POST.get("name", ""),
        )
    except TrothError as exc:
        context.update(error=web_text(exc), username=request.POST.get("username", ""))
        context["name"] = request.POST.get("name", "")
        return render(request, "web/join.html", context, status=400)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request,
        f"Welcome to {invitation.group.name}. Your troth is empty and yours alone:"
        " import your contacts to begin.",
    )
    return redirect("web:group", slug=invitation.group.slug)


@require_POST
def share_follow_through(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.access_membership(request.user, slug)
    on = request.POST.get("share") == "1"
    with transaction.atomic():
        actions.do_share_follow_through(membership, on=on)
    messages.success(
        request,
        "Your follow-through band is shown to the group."
        if on
        else "Your follow-through band is yours alone again.",
    )
    return redirect("web:group", slug=slug)
