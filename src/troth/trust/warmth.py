"""Who counts as a warm tie: one rule for every place that asks (pure, no Django).

A warm tie is one in the four Dunbar layers (inner, close, active, network): two-way
contact, a trust score at or above the network floor, not gone quiet. Everyone else
(acquaintances, dormant ties, strangers) is someone you barely know right now. The
agenda's helper suggestions, the handoff guard on introductions, the closer paths it
offers, and readiness for an introduction or referral all ask `is_warm`, so troth
never suggests as a helper someone it would then refuse to ask (issue 18).
"""

from __future__ import annotations

from troth.trust.constants import NETWORK, TIERS

WARM_TIERS: tuple[str, ...] = TIERS[: NETWORK + 1]
COLD_TIERS: tuple[str, ...] = TIERS[NETWORK + 1 :]


def is_warm(tier: str) -> bool:
    """True for inner, close, active and network ties."""
    return tier in WARM_TIERS
