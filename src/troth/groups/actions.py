"""Writes about groups: create, invite, join, roles, removal. Callers own the
transaction except where a function says it takes its own (joining, which must
use an invitation once even when two requests race)."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Sequence
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

from troth.errors import Conflict, Forbidden, NotFound, TrothError
from troth.groups.models import (
    Attendance,
    Group,
    GroupNeed,
    GroupProfile,
    HelpOffer,
    Invitation,
    JoinRequest,
    Meeting,
    Membership,
)
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


def clean_email(email: str) -> str:
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
    email = clean_email(email)
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
        # the invitation is for one address: another account holding the link (it
        # was forwarded, or seen over a shoulder) does not get in with it
        if (user.email or "").strip().lower() != invitation.email.lower():
            raise Forbidden(
                f"this invitation is for {invitation.email}, and you are signed in as"
                f" {user.get_username()}: sign in with that address's account"
            )
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


# ---------------------------------------------------------------- profile and needs

# The essay's question asks for two things; a third waits until one is closed.
MAX_OPEN_NEEDS = 2
HORIZON_DAYS = (7, 90)  # "the next 30-60 days", with room either side
# "Give first" (issue 13; ../shared/research/paths-and-groups-anchors.md, part A idea 3:
# give-before-you-ask). Two meetings: BNI lets a visitor attend at most twice before
# joining (part B, [B7]), so two meetings is where a newcomer stops being a visitor;
# it is also a bar met without having anything to offer yet.
GIVE_FIRST_MEETINGS = 2
LIST_MAX = 30  # companies or fields a profile names
ITEM_MAX = 80


def clean_text(
    value: str, what: str, limit: int, *, required: bool = False, lines: bool = False
) -> str:
    """A member's words, checked: one line (spaces folded) unless `lines`."""
    value = value.strip() if lines else " ".join(value.split())
    if required and not value:
        raise TrothError(f"{what}: say what it is")
    if len(value) > limit:
        raise TrothError(f"{what}: at most {limit} characters, got {len(value)}")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise TrothError(f"{what}: cannot hold control characters")
    return value


def _items(values: Sequence[str] | str, what: str) -> list[str]:
    """A list a member typed, one per line or comma-separated; duplicates dropped."""
    if isinstance(values, str):
        values = re.split(r"[\n,;]", values)
    # Counted before any is cleaned: a form or API body of a million names is refused
    # at once, not cleaned item by item first (blank entries, as a trailing comma
    # leaves, do not count). Duplicates are dropped through a set, so the work stays
    # linear in what was sent.
    given = sum(1 for raw in values if raw.strip())
    if given > LIST_MAX:
        raise TrothError(f"{what}: at most {LIST_MAX}, got {given}")
    items: list[str] = []
    seen: set[str] = set()
    for raw in values:
        item = clean_text(raw, what, ITEM_MAX)
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def do_publish_profile(
    membership: Membership,
    *,
    headline: str = "",
    offers: str = "",
    companies: Sequence[str] | str = "",
    fields: Sequence[str] | str = "",
    now: datetime | None = None,
) -> GroupProfile:
    """Publish (or replace) what this member shows the group; empty fields publish nothing."""
    values = {
        "headline": clean_text(headline, "headline", 200),
        "offers": clean_text(offers, "what you can offer", 1000, lines=True),
        "companies": _items(companies, "companies"),
        "fields": _items(fields, "fields"),
        "updated_at": now or timezone.now(),
    }
    profile, _ = GroupProfile.objects.update_or_create(membership=membership, defaults=values)
    return profile


def may_ask(membership: Membership, now: datetime | None = None) -> bool:
    """Whether "give first" lets this member post needs yet. It asks nothing of a
    member who has had no chance to give: while nobody else has an open need and the
    group has not met GIVE_FIRST_MEETINGS times since they joined, they may ask."""
    group = membership.group
    if (
        not group.give_first
        or membership.role == Membership.ORGANISER
        or membership.give_first_waived
    ):
        return True
    if HelpOffer.objects.filter(need__group=group, helper_id=membership.user_id).exists():
        return True
    came = Attendance.objects.filter(
        meeting__group=group, user_id=membership.user_id, attended=True
    ).count()
    if came >= GIVE_FIRST_MEETINGS:
        return True
    now = now or timezone.now()
    others_need = (
        GroupNeed.objects.filter(
            group=group, status=GroupNeed.OPEN, expires_on__gte=timezone.localdate(now)
        )
        .exclude(author_id=membership.user_id)
        .exists()
    )
    met_since = Meeting.objects.filter(
        group=group, starts_at__gte=membership.joined_at, starts_at__lte=now
    ).count()
    return not others_need and met_since < GIVE_FIRST_MEETINGS


