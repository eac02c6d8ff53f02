"""A member's own account on a server: change the e-mail address, delete the account
(and everything it owns). Passwords are changed and reset through Django's own views
(troth.web.views.account); the reset mail goes through the server's mail settings.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from troth.errors import Forbidden, TrothError
from troth.groups.actions import clean_email
from troth.groups.models import Membership
from troth.owners import LOCAL_USERNAME


def _check_password(user: Any, password: str) -> None:
    if not user.check_password(password):
        raise TrothError("password: that is not your current password")


def do_change_email(user: Any, email: str, password: str) -> Any:
    """A new address for the account (invitations, reminders and resets go there)."""
    _check_password(user, password)
    email = clean_email(email)
    taken = get_user_model().objects.filter(email__iexact=email).exclude(id=user.id)
    if taken.exists():
        raise TrothError(f"e-mail: {email} belongs to another account here")
    user.email = email
    user.save(update_fields=["email"])
    return user


def do_delete_account(user: Any, password: str) -> None:
    """Delete the account and everything it owns: its whole troth, its memberships,
    needs, offers and its side of member introductions. A group it alone organises
    must get another organiser first (or be left empty)."""
    if user.username == LOCAL_USERNAME:
        raise Forbidden("the local owner's account is this computer's: delete the data directory")
    _check_password(user, password)
    with transaction.atomic():
        for membership in Membership.objects.select_related("group").filter(
            user=user, role=Membership.ORGANISER
        ):
            group = membership.group
            others = Membership.objects.filter(group=group).exclude(user=user)
            if others.exists() and not others.filter(role=Membership.ORGANISER).exists():
                raise TrothError(
                    f"you are the only organiser of {group.name}: make another member an"
                    " organiser first"
                )
        user.delete()
