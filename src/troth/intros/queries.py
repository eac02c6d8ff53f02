"""Reading introductions: who each one waits on, which have stalled. Scoped to the owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from troth.errors import NotFound
from troth.intros import flow
from troth.intros.models import Introduction, IntroStep
from troth.owned import Owner
from troth.people.models import Knows, Person
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, tie_history, warm_among
from troth.trust.warmth import why_not_warm

OPEN = tuple(s for s in flow.STATES if s not in flow.ENDED)


def open_request(owner: Owner, me: Person, b: Person) -> Introduction | None:
    """An introduction to B that I asked for or was offered, still under way (the
    newest): one at a time, so another ask is refused (and `troth path` says so)."""
    return (
        Introduction.objects.filter(
            owner=owner, role=Introduction.REQUESTER, person_a=me, person_b=b, state__in=OPEN
        )
        .select_related("introducer")
        .order_by("-id")
        .first()
    )


def access_intro(owner: Owner, intro_id: int) -> Introduction:
    try:
        return Introduction.objects.select_related(
            "introducer", "person_a", "person_b", "favor"
        ).get(owner=owner, id=intro_id)
    except Introduction.DoesNotExist:
        raise NotFound(
            f"no introduction with id {intro_id} (list them with: troth intros)"
        ) from None


def tie_of(owner: Owner, person: Person) -> tuple[str, float]:
    """The owner's tier and trust score with this person, from the fresh cache."""
    fresh_scores(owner)
    row = TrustScore.objects.filter(owner=owner, person=person).values_list("tier", "score")
    found = row.first()
    return (found[0], found[1]) if found else ("stranger", 0.0)


def why_not_warm_tie(owner: Owner, person: Person) -> tuple[str, float, str]:
    """The tie's tier and score, and why it is not a warm tie ("" when it is: the one
    rule, troth.trust.warmth, with the history that rule asks for)."""
    tier, score = tie_of(owner, person)
    days_known, weeks = tie_history(owner, [person.id])[person.id]
    return tier, score, why_not_warm(tier, days_known, weeks)


def closer_paths(
    owner: Owner, target: Person, exclude: Person | None = None
) -> list[tuple[str, str]]:
    """My contacts who know `target`, strongest tie first, as (name, tier): a better
    person to ask than a weak tie."""
    fresh_scores(owner)
    links = Knows.objects.filter(owner=owner).filter(Q(person_a=target) | Q(person_b=target))
    ids = {a if b == target.id else b for a, b in links.values_list("person_a_id", "person_b_id")}
    ids.discard(target.id)
    if exclude is not None:
        ids.discard(exclude.id)
    warm = warm_among(owner, ids)[:5]  # strongest first
    rows = TrustScore.objects.filter(owner=owner, person_id__in=warm).values_list(
        "person_id", "person__full_name", "tier"
    )
    found = {pid: (name, tier) for pid, name, tier in rows}
    return [found[pid] for pid in warm]


@dataclass(frozen=True)
class Waiting:
    """Who the next step is up to, and what it is."""

    on_me: bool
    who: Person | None  # who I am waiting on (None when it is me)
    step: str  # what should happen next, in words
    next_state: str  # the state `troth done` moves to when it is up to me
    days: int  # a stalled step becomes "crickets" after this many days


def waiting(intro: Introduction) -> Waiting | None:
    a, b, c = intro.person_a, intro.person_b, intro.introducer
    bn, an = b.full_name, a.full_name
    if intro.role == flow.CONNECTOR:
        then_a = "" if intro.a_asked else f" ({an} did not ask, so is asked after {bn}'s yes)"
        table = {
            flow.PROPOSED: Waiting(
                True, None, f"ask {bn} whether they would like to meet {an}{then_a}", flow.ASKED, 0
            ),
            flow.ASKED: Waiting(
                False,
                b,
                f"{bn} to answer whether they would like to meet {an}",
                "",
                flow.OPT_IN_DAYS,
            ),
            flow.ACCEPTED: Waiting(
                True, None, f"{bn} said yes: introduce {an} and {bn}", flow.INTRODUCED, 0
            )
            if intro.a_asked
            else Waiting(
                True,
                None,
                f"{bn} said yes: now ask {an} whether they would like to meet {bn}"
                " (they did not ask for this)",
                flow.ASKED_A,
                0,
            ),
            flow.ASKED_A: Waiting(
                False,
                a,
                f"{an} to answer whether they would like to meet {bn}",
                "",
                flow.OPT_IN_DAYS,
            ),
            flow.AGREED: Waiting(
                True, None, f"both said yes: introduce {an} and {bn}", flow.INTRODUCED, 0
            ),
            flow.INTRODUCED: Waiting(
                False, a, f"{an} to follow up with {bn}", "", flow.FOLLOW_UP_DAYS
            ),
        }
    else:
        cn = c.full_name
        cf = c.given_name or cn
        table = {
            flow.OFFERED: Waiting(
                True,
                None,
                f"thank {cf} for the offer and send a short note about you to forward to {bn}",
                flow.AGREED,
                0,
            ),
            flow.ASKED: Waiting(
                False, c, f"{cn} to answer your request to meet {bn}", "", flow.OPT_IN_DAYS
            ),
            flow.AGREED: Waiting(
                False, c, f"{cn} to hear back from {bn} (their opt-in)", "", flow.OPT_IN_DAYS
            ),
            flow.ACCEPTED: Waiting(
                False, c, f"{cn} to introduce you to {bn}", "", flow.OPT_IN_DAYS
            ),
            flow.INTRODUCED: Waiting(
                True, None, f"follow up with {bn} within days", flow.FOLLOWED_UP, 0
            ),
            flow.FOLLOWED_UP: Waiting(
                True, None, f"thank {cn} and tell them how it went", flow.THANKED, 0
            ),
            flow.MET: Waiting(True, None, f"thank {cn} and tell them how it went", flow.THANKED, 0),
            flow.OUTCOME: Waiting(
                True, None, f"thank {cn} and tell them how it went", flow.THANKED, 0
            ),
        }
    return table.get(intro.state)