def do_post_need(
    membership: Membership, text: str, *, days: int = 60, now: datetime | None = None
) -> GroupNeed:
    now = now or timezone.now()
    text = clean_text(text, "the need", 500, required=True)
    if not may_ask(membership):
        raise TrothError(
            f"give first: in {membership.group.name} a new member's needs open after they"
            f" have offered help once or come to {GIVE_FIRST_MEETINGS} meetings (an"
            " organiser can waive it)"
        )
    low, high = HORIZON_DAYS
    if not low <= days <= high:
        raise TrothError(f"a need's horizon is {low} to {high} days, got {days}")
    open_needs = GroupNeed.objects.select_for_update().filter(
        group=membership.group,
        author=membership.user,
        status=GroupNeed.OPEN,
        expires_on__gte=timezone.localdate(now),
    )
    if len(open_needs) >= MAX_OPEN_NEEDS:
        raise TrothError(
            f"you have {MAX_OPEN_NEEDS} open needs in {membership.group.name}: close one"
            " (met, or no longer needed) before posting another"
        )
    return GroupNeed.objects.create(
        group=membership.group,
        author=membership.user,
        text=text,
        posted_at=now,
        expires_on=timezone.localdate(now) + timedelta(days=days),
    )


def _own_need(membership: Membership, need_id: int) -> GroupNeed:
    need = (
        GroupNeed.objects.select_for_update()
        .filter(id=need_id, group=membership.group, author=membership.user)
        .first()
    )
    if need is None:
        raise NotFound(f"no need #{need_id} of yours in {membership.group.name}")
    return need


def do_close_need(
    membership: Membership,
    need_id: int,
    outcome: str,
    *,
    met_by: int | None = None,
    now: datetime | None = None,
) -> GroupNeed:
    """The owner closes a need as met (by a member, or by someone outside) or as no
    longer needed."""
    need = _own_need(membership, need_id)
    if need.status != GroupNeed.OPEN:
        raise Conflict(f"need #{need_id} is closed already ({need.get_status_display()})")
    if outcome not in (GroupNeed.MET, GroupNeed.DROPPED):
        raise TrothError(f"a need closes as met or dropped, not {outcome!r}")
    helper = None
    if met_by is not None:
        if outcome != GroupNeed.MET:
            raise TrothError("only a met need has someone who met it")
        found = Membership.objects.filter(group=membership.group, user_id=met_by).first()
        if found is None or met_by == membership.user_id:
            raise NotFound(f"no other member #{met_by} in {membership.group.name}")
        helper = found.user
    need.status = outcome
    need.closed_at = now or timezone.now()
    need.met_by = helper
    need.save(update_fields=["status", "closed_at", "met_by"])
    return need


def do_offer_help(
    membership: Membership, need_id: int, note: str = "", *, now: datetime | None = None
) -> HelpOffer:
    """ "I can help" on another member's open need in the same group."""
    now = now or timezone.now()
    need = GroupNeed.objects.filter(id=need_id, group=membership.group).first()
    if need is None:
        raise NotFound(f"no need #{need_id} in {membership.group.name}")
    if need.author_id == membership.user_id:
        raise TrothError("that is your own need")
    if need.status != GroupNeed.OPEN or need.expires_on < timezone.localdate(now):
        raise TrothError(f"need #{need_id} is no longer open")
    note = clean_text(note, "your note", 500)
    offer, created = HelpOffer.objects.get_or_create(
        need=need, helper=membership.user, defaults={"note": note, "created_at": now}
    )
    if not created:
        raise Conflict(f"you offered help on need #{need_id} already")
    return offer


def do_withdraw_offer(membership: Membership, need_id: int) -> None:
    deleted, _ = HelpOffer.objects.filter(
        need_id=need_id, need__group=membership.group, helper=membership.user
    ).delete()
    if not deleted:
        raise NotFound(f"no offer of yours on need #{need_id}")


def do_set_give_first(group: Group, *, on: bool) -> None:
    group.give_first = on
    group.save(update_fields=["give_first"])


def do_waive_give_first(group: Group, user_id: int, *, waived: bool = True) -> Membership:
    membership = Membership.objects.filter(group=group, user_id=user_id).first()
    if membership is None:
        raise NotFound(f"no member #{user_id} in {group.name}")
    membership.give_first_waived = waived
    membership.save(update_fields=["give_first_waived"])
    return membership


# ---------------------------------------------------------------- meetings


def do_schedule_meeting(
    group: Group, title: str, starts_at: datetime, *, place: str = "", now: datetime | None = None
) -> Meeting:
    now = now or timezone.now()
    title = clean_text(title, "the meeting's title", 120, required=True)
    if starts_at < now - timedelta(days=1):
        raise TrothError("a meeting is scheduled for a time to come")
    return Meeting.objects.create(
        group=group,
        title=title,
        starts_at=starts_at,
        place=clean_text(place, "the place", 200),
        created_at=now,
    )


def meeting_in(group: Group, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(group=group, id=meeting_id).first()
    if meeting is None:
        raise NotFound(f"no meeting #{meeting_id} in {group.name}")
    return meeting


def do_rsvp(
    membership: Membership, meeting_id: int, answer: str, *, now: datetime | None = None
) -> Attendance:
    meeting = meeting_in(membership.group, meeting_id)
    if answer not in (Attendance.YES, Attendance.NO, Attendance.MAYBE):
        raise TrothError(f"an answer is yes, no or maybe, not {answer!r}")
    if meeting.starts_at <= (now or timezone.now()):
        raise TrothError("that meeting has started: the organiser marks who came")
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting, user_id=membership.user_id, defaults={"rsvp": answer}
    )
    return row


