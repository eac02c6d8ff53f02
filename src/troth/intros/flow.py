"""The introduction workflow as a state machine (pure: no Django).

Two roles. As *connector* I introduce A to B: proposed -> asked (B's opt-in,
and A's when A did not ask) -> accepted / declined / no answer -> introduced ->
met / not met (A never followed up) -> outcome -> thanked. As *requester* I ask C
to introduce me to B: asked -> agreed (C will ask B) / declined / no answer ->
accepted (B opted in) / declined / no answer -> introduced -> followed up (I wrote
to B within days) / not met -> met -> outcome -> thanked (I thanked C and told C
how it went). Nothing reaches B before B agrees, and a decline or silence ends
the introduction quietly.

When A did not ask for the introduction, A opts in too, after B: accepted (B said
yes) -> asked-a (I asked A) -> agreed (A said yes too) / declined / no answer, and
only then the introduction.

A requester's introduction can also start with C's *offer* ("you need to talk with
my friend Ralph; I'll set that up"): offered -> agreed once I have thanked C and
handed C a note to forward (so C has no work left), then as above. C's offer is
C's promise: after its due date it gets one gentle nudge, then a graceful release
(released), never a second chase.
"""

from __future__ import annotations

from dataclasses import dataclass

CONNECTOR, REQUESTER = "connector", "requester"
ROLES = (CONNECTOR, REQUESTER)

PROPOSED = "proposed"
ASKED = "asked"
AGREED = "agreed"
ACCEPTED = "accepted"
DECLINED = "declined"
NO_ANSWER = "no_answer"
INTRODUCED = "introduced"
FOLLOWED_UP = "followed_up"
MET = "met"
NOT_MET = "not_met"
OUTCOME = "outcome"
THANKED = "thanked"
WITHDRAWN = "withdrawn"
OFFERED = "offered"
RELEASED = "released"
ASKED_A = "asked_a"
STATES = (
    PROPOSED,
    ASKED,
    AGREED,
    ACCEPTED,
    DECLINED,
    NO_ANSWER,
    INTRODUCED,
    FOLLOWED_UP,
    MET,
    NOT_MET,
    OUTCOME,
    THANKED,
    WITHDRAWN,
    OFFERED,
    RELEASED,
    ASKED_A,
)
OUTCOMES = ("lead", "interview", "offer", "hire", "client", "friendship", "nothing")

# Legal next states. Anything not listed is refused with the legal ones named.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    CONNECTOR: {
        PROPOSED: (ASKED, WITHDRAWN),
        ASKED: (ACCEPTED, DECLINED, NO_ANSWER, WITHDRAWN),
        ACCEPTED: (INTRODUCED, WITHDRAWN),
        INTRODUCED: (MET, NOT_MET, OUTCOME),
        MET: (OUTCOME, THANKED),
        OUTCOME: (THANKED,),
    },
    REQUESTER: {
        # C offered: thanking C with a note to forward is my step (agreed); C may
        # also have moved faster than that.
        OFFERED: (AGREED, ACCEPTED, DECLINED, INTRODUCED, RELEASED, WITHDRAWN),
        ASKED: (AGREED, DECLINED, NO_ANSWER, WITHDRAWN),
        AGREED: (ACCEPTED, DECLINED, NO_ANSWER, RELEASED, WITHDRAWN),
        ACCEPTED: (INTRODUCED, RELEASED, WITHDRAWN),
        INTRODUCED: (FOLLOWED_UP, NOT_MET),
        FOLLOWED_UP: (MET, OUTCOME, THANKED),
        MET: (OUTCOME, THANKED),
        OUTCOME: (THANKED,),
    },
}
# A connector's introduction that A did not ask for: after B's yes, A is asked
# (asked-a) and answers (agreed when A said yes too; straight to agreed when A
# already said so).
A_OPT_IN: dict[str, tuple[str, ...]] = {
    ACCEPTED: (ASKED_A, AGREED, DECLINED, WITHDRAWN),
    ASKED_A: (AGREED, DECLINED, NO_ANSWER, WITHDRAWN),
    AGREED: (INTRODUCED, WITHDRAWN),
}
START = {CONNECTOR: PROPOSED, REQUESTER: ASKED}
ENDED = (DECLINED, NO_ANSWER, NOT_MET, THANKED, WITHDRAWN, RELEASED)

