"""Trust scores from what happened, as of any date (pure: numpy only, no Django).

Every feature is computed from events dated on or before `as_of`, so the same
function answers "how strong is this tie now?" and "how strong was it then?".
All work is vectorised over people with `np.bincount`, so a million events
cost tens of milliseconds.

Interactions reach the features only through `Contacts`, a per-person,
per-period summary: `summarize` builds it from event arrays, and
`troth.trust.summary.load_contacts` builds the same with a GROUP BY per period in
the database, so scoring everyone never moves a million rows into Python.

The score follows Granovetter's "combination of the amount of time, the
emotional intensity, the intimacy, and the reciprocal services" (anchors.md),
with the features Gilbert & Karahalios found strongest: days since last
contact and days since first contact pulling in opposite directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from troth.trust.activity import (
    app_inputs,
    month_bits,
    months_from_bits,
    shipped_model,
    span_bits,
    spans_from_bits,
)
from troth.trust.constants import (  # noqa: F401  (re-exported: the engine's names)
    ACQUAINTANCE,
    ACTIVE,
    ACTIVITY_HALF_LIFE,
    ACTIVITY_LONG_HALF_LIFE,
    BROKEN,
    CALL,
    CHANNELS,
    CLOSE,
    DORMANT,
    EMAIL,
    ENGINE_VERSION,
    EVENT,
    FORMULA,
    INITIATORS,
    INNER,
    KEPT,
    ME,
    MEETING,
    MESSAGE,
    NETWORK,
    OPEN,
    PROMISE_STATUSES,
    RELEASED,
    STRANGER,
    THEM,
    TIER_CADENCE_DAYS,
    TIER_CAPS,
    TIERS,
    UNKNOWN,
    TrustParams,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass
class History:
    """What troth knows, as column arrays. Person indices run 0..n_people-1; days are
    float days since 1970-01-01 (UTC)."""

    n_people: int
    ix_person: Ints
    ix_day: Floats
    ix_channel: Ints
    ix_initiator: Ints
    ix_minutes: Floats  # 0 when unknown
    fav_person: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    fav_day: Floats = field(default_factory=lambda: np.zeros(0))
    fav_gave: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    pr_person: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    pr_mine: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))
    pr_status: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    pr_made_day: Floats = field(default_factory=lambda: np.zeros(0))
    pr_due_day: Floats = field(default_factory=lambda: np.zeros(0))  # nan: no due date
    pr_changed_day: Floats = field(default_factory=lambda: np.zeros(0))  # nan: unchanged
    knows_count: Ints | None = None  # links from each person to others in the network
    closeness: Ints | None = None  # owner's 1-5 rating, 0 when not rated
    # How each person handled introductions: answered, followed up, thanked (good)
    # or went silent, never followed up (not good); one row per such step.
    intro_person: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    intro_day: Floats = field(default_factory=lambda: np.zeros(0))
    intro_good: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, bool))

    @classmethod
    def empty(cls, n_people: int) -> History:
        z = np.zeros(0)
        zi = np.zeros(0, np.int64)
        return cls(n_people, zi, z, zi, zi, z)


@dataclass
class Features:
    n_meetings: Floats
    n_calls: Floats
    n_written: Floats  # emails and messages
    n_events: Floats
    n_total: Floats
    hours: Floats
    first_day: Floats  # nan when never
    last_day: Floats  # last contact of any kind
    last_two_way_day: Floats
    two_way: NDArray[np.bool_]
    frequency: Floats  # decayed, channel-weighted count (short memory)
    history: Floats  # the same with the long memory
    them_started: Floats
    me_started: Floats
    gave: Floats
    got: Floats
    their_kept: Floats
    their_broken: Floats
    their_late: Floats
    my_kept: Floats
    my_broken: Floats
    my_late: Floats
    intro_good: Floats  # introduction steps they answered, followed up or thanked
    intro_bad: Floats  # introduction steps they let drop
    mutual: Floats
    closeness: Floats
    recent: Floats  # contacts decayed with a 30-day half-life (activity)
    months_active: Floats  # 30-day spans of the last 360 days with contact (activity)
    lasting: Floats  # contacts decayed with a 365-day half-life (activity)
    spans_active: Floats  # 5-day spans of the last 90 days with contact (activity)
    days_active: Floats  # distinct days with contact, ever (activity's rhythm)
    # the last day they were on a message someone else sent to you both (activity's
    # co_since_contact; nan when never)
    co_last_day: Floats


@dataclass
class TrustResult:
    as_of_day: float
    score: Floats  # 0-100
    tier: Ints  # index into TIERS
    parts: dict[str, Floats]  # each part 0-1, before weighting
    features: Features
    # How likely any contact is within 90 days, 0-100 (troth.trust.activity): the
    # second question, beside trust's "would they vouch for me?"; 0 when never in touch.
    activity: Floats


def _count(idx: Ints, n: int, weights: Floats | None = None) -> Floats:
    return np.bincount(idx, weights=weights, minlength=n).astype(np.float64)[:n]


def _group_max(idx: Ints, values: Floats, n: int) -> Floats:
    out = np.full(n, -np.inf)
    np.maximum.at(out, idx, values)
    out[np.isinf(out)] = np.nan
    return out


def _group_or(idx: Ints, bits: Ints, n: int) -> Ints:
    out = np.zeros(n, np.int64)
    np.bitwise_or.at(out, idx, bits)
    return out


def _count_distinct(idx: Ints, values: Ints, n: int) -> Floats:
    """Distinct values per group (values are whole days back: 0 <= v < 1,000,000)."""
    pairs = np.unique(idx * 1_000_000 + values)
    return _count(pairs // 1_000_000, n)


def _group_min(idx: Ints, values: Floats, n: int) -> Floats:
    out = np.full(n, np.inf)
    np.minimum.at(out, idx, values)
    out[np.isinf(out)] = np.nan
    return out


def memory_of(p: TrustParams) -> tuple[tuple[float, ...], float, float]:
    """The parameters a summary's decayed sums were taken with."""
    return (tuple(p.channel_weight), p.half_life_days, p.long_half_life_days)


