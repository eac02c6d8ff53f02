"""Reads about groups. Functions taking a `user` read only that user's groups; the
operator's reads (for `troth group ...` on the server's own machine, where whoever
runs the command already holds the database) take a group found by `find_group`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from troth.errors import NotFound
from troth.groups.models import Group, Invitation, Membership


def find_group(text: str) -> Group:
    """A group by slug or by name (any case), for the operator."""
    text = text.strip()
    group = (
        Group.objects.filter(slug=text).first() or Group.objects.filter(name__iexact=text).first()
    )
    if group is None:
        raise NotFound(f"no group named {text!r} (troth group list shows them)")
    return group


def all_groups() -> list[dict[str, Any]]:
    rows = Group.objects.annotate(
        members=Count("memberships", distinct=True),
        organisers=Count(
            "memberships", filter=Q(memberships__role=Membership.ORGANISER), distinct=True
        ),
    ).order_by("name")
    return [
        {
            "slug": g.slug,
            "name": g.name,
            "members": g.members,
            "organisers": g.organisers,
            "created_at": g.created_at.isoformat(),
        }
        for g in rows
    ]


def groups_of(user: Any) -> list[dict[str, Any]]:
    """The groups this user belongs to, with their role in each."""
    rows = (
        Membership.objects.filter(user_id=user.id)
        .select_related("group")
        .annotate(members=Count("group__memberships"))
        .order_by("group__name")
    )
    return [
        {"slug": m.group.slug, "name": m.group.name, "role": m.role, "members": m.members}
        for m in rows
    ]


def members(group: Group, now: datetime | None = None) -> dict[str, Any]:
    """Members (organisers first) and invitations still open, with e-mail addresses:
    what the operator and the group's organisers see. Never anything of a member's
    own troth."""
    now = now or timezone.now()
    people = [
        {
            "user_id": m.user_id,
            "username": m.user.username,
            "email": m.user.email,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
        }
        for m in Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("-role", "joined_at", "id")  # "organiser" sorts after "member": reversed
    ]
    pending = [
        {
            "id": inv.id,
            "email": inv.email,
            "invited_at": inv.created_at.isoformat(),
            "expires_at": inv.expires_at.isoformat(),
        }
        for inv in Invitation.objects.filter(
            group=group, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).order_by("created_at", "id")
    ]
    return {
        "group": {"slug": group.slug, "name": group.name},
        "members": people,
        "invitations": pending,
    }
