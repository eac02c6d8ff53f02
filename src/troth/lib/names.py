"""Forgiving name resolution (pure, no Django).

People type "dana", "Dana W", "José" as "Jose", or "Dana Whitfeild". We try, in
order: the whole name, whole words (a first or last name alone), then a fuzzy
match (rapidfuzz). Each step either finds exactly one person, finds several
(ambiguous: the caller lists them), or falls through to the next.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from troth.lib.text import fold

# Below this similarity a guess is more likely wrong than helpful.
FUZZY_CUTOFF = 85.0
# "Did you mean": each word typed this close to a word of the name (Jaro-Winkler, 0-1),
# among the best few whole-name matches.
SUGGEST_SIMILARITY = 0.84
SUGGEST_SHORTLIST = 25
# Two fuzzy scores this close are a tie: ask rather than guess.
FUZZY_TIE_MARGIN = 4.0


# Characters that print nothing: control and format characters (zero-width space and
# joiners, bidi marks, the BOM), separators, unassigned and private-use code points,
# combining marks with nothing to combine with...
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# ...and the few "letters" and symbols that are blank by design (Hangul fillers, the
# blank Braille cell, the Mongolian vowel separator), a known way to fake an empty name.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a person's name ("has no visible characters"), or None.

    The one check that adding a person (CLI and web) and every importer share: a name
    needs something to read. One made only of zero-width, control or format characters
    looks empty in every list yet is not empty to the database (issue 18: a vCard
    whose FN was three zero-width spaces became person #317 with an invisible name)."""
    if not name or not name.strip():
        return "is empty"
    if name.isascii() and name.isprintable():
        return None  # (a printable ASCII character besides the space shows: most names)
    if all(c in _BLANK_GLYPHS or unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in name):
        return "has no visible characters (only zero-width, control or format characters)"
    return None


@dataclass
class Resolution:
    match: int | None = None
    candidates: list[tuple[int, str]] = field(default_factory=list)
    suggestions: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.match is None and len(self.candidates) > 1


