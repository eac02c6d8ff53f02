"""Plain options without pydantic: a faster start for every command (issue 18 item 6).

Typer (0.2x) turns each option's text into its value with a pydantic TypeAdapter, and
importing pydantic alone costs a read command a fifth of a bare Django start-up
(bench/bench_cli_startup.py). troth's options are nearly all plain `str`, `int`, `bool`
and `list[str]`; `install()` gives those a coercion in a few lines of Python that gives
the same values and the same messages as Typer's adapters (tests/test_cli_coerce.py
holds the two equal), and leaves every other kind (floats, paths, choices, ranges,
parsers) to Typer. If Typer's internals move, nothing is installed and Typer does it all.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any, get_args, get_origin

INT_MESSAGE = "Input should be a valid integer, unable to parse string as an integer"
BOOL_MESSAGE = "Input should be a valid boolean, unable to interpret input"
# What pydantic's lax mode reads as an integer: ASCII digits, a sign, underscores
# between digits, and a fraction of zeros ("12.0"), with spaces around.
_INT = re.compile(r"[+-]?[0-9](?:_?[0-9])*(?:\.0*)?")
_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


# Typer's (pydantic's) words for a value it cannot read, as a user would say them
# (plain_message): "Input should be a valid integer, unable to parse string as an
# integer" named pydantic's internals, not what to type.
_PLAIN_WORDS = [
    (re.compile(r"Input should be a valid integer\b.*"), "must be a whole number"),
    (re.compile(r"Input should be a valid number\b.*"), "must be a number"),
    (re.compile(r"Input should be a valid boolean\b.*"), "must be true or false"),
    (re.compile(r"Input should be greater than or equal to (\S+?)\.?$"), r"must be \1 or more"),
    (re.compile(r"Input should be less than or equal to (\S+?)\.?$"), r"must be \1 or less"),
    (re.compile(r"Input should be greater than (\S+?)\.?$"), r"must be more than \1"),
    (re.compile(r"Input should be less than (\S+?)\.?$"), r"must be less than \1"),
]


def plain_message(exc: Exception) -> str | None:
    """An unreadable option's value as one plain sentence naming the option
    (`--minutes must be a whole number`), or None for any other usage mistake."""
    param = getattr(exc, "param", None)
    message = getattr(exc, "message", None)
    if param is None or not isinstance(message, str):
        return None
    for pattern, words in _PLAIN_WORDS:
        if pattern.fullmatch(message):
            opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
            name = opts[0] if opts else str(getattr(param, "human_readable_name", "")).upper()
            return f"{name} {pattern.sub(words, message)}" if name else None
    return None


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _INT.fullmatch(text):
        raise ValueError(INT_MESSAGE)
    return int(text.split(".", 1)[0].replace("_", ""))


def to_str(value: Any) -> str:
    if value is None:
        raise ValueError("Value error, None is not a valid string")
    if isinstance(value, bytes):
        return value.decode(sys.getfilesystemencoding() or "utf-8", "replace")
    return str(value)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "":
            return False
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(BOOL_MESSAGE)


def to_str_list(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [to_str(v) for v in items]


PLAIN = {str: to_str, int: to_int, bool: to_bool}


def plain_coercion(annotation: Any, info: Any, file_annotation: Any) -> Any:
    """The coercion for a plain option, or None for anything Typer should handle."""
    if file_annotation is not None or getattr(info, "parser", None) is not None:
        return None
    for name in ("min", "max", "formats", "click_type"):
        if getattr(info, name, None) is not None:
            return None
    if getattr(info, "clamp", False):
        return None
    if annotation in PLAIN:
        return PLAIN[annotation]
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        return to_str_list
    return None


def install() -> bool:
    """Route plain options past pydantic; False (and Typer as it is) when Typer's
    internals are not the ones this was written against."""
    try:
        import typer.core as core
        from typer._click.exceptions import BadParameter
        from typer._coercion import RuntimeParam
    except ImportError:
        return False
    build = getattr(core, "build_runtime_param", None)
    if build is None or getattr(build, "troth_plain", False):
        return build is not None

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        convert: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.convert(value)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from exc

    def build_runtime_param(descriptor: Any) -> Any:
        convert = plain_coercion(
            descriptor.annotation, descriptor.parameter_info, descriptor.file_annotation
        )
        if convert is None:
            return build(descriptor)
        return PlainRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            convert=convert,
        )

    build_runtime_param.troth_plain = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
    return True
