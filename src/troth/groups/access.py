"""The one place that decides what a signed-in member may reach of a group.

Every view and command that acts for a member inside a group goes through these
functions. A group the member does not belong to is "not found", with the same
message as a group that does not exist, so ids and names of other groups cannot
be probed. A member who may see the group but not do this (an organiser's task)
gets Forbidden (403).
"""

from __future__ import annotations

from typing import Any

from troth.errors import Forbidden, NotFound
from troth.groups.models import Group, Membership


def access_membership(user: Any, slug: str) -> Membership:
    """The user's membership of the group with this slug, or NotFound."""
    membership = None
    if getattr(user, "is_authenticated", False):
        membership = (
            Membership.objects.select_related("group")
            .filter(group__slug=slug, user_id=user.id)
            .first()
        )
    if membership is None:
        raise NotFound(f"no group {slug!r} among yours")
    return membership


def access_group(user: Any, slug: str) -> Group:
    return access_membership(user, slug).group


def access_group_as_organiser(user: Any, slug: str) -> Group:
    membership = access_membership(user, slug)
    if membership.role != Membership.ORGANISER:
        raise Forbidden(f"only an organiser of {membership.group.name} can do that")
    return membership.group


def access_member(group: Group, user_id: int) -> Membership:
    """Another member of a group the caller already reached through the functions above."""
    membership = (
        Membership.objects.select_related("user").filter(group=group, user_id=user_id).first()
    )
    if membership is None:
        raise NotFound(f"no member #{user_id} in {group.name}")
    return membership


def display_name(user: Any) -> str:
    """How a member is named to their groups: the name they gave when they joined (their
    own "me" in their troth), else their user name. Nothing else of their troth."""
    from troth.people.models import Person

    name = (
        Person.objects.filter(owner_id=user.id, is_me=True)
        .values_list("full_name", flat=True)
        .first()
    )
    return name if name and name != "Me" else user.username


# The name a member's own person has before they give theirs: not a name to show.
OWN_NAME = "Me"


def own_name(user_ref: str) -> Any:
    """The member's own name (their is_me person's), as a subquery on `user_ref`, a
    user id column of the outer query: display_names's first half, for a query that
    reads members anyway (the board's published profiles), so that it is not a second
    round trip. Apply display_names's rule to it (OWN_NAME or empty: the username)."""
    from django.db.models import OuterRef, Subquery

    from troth.people.models import Person

    return Subquery(
        Person.objects.filter(owner_id=OuterRef(user_ref), is_me=True).values("full_name")[:1]
    )


def display_names(user_ids: Any, usernames: dict[int, str] | None = None) -> dict[int, str]:
    """display_name for many members at once (one query), by user id. `usernames`:
    those already read (the board has them): only the others are asked for."""
    from django.contrib.auth import get_user_model

    from troth.people.models import Person

    ids = set(user_ids)
    names = dict(
        Person.objects.filter(owner_id__in=ids, is_me=True).values_list("owner_id", "full_name")
    )
    usernames = {i: u for i, u in (usernames or {}).items() if i in ids}
    if len(usernames) < len(ids):
        usernames.update(
            get_user_model()
            .objects.filter(id__in=ids - set(usernames))
            .values_list("id", "username")
        )
    return {
        i: (names[i] if names.get(i) and names[i] != OWN_NAME else usernames.get(i, "?"))
        for i in ids
    }
