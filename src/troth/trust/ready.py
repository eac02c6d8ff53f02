"""Am I ready to ask? Thresholds by ask: advice is easy, a referral needs a strong tie (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    ask: str, name: str, detail: dict[str, Any], their_needs: list[str], my_open_promises: list[str]
) -> dict[str, Any]:
    bar = BARS[ask]
    facts = detail["facts"]
    blockers: list[str] = []
    first: list[str] = []
    if detail["tier"] == "stranger":
        blockers.append(
            f"You have never had a two-way exchange with {name}: a connection is not a relationship"
        )
        first.append(f"Start a conversation with {name} before asking for anything")
    if detail["score"] < bar.min_score:
        blockers.append(
            f"Trust score {detail['score']:.0f} is below the {bar.min_score:.0f} that asking for "
            f"{PHRASE[ask]} usually needs"
        )
    known = facts["days_known"] or 0
    face = facts["meetings"] + facts["calls"]
    if known < bar.min_days_known or face < bar.min_meetings:
        met = (
            f"You have met or spoken {face} time{'s' if face != 1 else ''}, first contact {known} days ago"
            if facts["days_known"] is not None
            else "You have never met or spoken"
        )
        blockers.append(f"{met}: trust like this usually takes months")
        first.append(f"Suggest coffee or a call with {name} first")
    gave, got = facts["favors_given"], facts["favors_received"]
    if ask in ("intro", "referral", "lead") and got > gave:
        blockers.append(f"You have taken more than you have given ({gave} given, {got} received)")
    if ask in ("intro", "referral") and gave == 0:
        blockers.append("You have not yet given anything to this relationship")
    if (ask in ("intro", "referral", "lead") and (got > gave or gave == 0)) and their_needs:
        first.append(f"Help with {name}'s open need '{their_needs[0]}' first")
    elif ask in ("intro", "referral") and gave == 0:
        first.append(
            f"Ask {name} what two things they need in the next 30-60 days, and help with one"
        )
    if facts["my_promises_broken"]:
        blockers.append(f"You broke {facts['my_promises_broken']} promise(s) to {name}")
    for promise in my_open_promises[:1]:
        first.insert(0, f"Keep your open promise first: {promise}")
        if ask in ("intro", "referral"):
            blockers.append(f"You still owe {name}: {promise}")
    ready = not blockers
    return {
        "ask": ask,
        "ready": ready,
        "why": blockers
        or [
            f"{name} trusts you enough for {PHRASE[ask]}: {detail['reasons'][0] if detail['reasons'] else ''}".rstrip(
                ": "
            )
        ],
        "first": [] if ready else first,
    }
