"""Introductions between members of a group (the writes; reads are in queries.py).

Double opt-in at every step, and nothing sent on anyone's behalf:
asked (the requester asks a connector) or offered (a connector offers on a need)
-> agreed (both willing; the connector now asks the person to be met, privately,
outside troth) -> target_agreed (that person said yes: the connector shares, in
their own words, who it is) -> introduced -> thanked. Declined, not this time,
expired and withdrawn end it quietly. Until the person to be met agrees, the
requester sees only the connector's hint, which names no one.

Each member's side also lands in their own troth, as for a single user: once both
are willing, a promise (the connector's, to introduce) in each; once made, the
promise kept and the introduction as a favour; the thanks on the requester's side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.groups.access import display_name
from troth.groups.actions import clean_text, may_ask
from troth.groups.models import GroupNeed, HelpOffer, MemberContact, MemberIntro, Membership
from troth.ledger.actions import do_make_promise, do_record_favor, do_set_promise_status
from troth.ledger.models import Commitment
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.people.queries import find_by_contact

# PushFar's mentoring requests expire after 14 days unanswered, with two reminders
# (../shared/research/paths-and-groups-anchors.md, part B [B22]); issue 13 asks the same.
ASK_DAYS = 14
REMINDER_AFTER_DAYS = (5, 10)
# A connector's default capacity: about one ask a week. BNI's traffic lights give full
# marks at 1.2 referrals a week [B6]; asking more of one member than that is a load.
DEFAULT_CAPACITY = 4
CAPACITY_WINDOW_DAYS = 30

OPEN = (
    MemberIntro.ASKED,
    MemberIntro.OFFERED,
    MemberIntro.AGREED,
    MemberIntro.TARGET_AGREED,
)
# After both are willing, the promise in each troth is open until the end.
PROMISED = (MemberIntro.AGREED, MemberIntro.TARGET_AGREED)


def _intro(membership: Membership, intro_id: int, *, as_role: str) -> MemberIntro:
    """One introduction of this member's in this group, in the role the step needs."""
    side = (
        Q(requester_id=membership.user_id)
        if as_role == "requester"
        else Q(connector_id=membership.user_id)
    )
    intro = (
        MemberIntro.objects.select_for_update()
        .filter(side, id=intro_id, group=membership.group)
        .first()
    )
    if intro is None:
        raise NotFound(f"no introduction #{intro_id} for you to answer in {membership.group.name}")
    return intro


def _move(intro: MemberIntro, expected: tuple[str, ...], new: str, now: datetime) -> None:
    if intro.state not in expected:
        raise TrothError(
            f"introduction #{intro.id} is {intro.get_state_display()}: that step is not open"
        )
    intro.state = new
    intro.updated_at = now


def _contact(owner: Any, member: Any, group_name: str) -> Person:
    """The Person for another member in `owner`'s own troth: the one made for them
    the first time (MemberContact), else a new one. Never found by their name or
    address: a member chooses both, and matching on them would let one member write
    onto someone in another's troth (a security review's M2). Their address goes on
    the new Person only when nobody in the owner's troth has it already; identity
    resolution may then suggest a merge, which the owner decides."""
    link = (
        MemberContact.objects.filter(holder=owner, member=member).select_related("person").first()
    )
    if link is not None and link.person.owner_id == owner.id:
        return link.person
    email = (member.email or "").strip().lower()
    free = bool(email) and find_by_contact(owner, "email", email) is None
    person = do_add_person(
        owner,
        display_name(member),
        emails=[email] if free else [],
        met_how=f"member of {group_name}",
        allow_duplicate_name=True,
    )
    MemberContact.objects.update_or_create(holder=owner, member=member, defaults={"person": person})
    return person


def _what(intro: MemberIntro) -> str:
    return intro.hint or intro.ask


