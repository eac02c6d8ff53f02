"""Who knows whom, from what troth already stores (pure: no Django).

The inputs are plain arrays and tuples so the same code serves the database
(`actions.do_infer_links`), the benchmarks and the tests:

- co-occurrence: one row per (group, person, time), where a group is one message
  or one meeting (troth stores one interaction per person per message/meeting, and
  the rows sharing `source` + `external_id` are its co-recipients or co-attendees);
- employment overlap: the same organisation with overlapping dates;
- strength: the expected strength of their tie (the chance they know each other
  times how strong such a tie is), from models over the evidence (each message or
  meeting weighted by how many of my people were on it, and on how many distinct
  days they were seen together) fitted on the simulator's truth by
  bench/fit_links.py and shipped in `link_model.json`; decayed by how long ago the
  evidence was last seen.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# A message or meeting with more than this many of my people is a list blast or an
# all-hands, not evidence that any two of them know each other (issue 12; folk skips
# more than 20 recipients, paths-and-groups-anchors.md [S36]).
MAX_GROUP = 10

# An organisation with more of my people than this says nothing about any two of them
# (everyone at a 5,000-person employer does not know everyone); it would also make
# the pair count explode.
MAX_EMPLOYER_GROUP = 50

# Links between my contacts are bridging ties from my side, and "nine in ten bridges
# this year are gone next year", a half-life near 110 days (Burt 2002, anchors.md).
HALF_LIFE_DAYS = 110.0
# An old but real tie is dormant, not gone (Levin, Walter & Murnighan 2011, anchors.md):
# decay never takes observed evidence below this share of its undecayed strength.
DECAY_FLOOR = 0.3

DAY = 86400.0


@dataclass(frozen=True)
class LinkModel:
    """What I saw of two of my people, as the expected strength of their tie: the
    chance they know each other times how strong the tie is if they do (the
    simulator's 0-1 scale, where 0.5 is the floor of an "active" tie).

    Both read the same evidence: the summed weight of the messages and of the
    meetings they were on together (a group of n of my people weighs 1/(n-1): on a
    two-person thread both are there for each other, on a ten-person one either may
    be there for someone else), and the number of distinct days they were seen
    together (many messages of one thread are one conversation; recurring contact
    is a tie). The chance is a logistic over the weights and the log of the days;
    the strength if they know each other a linear model over the logs (more evidence,
    a stronger tie, with diminishing returns). A message where one wrote to the
    other with me in copy is a direct exchange between them and adds `cc_extra` to
    the mail weight on top of its weight as a group (the simulator has no such
    messages: set by that principle, twice a two-person message, not fitted).
    Working at the same organisation at the same time (`employer`) is one more
    feature of both: never evidence alone, but two colleagues seen together are far
    likelier to know each other than two people copied on the same message."""

    intercept: float
    mail: float
    meeting: float
    log_days: float
    employer: float
    tie_intercept: float
    tie_mail: float
    tie_meeting: float
    tie_log_days: float
    tie_employer: float
    cc_extra: float

    def chance(
        self,
        mail_weight: float,
        meeting_weight: float,
        mail_cc: int,
        days: int,
        employer: bool = False,
    ) -> float:
        """P(they know each other)."""
        z = (
            self.intercept
            + self.mail * (mail_weight + self.cc_extra * mail_cc)
            + self.meeting * meeting_weight
            + self.log_days * math.log(max(days, 1))
            + (self.employer if employer else 0.0)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def tie(
        self,
        mail_weight: float,
        meeting_weight: float,
        mail_cc: int,
        days: int,
        employer: bool = False,
    ) -> float:
        """E[the tie's strength | they know each other], in [0, 1]."""
        found = (
            self.tie_intercept
            + self.tie_mail * math.log1p(mail_weight + self.cc_extra * mail_cc)
            + self.tie_meeting * math.log1p(meeting_weight)
            + self.tie_log_days * math.log(max(days, 1))
            + (self.tie_employer if employer else 0.0)
        )
        return max(0.0, min(1.0, found))

    def expected(
        self,
        mail_weight: float,
        meeting_weight: float,
        mail_cc: int,
        days: int,
        employer: bool = False,
    ) -> float:
        return self.chance(mail_weight, meeting_weight, mail_cc, days, employer) * self.tie(
            mail_weight, meeting_weight, mail_cc, days, employer
        )


def load_model(path: Path | None = None) -> LinkModel:
    data = json.loads((path or Path(__file__).with_name("link_model.json")).read_text())
    return LinkModel(**data["coefficients"])


MODEL = load_model()
# troth's own records that two people met (I was introduced through one of them, or
# an introduction between them reached "met"): solid, and they do not fade like mail.
RECORD = 0.6
# A `people.Knows` row (simulator or by hand) without a strength of its own.
KNOWS_DEFAULT = 0.5
# Same employer, overlapping dates: "may know", never enough alone for a path hop.
EMPLOYER = 0.15


@dataclass
class Seen:
    """How often two people appeared together, and when first and last (epoch seconds);
    `weight`: the groups' weights (1/(n-1) for a group of n), `days`: the distinct
    days (epoch day numbers) they were seen together."""

    count: int
    first: float
    last: float
    weight: float = 0.0
    days: set[int] = field(default_factory=set)

    def add(self, stamp: float, weight: float) -> None:
        self.count += 1
        self.first = min(self.first, stamp)
        self.last = max(self.last, stamp)
        self.weight += weight
        self.days.add(int(stamp // DAY))


def _new(stamp: float, weight: float) -> Seen:
    return Seen(1, stamp, stamp, weight, {int(stamp // DAY)})


Pair = tuple[int, int]


def co_occurrences(
    groups: Sequence[int] | np.ndarray,
    people: Sequence[int] | np.ndarray,
    when: Sequence[float] | np.ndarray,
    *,
    max_group: int = MAX_GROUP,
    only: Iterable[int] | None = None,
    explain: bool = False,
) -> dict[Pair, Seen]:
    """Pairs (low id first) of people in the same group, counted once per group.

    `groups[i]`, `people[i]`, `when[i]` describe one row. Groups of one person, or of
    more than `max_group` distinct people, are no evidence. With `only`, just the pairs
    touching one of those people are returned (an incremental pass: their counts are
    complete as long as every group of theirs was passed in).

    `explain`: explaining away, for the studies (bench/fit_links.py --explain). A pair
    on a group of more than two weighs by how much each one's other pairs there
    explain them (`share`, from the plain counts of the groups passed in) instead of
    1/(n-1): two people often seen alone explain each other on a bigger message, and
    the third person on it weighs less with either. On the simulator it raised the
    held-out AUC of the chance (0.88-0.89 to 0.89-0.91, seeds 101-104) and the share
    of true links at the path floor (0.68-0.71 to 0.71-0.74, seeds 1-5), but the
    fewest-hops baseline gained more from the cleaner links than troth's top path
    (bench/eval_paths.py's ratio fell on every seed), and on the Enron log
    (`troth eval knows`) it lowered the AUC on every date (mean 0.763 to 0.753, less
    the stronger the explaining): not what a pass does.
    """
    g = np.asarray(groups, dtype=np.int64)
    p = np.asarray(people, dtype=np.int64)
    t = np.asarray(when, dtype=np.float64)
    out: dict[Pair, Seen] = {}
    if len(g) == 0:
        return out
    order = np.lexsort((p, g))
    g, p, t = g[order], p[order], t[order]
    cuts = np.flatnonzero(np.diff(g)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(g)]))
    sizes = ends - starts
    keep = set(only) if only is not None else None
    found: list[tuple[float, list[int]]] = []
    for s, e in zip(starts[sizes > 1].tolist(), ends[sizes > 1].tolist(), strict=True):
        members = np.unique(p[s:e]).tolist()
        if 2 <= len(members) <= max_group:
            found.append((float(t[s:e].min()), members))
    prior: dict[Pair, float] | None = None
    if explain:
        # the plain counts of every pair on the groups passed in, for the shares below
        plain = _count(found, None, lambda _g, _a, _b: 1.0 / (len(_g) - 1))
        prior = {k: MODEL.expected(v.weight, 0.0, 0, len(v.days)) for k, v in plain.items()}

    def weight(group: list[int], a: int, b: int) -> float:
        if prior is None or len(group) == 2:
            return 1.0 / (len(group) - 1)
        return (share(prior, group, a, b) + share(prior, group, b, a)) / 2.0

    return _count(found, keep, weight)


# How much a pair's plain evidence must weigh before it explains a group away: a
# share is (EXPLAIN_PRIOR + its prior) over the same summed over the group, so
# pairs with no more evidence than this split the group evenly, as 1/(n-1) does.
EXPLAIN_PRIOR = 0.05


def share(prior: dict[Pair, float], group: list[int], a: int, b: int) -> float:
    """The share of a's presence on this group that b explains."""
    own = 0.0
    total = 0.0
    for o in group:
        if o == a:
            continue
        v = EXPLAIN_PRIOR + prior.get((min(a, o), max(a, o)), 0.0)
        total += v
        if o == b:
            own = v
    return own / total


def _count(
    found: list[tuple[float, list[int]]],
    keep: set[int] | None,
    weight: Callable[[list[int], int, int], float],
) -> dict[Pair, Seen]:
    out: dict[Pair, Seen] = {}
    for stamp, members in found:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if keep is not None and a not in keep and b not in keep:
                    continue
                w = weight(members, a, b)
                seen = out.get((a, b))
                if seen is None:
                    out[(a, b)] = _new(stamp, w)
                else:
                    seen.add(stamp, w)
    return out


def copied_exchanges(
    messages: Iterable[tuple[int, Sequence[int], float]],
    *,
    only: Iterable[int] | None = None,
) -> dict[Pair, Seen]:
    """Pairs (low id first) where one wrote to the other with me in copy: each
    message is (sender, the people it was addressed to, time), one of the messages
    where I was only in Cc; each sender-addressee pair counts once per message.
    With `only`, just the pairs touching one of those people."""
    keep = set(only) if only is not None else None
    out: dict[Pair, Seen] = {}
    for sender, addressees, stamp in messages:
        for other in set(addressees):
            if other == sender:
                continue
            if keep is not None and sender not in keep and other not in keep:
                continue
            key = (min(sender, other), max(sender, other))
            seen = out.get(key)
            if seen is None:
                out[key] = _new(stamp, 1.0)
            else:
                seen.add(stamp, 1.0)
    return out


@dataclass(frozen=True)
class Overlap:
    org_id: int
    start: dt.date | None  # None: the dates are unknown, both simply work there now
    end: dt.date | None  # None: still overlapping


Job = tuple[int, int, dt.date | None, dt.date | None, bool]  # person, org, start, end, current


def employer_overlaps(
    jobs: Iterable[Job], *, max_group: int = MAX_EMPLOYER_GROUP
) -> dict[Pair, Overlap]:
    """Pairs who worked at the same organisation at the same time (the longest overlap
    when they shared several). Dates unknown on either side: only two current
    employees count, with no dates (both there now); anything else is unknowable."""
    by_org: dict[int, list[Job]] = {}
    for job in jobs:
        by_org.setdefault(job[1], []).append(job)
    out: dict[Pair, Overlap] = {}
    for org, rows in by_org.items():
        if len({r[0] for r in rows}) > max_group:
            continue
        for i, (pa, _o, sa, ea, ca) in enumerate(rows):
            for pb, _o2, sb, eb, cb in rows[i + 1 :]:
                if pa == pb:
                    continue
                found = _overlap(org, sa, ea, ca, sb, eb, cb)
                if found is None:
                    continue
                key = (min(pa, pb), max(pa, pb))
                old = out.get(key)
                if old is None or _days(found) > _days(old):
                    out[key] = found
    return out


def _overlap(
    org: int,
    sa: dt.date | None,
    ea: dt.date | None,
    ca: bool,
    sb: dt.date | None,
    eb: dt.date | None,
    cb: bool,
) -> Overlap | None:
    if sa is None or sb is None:
        return Overlap(org, None, None) if ca and cb and ea is None and eb is None else None
    end_a = None if ca and ea is None else ea
    end_b = None if cb and eb is None else eb
    if (end_a is None and not ca) or (end_b is None and not cb):
        return None  # a past job without an end date: when it ended is unknown
    start = max(sa, sb)
    ends = [d for d in (end_a, end_b) if d is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return Overlap(org, start, end)


def _days(o: Overlap) -> int:
    if o.start is None:
        return 0
    return ((o.end or dt.date.max) - o.start).days if o.end else 10**6


def decay(days_since_last: float, half_life: float = HALF_LIFE_DAYS) -> float:
    """Share of observed evidence left after this many days, never below DECAY_FLOOR."""
    fade = 0.5 ** (max(days_since_last, 0.0) / half_life)
    return DECAY_FLOOR + (1.0 - DECAY_FLOOR) * fade


def strength(
    *,
    mail: int = 0,
    mail_cc: int = 0,
    meetings: int = 0,
    mail_weight: float | None = None,
    meeting_weight: float | None = None,
    days: int | None = None,
    days_since_last: float | None = None,
    records: int = 0,
    knows: float | None = None,
    employer: bool = False,
    manual: int | None = None,
    by_hand: bool = False,
) -> float:
    """A link's strength in [0, 1]. What the user set by hand (1-5) wins; otherwise
    each kind of evidence is a probability-like score and they combine as a noisy-or
    (independent reasons to believe the two know each other). Messages and meetings
    give `MODEL`'s expected strength from their weights and distinct days (without them, as
    for counts stored before weights were: each counted as a two-person message on
    a day of its own), decayed by `days_since_last`."""
    if manual is not None:
        return max(0.0, min(1.0, manual / 5.0))
    parts = []
    if mail or mail_cc or meetings:
        observed = MODEL.expected(
            float(mail + mail_cc) if mail_weight is None else mail_weight,
            float(meetings) if meeting_weight is None else meeting_weight,
            mail_cc,
            mail + mail_cc + meetings if days is None else days,
            employer,
        )
        parts.append(observed * decay(days_since_last or 0.0))
    if records:
        parts.append(1.0 - (1.0 - RECORD) ** records)
    if knows is not None:
        parts.append(max(0.0, min(1.0, knows)))
    if employer and not (mail or mail_cc or meetings):
        parts.append(EMPLOYER)  # with messages or meetings it is a feature of the model
    if by_hand:  # "they know each other", said without a strength
        parts.append(KNOWS_DEFAULT)
    missing = 1.0
    for part in parts:
        missing *= 1.0 - part
    return 1.0 - missing


def confirmed(
    *, mail: int, mail_cc: int, meetings: int, records: int, knows: bool, manual: bool
) -> bool:
    """Enough to route a path through: anything but an employer overlap alone."""
    return bool(mail or mail_cc or meetings or records or knows or manual)