# Contacts fields that add up across periods as they are.
COUNTED = (
    "n_meetings",
    "n_calls",
    "n_written",
    "n_events",
    "n_total",
    "them_started",
    "me_started",
    "minutes",
    "days",
)


@dataclass
class Contacts:
    """Interactions summed per person (rows) and period (columns): each array is
    [n_people, n_periods].

    Period k holds the events dated in (cuts[k-1], cuts[k]] (period 0: up to
    cuts[0]); events after the last cut are left out. "As of cuts[k]" combines
    periods 0..k, so one pass over the interactions scores today and the trends
    (today-30, today-90) alike. The decayed sums are sum(w * 2**((day - ref_day) / hl))
    for each half-life hl: relative to one reference day so that an earlier as-of
    only rescales them (see `upto`)."""

    cuts: Floats  # ascending engine days
    ref_day: float
    memory: tuple[tuple[float, ...], float, float]  # memory_of() the params used
    n_meetings: Floats
    n_calls: Floats
    n_written: Floats  # emails and messages
    n_events: Floats
    n_total: Floats
    them_started: Floats
    me_started: Floats
    minutes: Floats  # of meetings and calls
    first_day: Floats  # nan when none in the period
    last_day: Floats
    last_two_way_day: Floats
    frequency: Floats  # decayed with the short half-life, relative to ref_day
    history: Floats  # the same with the long half-life
    # For activity (troth.trust.activity): contacts decayed with a 30-day half-life,
    # unweighted, relative to ref_day; and the 30-day spans back from ref_day that
    # had contact, as bits (activity.month_bits), OR-ed.
    recent: Floats
    months: Ints
    # The same with a 365-day half-life, and 5-day spans as bits (activity.span_bits).
    lasting: Floats
    spans: Ints
    # Distinct days with contact, counted as whole days back from ref_day (calendar
    # days when the cuts are midnights, as the app's are: a day then never straddles
    # two periods, so the periods' counts add up).
    days: Floats
    # The last day, at or before each cut (not per period: the latest so far), that
    # the person was on a message someone else sent to the owner and them
    # (troth.trust.summary.co_last_days); nan when never.
    co_last_day: Floats

    def upto(self, as_of_day: float, p: TrustParams) -> dict[str, Floats]:
        """Each person's totals as of one of the cuts (1-D arrays)."""
        if self.memory != memory_of(p):
            raise ValueError("these contacts were summed with other weights or half-lives")
        hits = np.flatnonzero(self.cuts == as_of_day)
        if not len(hits):
            raise ValueError(f"day {as_of_day} is not one of the summary's cuts {self.cuts}")
        k = int(hits[0]) + 1  # periods 0..hits[0]
        total = {name: getattr(self, name)[:, :k].sum(axis=1) for name in COUNTED}
        # fmin/fmax skip nan (an empty period) without warnings; all-nan stays nan.
        total["first_day"] = np.fmin.reduce(self.first_day[:, :k], axis=1)
        total["last_day"] = np.fmax.reduce(self.last_day[:, :k], axis=1)
        total["last_two_way_day"] = np.fmax.reduce(self.last_two_way_day[:, :k], axis=1)
        # 2**((day - ref) / hl) * 2**((ref - as_of) / hl) == 2**((day - as_of) / hl);
        # the factor is exactly 1 when as_of is the reference day.
        back = self.ref_day - as_of_day
        total["frequency"] = self.frequency[:, :k].sum(axis=1) * np.exp2(back / p.half_life_days)
        total["history"] = self.history[:, :k].sum(axis=1) * np.exp2(back / p.long_half_life_days)
        total["recent"] = self.recent[:, :k].sum(axis=1) * np.exp2(back / ACTIVITY_HALF_LIFE)
        bits = np.bitwise_or.reduce(self.months[:, :k], axis=1)
        total["months_active"] = months_from_bits(bits, back)
        total["lasting"] = self.lasting[:, :k].sum(axis=1) * np.exp2(back / ACTIVITY_LONG_HALF_LIFE)
        total["spans_active"] = spans_from_bits(
            np.bitwise_or.reduce(self.spans[:, :k], axis=1), back
        )
        total["co_last_day"] = np.fmax.reduce(self.co_last_day[:, :k], axis=1)
        return total


