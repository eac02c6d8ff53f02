"""The activity reasons as a newcomer read them: a contact today is "today", never
"0 days ago"; the rhythm's span counts both ends' days, so two days of contact never
read "over 1 day"; a feature that counts contact which other features already count says
that its lowering is beside them, since more contact alone is never bad news."""

from __future__ import annotations

import re

from troth.trust.activity import COUNTED_WITH_OTHERS, reasons

DAY0 = 20_000.0


def test_contact_yesterday_and_today_reads_two_days_across_two_days() -> None:
    lines = reasons(2, DAY0 - 1.2, DAY0 - 0.2, 1.5, 1.5, 1.0, 1.0, DAY0, days=2)
    said = next(line for line in lines if "at that rhythm" in line)
    assert said.startswith("In touch on 2 days across 2 days, the last today:"), said
    assert not any(re.search(r"\b0 days ago", line) for line in lines), lines


def test_one_contact_today_reads_today() -> None:
    lines = reasons(1, DAY0 - 0.3, DAY0 - 0.3, 1.0, 1.0, 1.0, 1.0, DAY0, days=1)
    assert any(line.startswith("A single contact, today:") for line in lines), lines
    assert not any(re.search(r"\b0 days", line) for line in lines), lines


def test_a_busy_ties_spans_say_they_lower_the_chance_only_beside_the_rest() -> None:
    # the shipped model's spans term is fitted beside the rhythm and the decayed counts:
    # when it lowers the chance, the line says it is beside them
    lines = reasons(120, DAY0 - 500, DAY0 - 2, 9.0, 30.0, 12.0, 12.0, DAY0, days=100)
    counted = [line for line in lines if line.startswith("In touch in")]
    assert counted, lines
    for line in counted:
        assert line.endswith(
            (
                ": raises the chance of contact",
                ": beside the signals above, lowers the chance of contact",
            )
        ), line
    assert {"log_months_active", "log_spans_active"} <= COUNTED_WITH_OTHERS
