"""Owners: who a row belongs to.

In local mode (CLI, local web app) there is exactly one owner, created on first
use so nobody has to log in to their own laptop. On a server each member is a
Django user; the same functions give each of them their own "me" Person.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from troth.owned import Owner
from troth.people.models import ContactPoint, Person

LOCAL_USERNAME = "local"


def do_ensure_me(owner: Owner, name: str = "Me") -> Person:
    """The owner's own Person row (favours, promises and needs point at it)."""
    me = Person.objects.filter(owner=owner, is_me=True).first()
    if me is None:
        me = Person.objects.create(owner=owner, full_name=name, name_key="me", is_me=True)
    return me


def local_owner() -> Owner:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=LOCAL_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    do_ensure_me(user)
    return user


def me_person(owner: Owner) -> Person:
    return Person.objects.get(owner=owner, is_me=True)


def own_addresses(owner: Owner) -> list[tuple[str, str]]:
    """(kind, value) of the owner's own contact points (e-mail, URL, phone), primary
    first within a kind. Read-only: pages read it on GET, and an owner whose own
    Person is not there yet simply has none."""
    return list(
        ContactPoint.objects.filter(owner=owner, person__owner=owner, person__is_me=True)
        .order_by("kind", "-is_primary", "id")
        .values_list("kind", "value")
    )