def do_mark_attendance(
    group: Group, meeting_id: int, came: set[int], *, now: datetime | None = None
) -> int:
    """The organiser marks who came (every other member: did not). Returns how many came."""
    meeting = meeting_in(group, meeting_id)
    if meeting.starts_at > (now or timezone.now()):
        raise TrothError("attendance is marked once the meeting has started")
    members = set(Membership.objects.filter(group=group).values_list("user_id", flat=True))
    strangers = came - members
    if strangers:
        raise NotFound(f"not members of {group.name}: {', '.join(map(str, sorted(strangers)))}")
    for user_id in members:
        Attendance.objects.update_or_create(
            meeting=meeting, user_id=user_id, defaults={"attended": user_id in came}
        )
    return len(came)


def next_meeting(group: Group, now: datetime | None = None) -> Meeting | None:
    return (
        Meeting.objects.filter(group=group, starts_at__gt=now or timezone.now())
        .order_by("starts_at", "id")
        .first()
    )


# A carried need stays open this long after the meeting it is carried to.
CARRY_DAYS = 30


def do_carry_need(
    membership: Membership, need_id: int, *, now: datetime | None = None
) -> GroupNeed:
    """Carry an open need forward to the next meeting: it stays open until CARRY_DAYS
    after that meeting."""
    now = now or timezone.now()
    need = _own_need(membership, need_id)
    if need.status != GroupNeed.OPEN:
        raise Conflict(f"need #{need_id} is closed already ({need.get_status_display()})")
    meeting = next_meeting(membership.group, now)
    if meeting is None:
        raise TrothError(f"{membership.group.name} has no meeting scheduled to carry it to")
    until = timezone.localdate(meeting.starts_at) + timedelta(days=CARRY_DAYS)
    need.expires_on = max(need.expires_on, until)
    need.carried += 1
    need.save(update_fields=["expires_on", "carried"])
    return need


def do_share_follow_through(membership: Membership, *, on: bool) -> Membership:
    """The member's consent to show their follow-through band to the group."""
    membership.share_follow_through = on
    membership.save(update_fields=["share_follow_through"])
    return membership


# ---------------------------------------------------------------- the join link

# Open requests a group holds at once: a join link is public, and must not let anyone
# fill an organiser's list (or the database) with requests.
MAX_OPEN_REQUESTS = 200


def do_new_join_link(group: Group) -> str:
    """A fresh join link token for the group (the old link stops working)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    group.join_digest = digest_of(token)
    group.save(update_fields=["join_digest"])
    return token


def do_close_join_link(group: Group) -> None:
    group.join_digest = ""
    group.save(update_fields=["join_digest"])


def group_for_join_link(token: str) -> Group:
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise NotFound("this join link is not valid: check that it was copied whole")
    group = Group.objects.filter(join_digest=digest_of(token)).exclude(join_digest="").first()
    if group is None:
        raise NotFound("this join link is not valid, or the group closed it")
    return group


def do_request_to_join(
    token: str, *, email: str, name: str, note: str = "", now: datetime | None = None
) -> JoinRequest:
    """Ask to be invited, through the join link. One open request per address."""
    now = now or timezone.now()
    group = group_for_join_link(token)
    email = clean_email(email)
    name = clean_text(name, "your name", 120, required=True)
    note = clean_text(note, "a word to the organisers", 500)
    if Membership.objects.filter(group=group, user__email__iexact=email).exists():
        raise TrothError(f"{email} is a member of {group.name} already: sign in")
    open_requests = JoinRequest.objects.filter(group=group, decided_at=None)
    if open_requests.filter(email__iexact=email).exists():
        raise TrothError("you asked already: the organisers will answer by mail")
    if open_requests.count() >= MAX_OPEN_REQUESTS:
        raise TrothError(f"{group.name} has many requests waiting: try again later")
    return JoinRequest.objects.create(
        group=group, email=email, name=name, note=note, created_at=now
    )


def do_decide_join_request(
    group: Group, request_id: int, approve: bool, *, by: Any = None, now: datetime | None = None
) -> tuple[JoinRequest, Invitation | None, str]:
    """An organiser answers a request: approved, it becomes an invitation to the
    address (returned with its token, to mail or to show); declined, it closes."""
    now = now or timezone.now()
    found = (
        JoinRequest.objects.select_for_update()
        .filter(group=group, id=request_id, decided_at=None)
        .first()
    )
    if found is None:
        raise NotFound(f"no open join request #{request_id} in {group.name}")
    found.decided_at, found.approved = now, approve
    found.save(update_fields=["decided_at", "approved"])
    if not approve:
        return found, None, ""
    invitation, token = do_invite(group, found.email, by=by, now=now)
    return found, invitation, token