def as_cuts(days: Sequence[float] | Floats) -> Floats:
    """Cut days as a summary takes them: one or more, strictly ascending."""
    cuts = np.asarray(days, dtype=np.float64).reshape(-1)
    if not len(cuts) or np.any(np.diff(cuts) <= 0):
        raise ValueError(f"cuts must be one or more ascending days, got {list(days)}")
    return cuts


def summarize(
    h: History,
    days: Sequence[float] | Floats,
    p: TrustParams = TrustParams(),
    co_last_day: Floats | None = None,
) -> Contacts:
    """The interactions in `h` as `Contacts`, cut at the given ascending days.
    `co_last_day` ([people, cuts]): the copies' days (`Contacts.co_last_day`),
    which a history does not hold; None: never."""
    cuts = as_cuts(days)
    keep = h.ix_day <= float(cuts[-1])
    day = h.ix_day[keep]
    return summarize_periods(
        h.n_people,
        cuts,
        h.ix_person[keep],
        day,
        # One bin per (person, period): the first cut on or after the day.
        np.searchsorted(cuts, day, side="left"),
        h.ix_channel[keep],
        h.ix_initiator[keep],
        h.ix_minutes[keep],
        p,
        co_last_day,
    )


def summarize_periods(
    n: int,
    cuts: Floats,
    person: Ints,
    day: Floats,
    period: Ints,
    channel: Ints,
    initiator: Ints,
    minutes: Floats,
    p: TrustParams = TrustParams(),
    co_last_day: Floats | None = None,
) -> Contacts:
    """`summarize` of interaction columns whose period (the index of the first cut
    on or after each day, none after the last cut) is already known: a full
    recompute reads the recent rows with their periods from the database, which
    compares the instants as stored (`troth.trust.summary`)."""
    m = len(cuts)
    ref = float(cuts[-1])
    group = person * m + period
    size = n * m

    def count(mask: NDArray[np.bool_] | None = None, weights: Floats | None = None) -> Floats:
        if mask is None:
            return _count(group, size, weights).reshape(n, m)
        return _count(group[mask], size, None if weights is None else weights[mask]).reshape(n, m)

    weight = np.asarray(p.channel_weight)[channel]
    # Meetings, calls and events are two-way by nature; a written note is two-way
    # only when they wrote (one-way contact is no relationship, anchors.md).
    mutual_contact = (
        (channel == MEETING) | (channel == CALL) | (channel == EVENT) | (initiator == THEM)
    )
    spoken = (channel == MEETING) | (channel == CALL)
    return Contacts(
        cuts=cuts,
        ref_day=ref,
        memory=memory_of(p),
        n_meetings=count(channel == MEETING),
        n_calls=count(channel == CALL),
        n_written=count((channel == EMAIL) | (channel == MESSAGE)),
        n_events=count(channel == EVENT),
        n_total=count(),
        them_started=count(initiator == THEM),
        me_started=count(initiator == ME),
        minutes=count(spoken, minutes),
        first_day=_group_min(group, day, size).reshape(n, m),
        last_day=_group_max(group, day, size).reshape(n, m),
        last_two_way_day=_group_max(group[mutual_contact], day[mutual_contact], size).reshape(n, m),
        frequency=count(None, weight * np.exp2((day - ref) / p.half_life_days)),
        history=count(None, weight * np.exp2((day - ref) / p.long_half_life_days)),
        recent=count(None, np.exp2((day - ref) / ACTIVITY_HALF_LIFE)),
        months=_group_or(group, month_bits(ref - day), size).reshape(n, m),
        lasting=count(None, np.exp2((day - ref) / ACTIVITY_LONG_HALF_LIFE)),
        spans=_group_or(group, span_bits(ref - day), size).reshape(n, m),
        days=_count_distinct(group, np.floor(ref - day).astype(np.int64), size).reshape(n, m),
        co_last_day=np.full((n, m), np.nan) if co_last_day is None else co_last_day,
    )


