"""A member's own account on a server: change the e-mail address, delete the account
(and everything it owns). Passwords are changed and reset through Django's own views
(troth.web.views.account); the reset mail goes through the server's mail settings.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from troth.errors import Forbidden, NotFound, TrothError
from troth.groups.actions import clean_email
from troth.groups.models import Membership
from troth.owners import LOCAL_USERNAME


def _check_password(user: Any, password: str) -> None:
    if not user.check_password(password):
        raise TrothError("password: that is not your current password")


# A confirmation link for a new address works this long, and only for the address
# the account had when it was asked for (a later change makes it stale).
EMAIL_LINK_SECONDS = 2 * 24 * 3600
_EMAIL_SALT = "troth.groups.accounts.email"


def _new_address(user: Any, email: str) -> str:
    email = clean_email(email)
    taken = get_user_model().objects.filter(email__iexact=email).exclude(id=user.id)
    if taken.exists():
        raise TrothError(f"e-mail: {email} belongs to another account here")
    return email


def do_request_email_change(user: Any, email: str, password: str) -> tuple[str, str]:
    """Ask to move the account to a new address: returns (address, token). Nothing
    changes until the link with the token, mailed to the new address, is opened:
    the server's mail goes to the account's address, so a member must show it is
    theirs (otherwise any member could have the server mail anyone, as anyone)."""
    _check_password(user, password)
    email = _new_address(user, email)
    token = signing.TimestampSigner(salt=_EMAIL_SALT).sign_object(
        {"user": user.id, "was": user.email or "", "new": email}
    )
    return email, token


def do_confirm_email_change(user: Any, token: str) -> str:
    """Open a confirmation link: the account takes the new address."""
    try:
        data = signing.TimestampSigner(salt=_EMAIL_SALT).unsign_object(
            token, max_age=EMAIL_LINK_SECONDS
        )
    except signing.SignatureExpired:
        raise TrothError("this confirmation link has expired: ask for a new one") from None
    except signing.BadSignature:
        raise NotFound("this confirmation link is not valid: check it was copied whole") from None
    if data.get("user") != user.id:
        raise NotFound("this confirmation link is for another account: sign in as that one")
    if data.get("was") != (user.email or ""):
        raise TrothError("your address changed since this link was made: ask for a new one")
    email = _new_address(user, data["new"])
    user.email = email
    user.save(update_fields=["email"])
    return email


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


# Reset mails to one address: at most this many an hour. Anyone may ask for one, for
# any address, so without a limit the form mails a member as often as someone clicks.
RESET_MAILS_PER_HOUR = 3


def reset_mail_allowed(address: str, now: Any = None) -> bool:
    """Record a reset mail to `address` if one more is allowed this hour."""
    import hashlib
    from datetime import timedelta

    from django.utils import timezone

    from troth.groups.models import ResetMail

    now = now or timezone.now()
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    ResetMail.objects.filter(sent_at__lt=now - timedelta(hours=1)).delete()
    if ResetMail.objects.filter(digest=digest).count() >= RESET_MAILS_PER_HOUR:
        return False
    ResetMail.objects.create(digest=digest, sent_at=now)
    return True
