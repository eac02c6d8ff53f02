"""Reasons in plain words, strongest first (pure: reads the engine's features)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from troth.trust.engine import TIER_CADENCE_DAYS, TIERS, TrustResult


def _n(count: float, one: str, many: str | None = None) -> str:
    c = int(round(count))
    return f"{c} {one if c == 1 else (many or one + 's')}"


def _span(days: float) -> str:
    if days < 45:
        return _n(days, "day")
    if days < 730:
        return _n(days / 30.44, "month")
    return _n(days / 365.25, "year")


def reasons(
    result: TrustResult, i: int, name: str, cadences: Sequence[int] | None = None
) -> list[str]:
    """Why person `i` scores what they do, strongest first. `cadences`: the check-in
    rhythm in days per tier (in TIERS order; 0 for none), the owner's own where they
    set one (troth rhythms, Settings); troth's defaults when not given."""
    f, p = result.features, result.parts
    now = result.as_of_day
    scored: list[tuple[float, str]] = []
    if f.n_total[i] == 0:
        scored.append(
            (
                2.0,
                f"No interactions with {name} recorded yet: a connection is not yet a relationship",
            )
        )
    elif not f.two_way[i]:
        scored.append(
            (2.0, f"Contact has only gone one way so far ({_n(f.n_total[i], 'message')} from you)")
        )
    # whole days, rounded down as `troth ready` and the JSON's days_known count them:
    # "first had contact 1 day ago" there and "known each other 2 days" here disagreed
    age = float(now - f.first_day[i])  # NaN for someone never in touch
    known = max(math.floor(age), 0) if math.isfinite(age) else 0
    span = "since today" if known < 1 else f"in {_span(known)}"
    face = f.n_meetings[i] + f.n_calls[i]
    if face:
        hours = f.hours[i]
        extra = f" (about {_n(hours, 'hour')} together)" if hours >= 1 else ""
        times = "once" if face == 1 else _n(face, "time")
        scored.append(
            (
                p["frequency"][i] + p["hours"][i],
                f"You have met or spoken {times} {span}{extra}",
            )
        )
    written = f.n_written[i] + f.n_events[i]
    if written and f.two_way[i]:
        scored.append(
            (0.5 * p["frequency"][i], f"{_n(written, 'other contact')} (emails, messages, events)")
        )
    if f.two_way[i] and known < 90:
        scored.append(
            (
                0.6,
                (
                    f"You have known each other {_span(known)}"
                    if known >= 1
                    else "You first had contact today"
                )
                + ": trust like this usually takes months",
            )
        )
    gave, got = f.gave[i], f.got[i]
    if gave or got:
        text = f"You have given {_n(gave, 'favour')} and received {int(got)}"
        if got > gave:
            text += ": it is your turn to give"
        scored.append((0.4 + 0.1 * (gave + got), text))
    for who, kept, broken, late in (
        (name, f.their_kept[i], f.their_broken[i], f.their_late[i]),
        ("You", f.my_kept[i], f.my_broken[i], f.my_late[i]),
    ):
        total = kept + broken
        if total:
            to = "to you" if who == name else f"to {name}"
            late_text = f" ({int(late)} late)" if late else ""
            noun = "promise" if total == 1 else "promises"
            scored.append(
                (
                    0.5 + 0.2 * total,
                    f"{who} kept {int(kept)} of {int(total)} {noun} {to}{late_text}",
                )
            )
    good, bad = f.intro_good[i], f.intro_bad[i]
    if good or bad:
        text = f"{name} closed the loop on {int(good)} of {int(good + bad)} introduction steps"
        if bad:
            text += f" and let {int(bad)} drop"
        scored.append((0.5 + 0.2 * (good + bad), text))
    started = f.them_started[i] + f.me_started[i]
    if started >= 4:
        share = f.them_started[i] / started
        if share < 0.2:
            text = f"You start almost every contact ({int(f.me_started[i])} of {int(started)})"
            scored.append((0.5, text))
        elif share > 0.8:
            text = (
                f"{name} starts almost every contact ({int(f.them_started[i])} of {int(started)})"
            )
            scored.append((0.5, text))
        else:
            scored.append((0.3, "You both reach out"))
    if f.mutual[i]:
        others = _n(f.mutual[i], "other person", "other people")
        scored.append((0.2 + 0.05 * f.mutual[i], f"{name} knows {others} in your network"))
    if f.closeness[i]:
        scored.append(
            (0.3 + 0.1 * f.closeness[i], f"You rate your closeness {int(f.closeness[i])}/5")
        )
    # Silence counts from the last two-way contact: a note nobody answered is not contact.
    # whole days, rounded down as `troth ready`, the activity reasons and the agenda count
    # them: rounding said "for 25 days" beside "the last 24 days ago" (a newcomer's review)
    silent = float(now - f.last_two_way_day[i])  # NaN when never two-way
    silent = math.floor(silent) if math.isfinite(silent) else silent
    tier = TIERS[int(result.tier[i])]
    cadence = (cadences or TIER_CADENCE_DAYS)[int(result.tier[i])]
    if tier == "dormant":
        scored.append(
            (1.5, f"No two-way contact for {_span(silent)}: a dormant tie, worth reconnecting")
        )
    elif f.two_way[i] and cadence and silent > cadence:
        # not "cooling": troth keeps that word for a tie whose chance of contact is falling
        # (the agenda, --cooling, a path's first hop); this is the tier's rhythm (a
        # newcomer read "cooling" beside "raises the chance of contact")
        scored.append(
            (
                1.2,
                f"No two-way contact for {_span(silent)}, past the {tier} tier's rhythm"
                f" of {_span(cadence)}: due a check-in",
            )
        )
    scored.sort(key=lambda r: -r[0])
    return [text for _w, text in scored]
