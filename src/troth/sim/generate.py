"""Simulate a job-seeker's network, with the hidden truth kept alongside.

Pure: numpy and the standard library only, no Django, so it can be benchmarked,
tested and reused without a database. Everything is column-oriented (one numpy
array or list per field) and the interaction history is generated with array
operations only, so 30,000 people and a million interactions take a second or
two, not minutes.

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
import functools
import string
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from troth.lib.text import fold
from troth.sim import names as words

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


def _zipf(n: int, a: float) -> Floats:
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** a
    return w / w.sum()


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _as_dates(
    day_numbers: Ints, missing: NDArray[np.bool_] | None = None
) -> NDArray[np.datetime64]:
    out = np.asarray(day_numbers, dtype=np.int64).astype("datetime64[D]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


def _as_instants(seconds: Ints, missing: NDArray[np.bool_] | None = None) -> NDArray[np.datetime64]:
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


@functools.cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)


def _choose(rng: np.random.Generator, seq: tuple[str, ...] | list[str]) -> str:
    return seq[int(rng.integers(len(seq)))]


_EMAIL_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "þ": "th", "ı": "i"}
)


@functools.cache
def _ascii(text: str) -> str:
    """ "Łukasz O'Brien" -> "lukaszobrien": e-mail local parts are plain ASCII."""
    folded = fold(text).translate(_EMAIL_FOLD)
    return "".join(c for c in folded if c.isascii() and c.isalnum())


class _Sim:
    """One generation run: the random generator and the columns built so far."""

    def __init__(
        self,
        people: int,
        seed: int,
        days: int,
        today: dt.date,
        per_person: float | None,
        settings: SimSettings,
    ) -> None:
        self.n = people
        self.seed = seed
        self.days = days
        self.today = today
        self.per_person = per_person
        self.s = settings
        self.rng = np.random.default_rng(seed)
        self.today_d = _days(today)
        self.window_d = self.today_d - days
        self.tags = list(words.TAGS)
        self.tag_index = {t: i for i, t in enumerate(self.tags)}
        self.intro_rows: list[tuple[int, int, int, int, str, int, int, int]] = []

    # -- truth -----------------------------------------------------------------

    def truth(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        sizes = layer_sizes(n, s)
        layer = rng.permutation(np.repeat(np.arange(len(LAYERS)), sizes))
        floors = np.asarray(s.layer_floors)
        ceilings = np.asarray((1.0, *s.layer_floors[:-1]))
        strength = floors[layer] + rng.random(n) * (ceilings[layer] - floors[layer])
        self.layer = layer.astype(np.int64)
        self.strength = strength
        self.stranger = layer == STRANGER

        flaky = rng.random(n) < s.flaky_fraction
        self.reliability = np.where(flaky, rng.beta(3, 3, n), rng.beta(12, 1.5, n)).astype(
            np.float64
        )
        # A job-seeker starts most contact with weak ties; close friends call back.
        self.reciprocity = np.clip(
            rng.beta(2, 2.5, n) * (0.6 + 0.6 * strength) * self.s.reciprocity_scale, 0.0, 0.95
        )
        if self.s.reciprocity_scale == 1.0:
            self.reciprocity = np.maximum(self.reciprocity, 0.02)

        # "Were strong once": cold ties come mostly from the middle layers.
        cold_weight = np.array([0.3, 1.0, 1.0, 1.0, 0.25, 0.0])[layer]
        k = min(round(s.cold_fraction * n), int((cold_weight > 0).sum()))
        cold = np.zeros(n, dtype=bool)
        if k:
            cold[rng.choice(n, size=k, replace=False, p=cold_weight / cold_weight.sum())] = True
        self.cold = cold
        hi = min(s.cold_after_days[1], int(self.days * 0.8))
        lo = min(s.cold_after_days[0], hi // 2)
        cold_ago = rng.integers(lo, max(hi, lo + 1), n)
        self.cold_d = np.where(cold, self.today_d - cold_ago, self.today_d)

        # When the tie began (years ago, by layer); cold ties began well before they cooled.
        years = np.array([(3, 20), (2, 15), (0.5, 10), (0.25, 8), (0.05, 5), (0.02, 4)])
        lo_y, hi_y = years[layer, 0], years[layer, 1]
        ago = ((lo_y + rng.random(n) * (hi_y - lo_y)) * 365.25).astype(np.int64)
        ago = np.where(cold, np.maximum(ago, cold_ago + 365 + rng.integers(0, 900, n)), ago)
        self.start_d = self.today_d - np.maximum(ago, 1)
        # the stretch of the window in which this tie was alive
        self.active_from = np.maximum(self.start_d, self.window_d)
        self.active_to = np.where(cold, self.cold_d, self.today_d)
        self.active_days = np.clip(self.active_to - self.active_from, 0, None)

    # -- people -----------------------------------------------------------------

    def organizations(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        count = max(3, round(n * s.orgs_per_person))
        classics = list(words.CLASSIC_ORGS[: max(1, min(len(words.CLASSIC_ORGS), count // 10))])
        firsts = list(dict.fromkeys(words.ORG_FIRST))
        seconds = list(dict.fromkeys(words.ORG_SECOND))
        pairs = len(firsts) * len(seconds)
        need = count - len(classics)
        picks = rng.choice(pairs, size=min(need, pairs), replace=False)
        names = [
            (
                f"{firsts[i // len(seconds)]} {seconds[i % len(seconds)][0]}",
                seconds[i % len(seconds)][1],
            )
            for i in picks.tolist()
        ]
        if need > pairs:  # very large networks: add a place ("Summit Health Midwest")
            triples = pairs * len(words.ORG_PLACES)
            extra = rng.choice(triples, size=min(need - pairs, triples), replace=False)
            for i in extra.tolist():
                base, place = divmod(i, len(words.ORG_PLACES))
                first, second = firsts[base // len(seconds)], seconds[base % len(seconds)]
                names.append((f"{first} {second[0]} {words.ORG_PLACES[place]}", second[1]))
        everything = classics + names
        order = rng.permutation(len(everything))
        self.org_names = [everything[i][0] for i in order]
        self.org_industry = np.array(
            [self.tag_index[everything[i][1]] for i in order], dtype=np.int64
        )
        # Company sizes are skewed: the biggest few employ many of the owner's contacts.
        company = rng.choice(len(self.org_names), size=n, p=_zipf(len(self.org_names), 0.8))
        company[rng.random(n) < s.no_company_fraction] = NONE
        self.company = company.astype(np.int64)
        # the owner's own former employers: the two biggest
        self.my_employers = [0, 1] if len(self.org_names) > 1 else [0]
        self.org_domain = [_ascii(name) + ".com" for name in self.org_names]

    def people(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        first = rng.choice(len(words.FIRST_NAMES), size=n, p=_zipf(len(words.FIRST_NAMES), 0.8))
        last = rng.choice(len(words.LAST_NAMES), size=n, p=_zipf(len(words.LAST_NAMES), 0.5))
        if n >= 8:
            # Make sure at least two pairs share a full name: name resolution must ask.
            a1, b1, a2, b2 = rng.choice(n, size=4, replace=False)
            first[b1], last[b1] = first[a1], last[a1]
            first[b2], last[b2] = first[a2], last[a2]
        self.given_name = [words.FIRST_NAMES[i] for i in first.tolist()]
        self.family_name = [words.LAST_NAMES[i] for i in last.tolist()]
        self.full_name = [
            f"{g} {f}" for g, f in zip(self.given_name, self.family_name, strict=True)
        ]

        title_idx = rng.integers(len(words.TITLES), size=n)
        self.title = [words.TITLES[i][0] for i in title_idx.tolist()]

        # e-mail addresses: work (company domain) or personal, some unknown, all distinct
        missing = rng.random(n) < s.email_missing
        work = (rng.random(n) < s.work_email_share) & (self.company >= 0)
        pattern = rng.integers(3, size=n)
        personal_domain = rng.integers(len(words.PERSONAL_DOMAINS), size=n)
        suffix = rng.integers(10, 99, size=n)
        seen: set[str] = set()
        emails: list[str] = []
        for i in range(n):
            if missing[i]:
                emails.append("")
                continue
            g = _ascii(self.given_name[i]) or "x"
            f = _ascii(self.family_name[i]) or "x"
            if work[i]:
                local = (f"{g}.{f}", f"{g[0]}{f}", g)[pattern[i]]
                domain = self.org_domain[self.company[i]]
            else:
                local = (f"{g}.{f}", f"{g}{f}{suffix[i]}", f"{g[0]}{f}")[pattern[i]]
                domain = words.PERSONAL_DOMAINS[personal_domain[i]]
            email, k = f"{local}@{domain}", 2
            while email in seen:
                email, k = f"{local}{k}@{domain}", k + 1
            seen.add(email)
            emails.append(email)
        self.email = emails

        # phones: distinct numbers in the fictional 555-01xx range, Chicago area codes favoured
        capacity = len(words.AREA_CODES) * 100
        wanted = min(round(s.phone_fraction * n), capacity)
        who = rng.choice(n, size=wanted, replace=False)
        area_weight = np.where(np.arange(len(words.AREA_CODES)) < 9, 4.0, 1.0)
        number_weight = np.repeat(area_weight, 100)
        numbers = rng.choice(
            capacity, size=wanted, replace=False, p=number_weight / number_weight.sum()
        )
        phones = [""] * n
        for i, num in zip(who.tolist(), numbers.tolist(), strict=True):
            phones[i] = f"+1{words.AREA_CODES[num // 100]}55501{num % 100:02d}"
        self.phone = phones

        # 0-3 tags: the company's industry, the title's skill, then anything
        k_tags = rng.choice(4, size=n, p=[0.25, 0.35, 0.25, 0.15])
        use_industry = rng.random(n) < 0.6
        use_title = rng.random(n) < 0.7
        extra = rng.integers(len(self.tags), size=(n, 3))
        tag_person: list[int] = []
        tag_tag: list[int] = []
        for i in range(n):
            if not k_tags[i]:
                continue
            cands: list[int] = []
            if use_industry[i] and self.company[i] >= 0:
                cands.append(int(self.org_industry[self.company[i]]))
            title_tag = words.TITLES[title_idx[i]][1]
            if use_title[i] and title_tag:
                cands.append(self.tag_index[title_tag])
            cands.extend(extra[i].tolist())
            chosen = list(dict.fromkeys(cands))[: k_tags[i]]
            tag_person.extend([i] * len(chosen))
            tag_tag.extend(chosen)
        self.person_tag_person = np.array(tag_person, dtype=np.int64)
        self.person_tag_tag = np.array(tag_tag, dtype=np.int64)

        self.met()
        self.ratings()

    def _fill(self, template: str, **known: str) -> str:
        """Fill a template's placeholders with random picks (or the given values)."""
        rng = self.rng
        values: dict[str, str] = {}
        for name in _fields(template):
            if name in known:
                values[name] = known[name]
            elif name == "org":
                values[name] = _choose(rng, self.org_names)
            elif name == "my_org":
                values[name] = self.org_names[_choose_int(rng, self.my_employers)]
            elif name == "title":
                values[name] = words.TITLES[int(rng.integers(len(words.TITLES)))][0]
            elif name == "tag":
                values[name] = _choose(rng, self.tags)
            else:
                values[name] = _choose(rng, _VOCAB[name])
        return template.format(**values)

    def met(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        layer = self.layer
        # met through someone: usually one of the owner's stronger ties
        through = np.full(n, NONE, dtype=np.int64)
        candidates = np.flatnonzero(~self.stranger)
        if len(candidates) >= 2:
            chosen = candidates[rng.random(len(candidates)) < s.met_through_fraction]
            weight = self.strength[candidates] ** 2
            via = rng.choice(candidates, size=len(chosen), p=weight / weight.sum())
            ok = via != chosen
            through[chosen[ok]] = via[ok]
        self.met_through = through

        blank = rng.random(n) < 0.08
        met_how: list[str] = []
        for i in range(n):
            if through[i] != NONE:
                met_how.append(f"introduced by {self.full_name[through[i]]}")
                continue
            if blank[i]:
                met_how.append("")
                continue
            if layer[i] <= CLOSE:
                pool = words.MET_STRONG
            elif layer[i] <= NETWORK:
                pool = words.MET_MEDIUM
            elif layer[i] == ACQUAINTANCE:
                pool = words.MET_WEAK
            else:
                pool = ("LinkedIn",) * 9 + words.MET_WEAK
            template = _choose(rng, pool).replace("{org}", "{my_org}")
            met_how.append(self._fill(template))
        self.met_how = met_how
        self.met_on = _as_dates(self.start_d, missing=rng.random(n) < 0.25)

    def ratings(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        share = np.where(self.stranger, s.rated_fraction * 0.2, s.rated_fraction)
        rated = rng.random(n) < share
        score = np.rint(1 + 4 * self.strength + rng.normal(0, s.rating_noise, n))
        self.closeness = np.where(rated, np.clip(score, 1, 5), 0).astype(np.int64)

    def notes(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        has = rng.random(n) < s.note_fraction * (0.5 + self.strength)
        count = np.where(has, 1 + rng.poisson(self.strength), 0)
        person = np.repeat(np.arange(n), count)
        start = np.maximum(self.start_d, self.window_d)[person]
        end = self.active_to[person]
        day = start + (rng.random(len(person)) * np.maximum(end - start, 1)).astype(np.int64)
        seconds = day * DAY + rng.integers(8 * 3600, 22 * 3600, len(person))
        self.note_person = person.astype(np.int64)
        self.note_at = _as_instants(seconds - self.s.utc_offset_minutes * 60)
        self.note_text = [self._fill(_choose(rng, words.NOTES)) for _ in range(len(person))]

    # -- interactions ---------------------------------------------------------------

    def interactions(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        interval = np.exp(
            np.interp(self.strength, s.cadence_strength, np.log(np.asarray(s.cadence_days)))
        )
        multiplier = rng.gamma(s.burst_shape, 1.0 / s.burst_shape, n)
        expected = self.active_days / interval * multiplier
        expected[self.stranger] = 0.0
        if self.per_person is not None and expected.sum() > 0:
            # the benchmark asks for a total; scaling every rate keeps the rhythms' order
            expected *= self.per_person * n / expected.sum()
        counts = rng.poisson(expected)
        total = int(counts.sum())

        person = np.repeat(np.arange(n, dtype=np.int64), counts)
        first_of = np.cumsum(counts) - counts
        start_s = self.active_from * DAY
        span_s = np.maximum(self.active_to - self.active_from, 0) * DAY
        t = start_s[person] + (rng.random(total) * span_s[person]).astype(np.int64)
        # Burstiness: some contacts follow an earlier one within days.
        follow = (rng.random(total) < s.follow_up_share) & (counts[person] >= 2)
        fp = person[follow]
        anchor = first_of[fp] + (rng.random(len(fp)) * counts[fp]).astype(np.int64)
        t[follow] = t[anchor] + rng.exponential(s.follow_up_days * DAY, len(fp)).astype(np.int64)
        day = np.minimum(t // DAY, self.active_to[person] - 1)
        # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
        weekday = (day + 3) % 7
        shift = (weekday >= 5) & (rng.random(total) < s.weekend_shift)
        day[shift] -= weekday[shift] - 4
        day = np.maximum(day, self.active_from[person])
        hour = rng.choice(24, size=total, p=_HOURS)
        minute = rng.integers(0, 12, size=total) * 5
        local = day * DAY + hour * 3600 + minute * 60

        strength = self.strength[person]
        u = rng.random(total)
        channel = np.zeros(total, dtype=np.int64)
        acc = np.zeros(total)
        for k in range(len(CHANNELS) - 1):
            acc += _WEAK_MIX[k] + strength * (_STRONG_MIX[k] - _WEAK_MIX[k])
            channel += u >= acc

        duration = np.zeros(total, dtype=np.int64)
        for ch, (choices, weights) in _DURATIONS.items():
            mask = channel == ch
            duration[mask] = rng.choice(choices, size=int(mask.sum()), p=weights)

        them = rng.random(total) < self.reciprocity[person]
        initiator = np.where(them, 1, 0)
        initiator[channel == EVENT] = 2

        if s.group_share > 0:
            person, local, channel, duration, initiator = self._group_mail(
                person, local, channel, duration, initiator
            )
        summary = self.summary_codes(channel)

        order = np.argsort(local, kind="stable")
        self.ix_person = person[order]
        self.ix_at = _as_instants(local[order] - s.utc_offset_minutes * 60)
        self.ix_channel = channel[order]
        self.ix_initiator = initiator[order]
        self.ix_duration = duration[order]
        self.ix_summary = summary[order]

    def _group_mail(
        self, person: Ints, local: Ints, channel: Ints, duration: Ints, initiator: Ints
    ) -> tuple[Ints, Ints, Ints, Ints, Ints]:
        """Copies of some of the owner's e-mails to others at the same instant (one
        message to several people: `write_network_log` joins them into one row)."""
        rng, s = self.rng, self.s
        sent = np.flatnonzero((channel == CHANNELS.index("email")) & (initiator == 0))
        grouped = sent[rng.random(len(sent)) < s.group_share]
        extra = rng.geometric(1.0 / max(s.group_extra_mean, 1.0), len(grouped))
        src = np.repeat(grouped, extra)
        # Mostly the people the owner writes to anyway (a team's list), sometimes
        # anyone, strangers included; never the message's own person.
        weight = np.bincount(person, minlength=self.n) + 0.5
        who = rng.choice(self.n, size=len(src), p=weight / weight.sum())
        who = np.where(who == person[src], (who + 1) % self.n, who)
        ok = self.active_from[who] * DAY <= local[src]
        src, who = src[ok], who[ok]
        return (
            np.concatenate([person, who]),
            np.concatenate([local, local[src]]),
            np.concatenate([channel, channel[src]]),
            np.concatenate([duration, duration[src]]),
            np.concatenate([initiator, initiator[src]]),
        )

    def summary_codes(self, channel: Ints) -> Ints:
        """Summaries come from a small vocabulary: a code per row, not a string per row."""
        rng = self.rng
        texts = [""]
        offsets, sizes = [], []
        for name in CHANNELS:
            offsets.append(len(texts))
            for template in words.SUMMARY_TEMPLATES[name]:
                texts.extend(self._fill(template) for _ in range(24))
            sizes.append(len(texts) - offsets[-1])
        self.summaries = texts
        off = np.asarray(offsets)[channel]
        size = np.asarray(sizes)[channel]
        code = off + (rng.random(len(channel)) * size).astype(np.int64)
        code[rng.random(len(channel)) < 0.06] = 0  # some contacts were never written up
        return code

    # -- the ledger -----------------------------------------------------------------

    def _dates_in_active(self, person: Ints) -> Ints:
        start, end = self.active_from[person], self.active_to[person]
        return start + (self.rng.random(len(person)) * np.maximum(end - start, 1)).astype(np.int64)

    def favours(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        years = self.active_days / 365.25
        rate = np.where(
            self.stranger, 0.0, s.favours_per_year * self.strength**s.ledger_strength_power * years
        )
        mine = rng.poisson(rate)
        theirs = rng.poisson(rate * 0.9)
        person = np.concatenate([np.repeat(np.arange(n), mine), np.repeat(np.arange(n), theirs)])
        from_me = np.concatenate([np.ones(mine.sum(), bool), np.zeros(theirs.sum(), bool)])
        m = len(person)
        strength = self.strength[person]
        weights = np.where(from_me[:, None], _FAVOR_MINE_W[None, :], _FAVOR_THEIRS_W[None, :])
        # Leads come most from moderately weak ties (Rajkumar et al. 2022, anchors.md);
        # referrals need trust, so they come from strong ones.
        weights[:, 1] *= np.where((strength >= 0.3) & (strength < 0.7), 2.0, 1.0)
        weights[:, 3] *= np.where(strength >= 0.7, 2.5, 1.0)
        cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        kind = (rng.random(m)[:, None] >= cum[:, :-1]).sum(axis=1)
        self.favor_giver = np.where(from_me, ME, person).astype(np.int64)
        self.favor_receiver = np.where(from_me, person, ME).astype(np.int64)
        self.favor_kind = kind.astype(np.int64)
        self.favor_day = self._dates_in_active(person)
        self.favor_what = [
            self._fill(
                _choose(rng, (words.FAVOR_MINE if me else words.FAVOR_THEIRS)[FAVOR_KINDS[k]])
            )
            for me, k in zip(from_me.tolist(), kind.tolist(), strict=True)
        ]
        self.favor_need = np.full(m, NONE, dtype=np.int64)

    def thanks(self) -> None:
        """The owner thanks most favours within a few days; some slip (the agenda's job)."""
        rng, s = self.rng, self.s
        m = len(self.favor_day)
        day = self.favor_day + rng.integers(0, 4, m)
        thanked = (
            (self.favor_receiver == ME)
            & (rng.random(m) < s.owner_reliability)
            & (day <= self.today_d)
        )
        self.favor_thanked_day = np.where(thanked, day, 0)
        self.favor_thanked = thanked

    def promises(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        years = self.active_days / 365.25
        rate = np.where(
            self.stranger, 0.0, s.promises_per_year * self.strength**s.ledger_strength_power * years
        )
        count = rng.poisson(rate)
        person = np.repeat(np.arange(n), count)
        made = np.minimum(self._dates_in_active(person), self.today_d - 1)
        mine = rng.random(len(person)) < 0.5

        # A few guaranteed to matter now: open and due soon, and open and overdue.
        live = np.flatnonzero(~self.stranger & ~self.cold & (self.strength >= 0.3))
        if not len(live):
            live = np.flatnonzero(~self.stranger)
        soon = max(3, round(0.01 * n)) if len(live) else 0
        late = max(2, round(0.005 * n)) if len(live) else 0
        p_soon = rng.choice(live, size=soon) if soon else np.zeros(0, np.int64)
        p_late = rng.choice(live, size=late) if late else np.zeros(0, np.int64)
        made_soon = self.today_d - rng.integers(1, 20, soon)
        due_soon = self.today_d + rng.integers(2, 21, soon)
        made_late = self.today_d - rng.integers(25, 60, late)
        due_late = self.today_d - rng.integers(2, 20, late)

        has_due = rng.random(len(person)) < 0.8
        due = made + rng.integers(2, 30, len(person))
        # An undated promise still has an implicit "in a couple of weeks".
        settle = np.where(has_due, due, made + 14)
        debtor_reliability = np.where(mine, s.owner_reliability, self.reliability[person])
        u = rng.random(len(person))
        kept = u < debtor_reliability
        recent = (self.today_d - settle) <= 45
        still_open = ~kept & recent & (rng.random(len(person)) < 0.6)
        broken = rng.random(len(person)) < 0.75
        status = np.where(kept, 1, np.where(still_open, 0, np.where(broken, 2, 3)))
        future = settle >= self.today_d
        # not yet due: open, unless the reliable already delivered early
        early = future & (rng.random(len(person)) < 0.3 * debtor_reliability)
        status = np.where(future, np.where(early, 1, 0), status)

        changed = np.where(
            status == 1,
            np.minimum(settle - (rng.random(len(person)) * 5).astype(np.int64), self.today_d - 1),
            np.where(
                status == 2,
                np.minimum(settle + rng.integers(1, 20, len(person)), self.today_d - 1),
                made + (rng.random(len(person)) * np.maximum(settle - made, 1)).astype(np.int64),
            ),
        )
        changed = np.clip(changed, made, self.today_d - 1)

        # the extra ones alternate: mine, theirs, mine, ...
        soon_mine = np.arange(soon) % 2 == 0
        late_mine = np.arange(late) % 2 == 0
        self.promise_debtor = np.concatenate(
            [
                np.where(mine, ME, person),
                np.where(soon_mine, ME, p_soon),
                np.where(late_mine, ME, p_late),
            ]
        ).astype(np.int64)
        self.promise_creditor = np.concatenate(
            [
                np.where(mine, person, ME),
                np.where(soon_mine, p_soon, ME),
                np.where(late_mine, p_late, ME),
            ]
        ).astype(np.int64)
        made_all = np.concatenate([made, made_soon, made_late])
        due_all = np.concatenate([due, due_soon, due_late])
        no_due = np.concatenate([~has_due, np.zeros(soon + late, bool)])
        status_all = np.concatenate([status, np.zeros(soon + late, np.int64)])
        changed_all = np.concatenate([changed, np.zeros(soon + late, np.int64)])
        hours = rng.integers(9 * 3600, 21 * 3600, len(status_all))
        self.promise_made = _as_dates(made_all)
        self.promise_due = _as_dates(due_all, missing=no_due)
        self.promise_status = status_all.astype(np.int64)
        self.promise_changed_at = _as_instants(
            changed_all * DAY + hours - s.utc_offset_minutes * 60, missing=status_all == 0
        )
        what: list[str] = []
        for debtor, creditor in zip(
            self.promise_debtor.tolist(), self.promise_creditor.tolist(), strict=True
        ):
            if debtor == ME:
                what.append(
                    self._fill(_choose(rng, words.PROMISE_MINE), first=self.given_name[creditor])
                )
            else:
                what.append(self._fill(_choose(rng, words.PROMISE_THEIRS)))
        self.promise_what = what

    def needs(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        h_lo, h_hi = s.need_horizon_days
        contacts = np.flatnonzero(~self.stranger)
        rows: list[dict[str, Any]] = []

        def pick(pool: Ints, share: float) -> Ints:
            if not len(pool):
                return np.zeros(0, np.int64)
            k = min(round(share * n), len(pool))
            weight = 0.2 + self.strength[pool]
            return np.sort(rng.choice(pool, size=k, replace=False, p=weight / weight.sum()))

        def template(mine: bool) -> tuple[str, tuple[str, ...], str]:
            pool = words.MY_NEEDS if mine else words.NEEDS
            return pool[int(rng.integers(len(pool)))]

        # open needs: noted in the last weeks, still inside their horizon
        open_people = pick(contacts[~self.cold[contacts]], s.open_need_fraction).tolist()
        owner_open = [ME] * int(rng.integers(1, 3))
        for p in open_people + owner_open:
            horizon = int(rng.integers(h_lo, h_hi + 1))
            noted = self.today_d - int(rng.integers(0, min(s.need_recent_days, horizon - 1) + 1))
            text, tags, _ = template(p == ME)
            rows.append(
                dict(
                    person=p,
                    what=self._fill(text),
                    tags=tags,
                    noted=noted,
                    expires=noted + horizon,
                    status=0,
                    met_by=NONE,
                    closed=None,
                )
            )

        # past needs: met (some by me, recorded as a favour), expired or withdrawn
        past_people = pick(contacts, s.past_need_fraction).tolist() + [ME]
        favours: list[tuple[int, int, int, int, str, int]] = []
        for p in past_people:
            horizon = int(rng.integers(h_lo, h_hi + 1))
            latest = self.active_to[p] if p != ME else self.today_d
            earliest = self.active_from[p] if p != ME else self.window_d
            if latest - horizon - 1 <= earliest:
                continue
            noted = int(rng.integers(earliest, latest - horizon))
            text, tags, kind = template(p == ME)
            roll = rng.random() if p != ME else 0.0  # the owner's past need was met
            closed = noted + int(rng.integers(1, horizon))
            if roll < 0.45:
                status = 1
                if p == ME:
                    # someone still in touch (a cold tie gives nothing after going quiet)
                    warm = contacts[~self.cold[contacts]]
                    met_by = int(rng.choice(warm)) if len(warm) else NONE
                else:
                    others = contacts[contacts != p]
                    met_by = (
                        ME if rng.random() < 0.5 or not len(others) else int(rng.choice(others))
                    )
            elif roll < 0.9:
                status, met_by, closed = 2, NONE, noted + horizon
            else:
                status, met_by = 3, NONE
            what = self._fill(text)
            rows.append(
                dict(
                    person=p,
                    what=what,
                    tags=tags,
                    noted=noted,
                    expires=noted + horizon,
                    status=status,
                    met_by=met_by,
                    closed=closed,
                )
            )
            if status == 1 and met_by != NONE and (p == ME or met_by == ME):
                favours.append(
                    (
                        met_by,
                        p,
                        FAVOR_KINDS.index(kind),
                        closed,
                        f"Helped with: {what}",
                        len(rows) - 1,
                    )
                )

        self.need_person = np.array([r["person"] for r in rows], dtype=np.int64)
        self.need_what = [r["what"] for r in rows]
        self.need_noted = _as_dates(np.array([r["noted"] for r in rows], dtype=np.int64))
        self.need_expires = _as_dates(np.array([r["expires"] for r in rows], dtype=np.int64))
        self.need_status = np.array([r["status"] for r in rows], dtype=np.int64)
        self.need_met_by = np.array([r["met_by"] for r in rows], dtype=np.int64)
        closed_s = (
            np.array([(r["closed"] or 0) * DAY + 15 * 3600 for r in rows], dtype=np.int64)
            - s.utc_offset_minutes * 60
        )
        self.need_closed_at = _as_instants(
            closed_s, missing=np.array([r["closed"] is None for r in rows], dtype=bool)
        )
        need_tag_need: list[int] = []
        need_tag_tag: list[int] = []
        for i, r in enumerate(rows):
            for t in r["tags"]:
                need_tag_need.append(i)
                need_tag_tag.append(self.tag_index[t])
        self.need_tag_need = np.array(need_tag_need, dtype=np.int64)
        self.need_tag_tag = np.array(need_tag_tag, dtype=np.int64)

        if favours:
            givers, receivers, kinds, days, whats, needs = zip(*favours, strict=True)
            self.favor_giver = np.concatenate([self.favor_giver, np.array(givers, np.int64)])
            self.favor_receiver = np.concatenate(
                [self.favor_receiver, np.array(receivers, np.int64)]
            )
            self.favor_kind = np.concatenate([self.favor_kind, np.array(kinds, np.int64)])
            self.favor_day = np.concatenate([self.favor_day, np.array(days, np.int64)])
            self.favor_what = self.favor_what + list(whats)
            self.favor_need = np.concatenate([self.favor_need, np.array(needs, np.int64)])

    # -- the graph ------------------------------------------------------------------

    def knows(self) -> None:
        rng, s, n = self.rng, self.s, self.n
        parts_a: list[Ints] = []
        parts_b: list[Ints] = []
        parts_w: list[Floats] = []

        # colleagues: in a big company you know a few people, in a small one most
        employed = np.flatnonzero(self.company >= 0)
        members = employed[np.argsort(self.company[employed], kind="stable")]
        orgs, first, size = np.unique(self.company[members], return_index=True, return_counts=True)
        del orgs
        multi = size >= 2
        first, size = first[multi], size[multi]
        if len(size):
            p = np.minimum(0.6, s.colleague_degree / (size - 1))
            links = rng.binomial(size * (size - 1) // 2, p)
            c_first = np.repeat(first, links)
            c_size = np.repeat(size, links)
            a = members[c_first + (rng.random(len(c_first)) * c_size).astype(np.int64)]
            b = members[c_first + (rng.random(len(c_first)) * c_size).astype(np.int64)]
            parts_a.append(a)
            parts_b.append(b)
            parts_w.append(rng.uniform(0.3, 0.7, len(a)))

        # the owner's strong ties know each other (overlapping neighbourhoods)
        circle = np.flatnonzero(self.layer <= ACTIVE)
        if len(circle) >= 2:
            w = self.strength[circle] ** 3
            m = round(s.circle_degree * len(circle) / 2)
            a = rng.choice(circle, size=m, p=w / w.sum())
            b = rng.choice(circle, size=m, p=w / w.sum())
            parts_a.append(a)
            parts_b.append(b)
            parts_w.append(np.sqrt(self.strength[a] * self.strength[b]) * rng.uniform(0.7, 1.0, m))

        # random weak links, anyone to anyone
        if n >= 2:
            m = round(s.random_degree * n / 2)
            parts_a.append(rng.integers(n, size=m))
            parts_b.append(rng.integers(n, size=m))
            parts_w.append(rng.uniform(0.05, 0.3, m))

        # whoever introduced someone knows them
        via = np.flatnonzero(self.met_through != NONE)
        parts_a.append(via)
        parts_b.append(self.met_through[via])
        parts_w.append(rng.uniform(0.4, 0.8, len(via)))

        a = np.concatenate(parts_a).astype(np.int64)
        b = np.concatenate(parts_b).astype(np.int64)
        w = np.concatenate(parts_w)
        keep = a != b
        a, b, w = a[keep], b[keep], w[keep]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key = lo * n + hi
        order = np.lexsort((-w, key))  # by pair, strongest first
        key, lo, hi, w = key[order], lo[order], hi[order], w[order]
        first_of_pair = np.ones(len(key), dtype=bool)
        first_of_pair[1:] = key[1:] != key[:-1]
        self.knows_a = lo[first_of_pair]
        self.knows_b = hi[first_of_pair]
        self.knows_strength = np.round(w[first_of_pair], 3)

    def introductions(self) -> None:
        rng, n = self.rng, self.n
        contacts = np.flatnonzero(~self.stranger)
        if len(contacts) < 3:
            return
        count = max(2, min(40, n // 40))
        ties = contacts[self.strength[contacts] >= 0.3]
        if not len(ties):
            ties = contacts
        strong_links = np.flatnonzero(self.strength[self.knows_a] >= 0.5)
        rows = []
        for _ in range(count):
            state = int(rng.choice(6, p=[0.2, 0.15, 0.2, 0.2, 0.15, 0.1]))
            created = (
                self.today_d * DAY
                - int(rng.integers(3, 150)) * DAY
                + int(rng.integers(9, 20)) * 3600
            )
            updated = (
                created
                if state == 0
                else min(created + int(rng.integers(1, 30)) * DAY, self.today_d * DAY - 3600)
            )
            if rng.random() < 0.6:  # I connect two people I know
                a = int(rng.choice(ties))
                b = int(rng.choice(contacts[contacts != a]))
                why = self._fill(
                    _choose(rng, words.INTRO_WHY_CONNECT),
                    a=self.given_name[a],
                    b=self.given_name[b],
                    need=_choose(rng, [t for t, _, _ in words.NEEDS]).replace(
                        "{org}", _choose(rng, self.org_names)
                    ),
                )
                rows.append((0, ME, a, b, why, state, created, updated))
            else:  # I ask someone I know to introduce me to someone they know
                if len(strong_links):
                    link = int(rng.choice(strong_links))
                    introducer, target = int(self.knows_a[link]), int(self.knows_b[link])
                else:
                    introducer = int(rng.choice(ties))
                    target = int(rng.choice(contacts[contacts != introducer]))
                why = self._fill(_choose(rng, words.INTRO_WHY_REQUEST))
                state = 6 if state == 0 else state  # my request starts as "asked"
                rows.append((1, introducer, ME, target, why, state, created, updated))
        self.intro_rows = rows

    def network(self) -> Network:
        s = self.s
        intro = self.intro_rows
        offset = s.utc_offset_minutes * 60

        def col(i: int) -> Ints:
            return np.array([r[i] for r in intro], dtype=np.int64)

        return Network(
            seed=self.seed,
            today=self.today,
            days=self.days,
            owner_reliability=s.owner_reliability,
            tags=self.tags,
            org_names=self.org_names,
            org_industry=self.org_industry,
            summaries=self.summaries,
            full_name=self.full_name,
            given_name=self.given_name,
            family_name=self.family_name,
            email=self.email,
            phone=self.phone,
            company=self.company,
            title=self.title,
            met_how=self.met_how,
            met_on=self.met_on,
            met_through=self.met_through,
            closeness=self.closeness,
            person_tag_person=self.person_tag_person,
            person_tag_tag=self.person_tag_tag,
            strength=np.round(self.strength, 4),
            layer=self.layer,
            reliability=np.round(self.reliability, 4),
            reciprocity=np.round(self.reciprocity, 4),
            went_cold=self.cold,
            cold_on=_as_dates(self.cold_d, missing=~self.cold),
            note_person=self.note_person,
            note_text=self.note_text,
            note_at=self.note_at,
            ix_person=self.ix_person,
            ix_at=self.ix_at,
            ix_channel=self.ix_channel,
            ix_initiator=self.ix_initiator,
            ix_duration=self.ix_duration,
            ix_summary=self.ix_summary,
            favor_giver=self.favor_giver,
            favor_receiver=self.favor_receiver,
            favor_kind=self.favor_kind,
            favor_on=_as_dates(self.favor_day),
            favor_thanked_on=_as_dates(self.favor_thanked_day, missing=~self.favor_thanked),
            favor_what=self.favor_what,
            favor_need=self.favor_need,
            promise_debtor=self.promise_debtor,
            promise_creditor=self.promise_creditor,
            promise_what=self.promise_what,
            promise_made=self.promise_made,
            promise_due=self.promise_due,
            promise_status=self.promise_status,
            promise_changed_at=self.promise_changed_at,
            need_person=self.need_person,
            need_what=self.need_what,
            need_noted=self.need_noted,
            need_expires=self.need_expires,
            need_status=self.need_status,
            need_met_by=self.need_met_by,
            need_closed_at=self.need_closed_at,
            need_tag_need=self.need_tag_need,
            need_tag_tag=self.need_tag_tag,
            intro_role=col(0),
            intro_introducer=col(1),
            intro_a=col(2),
            intro_b=col(3),
            intro_why=[r[4] for r in intro],
            intro_state=col(5),
            intro_created=_as_instants(col(6) - offset),
            intro_updated=_as_instants(col(7) - offset),
            knows_a=self.knows_a,
            knows_b=self.knows_b,
            knows_strength=self.knows_strength,
        )


def _choose_int(rng: np.random.Generator, seq: list[int]) -> int:
    return seq[int(rng.integers(len(seq)))]


_VOCAB: dict[str, tuple[str, ...]] = {
    "topic": words.TOPICS,
    "place": words.PLACES,
    "event": words.EVENTS,
    "milestone": words.MILESTONES,
    "school": words.SCHOOLS,
    "conf": words.CONFERENCES,
    "meetup": words.MEETUPS,
    "first": ("them",),
}

# Local hour of a contact: office hours with a lunch bump and some evenings.
_HOUR_WEIGHTS = np.array(
    [0, 0, 0, 0, 0, 0, 0.2, 1, 3, 6, 7, 7, 8, 6, 7, 7, 6, 5, 4, 3, 3, 2, 1, 0.3], dtype=np.float64
)
_HOURS = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()

# Channel mix of the weakest and the strongest tie (meeting, call, email, message,
# event); a tie's mix is interpolated by strength. Strong ties meet and call,
# weak ones write (Gilbert & Karahalios: the features transfer across channels).
_WEAK_MIX = np.array([0.05, 0.05, 0.50, 0.32, 0.08])
_STRONG_MIX = np.array([0.32, 0.25, 0.10, 0.30, 0.03])

# Minutes per channel: meetings and calls 20-120 min, events longer, writing none.
_DURATIONS: dict[int, tuple[NDArray[np.int64], NDArray[np.float64]]] = {
    MEETING: (np.array([20, 30, 45, 60, 90, 120]), np.array([0.05, 0.3, 0.25, 0.25, 0.1, 0.05])),
    CALL: (np.array([20, 30, 45, 60, 90]), np.array([0.35, 0.35, 0.15, 0.1, 0.05])),
    EVENT: (np.array([60, 90, 120, 180]), np.array([0.2, 0.3, 0.35, 0.15])),
}

_FAVOR_MINE_W = np.array([0.15, 0.12, 0.25, 0.06, 0.17, 0.10, 0.15])
_FAVOR_THEIRS_W = np.array([0.17, 0.15, 0.22, 0.08, 0.13, 0.10, 0.15])


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


def generate_network(
    people: int = 300,
    seed: int = 7,
    days: int = 540,
    today: dt.date | None = None,
    interactions_per_person: float | None = None,
    settings: SimSettings | None = None,
) -> Network:
    """Simulate `people` contacts of one job-seeker over the `days` before `today`.

    The same arguments give the same network (`today` defaults to the system's
    date, so pass it when the result must be reproducible across days).
    `interactions_per_person` scales every tie's rhythm so the total comes out at
    about people x that; by default the rhythms alone decide (a few per person).
    """
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if interactions_per_person is not None and interactions_per_person < 0:
        raise ValueError("interactions_per_person must not be negative")
    sim = _Sim(
        people,
        seed,
        days,
        today or dt.date.today(),
        interactions_per_person,
        settings or SimSettings(),
    )
    sim.truth()
    sim.organizations()
    sim.people()
    sim.interactions()
    sim.notes()
    sim.favours()
    sim.promises()
    sim.needs()
    sim.knows()
    sim.introductions()
    sim.thanks()
    return sim.network()