def _words_match(query_words: list[str], name_words: list[str]) -> bool:
    """Every typed word is a name word, or a prefix of one for initials like "Dana W"."""
    remaining = list(name_words)
    for q in query_words:
        hit = next((w for w in remaining if w == q), None)
        if hit is None:
            hit = next((w for w in remaining if len(q) <= 2 and w.startswith(q)), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return True


def _word_close(q: str, w: str) -> bool:
    """A typed word stands for a word of the name: the same, its start ("Whit" for
    Whitfield), or a slip of a letter or two ("Whitfeild", "Laurne"). Short words must
    be exact or a prefix: one letter changed in "Kang" is another name."""
    if q == w or w.startswith(q):
        return True
    if min(len(q), len(w)) < 4:
        return False
    from rapidfuzz.distance import OSA

    return OSA.distance(q, w) <= (1 if max(len(q), len(w)) <= 6 else 2)


def _every_word_close(query_words: list[str], name_words: list[str]) -> bool:
    """Each typed word matches a different word of the name (or the nickname). A fuzzy
    score over the whole string alone took "Dana Whitfield" for Dana Kang, the only
    Dana, and wrote to her (issue 18, a newcomer's review): "Whitfield" is no slip of
    "Kang", so the surname typed must be there too."""
    remaining = list(name_words)
    for q in query_words:
        hit = next((w for w in remaining if _word_close(q, w)), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return True


def _folded(
    people: Sequence[tuple[int, str]], keys: Sequence[str] | None
) -> list[tuple[int, str, str]]:
    """(id, name, folded name without dots) of each person. `keys`, when given, are the
    names already folded (Person.name_key, which troth keeps as fold(full_name)):
    folding 30,000 names again took 30 ms of each look-up that missed (issue 20)."""
    if keys is None:
        return [(pid, name, fold(name).replace(".", "")) for pid, name in people]
    return [
        (pid, name, key.replace(".", "")) for (pid, name), key in zip(people, keys, strict=True)
    ]


def resolve(
    query: str,
    people: Sequence[tuple[int, str]],
    nicknames: Mapping[int, str] | None = None,
    keys: Sequence[str] | None = None,
) -> Resolution:
    """`nicknames`: what some people go by ("Tom"), a word that may stand for their
    given name in the fuzzy step. `keys`: the names folded, if known (see _folded)."""
    q = fold(query).replace(".", "")
    if not q:
        return Resolution()
    folded = _folded(people, keys)
    nick = {pid: fold(n).replace(".", "").split() for pid, n in (nicknames or {}).items() if n}

    exact = [(pid, name) for pid, name, key in folded if key == q]
    if len(exact) == 1:
        return Resolution(match=exact[0][0])
    if exact:
        return Resolution(candidates=exact)

    qwords = q.split()
    by_words = [(pid, name) for pid, name, key in folded if _words_match(qwords, key.split())]
    if len(by_words) == 1:
        return Resolution(match=by_words[0][0])
    if by_words:
        return Resolution(candidates=by_words)

    # rapidfuzz is imported only here: most look-ups end at an exact or word match,
    # and every read command imports this module (issue 18 item 6).
    from rapidfuzz import fuzz, process

    keys = [key for _pid, _name, key in folded]
    scored = process.extract(q, keys, scorer=fuzz.WRatio, limit=5, score_cutoff=60)
    close = [(folded[i][0], folded[i][1], score) for _k, score, i in scored]
    good = [
        c
        for c in close
        if c[2] >= FUZZY_CUTOFF
        and _every_word_close(qwords, fold(c[1]).replace(".", "").split() + nick.get(c[0], []))
    ]
    # Everyone whose name holds every typed word in some form (a prefix, a slip, the
    # nickname), when the whole-string score missed them: "Tom Berg" for Thomas Berg
    # who goes by Tom.
    if not good and nick:
        good = [
            (pid, name, FUZZY_CUTOFF)
            for pid, name, key in folded
            if pid in nick and _every_word_close(qwords, key.split() + nick[pid])
        ]
    if good:
        top = good[0][2]
        tied = [(pid, name) for pid, name, score in good if top - score < FUZZY_TIE_MARGIN]
        if len(tied) == 1:
            return Resolution(match=tied[0][0])
        return Resolution(candidates=tied)
    return Resolution(suggestions=_suggest(qwords, keys, folded))


def suggest(
    query: str, people: Sequence[tuple[int, str]], keys: Sequence[str] | None = None
) -> list[tuple[int, str]]:
    """Close spellings of `query` among `people` (at most 3): the "did you mean" of
    `troth show`, also offered when a search finds nobody ("melisa": Melissa Martin).
    `keys`: the names folded, if known (see _folded)."""
    q = fold(query).replace(".", "")
    if not q:
        return []
    folded = _folded(people, keys)
    return _suggest(q.split(), [key for _pid, _name, key in folded], folded)


def suggest_at(query: str, keys: Sequence[str]) -> list[int]:
    """`suggest` over names given only folded, without their dots (Person.name_key):
    the positions in `keys` of up to 3 close spellings. A search that finds nobody
    asks it of everyone's names, so it reads no more of them than that (issue 20)."""
    q = fold(query).replace(".", "")
    return _suggest_at(q.split(), keys) if q else []


def _suggest(
    qwords: list[str], keys: list[str], folded: list[tuple[int, str, str]]
) -> list[tuple[int, str]]:
    return [(folded[i][0], folded[i][1]) for i in _suggest_at(qwords, keys)]


def _suggest_at(qwords: list[str], keys: Sequence[str]) -> list[int]:
    found = _suggestions(qwords, keys)
    if not found:
        # Nobody close in spelling: name those who share a word with what was typed
        # ("Dana Whitfield": did you mean Dana Kang?), so the reader sees who is there
        # without troth guessing for them.
        typed = [q for q in qwords if len(q) > 1]
        # Each distinct word of the names is compared once, and the walk stops at the
        # third name: 30,000 names hold a few thousand distinct words, and comparing
        # every word of every name took 0.2 s of a People search that found nobody
        # ("4521", a typo), issue 20.
        words = set(" ".join(keys).split())
        close = {w for w in words if any(_word_close(q, w) for q in typed)}
        if close:
            for i, key in enumerate(keys):
                if not close.isdisjoint(key.split()):
                    found.append(i)
                    if len(found) == 3:
                        break
    return found


def _suggestions(qwords: list[str], keys: Sequence[str]) -> list[int]:
    """Close spellings of the name typed, for "did you mean": each word typed near a
    word of the name (Jaro-Winkler SUGGEST_SIMILARITY or more: "Ralf" for Ralph,
    "Bernhard" for Bernard). The whole-string score alone offered "Sarah Chen" for
    "Ralph" (found by a newcomer's review, issue 18 item 11). Positions in `keys`."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import JaroWinkler

    shortlist = process.extract(
        " ".join(qwords), keys, scorer=fuzz.WRatio, limit=SUGGEST_SHORTLIST, score_cutoff=45
    )
    ranked = []
    for key, whole, i in shortlist:
        words = key.split()
        near = [max(JaroWinkler.similarity(q, w) for w in words) for q in qwords]
        closeness = sum(near) / len(near)
        if min(near) >= SUGGEST_SIMILARITY:
            ranked.append((-closeness, -whole, i))
    ranked.sort()
    return [i for _c, _w, i in ranked[:3]]
