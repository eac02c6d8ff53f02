"""The evidence that reveals who knows whom, with noise (pure: numpy only).

The simulator's `knows_*` columns are the truth: which of my contacts know each
other and how strongly. troth never sees that truth; it sees messages and
meetings that several of my contacts were on with me, and their employers. This
module adds those to a simulated network, so the warm-path study
(bench/eval_paths.py, issue 12) can measure how well troth recovers the truth:

- **evidence of a true tie**: messages and meetings both of them were on with me,
  more of them for a stronger tie, and only where I see them (I am on a thread with
  two people in proportion to my own ties with them: a stranger is never there);
- **noise** on that evidence: other people copied on the same message (usually
  someone who knows one of them, sometimes anyone I am in touch with: neither may
  know them), threads
  among people who do not know each other at all (scheduling, a recruiter's
  round-robin), and list blasts and all-hands too big to say anything;
- **hidden ties**: a tie drawn zero messages (Poisson) leaves no trace; shared
  employers come from the network's own companies (the colleague ties).

The new rows are interactions like the others (the owner is on every one) with a
group id: rows with one group id are one message or one meeting, which is how
troth stores co-recipients and co-attendees (`source` + `external_id`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from troth.sim.generate import CHANNELS, DAY, STRANGER, Ints, Network

EMAIL, MEETING, EVENT = CHANNELS.index("email"), CHANNELS.index("meeting"), CHANNELS.index("event")


@dataclass(frozen=True)
class EvidenceSettings:
    # Expected shared messages over the window for a tie of strength 1 between two
    # people I am fully in touch with; scaled by the tie's strength and by how much
    # of their life I see (`visibility`).
    # Checked against real mail (bench/evidence_rates.py, 2026-12-07): of the pairs of
    # an Enron mailbox owner's contacts seen writing to each other directly, 0.268 were
    # on a message of <= 10 others with the owner (12 owners pooled, 3,687 pairs; 0.12
    # where the weaker end had one such message with the owner, 0.82 at 20 or more);
    # these defaults show 0.57 of the true ties between two people I had mail with
    # (0.19 and 0.98 at the same levels). The simulator reveals more than real mail,
    # so it is not raised; the paths study is measured on the generous side.
    mail_per_tie: float = 6.0
    meetings_per_tie: float = 2.0
    # How much of two people's exchanges I am on: (floor + mine_a) * (floor + mine_b)
    # over (floor + 1)^2, where mine_x is my true tie with x; strangers see nothing.
    visibility_floor: float = 0.15
    # Others on an evidence message: 0..max_extra, each a true contact of one side
    # with this probability, else anyone (noise for at least one of the pairs).
    max_extra: int = 3
    extra_from_neighbours: float = 0.6
    # Threads among people who need not know each other at all: per contact of mine
    # over the window, 2-4 people drawn by how much I am in touch with them.
    noise_threads_per_person: float = 0.3
    # List blasts and all-hands (11-40 people): no evidence, troth must ignore them.
    blasts: int = 40


def with_knows_evidence(
    net: Network, seed: int = 12, settings: EvidenceSettings | None = None
) -> Network:
    """`net` with evidence interactions added (and `ix_group` filled in); the truth
    (`knows_*`) is unchanged, for the study to compare against."""
    s = settings or EvidenceSettings()
    rng = np.random.default_rng(seed)
    n = net.people
    mine = np.where(net.layer == STRANGER, 0.0, net.strength)
    start_d = int(net.today.toordinal() - 719163) - net.days  # days since 1970
    end_d = start_d + net.days
    # no evidence after a tie went cold (in days since 1970; the window's end if not)
    cold = net.cold_on.astype("datetime64[D]").astype(np.int64)
    until = np.where(net.went_cold, cold, end_d)

    a, b, w = net.knows_a, net.knows_b, net.knows_strength
    f = s.visibility_floor
    seen = (f + mine[a]) * (f + mine[b]) / (f + 1.0) ** 2
    seen[(mine[a] == 0) | (mine[b] == 0)] = 0.0
    neighbours = [side[mine[side] > 0] for side in _adjacency(n, a, b)]

    # who else is on a message: people I am in touch with (never a stranger)
    weight = mine / mine.sum() if mine.sum() > 0 else np.full(n, 1.0 / n)
    groups: list[list[int]] = []
    channels: list[int] = []
    days: list[int] = []
    for kind, rate in ((EMAIL, s.mail_per_tie), (MEETING, s.meetings_per_tie)):
        counts = rng.poisson(rate * w * seen)
        for k in np.flatnonzero(counts).tolist():
            x, y = int(a[k]), int(b[k])
            last = max(min(int(until[x]), int(until[y])), start_d + 1)
            for _ in range(int(counts[k])):
                members = [x, y]
                for _e in range(int(rng.integers(0, s.max_extra + 1))):
                    side = neighbours[x if rng.random() < 0.5 else y]
                    if len(side) and rng.random() < s.extra_from_neighbours:
                        members.append(int(side[rng.integers(len(side))]))
                    else:
                        members.append(int(rng.choice(n, p=weight)))
                groups.append(members)
                channels.append(kind)
                days.append(int(rng.integers(start_d, last)))

    # threads among people who may not know each other at all
    for _ in range(rng.poisson(s.noise_threads_per_person * n)):
        size = int(rng.integers(2, 5))
        groups.append(rng.choice(n, size=size, replace=False, p=weight).tolist())
        channels.append(EMAIL)
        days.append(int(rng.integers(start_d, end_d)))
    for _ in range(s.blasts if n > 40 else 0):
        size = int(rng.integers(11, 41))
        groups.append(rng.choice(n, size=size, replace=False, p=weight).tolist())
        channels.append(EMAIL if rng.random() < 0.7 else EVENT)
        days.append(int(rng.integers(start_d, end_d)))
    return _append(net, groups, channels, days, rng)


def _adjacency(n: int, a: Ints, b: Ints) -> list[np.ndarray]:
    ends = np.concatenate((a, b))
    other = np.concatenate((b, a))
    order = np.argsort(ends, kind="stable")
    cuts = np.searchsorted(ends[order], np.arange(n + 1))
    return [other[order[cuts[i] : cuts[i + 1]]] for i in range(n)]


def _append(
    net: Network,
    groups: list[list[int]],
    channels: list[int],
    days: list[int],
    rng: np.random.Generator,
) -> Network:
    """The evidence rows (one per person per group, at one instant) merged into the
    network's interactions, sorted by time like them."""
    sizes = np.array([len(set(g)) for g in groups], dtype=np.int64)
    person = (
        np.concatenate([np.array(sorted(set(g)), dtype=np.int64) for g in groups])
        if groups
        else np.empty(0, np.int64)
    )
    group = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    when = np.array(days, dtype=np.int64) * DAY + rng.integers(8 * 3600, 19 * 3600, len(groups))
    channel = np.repeat(np.array(channels, dtype=np.int64), sizes)
    duration = np.where(channel == MEETING, 45, np.where(channel == EVENT, 90, 0))
    initiator = np.where(channel == EVENT, 2, 1)  # mostly someone else's thread or invite
    old_group = net.ix_group if net.ix_group is not None else np.full(len(net.ix_person), -1)
    base = int(old_group.max()) + 1 if len(old_group) else 0
    at = np.concatenate(
        (net.ix_at.astype("datetime64[s]").astype(np.int64), np.repeat(when, sizes))
    )
    order = np.argsort(at, kind="stable")
    return dataclasses.replace(
        net,
        ix_person=np.concatenate((net.ix_person, person))[order],
        ix_at=at[order].astype("datetime64[s]"),
        ix_channel=np.concatenate((net.ix_channel, channel))[order],
        ix_initiator=np.concatenate((net.ix_initiator, initiator))[order],
        ix_duration=np.concatenate((net.ix_duration, duration))[order],
        ix_summary=np.concatenate((net.ix_summary, np.zeros(len(person), np.int64)))[order],
        ix_group=np.concatenate((old_group, group + base))[order],
    )