def _promise(intro: MemberIntro, now: datetime) -> None:
    """Both are willing: the connector's promise, in each member's own troth."""
    today = timezone.localdate(now)
    due = today + timedelta(days=ASK_DAYS)
    group = intro.group.name
    requester, connector = intro.requester, intro.connector
    c_in_r = _contact(requester, connector, group)
    intro.requester_promise = do_make_promise(
        requester,
        c_in_r,
        me_person(requester),
        f"introduce me to {_what(intro)} ({group})",
        due=due,
        made_on=today,
    )
    r_in_c = _contact(connector, requester, group)
    intro.connector_promise = do_make_promise(
        connector,
        me_person(connector),
        r_in_c,
        f"introduce {display_name(requester)} to {_what(intro)} ({group})",
        due=due,
        made_on=today,
    )


def _settle(promise: Commitment | None, status: str) -> None:
    if promise is not None and promise.status == Commitment.OPEN:
        do_set_promise_status(promise.owner, promise, status)


def _end(intro: MemberIntro, new: str, now: datetime, *, allowed: tuple[str, ...] = OPEN) -> None:
    """A quiet end: promises made are released (a graceful release, never a chase)."""
    _move(intro, allowed, new, now)
    _settle(intro.requester_promise, Commitment.RELEASED)
    _settle(intro.connector_promise, Commitment.RELEASED)


def _connector(membership: Membership, connector_id: int) -> Membership:
    found = (
        Membership.objects.select_related("user")
        .filter(group=membership.group, user_id=connector_id)
        .first()
    )
    if found is None or connector_id == membership.user_id:
        raise NotFound(f"no other member #{connector_id} in {membership.group.name}")
    return found


def _check_load(connector: Membership, now: datetime) -> None:
    name = display_name(connector.user)
    if connector.intros_paused:
        raise TrothError(f"{name} is not taking introduction asks right now: ask someone else")
    recent = (
        MemberIntro.objects.filter(
            group=connector.group,
            connector_id=connector.user_id,
            created_at__gte=now - timedelta(days=CAPACITY_WINDOW_DAYS),
        )
        # an ask withdrawn before the connector answered cost them nothing, and must not
        # let one member use up a connector's month for everyone else
        .exclude(state=MemberIntro.WITHDRAWN, answered_at=None)
        .count()
    )
    if recent >= connector.intro_capacity:
        raise TrothError(
            f"{name} has had {recent} introduction asks in the last {CAPACITY_WINDOW_DAYS} days,"
            f" as many as they take: ask someone else, or later"
        )


def do_ask_member(
    membership: Membership,
    connector_id: int,
    ask: str,
    *,
    need_id: int | None = None,
    now: datetime | None = None,
) -> MemberIntro:
    """Ask another member for an introduction; they answer first, nothing else moves."""
    now = now or timezone.now()
    connector = _connector(membership, connector_id)
    need = None
    if need_id is not None:
        need = GroupNeed.objects.filter(
            id=need_id, group=membership.group, author_id=membership.user_id, status="open"
        ).first()
        if need is None:
            raise NotFound(f"no open need #{need_id} of yours in {membership.group.name}")
    ask = clean_text(ask or (need.text if need else ""), "what you ask for", 500, required=True)
    if not may_ask(membership):
        raise TrothError(
            f"give first: in {membership.group.name} a new member asks after they have offered"
            " help once or come to meetings (an organiser can waive it)"
        )
    if MemberIntro.objects.filter(
        group=membership.group,
        requester_id=membership.user_id,
        connector_id=connector_id,
        state__in=OPEN,
        need=need,
    ).exists():
        raise TrothError(f"you have asked {display_name(connector.user)} for this already")
    _check_load(connector, now)
    return MemberIntro.objects.create(
        group=membership.group,
        need=need,
        requester_id=membership.user_id,
        connector_id=connector_id,
        ask=ask,
        state=MemberIntro.ASKED,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=ASK_DAYS),
    )


