"""The trust engine's names, tiers, parameters and version, without numpy (pure).

Listing people, the agenda, the warm-tie rule and the web's filters need the tier
names and the cache's engine version, not the engine: importing numpy costs a read
command about a fifth of its start-up (issue 18 item 6, bench/bench_cli_startup.py).
`troth.trust.engine` re-exports everything here, so the engine's own code and its
callers that compute keep one place to import from.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources

from troth.errors import FieldError

CHANNELS = ("meeting", "call", "email", "message", "event")
MEETING, CALL, EMAIL, MESSAGE, EVENT = range(5)
INITIATORS = ("me", "them", "unknown")
ME, THEM, UNKNOWN = range(3)
PROMISE_STATUSES = ("open", "kept", "broken", "released")
OPEN, KEPT, BROKEN, RELEASED = range(4)

TIERS = ("inner", "close", "active", "network", "acquaintance", "dormant", "stranger")
INNER, CLOSE, ACTIVE, NETWORK, ACQUAINTANCE, DORMANT, STRANGER = range(7)


def check_tier(tier: str) -> str:
    """A tier a user typed or chose (`--tier`, the People page's `?tier=`), refused in
    one line naming the field and the tiers when it is none of them: a filter that
    quietly showed everyone would look like an answer."""
    if tier not in TIERS:
        raise FieldError("tier", f": unknown tier {tier[:40]!r}; use one of {', '.join(TIERS)}")
    return tier


# Dunbar's layers: about 5 / 15 / 50 / 150 people (cumulative), anchors.md.
TIER_CAPS = (5, 15, 50, 150)
# Keep-in-touch cadence per tier in days: weekly, monthly, six-monthly, yearly
# (Dunbar et al. 2015 contact frequencies, anchors.md); acquaintances yearly at most.
TIER_CADENCE_DAYS = (7, 30, 180, 365, 365, 180, 0)
# "Cooling": the score's 90-day trend fell by at least a point as it is shown (whole
# points, rounded half up: troth.lib.text.whole, in `troth trust` and on the People
# page), that is -0.55 or lower. Every list of cooling ties draws the line here
# (`troth trust --cooling`, with or without --as-of, the People page's filter, the
# API, Insights), so one tie is cooling in all of them or in none: a drop too small to
# show as one listed a tie whose trend read "=", and a "-1" shown was not listed.
COOLING_TREND_90 = -0.55


def is_cooling(trend_90: float | None) -> bool:
    return trend_90 is not None and trend_90 <= COOLING_TREND_90


# The activity model's short and long memories (troth.trust.activity,
# "log_decayed_30" and "log_decayed_365").
ACTIVITY_HALF_LIFE = 30.0
ACTIVITY_LONG_HALF_LIFE = 365.0


@dataclass(frozen=True)
class TrustParams:
    # A meeting carries more than an email (Gilbert & Karahalios: intensity and intimacy).
    channel_weight: tuple[float, ...] = (1.0, 0.8, 0.25, 0.3, 0.5)
    # Bridging ties lose half their strength in about 110 days (Burt 2002, anchors.md).
    half_life_days: float = 110.0
    # A slower memory so an old strong tie reads as dormant, not as a stranger.
    long_half_life_days: float = 730.0
    # Hall (2018): ~50 hours from acquaintance to casual friend, ~200 to close friend.
    # The scale is lower than 50 h: a logged history rarely holds more than a few
    # dozen hours, so the part saturates at about 15 h (tuned on simulated networks).
    hours_scale: float = 15.0
    # Referral-grade trust takes 3-6 months of contact (practitioners, anchors.md).
    duration_scale_days: float = 365.0
    # Weights of the parts (sum to 1); tuned on simulated networks, checked on other seeds.
    # Seeds 1-5 of the default simulator; reported on seeds 11-15 and other settings
    # (bench/eval_trust.py). The long memory carries most: strength is lasting.
    w_frequency: float = 0.10
    w_history: float = 0.25
    w_hours: float = 0.20
    w_duration: float = 0.05
    w_reciprocity: float = 0.10
    w_reliability: float = 0.20
    w_mutual: float = 0.10
    # The owner's own 1-5 rating calibrates the score; it never replaces it.
    # Marsden & Campbell: closeness is the best single indicator (anchors.md).
    closeness_blend: float = 0.4
    # Ties this strong on the slow memory but silent this long are dormant.
    dormant_history: float = 0.35
    dormant_after_days: float = 180.0
    # Scaled with the weights: a tie with no ratings, favours or people in common tops out
    # near 75, so the floors sit at about the same share of that as before.
    tier_floors: tuple[float, ...] = (63.0, 50.0, 32.0, 18.0)


# Bump FORMULA when parts() or compute() change; the parameters' own repr covers the
# defaults. Cached scores made by another version are recomputed, never shown.
# 7: engine days count local time (troth.trust.days), not UTC: a score cached before
# counted a day's contacts on the UTC date.
FORMULA = 7


@functools.cache
def _shipped_numbers() -> list[float]:
    """The activity model's coefficients as `shipped_model().coef.tolist()` gives them
    (floats), then its rhythm's parameters, read from the same file without numpy; a
    test holds the coefficients equal to the model's."""
    text = resources.files("troth.trust").joinpath("activity_model.json").read_text("utf-8")
    model = json.loads(text)
    return [float(c) for c in model["coef"]] + [
        float(v) for _k, v in sorted(model.get("rhythm", {}).items())
    ]


ENGINE_VERSION = (
    f"{FORMULA}:"
    + hashlib.sha1((repr(TrustParams()) + repr(_shipped_numbers())).encode()).hexdigest()[:12]
)
