"""Activity: how likely are we to be in touch again in the next 90 days? (pure: numpy only)

This is the first of troth's two questions (the second, "would they vouch for me?",
is the trust score in `engine`). It is a logistic regression fitted on a real
message log by `bench/fit_activity.py` (scikit-learn, at development time only);
the package ships its coefficients in `activity_model.json` and evaluates them here
with numpy. The features are the ones the tie-strength literature names (anchors.md):
decayed counts (edge weight), days since the last contact in each direction,
reciprocity, replies, tie age, the rhythm of contact, and how many others each
message went to; and one that is itself a small fitted model, `rhythm_chance`
(BG/NBD, from marketing's "will this customer buy again?"), whose four parameters
ship beside the coefficients. Every feature is a plain number a sentence can state, and the
reasons troth prints are each feature's share of the model's log-odds.

Inputs come as `ActivityInputs`, per tie sums that both a message log
(`from_events`) and the database (`troth.trust.summary`) produce.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

# The half-lives of the decayed counts, in days; the fitted model names the ones it uses.
HALF_LIVES = (30.0, 90.0, 365.0)
# A reply is the other side writing back within this many days.
REPLY_DAYS = 7.0
HORIZON_DAYS = 90
# "Months with contact": distinct 30-day spans counted back from the day, over 12 spans.
MONTH_DAYS, MONTHS = 30.0, 12
# Spans a summary keeps as bits: 12 months as of any day up to 90 days back (the trends).
MASK_SPANS = MONTHS + 4
# "Spans with contact" at a finer grain: distinct 5-day spans of the last 90 days. Five
# days, not a week, because the trends look back 30 and 90 days, whole numbers of
# spans, so one set of bits counted from today serves all three days (as months do).
# Measured on the real log, 5-day spans read as well as 7-day weeks (bench/fit_activity.py).
SPAN_DAYS, SPANS = 5.0, 18
SPAN_BITS = SPANS + 18  # 90 days of trend back: 36 bits, a BIGINT in the database
# What the database summary (troth.trust.summary) provides for the app's own ties:
# a shipped model must use only these (tests hold it to that). Recipients per
# message, replies and the owner's pace are known only in a message log; the copies
# (co_since_contact) the app reads from importers.MessageParticipant.
APP_FEATURES = (
    "rhythm_odds",
    "log_decayed_30",
    "log_decayed_365",
    "log_months_active",
    "log_spans_active",
    "overdue",
    "co_since_contact",
)
# Initiator codes as in engine.INITIATORS (kept here so this module stands alone).
ME, THEM, UNKNOWN = 0, 1, 2


@dataclass
class ActivityInputs:
    """Per tie sums as of one day (1-D arrays, one entry per tie)."""

    n_total: Floats
    n_me: Floats  # contacts I started (or two-way ones: meetings, calls)
    n_them: Floats  # contacts they started (or two-way ones)
    decayed: dict[float, Floats]  # half-life -> sum of 2**(-(as_of - day) / hl)
    first_day: Floats  # nan when never
    last_day: Floats
    last_me_day: Floats
    last_them_day: Floats
    replies: Floats  # contacts that answered the other side's within REPLY_DAYS
    # Sum over contacts of log2 of the message's recipients (0: one-to-one); the
    # app does not know how many others a message went to and gives 0.
    crowd: Floats
    direct: Floats  # decayed like decayed[90], each contact weighted 1 / its recipients
    months_active: Floats  # distinct 30-day spans of the last 360 days with contact
    weeks_active: Floats  # distinct 7-day spans of the last 13 weeks with contact
    days_active: Floats  # distinct days with contact, ever
    spans_active: Floats  # distinct SPAN_DAYS spans of the last 90 days with contact
    # The owner's own pace, the same for all their ties: decayed[30] summed over
    # every tie of the owner, and days since their last contact with anyone.
    owner_decayed: Floats
    owner_last_day: Floats
    # The last day the person was on a message someone else sent to both of you (with
    # 2 to 10 people on it besides you: what the mail import keeps as
    # importers.MessageParticipant); nan when never. Not a contact between the two of
    # you, but a sign the person is still around (issue 16: someone who left vanishes
    # from everything). A log computes it (persistence.pairs_as_of), the app from
    # importers.MessageParticipant (summary.co_last_days). None: unknown, and the
    # feature is nan.
    co_last_day: Floats | None = None


def _days(count: float) -> str:
    """'1 day', '12 days' ("Silent for 1 days" in issue 18's review)."""
    n = round(count)
    return f"{n:.0f} day{'' if n == 1 else 's'}"


def _ago(since: float) -> str:
    """'today', '1 day ago', '12 days ago': whole days, as `troth ready` counts them
    ("the last 0 days ago" in a newcomer's review)."""
    n = math.floor(since)
    return "today" if n <= 0 else f"{_days(n)} ago"


def from_events(
    tie: Ints,
    day: Floats,
    initiator: Ints,
    n_ties: int,
    as_of_day: float,
    recipients: Floats | None = None,
    two_way: NDArray[np.bool_] | None = None,
    owner_of_tie: Ints | None = None,
    full: bool = True,
    co_last_day: Floats | None = None,
) -> ActivityInputs:
    """Sums from events dated before `as_of_day` (strictly). `two_way` marks contacts
    that count for both directions (meetings and calls); `recipients` each message's
    number of recipients (default 1). `full=False` computes only what APP_FEATURES
    read (the rest is nan), which is all a shipped model needs and much faster.
    `co_last_day`: each tie's last copy of someone else's mail (`persistence` reads
    it from the log); events are no copies, so None means never (as `summarize`)."""
    if co_last_day is None:
        co_last_day = np.full(n_ties, np.nan)
    keep = day < as_of_day
    tie, day, initiator = tie[keep], day[keep], initiator[keep]
    rec = np.ones(len(day)) if recipients is None else recipients[keep]
    both = np.zeros(len(day), bool) if two_way is None else two_way[keep]
    mine = (initiator == ME) | both
    theirs = (initiator == THEM) | both

    def count(mask: NDArray[np.bool_] | None = None, w: Floats | None = None) -> Floats:
        t = tie if mask is None else tie[mask]
        ww = w if (w is None or mask is None) else w[mask]
        return np.bincount(t, weights=ww, minlength=n_ties).astype(np.float64)[:n_ties]

    def last(mask: NDArray[np.bool_]) -> Floats:
        out = np.full(n_ties, -np.inf)
        np.maximum.at(out, tie[mask], day[mask])
        out[np.isinf(out)] = np.nan
        return out

    first = np.full(n_ties, np.inf)
    np.minimum.at(first, tie, day)
    first[np.isinf(first)] = np.nan
    age = as_of_day - day
    span_mask = np.zeros(n_ties, np.int64)
    near = age < SPAN_DAYS * SPAN_BITS  # older contacts have no span bit: skip them (speed)
    np.bitwise_or.at(span_mask, tie[near], span_bits(age[near]))
    spans_active = spans_from_bits(span_mask, 0.0)
    # Distinct days with contact: whole days back from `as_of_day` (for a day at
    # midnight, as the app's cuts are, these are calendar days ending at midnight).
    days = np.unique(tie * 1_000_000 + np.floor(age).astype(np.int64))
    days_active = np.bincount(days // 1_000_000, minlength=n_ties).astype(np.float64)[:n_ties]
    if not full:
        bits = np.zeros(n_ties, np.int64)
        np.bitwise_or.at(bits, tie, month_bits(age))
        quick = app_inputs(
            count(),
            first,
            last(np.ones(len(day), bool)),
            count(None, np.exp2(-age / 30.0)),
            count(None, np.exp2(-age / 365.0)),
            months_from_bits(bits, 0.0),
            spans_active,
            days_active,
            co_last_day=co_last_day,
        )
        quick.decayed[90.0] = count(None, np.exp2(-age / 90.0))  # a baseline
        return quick
    # Replies: consecutive contacts of one tie, started by different sides, close in time.
    order = np.lexsort((day, tie))
    t_s, d_s, i_s = tie[order], day[order], initiator[order]
    answered = np.zeros(len(order), bool)
    if len(order) > 1:
        answered[1:] = (
            (t_s[1:] == t_s[:-1])
            & (i_s[1:] != i_s[:-1])
            & (i_s[1:] != UNKNOWN)
            & (d_s[1:] - d_s[:-1] <= REPLY_DAYS)
        )
    d30 = count(None, np.exp2(-age / 30.0))
    last_day = last(np.ones(len(day), bool))
    if owner_of_tie is None:
        owner_of_tie = np.zeros(n_ties, np.int64)
    n_own = int(owner_of_tie.max()) + 1 if n_ties else 1
    own_d = np.bincount(owner_of_tie, weights=d30, minlength=n_own).astype(np.float64)
    own_last = np.full(n_own, -np.inf)
    np.fmax.at(own_last, owner_of_tie, last_day)
    span = np.floor(age / MONTH_DAYS)
    recent = age < MONTH_DAYS * MONTHS
    spans = np.unique(tie[recent] * MONTHS + span[recent].astype(np.int64))
    wk = age < 91.0
    weeks = np.unique(tie[wk] * 13 + np.floor(age[wk] / 7.0).astype(np.int64))
    return ActivityInputs(
        n_total=count(),
        n_me=count(mine),
        n_them=count(theirs),
        decayed={hl: count(None, np.exp2(-age / hl)) for hl in HALF_LIVES},
        first_day=first,
        last_day=last_day,
        last_me_day=last(mine),
        last_them_day=last(theirs),
        replies=np.bincount(t_s[answered], minlength=n_ties).astype(np.float64)[:n_ties],
        crowd=count(None, np.log2(np.maximum(rec, 1.0))),
        direct=count(None, np.exp2(-age / 90.0) / np.maximum(rec, 1.0)),
        months_active=np.bincount(spans // MONTHS, minlength=n_ties).astype(np.float64)[:n_ties],
        weeks_active=np.bincount(weeks // 13, minlength=n_ties).astype(np.float64)[:n_ties],
        days_active=days_active,
        spans_active=spans_active,
        owner_decayed=own_d[owner_of_tie],
        owner_last_day=own_last[owner_of_tie],
        co_last_day=co_last_day,
    )


def app_inputs(
    n_total: Floats,
    first_day: Floats,
    last_day: Floats,
    decayed_30: Floats,
    decayed_365: Floats,
    months: Floats,
    spans: Floats,
    days: Floats,
    co_last_day: Floats | None = None,
) -> ActivityInputs:
    """Inputs from what the app's summary holds (APP_FEATURES need no more); the
    rest is left unknown (nan) so a model that needed it would say so in every score."""
    unknown = np.full(len(n_total), np.nan)
    return ActivityInputs(
        n_total=n_total,
        n_me=unknown,
        n_them=unknown,
        decayed={30.0: decayed_30, 90.0: unknown, 365.0: decayed_365},
        first_day=first_day,
        last_day=last_day,
        last_me_day=unknown,
        last_them_day=unknown,
        replies=unknown,
        crowd=unknown,
        direct=unknown,
        months_active=months,
        weeks_active=unknown,
        days_active=days,
        spans_active=spans,
        owner_decayed=unknown,
        owner_last_day=unknown,
        co_last_day=co_last_day,
    )


def month_bits(age: Floats) -> Ints:
    """Each contact's 30-day span counted back from a day, as one bit (0 when older
    than the spans kept); OR them per tie and `months_from_bits` counts the months."""
    span = np.floor(np.maximum(age, 0.0) / MONTH_DAYS).astype(np.int64)
    return np.where(span < MASK_SPANS, np.left_shift(1, np.minimum(span, MASK_SPANS - 1)), 0)


def months_from_bits(bits: Ints, back_days: float) -> Floats:
    """Months with contact as of `back_days` before the day the bits count from."""
    shift = int(np.floor(back_days / MONTH_DAYS))
    window = (np.right_shift(bits, shift)) & ((1 << MONTHS) - 1)
    counts = np.zeros(len(window), np.float64)
    for k in range(MONTHS):
        counts += (window >> k) & 1
    return counts


def span_bits(age: Floats) -> Ints:
    """As `month_bits`, for SPAN_DAYS spans (SPAN_BITS of them)."""
    span = np.floor(np.maximum(age, 0.0) / SPAN_DAYS).astype(np.int64)
    return np.where(span < SPAN_BITS, np.left_shift(1, np.minimum(span, SPAN_BITS - 1)), 0)


def spans_from_bits(bits: Ints, back_days: float) -> Floats:
    """SPAN_DAYS spans with contact among the SPANS before `back_days` before the day
    the bits count from (`back_days` a multiple of SPAN_DAYS, as the trends are)."""
    shift = int(np.floor(back_days / SPAN_DAYS))
    window = (np.right_shift(bits, shift)) & ((1 << SPANS) - 1)
    counts = np.zeros(len(window), np.float64)
    for k in range(SPANS):
        counts += (window >> k) & 1
    return counts


# The features, in the order of the model's coefficients, with what each says.
FEATURES: dict[str, str] = {
    "log_decayed_30": "contacts in the last weeks (30-day half-life)",
    "log_decayed_90": "contacts in the last months (90-day half-life)",
    "log_decayed_365": "contacts over the last years (365-day half-life)",
    "log_days_since": "days since the last contact",
    "log_days_since_me": "days since you last wrote",
    "log_days_since_them": "days since they last wrote",
    "never_me": "you never wrote",
    "never_them": "they never wrote",
    "reciprocity": "both of you write (the smaller side's share)",
    "reply_share": "share of contacts that answered the other",
    "log_tie_age": "how long you have known each other",
    "overdue": "silence against your usual rhythm",
    "single": "only one contact so far",
    "crowd": "messages went to many people at once",
    "log_direct_90": "contacts addressed to few people (90-day half-life)",
    "log_months_active": "months of the last year with contact",
    "log_weeks_active": "weeks of the last quarter with contact",
    "log_days_active": "days with contact, ever",
    "log_spans_active": "5-day spans of the last 90 days with contact",
    "log_owner_pace": "how much you are in touch with anyone lately",
    "log_owner_since": "days since you were last in touch with anyone",
    "rhythm_odds": "on how many days you have been in touch, over how long, and the silence since",
    "co_since_contact": "days they were seen on others' mail with you after your last contact",
}

# The names of `rhythm_chance`'s parameters in activity_model.json ("rhythm").
RHYTHM_PARAMS = ("r", "alpha", "a", "b")


def rhythm_chance(
    n_days: Floats,
    first_day: Floats,
    last_day: Floats,
    as_of_day: float | Floats,
    params: Sequence[float],
    horizon: float = HORIZON_DAYS,
) -> Floats:
    """The chance of any contact within `horizon` days by the BG/NBD model of repeat
    contact (Fader, Hardie & Lee 2005, "Counting your customers the easy way"; a
    tie is a customer, a day with contact a purchase): while a tie lives, days with
    contact come at a steady rate that differs between ties (gamma-distributed, shape
    r and rate alpha); after each such day the tie may end for good (chance
    beta-distributed, a and b). From its n days with contact, the days from the first
    contact to the last (t) and from the first to now (T), a tie is still alive with
    chance 1 / (1 + a / (b + n - 2) * ((alpha + T) / (alpha + t)) ** (r + n - 1)) (a
    single day of contact is alive for sure), and a living tie with its rate's posterior
    Gamma(r + n - 1, alpha + T) writes within h days with chance
    1 - ((alpha + T) / (alpha + T + h)) ** (r + n - 1). The product is the chance.

    Why it carries where plain features did not (bench/fit_activity.py): it weighs
    the silence against the tie's own pace, and its four numbers fitted on the log's
    first months are close to those fitted on its last. It counts days, not
    messages, because the model's contacts are independent events: a thread of five
    messages in one afternoon is one contact in a tie's rhythm, not five."""
    r, alpha, a, b = (float(v) for v in params)
    x = np.maximum(n_days - 1.0, 0.0)  # repeat days with contact
    big_t = np.maximum(np.nan_to_num(as_of_day - first_day, nan=0.0), 0.0)
    t = np.clip(np.nan_to_num(last_day - first_day, nan=0.0), 0.0, big_t)
    silence = (r + x) * (np.log(alpha + big_t) - np.log(alpha + t))
    # the odds that the tie has ended, in logs (a long silence overflows them otherwise)
    log_odds_gone = np.log(a) - np.log(b + np.maximum(x - 1.0, 0.0)) + silence
    alive = np.where(x > 0, np.exp(-np.logaddexp(0.0, log_odds_gone)), 1.0)
    writes = -np.expm1((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + horizon)))
    return alive * writes


def rhythm_log_odds(
    n_days: Floats,
    first_day: Floats,
    last_day: Floats,
    as_of_day: float | Floats,
    params: Sequence[float],
) -> Floats:
    """The "rhythm_odds" feature: `rhythm_chance` as log-odds (clipped away from 0 and 1).
    bench/fit_activity.py calls this same function, so the fit and the app read the
    rhythm one way."""
    p = np.clip(rhythm_chance(n_days, first_day, last_day, as_of_day, params), 1e-9, 1.0 - 1e-9)
    return np.asarray(np.log(p) - np.log1p(-p), dtype=np.float64)


def features(
    x: ActivityInputs,
    as_of_day: float,
    names: Sequence[str] | None = None,
    rhythm: Sequence[float] | None = None,
) -> Floats:
    """The model's inputs, one row per tie, columns `names` (default: all FEATURES, in
    order). Never-contacted ties get the values of a single contact long ago; callers
    score only ties with some contact. `rhythm`: the fitted parameters of
    `rhythm_chance` (without them its column is nan)."""
    n = np.maximum(x.n_total, 1.0)

    def age() -> Floats:
        return np.nan_to_num(as_of_day - x.first_day, nan=3650.0)

    def since() -> Floats:
        return np.nan_to_num(as_of_day - x.last_day, nan=3650.0)

    def since_side(last: Floats) -> Floats:
        return np.maximum(np.where(np.isnan(last), age(), as_of_day - last), 0.0)

    def overdue() -> Floats:
        # The usual gap between contacts; a single contact has none.
        gap = (x.last_day - x.first_day) / np.maximum(x.n_total - 1, 1)
        gap = np.nan_to_num(np.where(x.n_total > 1, gap, 0.0), nan=0.0)
        return np.where(x.n_total > 1, np.log1p(since()) - np.log1p(gap), 0.0)

    def rhythm_odds() -> Floats:
        if rhythm is None:
            return np.full(len(x.n_total), np.nan)
        # The rhythm counts days with contact, not messages: five messages on one day
        # are one contact in a tie's rhythm (a thread is not five meetings).
        return rhythm_log_odds(x.days_active, x.first_day, x.last_day, as_of_day, rhythm)

    def co_since_contact() -> Floats:
        # how much later than the last contact they were last seen on mail with you
        # (0 when not since, or never): log1p of the days
        if x.co_last_day is None:
            return np.full(len(x.n_total), np.nan)
        later = np.nan_to_num(x.co_last_day - x.last_day, nan=0.0)
        return np.log1p(np.maximum(later, 0.0))

    cols: dict[str, Callable[[], Floats]] = {
        "log_decayed_30": lambda: np.log1p(x.decayed[30.0]),
        "log_decayed_90": lambda: np.log1p(x.decayed[90.0]),
        "log_decayed_365": lambda: np.log1p(x.decayed[365.0]),
        "log_days_since": lambda: np.log1p(since()),
        "log_days_since_me": lambda: np.log1p(since_side(x.last_me_day)),
        "log_days_since_them": lambda: np.log1p(since_side(x.last_them_day)),
        "never_me": lambda: np.isnan(x.last_me_day).astype(np.float64),
        "never_them": lambda: np.isnan(x.last_them_day).astype(np.float64),
        "reciprocity": lambda: np.minimum(x.n_me, x.n_them) / n,
        "reply_share": lambda: x.replies / n,
        "log_tie_age": lambda: np.log1p(np.maximum(age(), 0.0)),
        "overdue": overdue,
        "single": lambda: (x.n_total <= 1).astype(np.float64),
        "crowd": lambda: x.crowd / n,
        "log_direct_90": lambda: np.log1p(x.direct),
        "log_months_active": lambda: np.log1p(x.months_active),
        "log_weeks_active": lambda: np.log1p(x.weeks_active),
        "log_days_active": lambda: np.log1p(x.days_active),
        "log_spans_active": lambda: np.log1p(x.spans_active),
        "log_owner_pace": lambda: np.log1p(x.owner_decayed),
        "log_owner_since": lambda: np.log1p(
            np.nan_to_num(as_of_day - x.owner_last_day, nan=3650.0)
        ),
        "rhythm_odds": rhythm_odds,
        "co_since_contact": co_since_contact,
    }
    wanted = list(FEATURES) if names is None else list(names)
    out = np.empty((len(x.n_total), len(wanted)))
    for j, name in enumerate(wanted):
        out[:, j] = cols[name]()
    return out


# A feature whose term moves the log-odds by less than this (under 1% of the chance
# near the middle) is left out of the reasons: the shipped fit gives the long memory
# and the 5-day spans small weights, and "raises the chance" should mean it does.
NEGLIGIBLE = 0.05


@dataclass(frozen=True)
class Model:
    names: tuple[str, ...]
    mean: Floats
    scale: Floats
    coef: Floats  # per standardised feature
    intercept: float
    meta: dict[str, object]
    # `rhythm_chance`'s fitted (r, alpha, a, b) when the model reads "rhythm_odds"
    rhythm: tuple[float, ...] | None = None

    def features(self, x: ActivityInputs, as_of_day: float) -> Floats:
        return features(x, as_of_day, self.names, self.rhythm)

    def log_odds(self, X: Floats) -> Floats:
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, X: Floats) -> Floats:
        return 1.0 / (1.0 + np.exp(-self.log_odds(X)))

    def contributions(self, X: Floats) -> Floats:
        """Each feature's share of the log-odds against the average tie in the
        fitting data (they sum to log_odds - intercept)."""
        return ((X - self.mean) / self.scale) * self.coef


def model_from_dict(d: dict) -> Model:
    names = tuple(d["features"])
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"the activity model uses unknown features {unknown}")
    rhythm = d.get("rhythm")
    if "rhythm_odds" in names and rhythm is None:
        raise ValueError("the activity model reads rhythm_odds but has no rhythm parameters")
    return Model(
        names=names,
        mean=np.asarray(d["mean"], dtype=np.float64),
        scale=np.asarray(d["scale"], dtype=np.float64),
        coef=np.asarray(d["coef"], dtype=np.float64),
        intercept=float(d["intercept"]),
        meta={k: v for k, v in d.items() if k not in ("mean", "scale", "coef", "intercept")},
        rhythm=None if rhythm is None else tuple(float(rhythm[k]) for k in RHYTHM_PARAMS),
    )


@functools.cache
def shipped_model() -> Model:
    text = resources.files("troth.trust").joinpath("activity_model.json").read_text("utf-8")
    return model_from_dict(json.loads(text))


def activity(x: ActivityInputs, as_of_day: float, m: Model | None = None) -> Floats:
    """Probability (0-1) of any contact within HORIZON_DAYS after `as_of_day`."""
    m = m or shipped_model()
    return m.probability(m.features(x, as_of_day))


# Which way more of a feature moves the chance on its own, read plainly: more contact,
# a likelier rhythm, being seen on others' mail raise it; more silence against the rhythm
# lowers it. A fitted coefficient against this is a partial effect (below).
NATURAL = {"overdue": -1.0}
# Features that count contact which another feature also counts: fitted beside it, their
# own coefficient can run against NATURAL (the shipped spans term is negative), and
# alone their term would read "in touch in 0 of the last 18 spans: raises the chance"
# (issue 16's newcomer). Such a term is read together with its partner's, as one reason
# whose direction is the two terms' sum: what moving both from the typical tie's values
# to this tie's does to the model's log-odds.
COUNTED_WITH_OTHERS = frozenset({"log_months_active", "log_spans_active"})
PARTNERS = {"log_spans_active": "log_decayed_30", "log_months_active": "log_decayed_365"}


def _pct(p: float) -> str:
    """A chance as a reader compares two of them: '3.5%' under 10%, else '42%'."""
    return f"{p:.1%}" if p < 0.095 else f"{p:.0%}"


def _typical(m: Model, name: str) -> float:
    """The typical tie's value of a feature (the fitting data's mean), in the feature's
    own units: the reference each reason's direction is measured from."""
    mean = float(m.mean[m.names.index(name)])
    if name == "rhythm_odds":
        return 1.0 / (1.0 + math.exp(-mean))
    return math.expm1(mean) if name.startswith("log_") or name == "co_since_contact" else mean


def reason_groups(m: Model, n_total: float) -> list[tuple[str, ...]]:
    """The features each reason reads, the first of each group naming it: a partial
    feature (against NATURAL, see PARTNERS) goes with its partner, and a feature that
    is absent for this tie (the silence against a rhythm, for a single contact: the
    model reads 0, which is no fact about the tie) gives no reason."""
    groups: dict[str, list[str]] = {}
    for j, name in enumerate(m.names):
        if name == "overdue" and n_total <= 1:
            continue
        partner = PARTNERS.get(name)
        against = float(np.sign(m.coef[j])) != NATURAL.get(name, 1.0)
        if partner in m.names and against:
            groups.setdefault(partner, [partner]).append(name)
        else:
            groups.setdefault(name, [name])
    return [tuple(g) for g in groups.values()]


def reasons(
    n_total: float,
    first_day: float,
    last_day: float,
    decayed_30: float,
    decayed_365: float,
    months: float,
    spans: float,
    as_of_day: float,
    m: Model | None = None,
    *,
    days: float,
    co_last_day: float = math.nan,
) -> list[str]:
    """One tie's activity in words: each reason the model gives, what it is for this
    tie, and whether it raises or lowers the chance against a typical tie of those the
    model was fitted on: the sign of the change in the model's log-odds when the
    reason's features move from the typical tie's values to this tie's (their terms),
    strongest first. A pair read together (PARTNERS) gives a reason only when its first
    feature's own term is not negligible and has that sign. `days`: the distinct days with contact, which the rhythm counts;
    `co_last_day`: the last day they were on someone else's message to you both (nan:
    never)."""
    if n_total <= 0:
        return ["Never in touch: no chance to read yet"]
    m = m or shipped_model()
    x = app_inputs(
        np.asarray([n_total]),
        np.asarray([first_day]),
        np.asarray([last_day]),
        np.asarray([decayed_30]),
        np.asarray([decayed_365]),
        np.asarray([months]),
        np.asarray([spans]),
        np.asarray([days]),
        co_last_day=np.asarray([co_last_day]),
    )
    X = m.features(x, as_of_day)
    terms = m.contributions(X)[0]
    since = as_of_day - last_day
    # the usual gap between days with contact, as the rhythm counts them ("a usual gap of
    # 6 days" counted messages beside "8 days with contact over 85 days")
    gap = (last_day - first_day) / max(days - 1, 1)
    rhythm = (
        rhythm_chance(x.days_active, x.first_day, x.last_day, as_of_day, m.rhythm)[0]
        if m.rhythm is not None
        else math.nan
    )
    typical = {name: _typical(m, name) for name in m.names}
    # the rhythm counts days with contact (several messages in a day are one)
    once = "A single contact" if n_total <= 1 else "Contact on a single day"
    shown = _pct(rhythm)
    # "an 8.7% chance", "an 11% chance" (as they are read aloud)
    article = "an" if shown.startswith(("8", "11.", "11%", "18")) else "a"
    chance = (
        f"{article} {shown} chance of contact within {HORIZON_DAYS} days"
        f" (a typical tie's: {_pct(typical.get('rhythm_odds', math.nan))})"
    )
    words = {
        "rhythm_odds": (
            # the span counts both ends' days, so it is never fewer days than `days`
            # ("in touch on 2 days over 1 day" in a newcomer's review)
            f"In touch on {days:.0f} days across"
            f" {_days(math.floor(max(last_day - first_day, 0.0)) + 1)}, the last"
            f" {_ago(since)}: at that rhythm {chance}"
            if days > 1
            else f"{once}, {_ago(since)}: at the rhythm of ties like it {chance}"
        ),
        "log_decayed_30": f"Recent contact (30-day half-life) weighs {decayed_30:.1f}",
        "log_decayed_365": f"Contact over the last year (365-day half-life) weighs {decayed_365:.1f}",
        "log_months_active": f"In touch in {months:.0f} of the last 12 months",
        "log_spans_active": (
            f"In touch in {spans:.0f} of the last {SPANS} five-day spans (90 days)"
        ),
        "overdue": (f"Silent for {_days(math.floor(since))}" if since >= 1 else "In touch today")
        + (
            f" against a usual gap of {_days(gap)}"
            if days > 1
            else " after contact on a single day"
        ),
        "co_since_contact": (
            f"On others' mail with you {_ago(as_of_day - co_last_day)}, after your last contact"
            if co_last_day > last_day
            else "Not on others' mail with you since your last contact"
        ),
    }
    index = {name: j for j, name in enumerate(m.names)}
    said: list[tuple[float, str]] = []
    for group in reason_groups(m, n_total):
        term = float(sum(terms[index[name]] for name in group))
        if not math.isfinite(term):
            continue  # a feature the app does not know for this tie
        own = float(terms[index[group[0]]])
        if len(group) > 1 and (own * term <= 0 or abs(own) < NEGLIGIBLE):
            # The first feature's own term (its value against a typical tie's, with the
            # fitted sign that agrees with NATURAL) is what the sentence can say; when it
            # is small or the partial feature's term outweighs it, the pair's direction
            # would come from the partial one alone ("Recent contact weighs 0.2, none in
            # the last 90 days: raises" for Lauren Dvořák, whose 0.2 is a typical tie's).
            # No sentence states that truly: no reason from the pair.
            continue
        parts = [words.get(name, FEATURES[name]) for name in group]
        if term > 0 and "log_spans_active" in group[1:] and spans <= 0:
            # the raise is the older contact's weight: no span at zero reads as raising
            parts[group.index("log_spans_active")] = "though none in the last 90 days"
        text = ", ".join([parts[0], *(_lower(p) for p in parts[1:])])
        said.append((term, text))
    said.sort(key=lambda r: -abs(r[0]))
    out: list[str] = []
    for term, text in said:
        if abs(term) < NEGLIGIBLE and out:
            break  # a term this small raises or lowers nothing a reader would notice
        effect = "raises" if term > 0 else "lowers"
        out.append(f"{text}: {effect} the chance of contact")
    return out


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
