"""The one reading of a yes/no setting (issue 19: one strict boolean parser, as in
healthchecks' envbool). Unset or empty is "not said"; 1/true/yes/on and 0/false/no/off
are read, in any case; anything else is an error naming the variable, so that a typo
in a security setting never silently means "off". Pure: settings.py, the digest and
the sources' network guard all read their flags through it."""

from __future__ import annotations

ON = frozenset({"1", "true", "yes", "on"})
OFF = frozenset({"0", "false", "no", "off"})


class FlagError(ValueError):
    """A yes/no setting that is neither."""


def parse_flag(name: str, raw: object) -> bool | None:
    """`raw` (an environment variable's text, or a setting's value: a bool, a string,
    None) as True or False; None when unset or empty."""
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if not text:
        return None
    if text in ON:
        return True
    if text in OFF:
        return False
    raise FlagError(f"{name}={text!r} is neither on nor off (use 1 or 0)")
