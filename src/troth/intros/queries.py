"""Reading introductions: who each one waits on, which have stalled. Scoped to the owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from troth.errors import NotFound
from troth.intros import flow
from troth.intros.models import Introduction, IntroStep
from troth.people.models import Knows, Person
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores
from troth.trust.warmth import WARM_TIERS

OPEN = tuple(s for s in flow.STATES if s not in flow.ENDED)


def access_intro(owner, intro_id: int) -> Introduction:
    try:
        return Introduction.objects.select_related(
            "introducer", "person_a", "person_b", "favor"
        ).get(owner=owner, id=intro_id)
    except Introduction.DoesNotExist:
        raise NotFound(
            f"no introduction with id {intro_id} (list them with: troth intros)"
        ) from None


def tie_of(owner, person: Person) -> tuple[str, float]:
    """The owner's tier and trust score with this person, from the fresh cache."""
    fresh_scores(owner)
    row = TrustScore.objects.filter(owner=owner, person=person).values_list("tier", "score")
    found = row.first()
    return (found[0], found[1]) if found else ("stranger", 0.0)


def closer_paths(owner, target: Person, exclude: Person | None = None) -> list[tuple[str, str]]:
    """My contacts who know `target`, strongest tie first, as (name, tier): a better
    person to ask than a weak tie."""
    fresh_scores(owner)
    links = Knows.objects.filter(owner=owner).filter(Q(person_a=target) | Q(person_b=target))
    ids = {a if b == target.id else b for a, b in links.values_list("person_a_id", "person_b_id")}
    ids.discard(target.id)
    if exclude is not None:
        ids.discard(exclude.id)
    rows = (
        TrustScore.objects.filter(owner=owner, person_id__in=ids, tier__in=WARM_TIERS)
        .order_by("-score")
        .values_list("person__full_name", "tier")
    )
    return list(rows[:5])


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
        table = {
            flow.PROPOSED: Waiting(
                True, None, f"ask {bn} whether they would like to meet {an}", flow.ASKED, 0
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
            ),
            flow.INTRODUCED: Waiting(
                False, a, f"{an} to follow up with {bn}", "", flow.FOLLOW_UP_DAYS
            ),
        }
    else:
        cn = c.full_name
        table = {
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


def is_stalled(intro: Introduction, today: dt.date) -> bool:
    w = waiting(intro)
    return w is not None and not w.on_me and days_since(intro, today) >= w.days


def intros(
    owner, *, waiting_on_me: bool = False, stalled: bool = False, today: dt.date | None = None
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


def intro_conduct(owner, as_of: dt.date) -> dict:
    """How each person (and I) handled introductions up to a day: steps answered,
    followed up or thanked (`closed`) and steps let drop (`dropped`)."""
    mine = {"closed": 0, "dropped": 0}
    theirs: dict[int, dict] = {}
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
