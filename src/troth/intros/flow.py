"""The introduction workflow as a state machine (pure: no Django).

Two roles. As *connector* I introduce A to B: proposed -> asked (B's opt-in,
and A's when A did not ask) -> accepted / declined / no answer -> introduced ->
met / not met (A never followed up) -> outcome -> thanked. As *requester* I ask C
to introduce me to B: asked -> agreed (C will ask B) / declined / no answer ->
accepted (B opted in) / declined / no answer -> introduced -> followed up (I wrote
to B within days) / not met -> met -> outcome -> thanked (I thanked C and told C
how it went). Nothing reaches B before B agrees, and a decline or silence ends
the introduction quietly.
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
        ASKED: (AGREED, DECLINED, NO_ANSWER, WITHDRAWN),
        AGREED: (ACCEPTED, DECLINED, NO_ANSWER, WITHDRAWN),
        ACCEPTED: (INTRODUCED, WITHDRAWN),
        INTRODUCED: (FOLLOWED_UP, NOT_MET),
        FOLLOWED_UP: (MET, OUTCOME, THANKED),
        MET: (OUTCOME, THANKED),
        OUTCOME: (THANKED,),
    },
}
START = {CONNECTOR: PROPOSED, REQUESTER: ASKED}
ENDED = (DECLINED, NO_ANSWER, NOT_MET, THANKED, WITHDRAWN)

# Days without movement before a step is "crickets" (issue 5's defaults): an
# opt-in waits 5 days, a follow-up after the introduction 3.
OPT_IN_DAYS = 5
FOLLOW_UP_DAYS = 3


class IllegalStep(ValueError):
    pass


def next_states(role: str, state: str) -> tuple[str, ...]:
    return TRANSITIONS[role].get(state, ())


def check_step(role: str, state: str, new: str) -> None:
    """Raise IllegalStep naming the current state and the legal next steps."""
    if new not in STATES:
        raise IllegalStep(f"unknown step {new!r}; steps are {', '.join(words(STATES))}")
    legal = next_states(role, state)
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

    Connector: B answers the opt-in; A follows up (met) or not; A thanks me.
    Requester: C answers my ask; B answers the opt-in; I follow up and thank C."""
    if role == CONNECTOR:
        if old == ASKED and new in (ACCEPTED, DECLINED):
            return Conduct("b", True)
        if old == ASKED and new == NO_ANSWER:
            return Conduct("b", False)
        if old == INTRODUCED and new in (MET, OUTCOME):
            return Conduct("a", True)
        if old == INTRODUCED and new == NOT_MET:
            return Conduct("a", False)
        if new == THANKED:
            return Conduct("a", True)
        return None
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
