"""name_problem's ASCII shortcut (issue 20: every imported name is checked) says what
the character-by-character rule says."""

from __future__ import annotations

import unicodedata

from troth.lib.names import _BLANK_GLYPHS, _INVISIBLE_CATEGORIES, name_problem


def long_way(name: str) -> bool:
    """Whether the name is invisible, by the rule for every character."""
    return all(c in _BLANK_GLYPHS or unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in name)


def test_every_ascii_character_alone_and_beside_others() -> None:
    for code in range(128):
        c = chr(code)
        for name in (c, f" {c} ", f"{c}{c}", f"\x00{c}", f"A{c}", f"{c}\t\x7f"):
            problem = name_problem(name)
            if not name.strip():
                assert problem == "is empty", repr(name)
            else:
                assert (problem is not None) == long_way(name), repr(name)


def test_invisible_names_still_refused() -> None:
    assert name_problem("\x00\x01") is not None
    assert name_problem("\u200b\u200b") is not None
    assert name_problem("\u3164") is not None
    assert name_problem("Dana \u200bKang") is None
