"""The one exception the service layer raises for a user's mistake.

The CLI prints its message as a single line and exits 2; the web layer will turn
it into a 4xx. Anything else escaping is a bug, not bad input.
"""

from __future__ import annotations


class TrothError(Exception):
    """Bad input or an impossible request; the message is shown to the user as is."""

    exit_code = 2


class NotFound(TrothError):
    pass


class Ambiguous(TrothError):
    def __init__(self, message: str, candidates: list[tuple[int, str]]):
        super().__init__(message)
        self.candidates = candidates


class Conflict(TrothError):
    """A fair request the thing is no longer in a state for: done or undone already
    (the API answers 409, the CLI still exits 2)."""


class Forbidden(TrothError):
    """Known to the user but not theirs to do (the web answers 403)."""
