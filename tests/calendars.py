"""A calendar file the tests import: weekly meetings with one new person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def weekly_meetings(tmp_path: Path, start: dt.datetime, uid: str, summary: str) -> Path:
    """Four weekly meetings with Kim Stranger from `start` on, as an .ics file."""
    stamp = start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    me = "me@example.org"
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//troth tests//EN\nMETHOD:PUBLISH\n"
        f"X-WR-CALNAME:{me}\n"
        f"BEGIN:VEVENT\nUID:{uid}\nSUMMARY:{summary}\nDTSTART:{stamp}\nDURATION:PT60M\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\n"
        f"ORGANIZER;CN=Me:mailto:{me}\nATTENDEE;CN=Me:mailto:{me}\n"
        "ATTENDEE;CN=Kim Stranger:mailto:kim@example.org\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    path = tmp_path / "cal.ics"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path
