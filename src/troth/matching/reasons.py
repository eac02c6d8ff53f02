"""Why a keyword match was made, in plain words (pure: no Django)."""

from __future__ import annotations

from troth.lib.text import fold


def _within(part: str, whole: str) -> bool:
    return f" {fold(part)} " in f" {fold(whole)} "


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reason(field_kind: str, text: str, said: list[str], me: bool) -> str:
    what = ", ".join(said)
    if field_kind == "tag":
        plain = not any("~" in s for s in said)
        who = "you are tagged" if me else "tagged"
        return f"{who} {text}" if plain else f"{who} {text} ({what})"
    if field_kind == "title":
        return f"{'your ' if me else ''}title '{text}' matches {what}"
    if field_kind == "past_title":
        return f"{'your ' if me else ''}earlier title '{text}' matches {what}"
    if field_kind == "company":
        return f"{'you work' if me else 'works'} at {text} ({what})"
    if field_kind == "past_company":
        return f"{'you' if me else 'they'} worked at {text} ({what})"
    if field_kind == "industry":
        return f"industry '{text}' matches {what}"
    if field_kind == "note":
        return f"note '{_short(text)}' mentions {what}"
    if field_kind == "favour":
        return f"{'you gave' if me else 'gave you'} '{_short(text)}' ({what})"
    return f"name matches {what}"


_KIND_ONE = {
    "intro": "an intro",
    "lead": "a lead",
    "advice": "advice",
    "referral": "a referral",
    "resource": "a resource",
    "endorsement": "an endorsement",
    "time": "their time",
}
_KIND_MANY = {
    "intro": "intros",
    "lead": "leads",
    "advice": "pieces of advice",
    "referral": "referrals",
    "resource": "resources",
    "endorsement": "endorsements",
    "time": "favours of time",
}


def _gave(kind: str, count: int, me: bool) -> str:
    if me:
        thing = (
            ("your time" if kind == "time" else _KIND_ONE[kind])
            if count == 1
            else f"{count} {_KIND_MANY[kind]}"
        )
        return f"you gave {thing} before"
    thing = _KIND_ONE[kind] if count == 1 else f"{count} {_KIND_MANY[kind]}"
    return f"gave you {thing}"
