"""Text as the keyword matcher reads it (pure: no Django): words, their stems, the words
that carry no topic, and the kind of favour a need's words ask for.

Words are folded (case and accents, troth.lib.text.fold) and stemmed with the Snowball
English stemmer (PyStemmer), after a short list of words whose ending is the point.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer

from troth.lib.text import fold

_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*(?:\+\+|#)?")
# Words whose endings carry meaning: "accounting" is not "account", "staffing" not "staff".
_KEEP = frozenset(
    {
        "accounting",
        "accountant",  # Snowball's "account": an account manager is no accountant
        "marketing",
        "staffing",
        "founder",  # not "found"
        "news",
        "series",
        "analysis",
        "business",
        "sales",
    }
)


# A PyStemmer object is not thread-safe (the web server answers on several threads):
# one per thread.
_stemmers = threading.local()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A folded word's Snowball English (Porter2) stem, by PyStemmer.

    "taxes" -> "tax", "recruiting" and "recruiter" -> "recruit", "nursing" and
    "nurse" -> "nurs", "engineering" -> "engin" (like "engineer"). Words with digits or
    signs ("c++", "401k") and the few whose ending is the point (`_KEEP`: "accounting",
    and their plurals) are left alone. Unlike the hand-written stemmer this replaced,
    Snowball leaves agent nouns whole ("banker" is not "banking") and acronym plurals
    too ("cpas"): the synonyms table joins those that matter. Both sides of a match go through it, so an odd stem is harmless as
    long as it is the same one.
    """
    if not word.isalpha() or word in _KEEP:
        return word
    if word[-1] == "s" and word[:-1] in _KEEP:
        return word[:-1]  # "founders", "accountants"
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


def _terms(words: Iterable[str]) -> set[str]:
    return {stem(fold(w)) for w in words}


def _terms_of(text: str) -> frozenset[str]:
    """The stemmed terms of a whitespace-separated word list."""
    return frozenset(_terms(text.split()))


# Words that carry no topic. Favour words ("intro", "referral") say what kind of help
# is wanted, not who could give it; they are read separately (see need_kind).
STOPWORDS = _terms_of(
    """
        a an the and or of for to in on at by with from into about as is are was were be
        been being i me my mine we our us you your they them their he she his her him it
        its this that these those who whom whose which what when where why how someone
        somebody anyone anybody person people folk folks good great real really very new
        some any more most other just also only need needs needed want wants looking look
        find finding help helping helps get getting got can could would will should do does
        doing done has have had know knows knowing known knew like next month months week
        weeks year years day days intro intros introduction introductions introduce
        introduced referral referrals refer referred recommendation reference references
        endorsement endorse advice feedback warm quick small big few two three one ask
        asked please thing things something anything work works working worked job role
        position
    """
)
# Seniority and generic title words: kept, but they weigh little.
WEAK = _terms_of(
    """
        senior sr junior jr lead leader principal staff chief head associate assistant vp
        vice president director manager management executive officer specialist coordinator
        intern ii iii iv team global regional remote freelance freelancer contractor
        contract part time full
    """
)

# Words that say which kind of favour would meet a need, most specific first.
_KIND_WORDS: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = tuple(
    (kind, _terms_of(words), phrases)
    for kind, words, phrases in (
        ("referral", "referral refer referred", ("put my name forward",)),
        ("intro", "intro introduction introduce connect", ("who knows", "someone at")),
        ("endorsement", "reference recommendation endorsement endorse vouch", ()),
        ("lead", "lead leads opening openings contractor freelancer freelance gig", ()),
        ("resource", "example examples template templates list testers", ()),
        ("advice", "advice advise feedback review mentor guidance tips", ("mock interview",)),
        ("time", "moving speaker volunteer volunteers", ("a hand",)),
    )
)


@functools.lru_cache(maxsize=4096)
def need_kind(text: str) -> str | None:
    """The favour kind a need's words ask for, or None."""
    folded = fold(text)
    words = {stem(w) for w in _WORD.findall(folded)}
    for kind, terms, phrases in _KIND_WORDS:
        if words & terms or any(p in folded for p in phrases):
            return kind
    return None


@dataclass(frozen=True)
class Token:
    term: str  # folded and stemmed; a multi-word term joins its words with one space
    surface: str  # as written
    pos: int  # index of its first word
    end: int  # index after its last word
    inner: bool = False  # a word of a multi-word term, also indexed on its own


def _useful(term: str) -> bool:
    return len(term) > 1 and not term.isdigit() and term not in STOPWORDS
