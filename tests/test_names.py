from __future__ import annotations

from troth.lib.names import resolve
from troth.lib.text import fold

PEOPLE = [
    (1, "Dana Whitfield"),
    (2, "Sam Ortiz"),
    (3, "José Álvarez"),
    (4, "Dana Ortiz"),
    (5, "Mr Big"),
    (6, "Ralph Lauren"),
    (7, "Zoë O'Neill"),
]


def test_fold_strips_case_accents_and_spaces() -> None:
    assert fold("  José   ÁLVAREZ ") == "jose alvarez"
    assert fold("Zoë") == "zoe"


def test_exact_and_case_and_accents() -> None:
    assert resolve("dana whitfield", PEOPLE).match == 1
    assert resolve("JOSE ALVAREZ", PEOPLE).match == 3
    assert resolve("zoe o'neill", PEOPLE).match == 7


def test_first_or_last_name_alone_when_unique() -> None:
    assert resolve("Sam", PEOPLE).match == 2
    assert resolve("Whitfield", PEOPLE).match == 1
    assert resolve("jose", PEOPLE).match == 3


def test_initial_disambiguates() -> None:
    assert resolve("Dana W", PEOPLE).match == 1
    assert resolve("Dana O.", PEOPLE).match == 4


def test_ambiguous_lists_candidates() -> None:
    result = resolve("dana", PEOPLE)
    assert result.match is None
    assert result.ambiguous
    assert {pid for pid, _ in result.candidates} == {1, 4}


def test_close_misspelling() -> None:
    assert resolve("Dana Whitfeild", PEOPLE).match == 1
    assert resolve("Ralph Laurne", PEOPLE).match == 6


def test_unknown_name_gives_suggestions_not_a_match() -> None:
    result = resolve("ralf", PEOPLE)
    assert result.match is None and not result.candidates
    assert (6, "Ralph Lauren") in result.suggestions
    assert resolve("Xavier Quint", PEOPLE).match is None


def test_same_full_name_twice_is_ambiguous() -> None:
    result = resolve("Sam Ortiz", [*PEOPLE, (9, "Sam Ortiz")])
    assert result.ambiguous
