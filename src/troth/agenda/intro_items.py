"""Agenda items from introductions: steps waiting on me, and "crickets".

A step that is mine comes up at once. A step waiting on someone else that has
not moved for its set number of days (5 for an opt-in, 3 for a follow-up) gets
one gentle nudge; when the nudge has had as long again, the introduction is
closed quietly (no answer, or never followed up), which the trust score records.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.agenda.plan import Candidate
from troth.intros import flow
from troth.intros.models import Introduction
from troth.intros.queries import OPEN, days_since, waiting

# What silence ends in, by role and state.
_CLOSE = {
    (flow.CONNECTOR, flow.ASKED): flow.NO_ANSWER,
    (flow.CONNECTOR, flow.INTRODUCED): flow.NOT_MET,
    (flow.REQUESTER, flow.ASKED): flow.NO_ANSWER,
    (flow.REQUESTER, flow.AGREED): flow.NO_ANSWER,
    (flow.REQUESTER, flow.ACCEPTED): flow.WITHDRAWN,
}


def intro_candidates(owner, today: dt.date) -> list[Candidate]:
    out = []
    rows = Introduction.objects.filter(owner=owner, state__in=OPEN).select_related(
        "introducer", "person_a", "person_b"
    )
    for i in rows:
        w = waiting(i)
        if w is None:
            continue
        quiet = days_since(i, today)
        pair = f"#{i.id} ({_pair(i)})"
        if w.on_me:
            person = i.person_b if i.role == flow.CONNECTOR else i.introducer
            if i.state == flow.INTRODUCED and i.role == flow.REQUESTER:
                person = i.person_b
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=person.id,
                    person=person.full_name,
                    reason=f"Introduction {pair}: {w.step}.",
                    key=f"intro:{i.id}:{i.state}:do:{w.next_state}",
                    importance=0.8,
                    # follow-ups after an introduction are due within days
                    lateness=quiet / max(flow.FOLLOW_UP_DAYS, 1),
                )
            )
            continue
        if quiet < w.days or w.who is None:
            continue
        close = _CLOSE.get((i.role, i.state))
        if i.nudged_at is None:
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=w.who.id,
                    person=w.who.full_name,
                    reason=(
                        f"Introduction {pair}: waiting {quiet} days for {w.step}: one gentle nudge."
                    ),
                    key=f"intro:{i.id}:{i.state}:nudge",
                    importance=0.6,
                    lateness=(quiet - w.days) / max(w.days, 1),
                )
            )
            continue
        since = (today - timezone.localdate(i.nudged_at)).days
        if close is not None and since >= w.days:
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=w.who.id,
                    person=w.who.full_name,
                    reason=(
                        f"Introduction {pair}: no movement {since} days after your nudge;"
                        f" close it quietly as {flow.word(close)}."
                    ),
                    key=f"intro:{i.id}:{i.state}:close:{close}",
                    importance=0.4,
                    lateness=(since - w.days) / max(w.days, 1),
                )
            )
    return out


def _pair(i: Introduction) -> str:
    if i.role == flow.CONNECTOR:
        return f"{i.person_a.full_name} and {i.person_b.full_name}"
    return f"{i.introducer.full_name} to {i.person_b.full_name}"


def intro_action(key: str) -> tuple[str, str]:
    """From an intro item's key, what `done` does: ('step', state) or ('nudge', '')."""
    parts = key.split(":")
    if len(parts) >= 5 and parts[3] in ("do", "close"):
        return "step", parts[4]
    return "nudge", ""