def days_since(intro: Introduction, today: dt.date) -> int:
    return (today - timezone.localdate(intro.updated_at)).days


# What silence ends in, by role and state (an offer is released instead).
CLOSE = {
    (flow.CONNECTOR, flow.ASKED): flow.NO_ANSWER,
    (flow.CONNECTOR, flow.ASKED_A): flow.NO_ANSWER,
    (flow.CONNECTOR, flow.INTRODUCED): flow.NOT_MET,
    (flow.REQUESTER, flow.ASKED): flow.NO_ANSWER,
    (flow.REQUESTER, flow.AGREED): flow.NO_ANSWER,
    (flow.REQUESTER, flow.ACCEPTED): flow.WITHDRAWN,
}


@dataclass(frozen=True)
class Phase:
    """What an open introduction asks of me on a day: my own step ("do"), the one
    gentle nudge ("nudge"), or closing it without a second chase ("close")."""

    action: str
    who: Person  # who the item is about
    waiting: Waiting
    quiet: int  # days the step (or, for an offer, its due date) has been waiting
    since: int = 0  # days since the nudge, for "close"
    close: str = ""  # the state "close" moves to


def phase(intro: Introduction, today: dt.date) -> Phase | None:
    """Crickets: a step waiting on someone else that has not moved for its set
    number of days gets one nudge; when the nudge has had as long again, the
    introduction is closed quietly. An offer is a promise with a due date: one
    nudge a few days after it, then a graceful release two weeks later, never a
    second chase (the agenda's rhythm for any promise made to me)."""
    w = waiting(intro)
    if w is None or intro.state not in OPEN:
        return None
    quiet = days_since(intro, today)
    if w.on_me:
        if intro.role == flow.CONNECTOR:
            who = intro.person_a if intro.state == flow.ACCEPTED and not intro.a_asked else None
            who = who or intro.person_b
        else:
            who = intro.person_b if intro.state == flow.INTRODUCED else intro.introducer
        return Phase("do", who, w, quiet)
    if w.who is None:
        return None
    if _offer_waits_on_c(intro, w):
        if intro.due_on is None:
            return None
        quiet = (today - intro.due_on).days
        if intro.nudged_at is None:
            if quiet < flow.OFFER_NUDGE_GRACE_DAYS:
                return None
            return Phase("nudge", w.who, w, quiet)
        since = (today - timezone.localdate(intro.nudged_at)).days
        if since < flow.OFFER_RELEASE_DAYS:
            return None
        return Phase("close", w.who, w, quiet, since, flow.RELEASED)
    if quiet < w.days:
        return None
    if intro.nudged_at is None:
        return Phase("nudge", w.who, w, quiet)
    since = (today - timezone.localdate(intro.nudged_at)).days
    close = CLOSE.get((intro.role, intro.state))
    if close is None or since < w.days:
        return None
    return Phase("close", w.who, w, quiet, since, close)


def _offer_waits_on_c(intro: Introduction, w: Waiting) -> bool:
    return (
        intro.offered
        and intro.role == flow.REQUESTER
        and w.who is not None
        and w.who.id == intro.introducer_id
    )


def is_stalled(intro: Introduction, today: dt.date) -> bool:
    """Waiting on someone else past its days (for an offer: past its due date)."""
    w = waiting(intro)
    if w is None or w.on_me:
        return False
    if _offer_waits_on_c(intro, w):
        return intro.due_on is not None and today > intro.due_on
    return days_since(intro, today) >= w.days


def intros(
    owner: Owner,
    *,
    waiting_on_me: bool = False,
    stalled: bool = False,
    today: dt.date | None = None,
) -> list[Introduction]:
    today = today or timezone.localdate()
    rows = list(
        Introduction.objects.filter(owner=owner).select_related(
            "introducer", "person_a", "person_b"
        )
    )
    if waiting_on_me:
        rows = [i for i in rows if (w := waiting(i)) is not None and w.on_me]
    if stalled:
        rows = [i for i in rows if is_stalled(i, today)]
    return rows


def intro_conduct(owner: Owner, as_of: dt.date) -> dict[str, Any]:
    """How each person (and I) handled introductions up to a day: steps answered,
    followed up or thanked (`closed`) and steps let drop (`dropped`)."""
    mine = {"closed": 0, "dropped": 0}
    theirs: dict[int, dict[str, Any]] = {}
    steps = IntroStep.objects.filter(
        owner=owner, person__isnull=False, good__isnull=False
    ).select_related("person")
    for step in steps:
        person = step.person
        if person is None or timezone.localdate(step.at) > as_of:
            continue
        if person.is_me:
            bucket = mine
        else:
            bucket = theirs.setdefault(
                person.id, {"id": person.id, "name": person.full_name, "closed": 0, "dropped": 0}
            )
        bucket["closed" if step.good else "dropped"] += 1
    return {
        "mine": mine,
        "theirs": sorted(theirs.values(), key=lambda r: (-r["dropped"], r["name"])),
    }