def features(
    h: History,
    as_of_day: float,
    p: TrustParams = TrustParams(),
    contacts: Contacts | None = None,
) -> Features:
    """Features as of a day. Interactions come from `contacts` when given (as_of_day
    must then be one of its cuts), else from the history's own event arrays."""
    n = h.n_people
    c = (contacts if contacts is not None else summarize(h, [as_of_day], p)).upto(as_of_day, p)
    if len(c["n_total"]) != n:
        raise ValueError(f"contacts cover {len(c['n_total'])} people, the history {n}")

    fav = h.fav_day <= as_of_day
    made = h.pr_made_day <= as_of_day
    # A promise's outcome only counts once it was known; before that it was open.
    settled = made & (h.pr_changed_day <= as_of_day)
    status = np.where(settled, h.pr_status, OPEN)
    late = settled & (status == KEPT) & (h.pr_changed_day > h.pr_due_day + 1)
    overdue_open = made & (status == OPEN) & (h.pr_due_day < as_of_day)
    theirs = made & ~h.pr_mine
    mine = made & h.pr_mine
    # An open promise long past its due date counts against its maker like a broken one.
    failed = (status == BROKEN) | (overdue_open & (as_of_day - h.pr_due_day > 30))

    return Features(
        n_meetings=c["n_meetings"],
        n_calls=c["n_calls"],
        n_written=c["n_written"],
        n_events=c["n_events"],
        n_total=c["n_total"],
        hours=c["minutes"] / 60.0,
        first_day=c["first_day"],
        last_day=c["last_day"],
        last_two_way_day=c["last_two_way_day"],
        two_way=~np.isnan(c["last_two_way_day"]),
        frequency=c["frequency"],
        history=c["history"],
        them_started=c["them_started"],
        me_started=c["me_started"],
        gave=_count(h.fav_person[fav & h.fav_gave], n),
        got=_count(h.fav_person[fav & ~h.fav_gave], n),
        their_kept=_count(h.pr_person[theirs & (status == KEPT)], n),
        their_broken=_count(h.pr_person[theirs & failed], n),
        their_late=_count(h.pr_person[theirs & late], n),
        my_kept=_count(h.pr_person[mine & (status == KEPT)], n),
        my_broken=_count(h.pr_person[mine & failed], n),
        my_late=_count(h.pr_person[mine & late], n),
        intro_good=_count(h.intro_person[(h.intro_day <= as_of_day) & h.intro_good], n),
        intro_bad=_count(h.intro_person[(h.intro_day <= as_of_day) & ~h.intro_good], n),
        mutual=(h.knows_count.astype(np.float64) if h.knows_count is not None else np.zeros(n)),
        closeness=(h.closeness.astype(np.float64) if h.closeness is not None else np.zeros(n)),
        recent=c["recent"],
        months_active=c["months_active"],
        lasting=c["lasting"],
        spans_active=c["spans_active"],
        days_active=c["days"],
        co_last_day=c["co_last_day"],
    )


