"""The simulator's ledger stages: favours (and the owner's thanks), promises and needs.

A subclass of troth.sim.contacts' run, so its columns (people, tie strengths, active
spans) are at hand; troth.sim.generate calls the stages in order. Pure: numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from troth.sim import names as words
from troth.sim.contacts import _as_dates, _as_instants, _choose, _Contacts
from troth.sim.network import DAY, FAVOR_KINDS, ME, NONE, Ints


class _Ledger(_Contacts):
    """Favours, thanks, promises and needs, drawn from the people and ties already built."""

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


_FAVOR_MINE_W = np.array([0.15, 0.12, 0.25, 0.06, 0.17, 0.10, 0.15])
_FAVOR_THEIRS_W = np.array([0.17, 0.15, 0.22, 0.08, 0.13, 0.10, 0.15])
