"""Who an iCalendar property names, for troth.importers.ics (pure: no Django).

An ATTENDEE or ORGANIZER becomes a party (address and a cleaned name) unless it is
a room or resource, a bot or a no-reply address; a declined attendee or a
non-participant is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from troth.lib.contact import ContactError, normalize_email

_BOTS = re.compile(
    r"(no-?reply|do-?not-?reply|donotreply|mailer-daemon|notifications?@|calendar-notification"
    r"|@group\.v\.calendar\.google\.com$|@import\.calendar\.google\.com$"
    r"|@group\.calendar\.google\.com$|@resource\.calendar\.google\.com$|@virtual$"
    r"|#contacts@|#holiday@|#weeknum@|#weather@)",
    re.I,
)
_ROOM = re.compile(
    r"\b(room|rooms|meeting ?room|conference ?room|conf ?rm|boardroom|board room"
    r"|besprechungsraum|huddle|resource|projector|beamer)\b",
    re.I,
)
_SKIP_CUTYPES = {"ROOM", "RESOURCE", "GROUP"}


@dataclass
class _Party:
    email: str
    name: str


def _param(prop: Any, name: str) -> str:
    params = getattr(prop, "params", {}) or {}
    value = params.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip().strip('"').strip()


def _address(prop: Any) -> str:
    """The normalised email of an ATTENDEE/ORGANIZER, "" if it has none."""
    value = str(prop).strip()
    value = re.sub(r"^mailto:", "", value, flags=re.I).strip()
    for candidate in (value, parseaddr(value)[1]):
        try:
            return normalize_email(candidate)
        except ContactError:
            continue
    return ""


def _clean_name(name: str, email: str) -> str:
    name = name.strip().strip("'\"").strip()
    name = re.sub(r"^CN=", "", name, flags=re.I)
    if "/" in name and "@" not in name:
        name = name.split("/")[0].strip()  # Lotus Notes "Name/Org/Country"
    if "@" in name:
        try:
            if normalize_email(name) == email or not email:
                return ""
        except ContactError:
            pass
    if name.lower() in ("no name", "unknown", "none"):
        return ""
    return re.sub(r"\s+", " ", name)


def _is_bot(email: str, name: str = "") -> bool:
    return bool(email and _BOTS.search(email)) or name.lower() in ("contacts", "holidays")


def _is_room(prop: Any, email: str, name: str) -> bool:
    if _param(prop, "CUTYPE").upper() in _SKIP_CUTYPES:
        return True
    local = email.split("@")[0].replace(".", " ").replace("_", " ").replace("-", " ")
    return bool(_ROOM.search(name) or _ROOM.search(local))


def _party(prop: Any) -> _Party | None:
    """A person listed (perhaps the owner), or None for rooms, bots and entries
    without an address (nobody can be invited to a meeting without one: a movie
    calendar's "cast" is not)."""
    email = _address(prop)
    name = _clean_name(_param(prop, "CN"), email)
    if not email:
        return None
    if _is_bot(email, name) or _is_room(prop, email, name):
        return None
    return _Party(email, name)


def _refused(prop: Any) -> bool:
    """An attendee who said no, or who does not take part."""
    if _param(prop, "PARTSTAT").upper() == "DECLINED":
        return True
    return _param(prop, "ROLE").upper() in ("NON-PARTICIPANT", "NONPARTICIPANT")
