"""The simulator's graph stages: who knows whom among the contacts, and introductions.

A subclass of troth.sim.ledger's run; troth.sim.generate calls the stages in order.
Pure: numpy only.
"""

from __future__ import annotations

import numpy as np

from troth.sim import names as words
from troth.sim.contacts import _choose
from troth.sim.ledger import _Ledger
from troth.sim.network import ACTIVE, DAY, ME, NONE, Floats, Ints


class _Graph(_Ledger):
    """Ties between contacts (`knows`) and the introductions made along them."""

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
