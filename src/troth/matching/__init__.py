"""Matching needs to the people who could meet them (pure: no Django).

`keywords` holds the interface (`Matcher`, `NeedText`, `Profile`, `Match`) and the
keyword matcher, `text` the words and stems, `synonyms` the synonyms table, `reasons`
how a match is explained; the Django side that builds profiles lives in troth.helping.
"""

from troth.matching.keywords import KeywordMatcher, Match, Matcher, NeedText, Profile
from troth.matching.synonyms import Synonyms, default_synonyms, parse_synonyms

__all__ = [
    "KeywordMatcher",
    "Match",
    "Matcher",
    "NeedText",
    "Profile",
    "Synonyms",
    "default_synonyms",
    "parse_synonyms",
]