# Days without movement before a step is "crickets" (issue 5's defaults): an
# opt-in waits 5 days, a follow-up after the introduction 3.
OPT_IN_DAYS = 5
FOLLOW_UP_DAYS = 3
# An offer (C's promise) is nudged once a few days after its due date and released
# two weeks after the nudge: the same rhythm as any promise made to me
# (agenda.queries NUDGE_GRACE_DAYS, RELEASE_AFTER_DAYS).
OFFER_NUDGE_GRACE_DAYS = 3
OFFER_RELEASE_DAYS = 14


class IllegalStep(ValueError):
    pass


def next_states(role: str, state: str, a_asked: bool = True) -> tuple[str, ...]:
    """The legal steps from a state; a connector's introduction that A did not ask
    for waits for A's yes after B's (`a_asked` False)."""
    if role == CONNECTOR and not a_asked and state in A_OPT_IN:
        return A_OPT_IN[state]
    return TRANSITIONS[role].get(state, ())


def check_step(role: str, state: str, new: str, a_asked: bool = True) -> None:
    """Raise IllegalStep naming the current state and the legal next steps."""
    if new not in STATES:
        raise IllegalStep(f"unknown step {new!r}; steps are {', '.join(words(STATES))}")
    legal = next_states(role, state, a_asked)
    if new in legal:
        return
    if not legal:
        raise IllegalStep(f"this introduction has ended ({word(state)}); nothing follows")
    raise IllegalStep(
        f"cannot go from {word(state)} to {word(new)}; next is {' or '.join(words(legal))}"
    )


def word(state: str) -> str:
    """How a state is typed and shown: no_answer -> no-answer."""
    return state.replace("_", "-")


def words(states: tuple[str, ...]) -> list[str]:
    return [word(s) for s in states]


def parse_state(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


@dataclass(frozen=True)
class Conduct:
    """What a step says about someone's follow-through, for the trust score."""

    who: str  # "a", "b", "introducer" or "me"
    good: bool


def conduct(role: str, old: str, new: str) -> Conduct | None:
    """Responding (even with a no), following up and thanking count for a person;
    silence after an introduction request and never following up count against.

    Connector: B answers the opt-in (and A, who did not ask, after B); A follows up
    (met) or not; A thanks me.
    Requester: C answers my ask; B answers the opt-in; I follow up and thank C. On
    C's offer, thanking C at once counts for me, and a released offer against C."""
    if role == CONNECTOR:
        if old == ASKED and new in (ACCEPTED, DECLINED):
            return Conduct("b", True)
        if old == ASKED and new == NO_ANSWER:
            return Conduct("b", False)
        # only an introduction A did not ask for goes on from accepted to A's answer
        if old in (ACCEPTED, ASKED_A) and new in (AGREED, DECLINED):
            return Conduct("a", True)
        if old == ASKED_A and new == NO_ANSWER:
            return Conduct("a", False)
        if old == INTRODUCED and new in (MET, OUTCOME):
            return Conduct("a", True)
        if old == INTRODUCED and new == NOT_MET:
            return Conduct("a", False)
        if new == THANKED:
            return Conduct("a", True)
        return None
    if old == OFFERED and new == AGREED:
        return Conduct("me", True)
    if new == RELEASED:
        return Conduct("introducer", False)
    if old == OFFERED and new == INTRODUCED:
        return Conduct("introducer", True)
    if old == OFFERED and new in (ACCEPTED, DECLINED):
        return Conduct("b", True)
    if old == ASKED and new in (AGREED, DECLINED):
        return Conduct("introducer", True)
    if old == ASKED and new == NO_ANSWER:
        return Conduct("introducer", False)
    if old == AGREED and new in (ACCEPTED, DECLINED):
        return Conduct("b", True)
    if old == AGREED and new == NO_ANSWER:
        return Conduct("b", False)
    if old == ACCEPTED and new == INTRODUCED:
        return Conduct("introducer", True)
    if old == INTRODUCED and new == FOLLOWED_UP:
        return Conduct("me", True)
    if old == INTRODUCED and new == NOT_MET:
        return Conduct("me", False)
    if new == THANKED:
        return Conduct("me", True)
    return None
