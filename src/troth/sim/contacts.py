"""The simulator's first stages: the hidden truth (tie strengths, layers, reliability),
organizations, people and how they were met, notes, and the interaction history.

`_Contacts` holds one generation run's random generator and the columns built so far;
troth.sim.ledger and troth.sim.graph add the later stages as subclasses, and
troth.sim.generate runs every stage in order (the order fixes the random draws, so a
seed gives the same network as before the split). Pure: numpy and the standard library.
"""

from __future__ import annotations

import datetime as dt
import functools
import string

import numpy as np
from numpy.typing import NDArray

from troth.lib.text import fold
from troth.sim import names as words
from troth.sim.network import (
    ACQUAINTANCE,
    CALL,
    CHANNELS,
    CLOSE,
    DAY,
    EPOCH,
    EVENT,
    LAYERS,
    MEETING,
    NETWORK,
    NONE,
    STRANGER,
    Floats,
    Ints,
    SimSettings,
    layer_sizes,
)


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


class _Contacts:
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
