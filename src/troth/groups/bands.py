"""Follow-through bands: how reliably a member closes the loops the group's work
gives them, not how much they do (pure: no Django).

Four kinds of loop, each either closed or left open:
- an introduction ask or offer waiting on them, answered within a week;
- an introduction made for them, thanked;
- a thanks that says how it went (an outcome reported);
- a need they posted, closed by them (met, or no longer needed) rather than left to
  expire.

A band, not a score or a rank: bands change slowly and compare nobody. BNI's traffic
lights look back over the last six months (../shared/research/paths-and-groups-
anchors.md [B1]), and so do these. Fewer than three loops say too little.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW_DAYS = 182  # six months, as BNI's traffic lights [B1]
ANSWER_DAYS = 7  # "answered within a week" (issue 13)
MIN_LOOPS = 3
BANDS = (
    (0.8, "steady", "closes nearly every loop"),
    (0.5, "usually", "closes most loops"),
    (0.0, "sometimes", "leaves some loops open"),
)
NEW = ("new", "too early to say")


@dataclass(frozen=True)
class Loops:
    answered: int = 0  # asks or offers answered within a week
    to_answer: int = 0
    thanked: int = 0
    to_thank: int = 0
    outcomes: int = 0
    thanks_given: int = 0  # of which `outcomes` said how it went
    needs_closed: int = 0
    needs_ended: int = 0  # closed by the member, or expired open

    @property
    def closed(self) -> int:
        return self.answered + self.thanked + self.outcomes + self.needs_closed

    @property
    def total(self) -> int:
        return self.to_answer + self.to_thank + self.thanks_given + self.needs_ended


def band(loops: Loops) -> tuple[str, str]:
    """(band, words) for a member's loops."""
    if loops.total < MIN_LOOPS:
        return NEW
    share = loops.closed / loops.total
    for floor, name, words in BANDS:
        if share >= floor:
            return name, words
    return BANDS[-1][1:]
