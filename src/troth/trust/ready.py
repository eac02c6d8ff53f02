"""Am I ready to ask? Thresholds by ask: advice is easy, a referral needs a strong tie (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troth.lib.text import count, whole
from troth.trust.warmth import WARM_TIERS, is_warm, why_not_warm

ASKS = ("advice", "lead", "intro", "referral")
PHRASE = {
    "advice": "advice",
    "lead": "a lead",
    "intro": "an introduction",
    "referral": "a referral",
}


@dataclass(frozen=True)
class Bar:
    min_score: float
    min_days_known: int
    min_meetings: int


# A referral is someone vouching for you: practitioners put the trust behind it at
# 3-6 months of giving (anchors.md), so the bar asks for months and real meetings.
BARS = {
    "advice": Bar(min_score=10, min_days_known=0, min_meetings=0),
    "lead": Bar(min_score=25, min_days_known=30, min_meetings=1),
    "intro": Bar(min_score=40, min_days_known=60, min_meetings=2),
    "referral": Bar(min_score=55, min_days_known=90, min_meetings=3),
}


def readiness(
    ask: str,
    name: str,
    detail: dict[str, Any],
    their_needs: list[str],
    my_open_promises: list[tuple[str, bool]],
    history: tuple[int | None, int] | None = None,
) -> dict[str, Any]:
    """`my_open_promises`: (what, overdue) for each open promise I made to this person;
    `history`: (days since the first contact, distinct weeks in touch) as
    troth.trust.queries.tie_history gives them, for the warm-tie rule (the facts' days
    and no weeks when not given)."""
    bar = BARS[ask]
    big_ask = ask in ("intro", "referral")
    facts = detail["facts"]
    known_for = history if history is not None else (facts["days_known"], 0)
    blockers: list[str] = []
    first: list[str] = []
    if detail["tier"] == "stranger":
        blockers.append(
            f"You have never had a two-way exchange with {name}: a connection is not a relationship"
        )
        first.append(f"Start a conversation with {name} before asking for anything")
    elif detail["tier"] == "dormant":
        blockers.append(f"This tie has gone quiet: reconnect with {name} before asking")
        first.append(f"Get back in touch with {name}: ask how they are and what they need")
    elif big_ask and not is_warm(detail["tier"], *known_for):
        # The handoff guard's rule (troth.trust.warmth): nobody outside the warm
        # layers, or known too briefly, is ready to vouch, whatever number clears its bar.
        if detail["tier"] in WARM_TIERS:
            blockers.append(f"{name} is a new tie: {why_not_warm(detail['tier'], *known_for)}")
        else:
            blockers.append(
                f"{name} is an {detail['tier']}, not a warm tie: someone you barely know"
                " rarely vouches for you"
            )
        first.append(f"Build the tie with {name} first: meet, help, keep in touch")
    if detail["score"] < bar.min_score:
        blockers.append(
            f"Trust score {whole(detail['score'])} is below the {bar.min_score:.0f} that asking for "
            f"{PHRASE[ask]} usually needs"
        )
    known = facts["days_known"]
    face = facts["meetings"] + facts["calls"]
    if detail["tier"] != "stranger":
        if known is not None and known < bar.min_days_known:
            blockers.append(
                f"You first had contact {'today' if known == 0 else count(known, 'day') + ' ago'}:"
                " trust like this usually takes months"
            )
        if face < bar.min_meetings:
            times = "never" if face == 0 else ("only once" if face == 1 else f"only {face} times")
            blockers.append(f"You have met or spoken {times}")
            first.append(f"Suggest coffee or a call with {name} first")
    gave, got = facts["favors_given"], facts["favors_received"]
    if ask != "advice" and got > gave:
        blockers.append(f"You have taken more than you have given ({gave} given, {got} received)")
    elif big_ask and gave == 0:
        blockers.append("You have not yet given anything to this relationship")
    if ask != "advice" and (got > gave or (big_ask and gave == 0)):
        if their_needs:
            first.append(f"Help with {name}'s open need '{their_needs[0]}' first")
        else:
            first.append(
                f"Ask {name} what two things they need in the next 30-60 days, and help with one"
            )
    if facts["my_promises_broken"]:
        blockers.append(f"You broke {facts['my_promises_broken']} promise(s) to {name}")
    for what, overdue in my_open_promises:
        # An overdue promise blocks every ask; an open one only the big asks.
        if overdue or big_ask:
            state = "overdue" if overdue else "still open"
            blockers.append(f"Your promise to {name} is {state}: {what}")
            first.insert(0, f"Keep your promise first: {what}")
            break
    ready = not blockers
    if ready:
        why = [
            f"Trust {whole(detail['score'])} clears the {bar.min_score:.0f} that asking for "
            f"{PHRASE[ask]} needs, and nothing is owed"
        ]
        positive = [r for r in detail["reasons"] if not r.startswith(("No ", "Contact has only"))]
        why += positive[:2]
    else:
        why = blockers
    return {"ask": ask, "ready": ready, "why": why, "first": [] if ready else first}
