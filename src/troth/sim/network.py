"""What the simulator produces: the `Network` columns, the `SimSettings` that shape
them, the code tuples their category columns index, and the `MAIL_LIKE` preset.

Pure (numpy and the standard library); troth.sim.generate builds a `Network`.

Conventions used by every index column:

* people are numbered 0..people-1 in the order of the person columns;
* `ME` (-1) stands for the owner where a column can point at them (favours,
  promises, needs, introductions);
* `NONE` (-2) means "no one / nothing" (no company, met through nobody, a need
  nobody met, a favour tied to no need).

Dates are `datetime64[D]` arrays (NaT for unknown); instants are
`datetime64[s]` arrays in UTC. Category columns hold small integer codes into
the module-level tuples (`LAYERS`, `CHANNELS`, ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ME = -1
NONE = -2

LAYERS = ("inner", "close", "active", "network", "acquaintance", "stranger")
INNER, CLOSE, ACTIVE, NETWORK, ACQUAINTANCE, STRANGER = range(6)
CHANNELS = ("meeting", "call", "email", "message", "event")
MEETING, CALL, EMAIL, MESSAGE, EVENT = range(5)
INITIATORS = ("me", "them", "unknown")
# Mirrors troth.ledger.models.FAVOR_KINDS (not imported: this module stays Django-free).
FAVOR_KINDS = ("intro", "lead", "advice", "referral", "resource", "endorsement", "time")
PROMISE_STATUSES = ("open", "kept", "broken", "released")
NEED_STATUSES = ("open", "met", "expired", "withdrawn")
INTRO_ROLES = ("connector", "requester")
# The last one only for requests: a request starts as "asked", not "proposed".
INTRO_STATES = ("proposed", "accepted", "introduced", "met", "thanked", "declined", "asked")

DAY = 86_400
EPOCH = dt.date(1970, 1, 1)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class SimSettings:
    """The knobs behind a simulated network; defaults come from anchors.md where one exists."""

    # Dunbar's layers 5/15/50/150/500 (anchors.md): cumulative layer sizes at 500 people.
    # Other sizes scale linearly, so the benchmark's 30,000 people get 300 "inner" ties:
    # unrealistic for one human, but it keeps the proportions every test relies on.
    dunbar_reference: int = 500
    dunbar_cumulative: tuple[int, int, int, int] = (5, 15, 50, 150)
    # Small demos still need a few of each layer to show anything.
    layer_minimums: tuple[int, int, int, int] = (5, 10, 15, 20)
    # Never let the named layers crowd out acquaintances in a tiny network.
    max_tie_share: float = 0.5
    # Lower strength bound of inner/close/active/network/acquaintance/stranger.
    layer_floors: tuple[float, ...] = (0.85, 0.70, 0.50, 0.30, 0.08, 0.0)
    # LinkedIn-style connections the owner never actually talked to.
    stranger_fraction: float = 0.10
    # Ties that were real and then stopped: "dormant", not "stranger" (Levin et al. 2011).
    cold_fraction: float = 0.12
    cold_after_days: tuple[int, int] = (90, 270)
    # Mean days between contacts, interpolated (log scale) over strength. Anchors.md
    # cadences: 5-layer weekly (~7 d at the inner midpoint), 15-layer monthly (30 d),
    # 50-layer every ~6 months (60-180 d across the band), 150-layer yearly (365 d).
    cadence_strength: tuple[float, ...] = (0.0, 0.08, 0.30, 0.50, 0.70, 0.85, 1.0)
    cadence_days: tuple[float, ...] = (2500.0, 1600.0, 740.0, 180.0, 60.0, 15.0, 4.0)
    # Gamma shape of each person's rate multiplier: counts are gamma-Poisson
    # (over-dispersed) rather than clockwork.
    burst_shape: float = 2.0
    # Share of contacts that follow another one within days (threads, reschedules).
    follow_up_share: float = 0.3
    follow_up_days: float = 2.0
    # Group mail (0 by default; see MAIL_LIKE): this share of the e-mails the owner
    # sends also go to others at the same instant, 1 + a geometric number with this
    # mean of them, drawn from everyone (a message to 40 people reaches weak ties too).
    group_share: float = 0.0
    group_extra_mean: float = 0.0
    # Scales each person's chance of starting a contact (1: as drawn from strength).
    reciprocity_scale: float = 1.0
    # Most weekend work contact happens on Friday instead.
    weekend_shift: float = 0.75
    # The owner's clock: contacts happen at plausible local hours in this UTC offset.
    utc_offset_minutes: int = 0
    rated_fraction: float = 0.30
    rating_noise: float = 0.6
    owner_reliability: float = 0.9
    flaky_fraction: float = 0.15
    open_need_fraction: float = 0.15
    past_need_fraction: float = 0.10
    need_horizon_days: tuple[int, int] = (30, 60)
    need_recent_days: int = 40
    # Favours and promises per year at full strength, falling as strength**power:
    # they come out of conversations, so a tie that rarely talks rarely trades them
    # (an inner tie ~2.4 a year each way, a yearly-contact tie ~0.2).
    favours_per_year: float = 3.0
    promises_per_year: float = 3.0
    ledger_strength_power: float = 3.0
    email_missing: float = 0.15
    work_email_share: float = 0.6
    phone_fraction: float = 0.35
    no_company_fraction: float = 0.08
    orgs_per_person: float = 0.25
    met_through_fraction: float = 0.12
    note_fraction: float = 0.25
    # Mean "knows" degrees: colleagues, the owner's strong-tie circle (which
    # overlaps, Onnela et al. 2007 in anchors.md), and random weak links.
    colleague_degree: float = 4.0
    circle_degree: float = 6.0
    random_degree: float = 1.5


@dataclass
class Network:
    """A simulated network, one array or list per column (see the module docstring)."""

    seed: int
    today: dt.date
    days: int
    owner_reliability: float
    # vocabularies
    tags: list[str]
    org_names: list[str]
    org_industry: Ints  # tag index per organization
    summaries: list[str]  # interaction summaries, indexed by ix_summary
    # people (one entry per person)
    full_name: list[str]
    given_name: list[str]
    family_name: list[str]
    email: list[str]  # "" when unknown
    phone: list[str]  # E.164 or ""
    company: Ints  # organization index or NONE
    title: list[str]
    met_how: list[str]
    met_on: NDArray[np.datetime64]  # NaT when not recorded
    met_through: Ints  # person index or NONE
    closeness: Ints  # the owner's 1-5 rating, 0 when not rated
    person_tag_person: Ints
    person_tag_tag: Ints
    # the hidden truth
    strength: Floats
    layer: Ints  # code into LAYERS
    reliability: Floats
    reciprocity: Floats  # probability that they start a contact
    went_cold: NDArray[np.bool_]
    cold_on: NDArray[np.datetime64]  # no contact on or after this date; NaT if not cold
    # notes
    note_person: Ints
    note_text: list[str]
    note_at: NDArray[np.datetime64]
    # interactions, sorted by time
    ix_person: Ints
    ix_at: NDArray[np.datetime64]
    ix_channel: Ints  # code into CHANNELS
    ix_initiator: Ints  # code into INITIATORS
    ix_duration: Ints  # minutes, 0 when not applicable
    ix_summary: Ints  # index into summaries
    # favours
    favor_giver: Ints
    favor_receiver: Ints
    favor_kind: Ints  # code into FAVOR_KINDS
    favor_on: NDArray[np.datetime64]
    favor_what: list[str]
    favor_need: Ints  # need index or NONE
    favor_thanked_on: NDArray[np.datetime64]  # when the owner said thanks; NaT: not (yet)
    # promises: debtor owes creditor
    promise_debtor: Ints
    promise_creditor: Ints
    promise_what: list[str]
    promise_made: NDArray[np.datetime64]
    promise_due: NDArray[np.datetime64]
    promise_status: Ints  # code into PROMISE_STATUSES
    promise_changed_at: NDArray[np.datetime64]
    # needs
    need_person: Ints
    need_what: list[str]
    need_noted: NDArray[np.datetime64]
    need_expires: NDArray[np.datetime64]
    need_status: Ints  # code into NEED_STATUSES
    need_met_by: Ints
    need_closed_at: NDArray[np.datetime64]
    need_tag_need: Ints
    need_tag_tag: Ints
    # introductions
    intro_role: Ints  # code into INTRO_ROLES
    intro_introducer: Ints
    intro_a: Ints
    intro_b: Ints
    intro_why: list[str]
    intro_state: Ints  # code into INTRO_STATES
    intro_created: NDArray[np.datetime64]
    intro_updated: NDArray[np.datetime64]
    # undirected "knows" links, knows_a < knows_b
    knows_a: Ints
    knows_b: Ints
    knows_strength: Floats
    # one message or meeting several people were on with me: rows with one group id
    # (-1: none) load with one external_id (sim/knows_evidence.py adds them)
    ix_group: Ints | None = None

    @property
    def people(self) -> int:
        return len(self.full_name)

    def counts(self) -> dict[str, int]:
        return {
            "people": self.people,
            "organizations": len(self.org_names),
            "tags": len(self.tags),
            "person_tags": len(self.person_tag_person),
            "notes": len(self.note_person),
            "interactions": len(self.ix_person),
            "favors": len(self.favor_giver),
            "commitments": len(self.promise_debtor),
            "needs": len(self.need_person),
            "need_tags": len(self.need_tag_need),
            "introductions": len(self.intro_role),
            "knows": len(self.knows_a),
        }


def layer_of(strength: Floats | float, settings: SimSettings | None = None) -> Ints:
    """The Dunbar layer code of each strength (the inverse of how strengths were drawn)."""
    floors = np.asarray((settings or SimSettings()).layer_floors[:-1])
    s = np.atleast_1d(np.asarray(strength, dtype=np.float64))
    # number of floors above the strength = how far out the layer is
    return (s[:, None] < floors[None, :]).sum(axis=1).astype(np.int64)


def layer_sizes(people: int, settings: SimSettings | None = None) -> list[int]:
    """How many people fall in each layer (same order as LAYERS)."""
    s = settings or SimSettings()
    strangers = round(s.stranger_fraction * people) if people >= 10 else 0
    available = people - strangers
    exclusive = np.diff([0, *s.dunbar_cumulative])
    want = [
        max(int(round(e * people / s.dunbar_reference)), m)
        for e, m in zip(exclusive, s.layer_minimums, strict=True)
    ]
    cap = int(available * s.max_tie_share)
    if sum(want) > cap:
        factor = cap / sum(want)
        want = [int(w * factor) for w in want]
        # hand the rounding leftovers to the inner layers first: a tiny network
        # should still have someone close
        for k in range(cap - sum(want)):
            want[k % 4] += 1
    return [*want, available - sum(want), strangers]


# A simulator whose message log looks like real e-mail on the three signals issue 16
# names (bench/eval_trust.py prints them beside the Enron log: median gap between a
# pair's contacts 4.9 days, 96% one-way ties, 4.0 recipients per message). A preset,
# not the default: group mail adds contacts with many people, which would change the
# demo's agenda and every test built on the default network.
MAIL_LIKE = SimSettings(
    follow_up_share=0.5,
    follow_up_days=1.2,
    cadence_days=tuple(0.4 * d for d in SimSettings().cadence_days),
    reciprocity_scale=0.05,
    group_share=1.0,
    group_extra_mean=14.0,
)
