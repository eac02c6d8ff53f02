"""Reads about groups. Functions taking a `user` read only that user's groups; the
operator's reads (for `troth group ...` on the server's own machine, where whoever
runs the command already holds the database) take a group found by `find_group`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from troth.errors import NotFound
from troth.groups.models import (
    Attendance,
    Group,
    GroupNeed,
    GroupProfile,
    HelpOffer,
    Invitation,
    JoinRequest,
    Meeting,
    MemberIntro,
    Membership,
)

if TYPE_CHECKING:
    from troth.matching.keywords import Profile


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
    from troth.groups.access import OWN_NAME, own_name

    now = now or timezone.now()
    # one query, values only, each member's display name in it (access.own_name): the
    # group's page shows every member and was three round trips and 200 user rows
    rows = (
        Membership.objects.filter(group=group)
        .annotate(own_name=own_name("user_id"))
        .order_by("-role", "joined_at", "id")  # "organiser" sorts after "member": reversed
        .values_list(
            "user_id",
            "user__username",
            "user__email",
            "role",
            "joined_at",
            "give_first_waived",
            "own_name",
        )
    )
    people = [
        {
            "user_id": user_id,
            "username": username,
            "name": own if own and own != OWN_NAME else username,
            "email": email,
            "role": role,
            "joined_at": joined_at.isoformat(),
            "give_first_waived": waived,
        }
        for user_id, username, email, role, joined_at, waived, own in rows
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


# ---------------------------------------------------------------- profiles and the board

# The matcher explains a match in a contact's words ("works at Acme"); a published
# profile says what a member can reach, so its reasons are told that way.
_REWORDS = (
    (re.compile(r"^works at "), "can reach "),
    (re.compile(r"^tagged "), "can reach the field "),
    (re.compile(r"^title "), "headline "),
    (re.compile(r"^note "), "offers "),
)
# Below this a match is noise. Lower than for a contact's CRM record: a published
# profile is the member's own word about what they can reach, so a company the need
# names (the matcher's 0.15 for an employer) or a word of their offer (0.25) counts.
MIN_CONFIDENCE = 0.15


def _reword(reason: str) -> str:
    for pattern, words in _REWORDS:
        if pattern.match(reason):
            return pattern.sub(words, reason, count=1)
    return reason


def profile_of(membership: Membership) -> GroupProfile | None:
    return GroupProfile.objects.filter(membership=membership).first()


def _published(group: Group) -> list[Profile]:
    """The group's published profiles as the matcher reads them: values, no model
    instances (a group of 200 made 600 of them on every look at the board)."""

    return [p for p, _shown in _published_named(group)]


def _published_named(group: Group) -> list[tuple[Profile, str]]:
    """_published, each with the member's display name (access.display_names's rule:
    their own name in their troth, else the username), in the same query."""
    from troth.groups.access import OWN_NAME, own_name
    from troth.matching.keywords import Profile

    rows = (
        GroupProfile.objects.filter(membership__group=group)
        .annotate(own_name=own_name("membership__user_id"))
        .values_list(
            "membership__user_id",
            "membership__user__username",
            "headline",
            "offers",
            "companies",
            "fields",
            "own_name",
        )
    )
    return [
        (
            Profile(
                id=user_id,
                name=username,
                titles=(headline,) if headline else (),
                companies=tuple(companies),
                tags=tuple(fields),
                notes=(offers,) if offers else (),
            ),
            own if own and own != OWN_NAME else username,
        )
        for user_id, username, headline, offers, companies, fields, own in rows
    ]


# Needs a page of the board shows: a group of 200 has a hundred open needs, and a
# page of them all took 85 ms to render (bench/bench_groups.py).
BOARD_PAGE = 25


def board(membership: Membership, today: date | None = None, page: int = 1) -> dict[str, Any]:
    """The group's open needs as one member sees them, a page at a time (the member's
    own first, then the soonest to expire): each need, who posted it, how many offered
    help, and which members' published profiles say they can reach what it asks for.
    The need's owner also sees who offered and their notes."""
    from troth.matching.keywords import NeedText, default_matcher

    group = membership.group
    me = membership.user_id
    today = today or timezone.localdate()
    open_needs = GroupNeed.objects.filter(group=group, status=GroupNeed.OPEN, expires_on__gte=today)
    # Every query is a round trip that waits its turn on a busy server (issue 13's load
    # test: 20 clients on two cores): the board asks for what it shows in as few as it
    # can (the two counts in one, no user rows it does not read).
    counted = open_needs.aggregate(total=Count("id"), mine=Count("id", filter=Q(author_id=me)))
    total, mine_open = counted["total"], counted["mine"]
    pages = max(1, -(-total // BOARD_PAGE))
    page = min(max(page, 1), pages)
    needs = list(
        open_needs.annotate(
            offer_count=Count("offers"),
            offered=Exists(HelpOffer.objects.filter(need=OuterRef("pk"), helper_id=me)),
            is_mine=Case(
                When(author_id=membership.user_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        ).order_by("-is_mine", "expires_on", "id")[(page - 1) * BOARD_PAGE : page * BOARD_PAGE]
    )
    offered = {n.id for n in needs if n.offered}
    mine = [n.id for n in needs if n.author_id == me]
    offers: dict[int, list[dict[str, Any]]] = {}
    if mine:
        for offer in HelpOffer.objects.filter(need_id__in=mine).select_related("helper"):
            offers.setdefault(offer.need_id, []).append(
                {
                    "user_id": offer.helper_id,
                    "username": offer.helper.username,
                    "name": "",  # filled below, with every name on the page at once
                    "note": offer.note,
                    "at": offer.created_at.isoformat(),
                }
            )
    named = _published_named(group) if needs else []
    candidates = [p for p, _shown in named]
    usernames = {p.id: p.name for p in candidates}
    known = {p.id: shown for p, shown in named}
    has_profile = (
        me in usernames
        if candidates
        else GroupProfile.objects.filter(membership=membership).exists()
    )
    # one index of the published profiles for every need on the board
    index = default_matcher().index(candidates) if candidates else None
    reached: dict[int, list[Any]] = {}
    for need in needs:
        reached[need.id] = []
        if index is not None:
            for match in index.rank(NeedText(what=need.text, person_id=need.author_id), k=5):
                if match.person_id == need.author_id or match.confidence < MIN_CONFIDENCE:
                    continue
                reached[need.id].append(match)
    # (the "met by" choices, for the member's own needs only: the whole membership is
    # read when one of theirs is on this page, not on every look at the board)
    others: list[tuple[int, str]] = []
    if mine:
        others = list(
            Membership.objects.filter(group=group)
            .exclude(user_id=me)
            .order_by("-role", "joined_at", "id")  # organisers first, as on the members page
            .values_list("user_id", "user__username")
        )
        usernames.update(others)
    from troth.groups.access import display_names

    # the names this page shows (those of published members came with their profiles)
    shown = (
        {n.author_id for n in needs}
        | {m.person_id for found in reached.values() for m in found}
        | {h for rows in offers.values() for h in (o["user_id"] for o in rows)}
        | {u for u, _name in others}
    )
    names = {i: known[i] for i in shown if i in known}
    if len(names) < len(shown):
        names.update(display_names(shown - set(names), usernames))
    rows = []
    for need in needs:
        reach = [
            {
                "user_id": match.person_id,
                "username": usernames[match.person_id],
                "name": names[match.person_id],
                "reasons": [_reword(r) for r in match.reasons[:2]],
            }
            for match in reached[need.id]
        ]
        rows.append(
            {
                "id": need.id,
                "text": need.text,
                "author": names[need.author_id],
                "mine": need.author_id == me,
                "posted_at": need.posted_at.isoformat(),
                "expires_on": need.expires_on.isoformat(),
                "offers": need.offer_count,
                "carried": need.carried,
                "offered": need.id in offered,
                "offer_list": [{**o, "name": names[o["user_id"]]} for o in offers.get(need.id, [])],
                "reach": reach,
            }
        )
    return {
        "needs": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "mine_open": mine_open,
        "profiles": len(candidates),
        "has_profile": has_profile,  # the member's own, published here
        "others": [{"user_id": u, "name": names[u]} for u, _name in others],
    }


# ---------------------------------------------------------------- meetings and dashboard


def meetings(membership: Membership, now: datetime | None = None) -> dict[str, Any]:
    """Upcoming meetings with the member's own answer and the count of yeses; past ones
    (the last ten) with how many came."""
    now = now or timezone.now()
    rows = Meeting.objects.filter(group=membership.group).annotate(
        yes=Count("attendance", filter=Q(attendance__rsvp=Attendance.YES)),
        came=Count("attendance", filter=Q(attendance__attended=True)),
        marked=Count("attendance", filter=Q(attendance__attended__isnull=False)),
    )
    mine = dict(
        Attendance.objects.filter(
            meeting__group=membership.group, user_id=membership.user_id
        ).values_list("meeting_id", "rsvp")
    )

    def row(m: Any) -> dict[str, Any]:  # a Meeting with the counts annotated
        return {
            "id": m.id,
            "title": m.title,
            "starts_at": m.starts_at,
            "place": m.place,
            "yes": m.yes,
            "came": m.came,
            "marked": bool(m.marked),
            "my_rsvp": mine.get(m.id, ""),
        }

    return {
        "upcoming": [row(m) for m in rows.filter(starts_at__gt=now).order_by("starts_at", "id")],
        "past": [
            row(m) for m in rows.filter(starts_at__lte=now).order_by("-starts_at", "-id")[:10]
        ],
    }


def attendance_sheet(group: Group, meeting_id: int) -> list[dict[str, Any]]:
    """Every member with their answer and whether they came, for the organiser."""
    from troth.groups.access import display_names

    marks = {
        a.user_id: a for a in Attendance.objects.filter(meeting_id=meeting_id, meeting__group=group)
    }
    names = display_names(Membership.objects.filter(group=group).values_list("user_id", flat=True))
    return [
        {
            "user_id": m.user_id,
            "username": m.user.username,
            "name": names[m.user_id],
            "rsvp": marks[m.user_id].rsvp if m.user_id in marks else "",
            "attended": marks[m.user_id].attended if m.user_id in marks else None,
        }
        for m in Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("user__username")
    ]


# A member who has done nothing in the group for this long is "quiet" (issue 13).
QUIET_DAYS = 60


def dashboard(group: Group, now: datetime | None = None) -> dict[str, Any]:
    """The organiser's figures: attendance, needs posted and met within 30 and 60 days,
    how fast a need gets its first offer, and members quiet for 60 days. Counts of what
    happened in the group only: nothing of any member's own troth."""
    now = now or timezone.now()
    memberships = list(Membership.objects.filter(group=group).select_related("user"))
    past = list(
        Meeting.objects.filter(group=group, starts_at__lte=now)
        .annotate(
            came=Count("attendance", filter=Q(attendance__attended=True)),
            marked=Count("attendance", filter=Q(attendance__attended__isnull=False)),
        )
        .order_by("-starts_at", "-id")[:6]
    )
    figures: dict[str, Any] = {"members": len(memberships)}
    figures["meetings"] = [
        {
            "title": m.title,
            "date": timezone.localdate(m.starts_at).isoformat(),
            "came": m.came if m.marked else None,
        }
        for m in past
    ]
    for days in (30, 60):
        since = now - timedelta(days=days)
        posted = GroupNeed.objects.filter(group=group, posted_at__gte=since)
        figures[f"needs_posted_{days}d"] = posted.count()
        figures[f"needs_met_{days}d"] = posted.filter(status=GroupNeed.MET).count()
        figures[f"offers_{days}d"] = HelpOffer.objects.filter(
            need__group=group, created_at__gte=since
        ).count()
    waits = []
    for need in GroupNeed.objects.filter(group=group, posted_at__gte=now - timedelta(days=90)):
        first = need.offers.order_by("created_at").values_list("created_at", flat=True).first()
        if first is not None:
            waits.append((first - need.posted_at).total_seconds() / 86400)
    figures["median_days_to_first_offer"] = round(median(waits), 1) if waits else None
    # member introductions: how fast the first answer came, and how many made were thanked
    recent = list(MemberIntro.objects.filter(group=group, created_at__gte=now - timedelta(days=90)))
    answers = [
        (i.answered_at - i.created_at).total_seconds() / 86400
        for i in recent
        if i.answered_at is not None
    ]
    figures["introductions_90d"] = len(recent)
    figures["median_days_to_intro_answer"] = round(median(answers), 1) if answers else None
    made = [i for i in recent if i.state in (MemberIntro.INTRODUCED, MemberIntro.THANKED)]
    thanked = sum(i.state == MemberIntro.THANKED for i in made)
    figures["introductions_made_90d"] = len(made)
    figures["share_thanked"] = round(thanked / len(made), 2) if made else None
    since = now - timedelta(days=QUIET_DAYS)
    active = (
        set(
            GroupNeed.objects.filter(group=group, posted_at__gte=since).values_list(
                "author_id", flat=True
            )
        )
        | set(
            HelpOffer.objects.filter(need__group=group, created_at__gte=since).values_list(
                "helper_id", flat=True
            )
        )
        | set(
            Attendance.objects.filter(
                meeting__group=group, meeting__starts_at__gte=since, attended=True
            ).values_list("user_id", flat=True)
        )
    )
    figures["quiet"] = sorted(
        m.user.username for m in memberships if m.user_id not in active and m.joined_at <= since
    )
    return figures


# ---------------------------------------------------------------- member introductions

# What the other side sees of the person to be met: nothing until they agreed.
_SHARED_FROM = {"target_agreed", "introduced", "thanked"}


def member_intros(membership: Membership) -> dict[str, Any]:
    """This member's introductions in the group, as requester or connector: the ones
    waiting on them first, then those under way, then the last ones closed."""
    from troth.groups.access import display_name

    rows = (
        MemberIntro.objects.filter(group=membership.group)
        .filter(Q(requester_id=membership.user_id) | Q(connector_id=membership.user_id))
        .select_related("requester", "connector")
        .order_by("-updated_at", "-id")
    )
    waiting: list[dict[str, Any]] = []
    under_way: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    names: dict[int, str] = {}

    def name(user: Any) -> str:
        # the user name too: a display name is the member's to choose, even another's
        if user.id not in names:
            shown = display_name(user)
            names[user.id] = shown if shown == user.username else f"{shown} ({user.username})"
        return names[user.id]

    for intro in rows[:200]:
        role = "requester" if intro.requester_id == membership.user_id else "connector"
        other = intro.connector if role == "requester" else intro.requester
        row = {
            "id": intro.id,
            "role": role,
            "offered": intro.offered,
            "state": intro.state,
            "state_words": intro.get_state_display(),
            "other": name(other),
            "ask": intro.ask,
            "hint": intro.hint,
            "shared": intro.shared if intro.state in _SHARED_FROM else "",
            "need_id": intro.need_id,
            "expires_at": intro.expires_at,
            "outcome": intro.outcome,
        }
        on_me = (role == "connector" and intro.state in ("asked", "agreed", "target_agreed")) or (
            role == "requester" and intro.state in ("offered", "introduced")
        )
        if on_me:
            waiting.append(row)
        elif intro.state in ("asked", "offered", "agreed", "target_agreed"):
            under_way.append(row)
        elif len(closed) < 20:
            closed.append(row)
    return {"waiting": waiting, "under_way": under_way, "closed": closed}


# ---------------------------------------------------------------- follow-through


def follow_through(group: Group, now: datetime | None = None) -> dict[int, Any]:
    """Every member's loops in the group over the last six months (troth.groups.bands),
    by user id. What the page shows of it depends on each member's consent."""
    from troth.groups.bands import ANSWER_DAYS, WINDOW_DAYS, Loops

    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    week = timedelta(days=ANSWER_DAYS)
    counts: dict[int, dict[str, int]] = {}

    def add(user_id: int, field: str, n: int = 1) -> None:
        counts.setdefault(user_id, {})[field] = counts.get(user_id, {}).get(field, 0) + n

    for intro in MemberIntro.objects.filter(group=group, created_at__gte=since):
        # whoever the first answer was up to: the connector for an ask, the requester
        # for an offer; a loop once answered, or once a week has gone by unanswered
        answerer = intro.requester_id if intro.offered else intro.connector_id
        if intro.answered_at is not None or now - intro.created_at > week:
            add(answerer, "to_answer")
            if intro.answered_at is not None and intro.answered_at - intro.created_at <= week:
                add(answerer, "answered")
        if intro.requester_favor_id is not None and (
            intro.state == MemberIntro.THANKED or now - intro.updated_at > week
        ):
            add(intro.requester_id, "to_thank")
            if intro.state == MemberIntro.THANKED:
                add(intro.requester_id, "thanked")
                add(intro.requester_id, "thanks_given")
                if intro.outcome:
                    add(intro.requester_id, "outcomes")
    today = timezone.localdate(now)
    for need in GroupNeed.objects.filter(group=group, posted_at__gte=since):
        if need.status != GroupNeed.OPEN:
            add(need.author_id, "needs_ended")
            add(need.author_id, "needs_closed")
        elif need.expires_on < today:
            add(need.author_id, "needs_ended")
    return {user_id: Loops(**fields) for user_id, fields in counts.items()}


def join_requests(group: Group) -> list[dict[str, Any]]:
    """Requests through the join link waiting for an organiser."""
    return [
        {"id": r.id, "name": r.name, "email": r.email, "note": r.note, "at": r.created_at}
        for r in JoinRequest.objects.filter(group=group, decided_at=None).order_by("created_at")
    ]
