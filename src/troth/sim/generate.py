"""Simulate a job-seeker's network, with the hidden truth kept alongside.

Pure: numpy and the standard library only, no Django, so it can be benchmarked,
tested and reused without a database. Everything is column-oriented (one numpy
array or list per field) and the interaction history is generated with array
operations only, so 30,000 people and a million interactions take a second or
two, not minutes.

The stages live beside this module: troth.sim.contacts (truth, people, interactions),
troth.sim.ledger (favours, promises, needs) and troth.sim.graph (knows, introductions);
the output and its conventions are troth.sim.network's. The names below are re-exported
so `from troth.sim.generate import Network, LAYERS, ...` keeps working.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from troth.sim.contacts import _as_dates, _as_instants
from troth.sim.graph import _Graph
from troth.sim.network import (
    ACQUAINTANCE,
    ACTIVE,
    CALL,
    CHANNELS,
    CLOSE,
    DAY,
    EMAIL,
    EPOCH,
    EVENT,
    FAVOR_KINDS,
    INITIATORS,
    INNER,
    INTRO_ROLES,
    INTRO_STATES,
    LAYERS,
    MAIL_LIKE,
    ME,
    MEETING,
    MESSAGE,
    NEED_STATUSES,
    NETWORK,
    NONE,
    PROMISE_STATUSES,
    STRANGER,
    Floats,
    Ints,
    Network,
    SimSettings,
    layer_of,
    layer_sizes,
)


class _Sim(_Graph):
    """One generation run: every stage, then the columns gathered into a `Network`."""

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


__all__ = [
    "ACQUAINTANCE",
    "ACTIVE",
    "CALL",
    "CHANNELS",
    "CLOSE",
    "DAY",
    "EMAIL",
    "EPOCH",
    "EVENT",
    "FAVOR_KINDS",
    "Floats",
    "INITIATORS",
    "INNER",
    "INTRO_ROLES",
    "INTRO_STATES",
    "Ints",
    "LAYERS",
    "MAIL_LIKE",
    "ME",
    "MEETING",
    "MESSAGE",
    "NEED_STATUSES",
    "NETWORK",
    "NONE",
    "Network",
    "PROMISE_STATUSES",
    "STRANGER",
    "SimSettings",
    "layer_of",
    "layer_sizes",
    "generate_network",
]
