"""Agenda items from introductions: steps waiting on me, and "crickets".

A step that is mine comes up at once. A step waiting on someone else that has
not moved for its set number of days (5 for an opt-in, 3 for a follow-up) gets
one gentle nudge; when the nudge has had as long again, the introduction is
closed quietly (no answer, or never followed up), which the trust score records.
An introduction someone offered is their promise: my thank-you (with a note they
can forward) comes up at once, one nudge a few days after its due date, then a
graceful release (never a second chase). The timing lives in intros.queries.phase.
When an introduction A asked me for ends without B (no answer, or a no), A hears it
from me: "crickets" left the person who asked waiting (issue 18 item 11).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from troth.agenda.plan import Candidate
from troth.intros import flow
from troth.intros.models import Introduction
from troth.intros.queries import OPEN, phase
from troth.lib.text import count

# Telling A that an introduction they asked for is not happening is worth doing for this
# long after it ended; later it would reopen something A has let go.
TELL_WINDOW_DAYS = 30
# How an introduction A asked for can end without B: A is told.
TELL_STATES = (flow.NO_ANSWER, flow.DECLINED)


def intro_candidates(owner, today: dt.date) -> list[Candidate]:
    out = []
    # The open introductions and those to tell A about, in one read (one round trip
    # fewer in every rebuild of the agenda, issue 20): the two never share a state.
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=TELL_WINDOW_DAYS), dt.time())
    )
    rows = Introduction.objects.filter(
        Q(state__in=OPEN)
        | Q(role=flow.CONNECTOR, a_asked=True, state__in=TELL_STATES, updated_at__gte=since),
        owner=owner,
    ).select_related("introducer", "person_a", "person_b")
    told = []
    for i in rows:
        if i.state not in OPEN:
            told.append(i)
            continue
        p = phase(i, today)
        if p is None:
            continue
        w = p.waiting
        pair = f"#{i.id} ({_pair(i)})"
        if p.action == "do":
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=p.who.id,
                    person=p.who.full_name,
                    reason=f"Introduction {pair}: {w.step}"
                    + (
                        " (within 48 hours, while it is fresh)." if i.state == flow.OFFERED else "."
                    ),
                    key=f"intro:{i.id}:{i.state}:do:{w.next_state}",
                    importance=0.8,
                    # follow-ups after an introduction are due within days
                    lateness=p.quiet / max(flow.FOLLOW_UP_DAYS, 1),
                )
            )
        elif p.action == "nudge":
            if i.offered and i.due_on is not None:
                reason = (
                    f"Introduction {pair}: {p.who.full_name} offered it by {i.due_on:%-d %B}"
                    f" ({count(p.quiet, 'day')} ago): one gentle, face-saving nudge (once only)."
                )
                grace = flow.OFFER_NUDGE_GRACE_DAYS
            else:
                reason = (
                    f"Introduction {pair}: waiting {count(p.quiet, 'day')} for {w.step}:"
                    " one gentle nudge."
                )
                grace = w.days
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=p.who.id,
                    person=p.who.full_name,
                    reason=reason,
                    key=f"intro:{i.id}:{i.state}:nudge",
                    importance=0.6,
                    lateness=(p.quiet - grace) / max(grace, 1),
                )
            )
        else:
            if p.close == flow.RELEASED:
                reason = (
                    f"Introduction {pair}: no movement {count(p.since, 'day')} after your nudge;"
                    f" release {p.who.given_name or p.who.full_name} from the offer graciously"
                    " rather than chase again."
                )
                wait = flow.OFFER_RELEASE_DAYS
            else:
                reason = (
                    f"Introduction {pair}: no movement {count(p.since, 'day')} after your nudge;"
                    f" close it quietly as {flow.word(p.close)}."
                )
                if _tells_a(i, p.close):
                    reason += f" Then let {_first(i.person_a)} know, kindly."
                wait = w.days
            out.append(
                Candidate(
                    kind="intro",
                    ref=i.id,
                    person_id=p.who.id,
                    person=p.who.full_name,
                    reason=reason,
                    key=f"intro:{i.id}:{i.state}:close:{p.close}",
                    importance=0.4,
                    lateness=(p.since - wait) / max(wait, 1),
                )
            )
    return out + _tell_candidates(told, today)


def _first(p) -> str:
    return p.given_name or p.full_name


def _tells_a(i: Introduction, state: str) -> bool:
    """A asked me for this introduction and B did not take it up: A should hear so."""
    return i.role == flow.CONNECTOR and i.a_asked and state in TELL_STATES


def _tell_candidates(rows: list[Introduction], today: dt.date) -> list[Candidate]:
    """Introductions A asked for that ended without B lately (`rows`, read by
    `intro_candidates`): tell A (the key holds the state, so `troth done` marks this once)."""
    out = []
    for i in rows:
        b = i.person_b.given_name or i.person_b.full_name
        what = "did not answer" if i.state == flow.NO_ANSWER else "said no"
        days = max((today - timezone.localdate(i.updated_at)).days, 0)
        out.append(
            Candidate(
                kind="intro",
                ref=i.id,
                person_id=i.person_a.id,
                person=i.person_a.full_name,
                reason=(
                    f"Introduction #{i.id} ({_pair(i)}): {b} {what}; let"
                    f" {_first(i.person_a)} know kindly, so they are not left waiting."
                ),
                key=f"intro:{i.id}:{i.state}:tell",
                importance=0.5,
                lateness=days / 7,
            )
        )
    return out


def _pair(i: Introduction) -> str:
    if i.role == flow.CONNECTOR:
        return f"{i.person_a.full_name} and {i.person_b.full_name}"
    return f"{i.introducer.full_name} to {i.person_b.full_name}"


def intro_action(key: str) -> tuple[str, str]:
    """From an intro item's key, what `done` does: ('step', state), ('tell', '') or
    ('nudge', '')."""
    parts = key.split(":")
    if len(parts) >= 5 and parts[3] in ("do", "close"):
        return "step", parts[4]
    if len(parts) >= 4 and parts[3] == "tell":
        return "tell", ""
    return "nudge", ""
