"""Who counts as a warm tie: one rule for every place that asks (pure, no Django).

A warm tie is one in the four Dunbar layers (inner, close, active, network): two-way
contact, a trust score at or above the network floor, not gone quiet; and a history
long enough to have been tested (`has_history`). Everyone else (acquaintances, dormant
ties, strangers, and someone met for the first time this week, whatever tier a small
network ranks them in) is someone you barely know right now. The agenda's helper
suggestions, the handoff guard on introductions, the closer paths it offers, and
readiness for an introduction or referral all ask `is_warm` (the database side:
`troth.trust.queries.tie_history` and `warm_among`), so troth never suggests as a helper
someone it would then refuse to ask (issue 18).
"""

from __future__ import annotations

from troth.trust.constants import NETWORK, TIERS

WARM_TIERS: tuple[str, ...] = TIERS[: NETWORK + 1]
COLD_TIERS: tuple[str, ...] = TIERS[NETWORK + 1 :]

# A tie is tested by time: the trust behind a referral takes 3-6 months of contact
# (practitioners, anchors.md), and days since first contact is one of the two strongest
# predictors of tie strength (Gilbert & Karahalios 2009, anchors.md). So a tie counts
# as warm once known for the lower end of that, three months...
WARM_MIN_DAYS = 90
# ...or, for a tie that grew fast, once in touch in this many different weeks: a
# meeting, a call and a follow-up on three separate weeks, not three messages in a day.
WARM_MIN_WEEKS = 3


def has_history(days_known: int | None, weeks_in_touch: int) -> bool:
    """Known long enough (first contact WARM_MIN_DAYS ago or more), or in touch in
    WARM_MIN_WEEKS distinct weeks. `days_known` None: never in touch."""
    if days_known is None:
        return False
    return days_known >= WARM_MIN_DAYS or weeks_in_touch >= WARM_MIN_WEEKS


def is_warm(tier: str, days_known: int | None, weeks_in_touch: int) -> bool:
    """True for inner, close, active and network ties with a history (`has_history`)."""
    return tier in WARM_TIERS and has_history(days_known, weeks_in_touch)


def why_not_warm(tier: str, days_known: int | None, weeks_in_touch: int) -> str:
    """Why a tie is not warm, in words ("" when it is)."""
    if tier not in WARM_TIERS:
        return f"your tie is {tier}"
    if has_history(days_known, weeks_in_touch):
        return ""
    if days_known is None:
        return "you have never been in touch"
    first = "today" if days_known == 0 else f"{days_known} day{'s' if days_known != 1 else ''} ago"
    weeks = f"{weeks_in_touch} different week{'s' if weeks_in_touch != 1 else ''}"
    return (
        f"you first had contact {first} and have been in touch in {weeks} so far:"
        " a tie counts as warm"
        f" after {WARM_MIN_DAYS // 30} months or contact in {WARM_MIN_WEEKS} different weeks"
    )