def do_offer_intro(
    membership: Membership, need_id: int, hint: str, *, now: datetime | None = None
) -> MemberIntro:
    """ "I can introduce you": a connector's offer on another member's need, with a
    hint that names no one ("a product lead at Stripe"). The requester accepts first."""
    now = now or timezone.now()
    need = GroupNeed.objects.filter(id=need_id, group=membership.group).first()
    if need is None:
        raise NotFound(f"no need #{need_id} in {membership.group.name}")
    if need.author_id == membership.user_id:
        raise TrothError("that is your own need")
    if need.status != GroupNeed.OPEN or need.expires_on < timezone.localdate(now):
        raise TrothError(f"need #{need_id} is no longer open")
    hint = clean_text(hint, "who you could introduce them to (no names yet)", 300, required=True)
    if MemberIntro.objects.filter(
        need=need, connector_id=membership.user_id, state__in=OPEN
    ).exists():
        raise TrothError(f"you offered an introduction on need #{need_id} already")
    HelpOffer.objects.get_or_create(
        need=need,
        helper_id=membership.user_id,
        defaults={"note": f"an introduction: {hint}", "created_at": now},
    )
    return MemberIntro.objects.create(
        group=membership.group,
        need=need,
        requester_id=need.author_id,
        connector_id=membership.user_id,
        ask=need.text,
        hint=hint,
        state=MemberIntro.OFFERED,
        offered=True,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=ASK_DAYS),
    )


def do_answer_ask(
    membership: Membership,
    intro_id: int,
    yes: bool,
    *,
    hint: str = "",
    now: datetime | None = None,
) -> MemberIntro:
    """The connector's answer to an ask. Yes: they will ask the person privately."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="connector")
    if intro.state == MemberIntro.ASKED and intro.expires_at <= now:
        _end(intro, MemberIntro.EXPIRED, now)
        intro.save()
        raise TrothError(f"introduction #{intro_id} expired unanswered")
    if yes:
        _move(intro, (MemberIntro.ASKED,), MemberIntro.AGREED, now)
        intro.hint = clean_text(hint, "who you could introduce them to (no names yet)", 300)
        _promise(intro, now)
    else:
        _move(intro, (MemberIntro.ASKED,), MemberIntro.DECLINED, now)
    intro.answered_at = now
    intro.save()
    return intro


def do_answer_offer(
    membership: Membership, intro_id: int, yes: bool, *, now: datetime | None = None
) -> MemberIntro:
    """The requester accepts or declines a connector's offer."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="requester")
    if intro.state == MemberIntro.OFFERED and intro.expires_at <= now:
        _end(intro, MemberIntro.EXPIRED, now)
        intro.save()
        raise TrothError(f"introduction #{intro_id} expired unanswered")
    if yes:
        _move(intro, (MemberIntro.OFFERED,), MemberIntro.AGREED, now)
        _promise(intro, now)
    else:
        _move(intro, (MemberIntro.OFFERED,), MemberIntro.DECLINED, now)
    intro.answered_at = now
    intro.save()
    return intro


def do_target_answer(
    membership: Membership,
    intro_id: int,
    yes: bool,
    *,
    shared: str = "",
    now: datetime | None = None,
) -> MemberIntro:
    """The connector reports the answer of the person to be met. Only a yes shares
    anything about them: `shared`, the connector's words (a name, how to reach them),
    which that person agreed to."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="connector")
    if yes:
        shared = clean_text(shared, "who they are and how to reach them", 500, required=True)
        _move(intro, (MemberIntro.AGREED,), MemberIntro.TARGET_AGREED, now)
        intro.shared = shared
    else:
        _end(intro, MemberIntro.TARGET_DECLINED, now, allowed=(MemberIntro.AGREED,))
    intro.save()
    return intro


def do_mark_introduced(
    membership: Membership, intro_id: int, *, now: datetime | None = None
) -> MemberIntro:
    """The connector made the introduction: the promise kept in both troths, and the
    introduction a favour (given in the connector's, received in the requester's)."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="connector")
    _move(intro, (MemberIntro.TARGET_AGREED,), MemberIntro.INTRODUCED, now)
    _settle(intro.requester_promise, Commitment.KEPT)
    _settle(intro.connector_promise, Commitment.KEPT)
    today = timezone.localdate(now)
    group = intro.group.name
    requester, connector = intro.requester, intro.connector
    intro.requester_favor = do_record_favor(
        requester,
        _contact(requester, connector, group),
        me_person(requester),
        "intro",
        f"introduced me to {intro.shared} ({group})",
        on=today,
    )
    do_record_favor(
        connector,
        me_person(connector),
        _contact(connector, requester, group),
        "intro",
        f"introduced {display_name(requester)} to {intro.shared} ({group})",
        on=today,
    )
    intro.save()
    return intro


