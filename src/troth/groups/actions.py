"""Writes about groups: create, invite, join, roles, removal. Callers own the
transaction except where a function says it takes its own (joining, which must
use an invitation once even when two requests race)."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from troth.errors import Forbidden, NotFound, TrothError
from troth.groups.models import Group, Invitation, Membership
from troth.owners import do_ensure_me

TOKEN_BYTES = 32
# What token_urlsafe(32) produces: 43 characters of the URL-safe base64 alphabet.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
NAME_MAX = 120


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or not any(unicodedata.category(c)[0] in "LN" for c in name):
        raise TrothError("a group needs a name with at least one letter or digit")
    if len(name) > NAME_MAX:
        raise TrothError(f"a group's name is at most {NAME_MAX} characters, got {len(name)}")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise TrothError("a group's name cannot hold control or invisible characters")
    return name


def do_create_group(name: str, *, organiser: Any = None, now: datetime | None = None) -> Group:
    """A new group; `organiser` (a user), when given, is its first organiser."""
    now = now or timezone.now()
    name = _clean_name(name)
    if Group.objects.filter(name__iexact=name).exists():
        raise TrothError(f"a group named {name!r} exists already")
    base = slugify(name)[:50] or "group"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    group = Group.objects.create(name=name, slug=slug, created_at=now)
    if organiser is not None:
        Membership.objects.create(
            group=group, user=organiser, role=Membership.ORGANISER, joined_at=now
        )
    return group


def _clean_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise TrothError(f"not an e-mail address: {email!r}") from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def do_invite(
    group: Group,
    email: str,
    *,
    by: Any = None,
    as_organiser: bool = False,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite an address; returns the invitation and its token (shown or mailed once,
    never stored). A newer invitation to the same address replaces the open one."""
    now = now or timezone.now()
    email = _clean_email(email)
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise TrothError(f"{email} is a member of {group.name} already")
    Invitation.objects.filter(
        group=group, email__iexact=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation.objects.create(
        group=group,
        email=email,
        role=Membership.ORGANISER if as_organiser else Membership.MEMBER,
        digest=digest_of(token),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.TROTH_INVITATION_DAYS),
    )
    return invitation, token


def do_revoke_invitation(group: Group, invitation_id: int, *, now: datetime | None = None) -> None:
    changed = Invitation.objects.filter(
        group=group, id=invitation_id, accepted_at=None, revoked_at=None
    ).update(revoked_at=now or timezone.now())
    if not changed:
        raise NotFound(f"no open invitation #{invitation_id} in {group.name}")


def open_invitation(token: str, *, now: datetime | None = None, lock: bool = False) -> Invitation:
    """The invitation this token opens, or one line saying why it does not."""
    now = now or timezone.now()
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise NotFound("this invitation link is not valid: check that it was copied whole")
    rows = Invitation.objects.select_related("group")
    if lock:
        rows = rows.select_for_update()
    invitation = rows.filter(digest=digest_of(token)).first()
    if invitation is None:
        raise NotFound("this invitation link is not valid: check that it was copied whole")
    if invitation.accepted_at is not None:
        raise TrothError("this invitation was used already: sign in instead")
    if invitation.revoked_at is not None:
        raise TrothError("this invitation was withdrawn: ask the organiser for a new one")
    if invitation.expires_at <= now:
        raise TrothError("this invitation has expired: ask the organiser for a new one")
    return invitation


def _join(invitation: Invitation, user: Any, now: datetime) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        group=invitation.group,
        user=user,
        defaults={"role": invitation.role, "joined_at": now},
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def do_sign_up(
    token: str, *, username: str, password: str, name: str = "", now: datetime | None = None
) -> Any:
    """A new account from an invitation: the invited address, the password checked by
    Django's validators, a membership, and an empty troth of the new member's own."""
    now = now or timezone.now()
    User = get_user_model()
    username = username.strip()
    with transaction.atomic():
        invitation = open_invitation(token, now=now, lock=True)
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise TrothError(f"user name: {' '.join(exc.messages)}") from None
        if not username or len(username) > 150:
            raise TrothError("user name: between 1 and 150 characters")
        if User.objects.filter(username__iexact=username).exists():
            raise TrothError(f"user name: {username!r} is taken, choose another")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise TrothError(
                f"an account for {invitation.email} exists: sign in, then open the link again"
            )
        user = User(username=username, email=invitation.email)
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise TrothError(f"password: {' '.join(exc.messages)}") from None
        user.set_password(password)
        user.save()
        do_ensure_me(user, name=" ".join(name.split())[:200] or username)
        _join(invitation, user, now)
    return user


def do_join(token: str, user: Any, *, now: datetime | None = None) -> Membership:
    """A signed-in member uses an invitation to join one more group."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = open_invitation(token, now=now, lock=True)
        return _join(invitation, user, now)


def _organisers(group: Group) -> int:
    return Membership.objects.filter(group=group, role=Membership.ORGANISER).count()


def do_set_role(group: Group, user_id: int, role: str) -> Membership:
    """Promote to organiser or step back to member; a group keeps at least one organiser."""
    if role not in (Membership.ORGANISER, Membership.MEMBER):
        raise TrothError(f"a role is organiser or member, not {role!r}")
    membership = Membership.objects.select_for_update().filter(group=group, user_id=user_id).first()
    if membership is None:
        raise NotFound(f"no member #{user_id} in {group.name}")
    if (
        membership.role == Membership.ORGANISER
        and role == Membership.MEMBER
        and _organisers(group) <= 1
    ):
        raise Forbidden(f"{group.name} needs an organiser: promote someone else first")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def do_remove_member(group: Group, user_id: int) -> None:
    """Take a member out of the group (their own troth is untouched: it was never the
    group's). The last organiser cannot go while other members remain."""
    membership = Membership.objects.select_for_update().filter(group=group, user_id=user_id).first()
    if membership is None:
        raise NotFound(f"no member #{user_id} in {group.name}")
    if (
        membership.role == Membership.ORGANISER
        and _organisers(group) <= 1
        and Membership.objects.filter(group=group).count() > 1
    ):
        raise Forbidden(f"{group.name} needs an organiser: promote someone else first")
    membership.delete()