def _saturate(x: Floats, scale: float) -> Floats:
    """0 at 0, about 0.63 at `scale`, approaching 1: more always helps, less and less."""
    return 1.0 - np.exp(-np.maximum(x, 0.0) / scale)


def parts(f: Features, as_of_day: float, p: TrustParams = TrustParams()) -> dict[str, Floats]:
    known_days = np.nan_to_num(as_of_day - f.first_day, nan=0.0)
    started = f.them_started + f.me_started
    # Balanced initiation (both reach out) is reciprocity; all one way is not.
    share_them = np.divide(f.them_started, started, out=np.zeros_like(started), where=started > 0)
    initiation = 1.0 - np.abs(share_them - 0.5) * 2.0
    exchanged = f.gave + f.got
    balance = np.divide(
        np.minimum(f.gave, f.got) + 0.5 * np.minimum(exchanged, 1.0),
        np.maximum(f.gave, f.got) + 0.5,
        out=np.zeros_like(exchanged),
        where=exchanged > 0,
    )
    reciprocity = np.clip(
        0.5 * initiation * _saturate(started, 5.0)
        + 0.5 * np.clip(balance, 0, 1) * _saturate(exchanged, 2.0),
        0,
        1,
    )
    # Closing the loop on an introduction is follow-through like a kept promise;
    # ignoring one is like a broken one (issue 5).
    kept = f.their_kept + f.my_kept + f.intro_good
    broken = f.their_broken + f.my_broken + f.intro_bad
    # Laplace-smoothed keep rate: no record is neutral (0.5), not perfect.
    reliability = (kept + 1.0) / (kept + broken + 2.0)
    return {
        "frequency": _saturate(f.frequency, 1.0),
        # The first few contacts say the most; more add less and less.
        "history": _saturate(f.history, 2.0),
        "hours": _saturate(f.hours, p.hours_scale),
        "duration": np.clip(known_days / p.duration_scale_days, 0.0, 1.0) * (f.n_total > 1),
        "reciprocity": reciprocity,
        "reliability": reliability,
        "mutual": _saturate(f.mutual, 4.0),
    }


def _weights(p: TrustParams) -> dict[str, float]:
    return {
        "frequency": p.w_frequency,
        "history": p.w_history,
        "hours": p.w_hours,
        "duration": p.w_duration,
        "reciprocity": p.w_reciprocity,
        "reliability": p.w_reliability,
        "mutual": p.w_mutual,
    }