def do_thank(
    membership: Membership, intro_id: int, outcome: str = "", *, now: datetime | None = None
) -> MemberIntro:
    """The requester thanks the connector (and says how it went): closes the loop."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="requester")
    _move(intro, (MemberIntro.INTRODUCED,), MemberIntro.THANKED, now)
    intro.outcome = clean_text(outcome, "how it went", 200)
    favor = intro.requester_favor
    if favor is not None and favor.thanked_on is None:
        favor.thanked_on = timezone.localdate(now)
        favor.save(update_fields=["thanked_on"])
    intro.save()
    return intro


def do_withdraw(
    membership: Membership, intro_id: int, *, now: datetime | None = None
) -> MemberIntro:
    """The requester withdraws while it is under way."""
    now = now or timezone.now()
    intro = _intro(membership, intro_id, as_role="requester")
    _end(intro, MemberIntro.WITHDRAWN, now)
    intro.save()
    return intro


def do_set_connector(
    membership: Membership, *, capacity: int | None = None, paused: bool | None = None
) -> Membership:
    if capacity is not None:
        if not 0 <= capacity <= 50:
            raise TrothError(f"asks a month: 0 to 50, got {capacity}")
        membership.intro_capacity = capacity
    if paused is not None:
        membership.intros_paused = paused
    membership.save(update_fields=["intro_capacity", "intros_paused"])
    return membership


def do_expire_and_remind(now: datetime | None = None) -> tuple[int, list[MemberIntro]]:
    """Asks and offers unanswered for ASK_DAYS expire; before that each gets at most
    two reminders (after 5 and 10 days). Returns how many expired and the ones to
    remind now (marked reminded: the caller sends the mail)."""
    now = now or timezone.now()
    waiting = MemberIntro.objects.select_for_update().filter(
        state__in=(MemberIntro.ASKED, MemberIntro.OFFERED)
    )
    expired = 0
    remind: list[MemberIntro] = []
    for intro in waiting.select_related("group", "requester", "connector"):
        if intro.expires_at <= now:
            _end(intro, MemberIntro.EXPIRED, now)
            intro.save()
            expired += 1
            continue
        if intro.reminders >= len(REMINDER_AFTER_DAYS):
            continue
        if now - intro.created_at >= timedelta(days=REMINDER_AFTER_DAYS[intro.reminders]):
            intro.reminders += 1
            intro.reminded_at = now
            intro.save(update_fields=["reminders", "reminded_at"])
            remind.append(intro)
    return expired, remind


def reminder_mail(intro: MemberIntro, base_url: str) -> tuple[str, str, str]:
    """(to, subject, body) of the reminder for whoever the ask or offer waits on."""
    link = f"{base_url.rstrip('/')}/groups/{intro.group.slug}/intros/#intro-{intro.id}"
    until = timezone.localtime(intro.expires_at).strftime("%Y-%m-%d")
    if intro.state == MemberIntro.ASKED:
        to = intro.connector
        line = f"{display_name(intro.requester)} asked you for an introduction: {intro.ask}"
    else:
        to = intro.requester
        line = f"{display_name(intro.connector)} offered you an introduction: {intro.hint}"
    body = (
        f"In {intro.group.name}, {line}\n\n"
        f"Yes or no, either is fine; it closes by itself on {until} if unanswered.\n"
        f"{link}\n"
    )
    return to.email, f"Reminder: an introduction waits on you in {intro.group.name}", body


def do_remind(base_url: str, now: datetime | None = None) -> tuple[int, int]:
    """Close the stale asks and mail the reminders due, all or nothing: a failed send
    (one TrothError line) marks nothing, so the next run tries again. Returns how many
    expired and how many were reminded. `troth group remind` and `troth worker` both."""
    from django.db import transaction

    from troth.agenda.digest import do_send_server_mail

    with transaction.atomic():
        expired, due = do_expire_and_remind(now)
        for intro in due:
            to, subject, body = reminder_mail(intro, base_url)
            if to:
                do_send_server_mail(subject, body, to, "a reminder")
    return expired, len(due)
