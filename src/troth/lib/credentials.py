"""Credentials and titles that LinkedIn members write into their names ("Raman, PhD",
"Smith MBA, CPA", "Ruiz PMP®", "Dr. Ann"), told apart from the name (pure, no Django).

A LinkedIn export has the name as its member typed it, so "Jane Raman, PhD" arrived as
a person of that name, and neither matched nor was suggested as the "Jane Raman" of
the address book: identity resolution compares names. The credentials are left out of
the name a LinkedIn import gives a person and matches with. The list of credentials is
nameparser's (640 of them, "phd" to "shrm-cp"); some are also surnames ("Do", "Ma",
"Ed"), so one is taken for a credential only where a credential is written: after a
comma, or in capitals ("PhD", "MBA": two capital letters at least) after a name that is
not itself written in capitals ("NGUYEN DO" stays), and never the only word left of the
family name (or the second of a whole name). Messages keep their senders' names as
written; matching a name tries it without credentials only when it finds nobody as
written (troth.importers.interaction_writer).
Generational suffixes ("Jr.", "III") are part of a name and stay.
"""

from __future__ import annotations

import functools

# what decorates a credential without making it another one ("P.Eng.", "PMP®")
_MARKS = str.maketrans("", "", ".®™©*")
# courtesy titles before a given name ("Dr. Ann"); nameparser's list of 800 titles
# holds words that are given names too ("Judge", "Chief", "Sister")
TITLES = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "miss"})


@functools.cache
def _known() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.suffix_acronyms) | {"esq"}


def _key(token: str) -> str:
    return token.translate(_MARKS).casefold()


def _credential(token: str, *, after_comma: bool) -> bool:
    key = _key(token)
    if not key:
        return True  # a mark alone ("®")
    capitals = sum(c.isupper() for c in token)
    if key in _known():
        return after_comma or capitals >= 2
    # After a comma, an unlisted abbreviation is one too ("FRSA", "P.Eng."): two
    # capitals at least, letters only ("Maria" and "student" are words)
    return after_comma and capitals >= 2 and key.replace("-", "").isalpha()


def _strip(text: str, keep: int) -> str:
    """`text` without the credentials after it, at least `keep` words left."""
    head, comma, tail = text.partition(",")
    if comma:
        parts = tail.replace(",", " ").split()
        if not head.split() or not all(_credential(p, after_comma=True) for p in parts):
            return text  # not a name then credentials ("Smith, Jr."): as it came
        text = head
    words = text.split()
    while (
        len(words) > keep
        and _credential(words[-1], after_comma=False)
        # a name written in capitals ("NGUYEN DO") gives no capital letters to tell a
        # credential by: its last word is a name (the attacker's review)
        and not all(w.isupper() for w in words[:-1])
    ):
        words.pop()
    return " ".join(words)


def plain_family_name(family: str) -> str:
    """ "Raman, PhD" -> "Raman", "Smith MBA, CPA" -> "Smith"; "Do" stays."""
    return _strip(family, keep=1)


def plain_given_name(given: str) -> str:
    """ "Dr. Ann" -> "Ann"; a title alone stays (it may be all there is)."""
    words = given.split()
    if len(words) > 1 and _key(words[0]) in TITLES:
        return " ".join(words[1:])
    return given


def plain_name(full: str) -> str:
    """A whole name as one text ("Dr. Jane Raman, PhD" -> "Jane Raman"), two words kept
    at least ("Anh DO" stays)."""
    return _strip(plain_given_name(full), keep=2)