def assign_tiers(
    score: Floats, f: Features, pt: dict[str, Floats], as_of_day: float, p: TrustParams
) -> Ints:
    """Dunbar layers by rank *and* by score: the 6th-best tie is not "inner" however
    strong, and a weak tie is not "close" just because the network is small."""
    n = len(score)
    silent = np.nan_to_num(as_of_day - f.last_two_way_day, nan=np.inf)
    # Strong once, silent for months: dormant, worth reconnecting (Levin et al. 2011).
    # Friendships fade "within a matter of a few months" without contact (Roberts &
    # Dunbar, anchors.md): a once-strong tie silent for longer than that is dormant.
    gone_quiet = f.two_way & (silent > p.dormant_after_days)
    # Once warm (by its score or its long memory), now quiet: dormant. A quiet tie
    # below the network floor is an acquaintance, as its score says, so every tier
    # but "dormant" is one band of scores (issue 18: tiers agree with scores).
    dormant = gone_quiet & (
        (pt["history"] >= p.dormant_history) | (score >= p.tier_floors[NETWORK])
    )
    eligible = f.two_way & ~gone_quiet
    order = np.argsort(-np.where(eligible, score, -1.0), kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    by_rank = np.searchsorted(np.asarray(TIER_CAPS), rank, side="right")
    floors = -np.asarray(p.tier_floors)  # ascending for searchsorted
    by_score = np.searchsorted(floors, -score, side="left")
    tier = np.maximum(by_rank, by_score).astype(np.int64)  # 4 == ACQUAINTANCE
    # A tie silent that long is no longer an active layer, whatever its past score.
    tier[gone_quiet] = ACQUAINTANCE
    tier[dormant] = DORMANT
    tier[~f.two_way] = STRANGER
    return tier


def compute(
    h: History,
    as_of_day: float,
    p: TrustParams = TrustParams(),
    contacts: Contacts | None = None,
) -> TrustResult:
    """Scores and tiers as of a day; `contacts` as in `features`."""
    f = features(h, as_of_day, p, contacts)
    pt = parts(f, as_of_day, p)
    raw = sum(w * pt[k] for k, w in _weights(p).items())
    rated = f.closeness > 0
    rating = np.where(rated, (f.closeness - 1) / 4, 0.0)
    calibrated = np.where(rated, (1 - p.closeness_blend) * raw + p.closeness_blend * rating, raw)
    score = np.where(f.two_way, 100.0 * calibrated, 0.0)
    # Without two-way contact there is no relationship yet (one-way contact counts as
    # none, anchors.md), but not every such tie is a stranger: what the owner said
    # (their rating), favours traded and people in common leave a trace. Shares of
    # the full scale, tuned on simulated networks (seeds 1-5), checked on others.
    one_way_share, rated_share, traded_share = 0.1, 0.5, 0.1
    trace = (
        one_way_share * pt["frequency"]
        + rated_share * rating
        + traded_share * 0.5 * (pt["reciprocity"] + pt["mutual"])
    )
    score = np.where(f.two_way, score, 100.0 * trace)
    score = np.round(np.clip(score, 0.0, 100.0), 1)
    tier = assign_tiers(score, f, pt, as_of_day, p)
    return TrustResult(
        as_of_day=as_of_day,
        score=score,
        tier=tier,
        parts=pt,
        features=f,
        activity=activity_of(f, as_of_day),
    )


def activity_of(f: Features, as_of_day: float) -> Floats:
    """The activity model (troth.trust.activity) on what the summary holds, 0-100."""
    x = app_inputs(
        f.n_total,
        f.first_day,
        f.last_day,
        f.recent,
        f.lasting,
        f.months_active,
        f.spans_active,
        f.days_active,
        co_last_day=f.co_last_day,
    )
    out = np.zeros(len(f.n_total))
    seen = f.n_total > 0
    if seen.any():
        m = shipped_model()
        X = m.features(x, as_of_day)
        out[seen] = 100.0 * m.probability(X[seen])
    return np.round(out, 1)
