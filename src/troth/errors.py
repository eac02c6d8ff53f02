"""The one exception the service layer raises for a user's mistake.

The CLI prints its message as a single line and exits 2; the web layer will turn
it into a 4xx. Anything else escaping is a bug, not bad input.
"""

from __future__ import annotations


class TrothError(Exception):
    """Bad input or an impossible request; the message is shown to the user as is."""

    exit_code = 2

    @property
    def web_message(self) -> str:
        """The message as a web page or the API says it (see `FieldError`)."""
        return str(self)


class FieldError(TrothError):
    """One input's value is refused. The service names the field, not how it was typed:
    the CLI says `--floor must be one of ...` (str()), a web page or the API says
    `floor must be one of ...` (`web_message`), since a web page has no `--floor`."""

    def __init__(self, field: str, problem: str, *, label: str | None = None) -> None:
        """`field`: the option's and the query parameter's name (`floor`, `due`);
        `problem`: what follows it (`must be one of ...`, or `: ...` right after the
        name); `label`: the web's word when it is not the field's name."""
        self.sep = "" if problem.startswith(":") else " "
        super().__init__(f"--{field}{self.sep}{problem}")
        self.field = field
        self.problem = problem
        self.label = label or field

    @property
    def web_message(self) -> str:
        return f"{self.label}{self.sep}{self.problem}"


def web_text(exc: BaseException) -> str:
    """Any exception's message for a web page or the API: a FieldError's field by its
    web name, everything else as it is."""
    return exc.web_message if isinstance(exc, TrothError) else str(exc)


class Worded(TrothError):
    """A refusal whose command-line words name a flag the web has not (`--map`): a web
    page and the API say `web` instead."""

    def __init__(self, message: str, web: str) -> None:
        super().__init__(message)
        self.web = web

    @property
    def web_message(self) -> str:
        return self.web


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
