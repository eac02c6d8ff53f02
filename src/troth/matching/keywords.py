"""Keyword matching: who could meet a need, and why. Pure: no Django.

A need ("a CPA who knows startups", tags cpa, startups) is matched against
people's profiles: titles, companies, industry, tags, notes, the favours they
gave and their names. Text is folded (case and accents), split into words and
stemmed (Snowball English, by PyStemmer), so "Taxes" finds "tax" and "recruiting"
finds "Recruiter". Multi-word terms from the synonyms table ("talent
acquisition", "account executive") are read as one term, so an Account
Executive is not taken for an accountant. Synonyms (`synonyms.txt`, extended by
the user's own file) widen a word to its group at a lower weight than the word
itself.

Each need word (with its synonyms) scores every profile by the best field it
appears in (tags and titles count most, notes less, company names least), times
how rare the word is among the candidates (BM25's idf), so "CPA" outweighs
"manager". Adjacent need words found side by side in a field ("data
engineering") add a phrase bonus. Someone who already gave you favours of the
kind the need calls for (an intro, a referral) gets a small boost once the topic
matches. Profiles go into an inverted index once; each need then costs a few
numpy operations over the postings of its words, whatever the number of people.

`Matcher` is the interface: a semantic matcher can sit beside this one later. Words and
stems live in troth.matching.text, the synonyms table in troth.matching.synonyms, the
reasons' wording in troth.matching.reasons.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

# numpy is imported inside the methods that compute: the agenda and the web import this
# module on every start, and most calls never match a need (issue 18 item 6).
if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Postings = tuple[NDArray[np.int64], NDArray[np.float64]]

from troth.lib.text import fold
from troth.matching.reasons import _gave, _reason, _within
from troth.matching.synonyms import (
    Synonyms,
    _load,
    default_synonyms,
    parse_synonyms,
)
from troth.matching.text import _WORD, WEAK, Token, _useful, need_kind, stem

# The text and the synonyms moved to their own modules (troth.matching.text, .synonyms);
# what callers imported from here still is.
__all__ = [
    "FAVOR_KINDS",
    "KeywordIndex",
    "KeywordMatcher",
    "Match",
    "Matcher",
    "NeedText",
    "Profile",
    "Synonyms",
    "_load",
    "default_matcher",
    "default_synonyms",
    "need_kind",
    "parse_synonyms",
    "stem",
]

# -- what goes in and what comes out ------------------------------------------------


@dataclass(frozen=True)
class NeedText:
    """A need as text: what is needed, its tags, and whose need it is."""

    what: str
    tags: tuple[str, ...] = ()
    # The person with the need is never a candidate to meet it.
    person_id: int | None = None
    # The favour kind that would meet it (intro, referral, ...); None: read from the words.
    kind: str | None = None


@dataclass(frozen=True)
class Profile:
    """What troth knows about one person that could show they can help."""

    id: int
    name: str = ""
    titles: tuple[str, ...] = ()  # current job titles
    past_titles: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()  # current employers
    past_companies: tuple[str, ...] = ()
    industry: str = ""
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # favour kind -> how many of that kind they gave (you, or anyone when `me`)
    gave: Mapping[str, int] = field(default_factory=dict)
    favours: tuple[str, ...] = ()  # what those favours were, in words
    me: bool = False  # the owner's own profile: "what I could give myself"


@dataclass(frozen=True)
class Match:
    person_id: int
    score: float  # for ordering candidates of one need; its scale depends on the pool
    reasons: tuple[str, ...]  # why, strongest first, in plain words
    # The strongest single piece of evidence, 0-1, whatever the pool: about 0.9 for the
    # need's own word as a title's head or a tag, 0.7 for a synonym there, 0.25 for an
    # unfamiliar word in a note. Lets a caller hide weak hunches.
    confidence: float = 0.0


class Matcher(Protocol):
    """Ranks candidates for a need. Implementations: KeywordMatcher; later a semantic one."""

    name: str

    def rank(self, need: NeedText, candidates: Sequence[Profile], k: int) -> list[Match]:
        """The best `k` candidates for the need (only those with some evidence)."""
        ...

    def rank_many(
        self,
        needs: Sequence[NeedText],
        candidates: Sequence[Profile],
        k: int,
        *,
        among: Collection[int] | None = None,
        explain: bool = True,
    ) -> list[list[Match]]:
        """`rank` for many needs over the same candidates (indexed once). With `among`,
        only those person ids are returned; the others still count for how rare a word is.
        `explain=False` skips the reasons (they cost more than the ranking)."""
        ...


# -- weights ----------------------------------------------------------------------------

# How much a word found in each field says about being able to help (0-1). A tag or a
# title is a deliberate statement; a note mentions things in passing; a company name
# shares words by accident ("Summit Accounting" employs recruiters too).
FIELD_WEIGHT: dict[str, float] = {
    "tag": 0.9,
    "title": 0.9,
    "past_title": 0.5,
    "industry": 0.45,
    "note": 0.5,
    "favour": 0.45,
    "company": 0.3,
    "past_company": 0.15,
    "name": 0.2,
}
# A synonym counts for less than the word itself.
SYNONYM_FACTOR = 0.8
# Seniority and generic title words ("senior", "manager") say little about what someone does.
WEAK_WEIGHT = 0.15
# A need word the synonyms table does not know ("side", "list") is less likely to be what
# the need is about than one it knows ("developer", "CPA"): the table is the skill vocabulary.
UNKNOWN_WEIGHT = 0.5
# A need that names one thing in two words of a synonym group weighs it this much more.
REPEAT_BONUS = 0.3
# In a title or a tag the last word is the head ("Startup *Lawyer*", "data-*entry*"); the
# words before it only qualify it.
MODIFIER_FACTOR = 0.75
HEADED_FIELDS = frozenset({"tag", "title", "past_title"})
# Two need words side by side in a field, as in the need: a bonus on top of the words.
PHRASE_WEIGHT = 0.5
# A need's word that stands inside a multi-word term but means something of its own.
INNER_WEIGHT = 0.5
# Someone whose current job title is what the need asks for (its own skill words, not
# a word inside a longer term) does the work every day: for "a tax accountant", a CPA
# in practice before a controller or an analyst tagged cpa (issue 18 item 7: the CPA
# ranked 15th behind them, as a tag and a title weigh the same). The title's evidence
# for that word counts this much again.
JOB_WEIGHT = 0.5
# Each past favour of the kind the need calls for (up to three) multiplies the score by this much more.
KIND_BOOST = 0.08
KIND_BOOST_CAP = 3
MAX_REASONS = 4

FAVOR_KINDS = ("intro", "lead", "advice", "referral", "resource", "endorsement", "time")

# -- analysis ---------------------------------------------------------------------------


# How many texts an analyzer remembers of each kind (analysed, compiled, names).
CACHE_SIZE = 200_000


class Analyzer:
    """Text to tokens: folding, stemming, the synonyms table's multi-word terms, stopwords."""

    def __init__(self, synonyms: Synonyms) -> None:
        self.synonyms = synonyms
        # Titles, companies, tags and names repeat across thousands of people: each is
        # analysed once, the least recently used forgotten past the bound. Per analyzer
        # (the results depend on its synonyms), so not lru_cache on the methods, which
        # would share one cache across analyzers and keep each alive.
        self.analyze = functools.lru_cache(maxsize=CACHE_SIZE)(self._analyze)
        self.compiled = functools.lru_cache(maxsize=CACHE_SIZE)(self._compiled)
        self.name_terms = functools.lru_cache(maxsize=CACHE_SIZE)(self._name_terms)

    def _analyze(self, text: str, query: bool = False) -> tuple[Token, ...]:
        return tuple(self._tokens(text, query))

    def _compiled(
        self, kind: str, text: str
    ) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[tuple[str, str], float], ...]]:
        """A field's terms and neighbouring pairs with their weights."""
        w = FIELD_WEIGHT[kind]
        tokens = self.analyze(text)
        found: dict[str, float] = {}
        for tok, f in zip(tokens, _head_factors(kind, tokens), strict=True):
            old = found.get(tok.term, 0.0)
            found[tok.term] = max(old, w * f)
        pairs = {(a, b): w for a, b, _ in self.pairs(tokens)}
        return tuple(found.items()), tuple(pairs.items())

    def _name_terms(self, name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t in (fold(w) for w in _WORD.findall(name)) if _useful(t)))

    def _tokens(self, text: str, query: bool) -> Iterator[Token]:
        words = _WORD.findall(unicodedata.normalize("NFC", text))
        terms = [stem(fold(w)) for w in words]
        phrases = self.synonyms.phrases
        by_term = self.synonyms.by_term
        i = 0
        while i < len(terms):
            size = 0
            if phrases:
                for n in range(min(self.synonyms.longest, len(terms) - i), 1, -1):
                    if " ".join(terms[i : i + n]) in phrases:
                        size = n
                        break
            if size:
                term = " ".join(terms[i : i + size])
                yield Token(term, " ".join(words[i : i + size]), i, i + size)
                if query:
                    # A need for an "immigration lawyer" wants a lawyer too: a word of the
                    # phrase that has a meaning of its own, outside the phrase's groups,
                    # is asked for on its own as well.
                    groups = set(by_term.get(term, ()))
                    for j in range(i, i + size):
                        own = by_term.get(terms[j])
                        if own and _useful(terms[j]) and not groups.intersection(own):
                            yield Token(terms[j], words[j], j, j + 1, inner=True)
                else:
                    # A document's "Tax Preparer" also says "tax", but "Account Executive"
                    # must not say "accounting": a word of a multi-word term stands on its
                    # own only when it means nothing else.
                    groups = set(by_term.get(term, ()))
                    for j in range(i, i + size):
                        word = terms[j]
                        if not _useful(word):
                            continue
                        own = by_term.get(word)
                        if own and not groups.intersection(own):
                            continue
                        yield Token(word, words[j], j, j + 1, inner=True)
                i += size
                continue
            if _useful(terms[i]):
                yield Token(terms[i], words[i], i, i + 1)
            i += 1

    @staticmethod
    def pairs(tokens: Sequence[Token]) -> Iterator[tuple[str, str, str]]:
        """Neighbouring terms (one small word between them allowed), with how they read."""
        prev: Token | None = None
        for tok in tokens:
            if tok.inner:
                continue
            if prev is not None and tok.pos <= prev.end + 1:
                yield prev.term, tok.term, f"{prev.surface} {tok.surface}"
            prev = tok


def _head_factors(kind: str, tokens: Sequence[Token]) -> list[float]:
    """1 for the head word of a title or tag (its last strong word), less for the others."""
    if kind not in HEADED_FIELDS:
        return [1.0] * len(tokens)
    head = max(
        (j for j, t in enumerate(tokens) if not t.inner and t.term not in WEAK),
        default=len(tokens) - 1,
    )
    return [
        1.0 if j == head or (t.inner and t.pos >= tokens[head].pos) else MODIFIER_FACTOR
        for j, t in enumerate(tokens)
    ]


def _fields(p: Profile) -> Iterator[tuple[str, str]]:
    for t in p.tags:
        yield "tag", t
    for t in p.titles:
        yield "title", t
    for t in p.past_titles:
        yield "past_title", t
    for c in p.companies:
        yield "company", c
    for c in p.past_companies:
        yield "past_company", c
    if p.industry:
        yield "industry", p.industry
    for n in p.notes:
        yield "note", n
    for f in p.favours:
        yield "favour", f


# -- the index and ranking ------------------------------------------------------------------


@dataclass
class _Unit:
    """One thing the need asks for: a word with its synonyms, or two words side by side."""

    terms: dict[str, float]  # term -> factor (1 for the need's own words, less for synonyms)
    exact: dict[str, str]  # the need's own terms -> how the need wrote them
    weight: float
    groups: set[int]
    pair: tuple[str, str] | None = None
    # only words inside a longer term of the need ("tax" in "tax accountant")
    inner: bool = False
    # capitalised words past the first, folded -> as written: the only ones that may
    # match a person's name
    proper: dict[str, str] = field(default_factory=dict)

    @property
    def surface(self) -> str:
        return next(iter(self.exact.values()))


class KeywordIndex:
    """Candidates indexed once: term -> (candidate rows, field weight)."""

    def __init__(self, analyzer: Analyzer, candidates: Sequence[Profile]) -> None:
        import numpy as np  # lazily, see the note at the imports

        self.analyzer = analyzer
        self.candidates = list(candidates)
        self.n = len(self.candidates)
        self.row = {p.id: i for i, p in enumerate(self.candidates)}
        terms: dict[str, dict[int, float]] = {}
        pairs: dict[tuple[str, str], dict[int, float]] = {}
        names: dict[str, dict[int, float]] = {}
        jobs: dict[str, dict[int, float]] = {}  # terms of current titles only
        compiled = analyzer.compiled
        name_weight = FIELD_WEIGHT["name"]
        for i, p in enumerate(self.candidates):
            # A word in several kinds of field (a title and a tag) is surer than in one;
            # ten notes that mention it are not ten times surer: the best per kind, then
            # combined across kinds.
            local: dict[str, dict[str, float]] = {}
            local_pairs: dict[tuple[str, str], dict[str, float]] = {}
            for kind, text in _fields(p):
                field_terms, field_pairs = compiled(kind, text)
                if kind == "title":
                    for term, w in field_terms:
                        job_rows = jobs.setdefault(term, {})
                        job_rows[i] = max(w, job_rows.get(i, 0.0))
                for term, w in field_terms:
                    by_kind = local.get(term)
                    if by_kind is None:
                        local[term] = {kind: w}
                    elif w > by_kind.get(kind, 0.0):
                        by_kind[kind] = w
                for pair, w in field_pairs:
                    by_kind = local_pairs.setdefault(pair, {})
                    by_kind[kind] = max(w, by_kind.get(kind, 0.0))
            for term, by_kind in local.items():
                rows = terms.get(term)
                if rows is None:
                    rows = terms[term] = {}
                rows[i] = _either(by_kind.values())
            for pair, by_kind in local_pairs.items():
                pair_rows = pairs.get(pair)
                if pair_rows is None:
                    pair_rows = pairs[pair] = {}
                pair_rows[i] = _either(by_kind.values())
            # names match only word for word ("Hope Banks" is no banker)
            for term in analyzer.name_terms(p.name):
                _add(names, term, i, name_weight)
        self._terms = terms
        self._pairs = pairs
        self._names = names
        self._jobs = jobs
        self._arrays: dict[object, Postings] = {}
        self._scored: dict[tuple, tuple] = {}
        self._evidence_cache: dict[int, tuple[dict, dict]] = {}
        self.gave = {
            kind: np.array([min(p.gave.get(kind, 0), KIND_BOOST_CAP) for p in self.candidates])
            for kind in {k for p in self.candidates for k in p.gave}
        }

    def _postings(self, table: Mapping, key: object, tag: str) -> Postings | None:
        import numpy as np  # lazily, see the note at the imports

        cached = self._arrays.get((tag, key))
        if cached is None:
            rows = table.get(key)
            if not rows:
                return None
            cached = (
                np.fromiter(rows.keys(), dtype=np.int64, count=len(rows)),
                np.fromiter(rows.values(), dtype=np.float64, count=len(rows)),
            )
            self._arrays[(tag, key)] = cached
        return cached

    def units(self, need: NeedText) -> list[_Unit]:
        syn = self.analyzer.synonyms
        tokens = list(self.analyzer.analyze(need.what, query=True))
        for t in need.tags:
            tokens += self.analyzer.analyze(t.replace("-", " "), query=True)
        units: list[_Unit] = []
        for tok in tokens:
            groups = set(syn.by_term.get(tok.term, ()))
            alike = syn.alike(tok.term)
            if tok.term in WEAK:
                weight = WEAK_WEIGHT
            elif groups:
                weight = 1.0
            else:
                weight = UNKNOWN_WEIGHT
            if tok.inner:  # "lawyer" in "immigration lawyer": wanted, but less than the whole
                weight *= INNER_WEIGHT
            unit = _Unit(
                terms={t: (1.0 if t == tok.term else SYNONYM_FACTOR) for t in alike},
                exact={tok.term: tok.surface},
                weight=weight,
                groups=groups,
                inner=tok.inner,
                proper=(
                    {fold(tok.surface): tok.surface}
                    if tok.pos > 0 and tok.surface[:1].isupper() and " " not in tok.surface
                    else {}
                ),
            )
            for other in units:
                if other.pair is None and (tok.term in other.exact or groups & other.groups):
                    for t, f in unit.terms.items():
                        other.terms[t] = max(other.terms.get(t, 0.0), f)
                    if tok.term not in other.exact:
                        # the need names the same thing twice ("nonprofit fundraising"):
                        # that is what it is about
                        other.weight = max(other.weight, weight) + REPEAT_BONUS * min(
                            weight, other.weight
                        )
                    other.exact.setdefault(tok.term, tok.surface)
                    other.groups |= groups
                    other.inner = other.inner and tok.inner
                    other.proper.update(unit.proper)
                    break
            else:
                units.append(unit)
        for a, b, surface in self.analyzer.pairs(self.analyzer.analyze(need.what, query=True)):
            if a in WEAK or b in WEAK:
                continue
            units.append(
                _Unit(terms={}, exact={a: surface}, weight=PHRASE_WEIGHT, groups=set(), pair=(a, b))
            )
        return units

    def vector(self, unit: _Unit) -> tuple[NDArray[np.float64], int]:
        """Each candidate's evidence for the unit (0-1), and how many candidates use the
        need's own words: how rare the word is that the need chose, synonyms aside."""
        import numpy as np  # lazily, see the note at the imports

        v = np.zeros(self.n)
        if unit.pair is not None:
            post = self._postings(self._pairs, unit.pair, "pair")
            if post is not None:
                v[post[0]] = post[1]
            return v, int(np.count_nonzero(v))
        own = np.zeros(self.n, dtype=bool)
        for term, factor in unit.terms.items():
            post = self._postings(self._terms, term, "term")
            if post is not None:
                idx, w = post
                v[idx] = np.maximum(v[idx], w * factor)
                if term in unit.exact:
                    own[idx] = True
        for term in unit.proper:
            post = self._postings(self._names, term, "name")
            if post is not None:
                idx, w = post
                v[idx] = np.maximum(v[idx], w)
                own[idx] = True
        return v, int(own.sum()) or int(np.count_nonzero(v))

    def _job_vector(self, unit: _Unit) -> NDArray[np.float64]:
        """Each candidate's evidence for the unit in a current job title (0-1)."""
        import numpy as np  # lazily, see the note at the imports

        v = np.zeros(self.n)
        for term, factor in unit.terms.items():
            post = self._postings(self._jobs, term, "job")
            if post is not None:
                idx, w = post
                v[idx] = np.maximum(v[idx], w * factor)
        return v

    def score(
        self, need: NeedText
    ) -> tuple[NDArray[np.float64], list[tuple[_Unit, float, NDArray[np.float64]]]]:
        """Every candidate's score for the need, and each unit's idf and evidence."""
        import numpy as np  # lazily, see the note at the imports

        key = (need.what, need.tags, need.kind)
        cached = self._scored.get(key)
        if cached is None:
            total = np.zeros(self.n)
            used: list[tuple[_Unit, float, NDArray[np.float64]]] = []
            for unit in self.units(need):
                v, df = self.vector(unit)
                if not df:
                    continue
                idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
                total += unit.weight * idf * v
                used.append((unit, idf, v))
                if unit.pair is None and not unit.inner and unit.weight >= 1.0:
                    total += JOB_WEIGHT * unit.weight * idf * self._job_vector(unit)
            kind = need.kind or need_kind(need.what)
            if kind in self.gave:
                total *= 1 + KIND_BOOST * self.gave[kind]
            # needs worded alike (common in a big network) are scored once
            cached = self._scored[key] = (total, used)
        total, used = cached
        if need.person_id is not None and need.person_id in self.row:
            total = total.copy()
            total[self.row[need.person_id]] = 0.0
        return total, used

    def rank(
        self,
        need: NeedText,
        k: int,
        among: Collection[int] | None = None,
        *,
        explain: bool = True,
    ) -> list[Match]:
        import numpy as np  # lazily, see the note at the imports

        total, used = self.score(need)
        if among is not None:
            keep = np.zeros(self.n, dtype=bool)
            keep[[self.row[i] for i in among if i in self.row]] = True
            total = np.where(keep, total, 0.0)
        hits = np.flatnonzero(total > 0)
        # best first; equal scores keep the candidates' order (the caller's tie-break)
        hits = hits[np.lexsort((hits, -total[hits]))][: max(k, 0)]
        kind = need.kind or need_kind(need.what)
        return [
            Match(
                person_id=self.candidates[i].id,
                score=round(float(total[i]), 3),
                reasons=tuple(self.explain(int(i), used, kind)) if explain else (),
                confidence=round(min(1.0, max(u.weight * float(v[i]) for u, _, v in used)), 3),
            )
            for i in hits
        ]

    def _evidence(self, i: int) -> tuple[dict, dict]:
        """Where each term and pair sits in candidate i's fields: term -> [(weight, order,
        field, text, word as written)], pair -> [(weight, order, field, text)]. Built once
        per candidate explained, so reasons cost lookups, not a walk through every note."""
        cached = self._evidence_cache.get(i)
        if cached is not None:
            return cached
        terms_ev: dict[str, list[tuple[float, int, str, str, str]]] = {}
        pairs_ev: dict[tuple[str, str], list[tuple[float, int, str, str]]] = {}
        seq = 0
        for field_kind, text in _fields(self.candidates[i]):
            tokens = self.analyzer.analyze(text)
            fw = FIELD_WEIGHT[field_kind]
            for tok, head in zip(tokens, _head_factors(field_kind, tokens), strict=True):
                terms_ev.setdefault(tok.term, []).append(
                    (fw * head, seq, field_kind, text, tok.surface)
                )
                seq += 1
            for a, b, _ in self.analyzer.pairs(tokens):
                pairs_ev.setdefault((a, b), []).append((fw, seq, field_kind, text))
                seq += 1
        cached = self._evidence_cache[i] = (terms_ev, pairs_ev)
        return cached

    def explain(
        self, i: int, used: list[tuple[_Unit, float, NDArray[np.float64]]], kind: str | None
    ) -> list[str]:
        p = self.candidates[i]
        terms_ev, pairs_ev = self._evidence(i)
        # (field, text) -> [(contribution, description)]
        found: dict[tuple[str, str], list[tuple[float, str, tuple[str, ...]]]] = {}
        for unit, idf, v in used:
            if v[i] <= 0:
                continue
            best: tuple[float, str, str, str, tuple[str, ...]] | None = None
            if unit.pair is not None:
                pair_hits = pairs_ev.get(unit.pair)
                if pair_hits:
                    # the strongest field; the first of equals
                    w, _, field_kind, text = max(pair_hits, key=lambda h: (h[0], -h[1]))
                    best = (w, field_kind, text, f"'{unit.surface}'", unit.pair)
            else:
                top: tuple[float, int] | None = None
                for term, factor in unit.terms.items():
                    for w, seq, field_kind, text, surface in terms_ev.get(term, ()):
                        # on a tie the later word wins: a title's head noun comes last
                        if top is not None and (w * factor, seq) < top:
                            continue
                        top = (w * factor, seq)
                        if term in unit.exact:
                            said = unit.exact[term]
                        else:
                            said = f"{unit.surface} ~ {fold(surface)}"
                        best = (w * factor, field_kind, text, said, (term,))
            if best is None:
                for term in self.analyzer.name_terms(p.name):
                    if term in unit.proper:
                        best = (FIELD_WEIGHT["name"], "name", p.name, unit.proper[term], (term,))
                        break
            if best is None:
                continue
            _, field_kind, text, said, covers = best
            found.setdefault((field_kind, text), []).append(
                (unit.weight * idf * float(v[i]), said, covers)
            )
        groups = []
        for (field_kind, text), items in found.items():
            items.sort(key=lambda x: -x[0])
            # a phrase says it all: drop the single words it covers
            covered = {t for _, _, c in items if len(c) > 1 for t in c}
            parts = [s for _, s, c in items if len(c) > 1 or c[0] not in covered]
            parts = [
                s for s in dict.fromkeys(parts) if not any(s != o and _within(s, o) for o in parts)
            ]
            groups.append((sum(x[0] for x in items), _reason(field_kind, text, parts, p.me)))
        groups.sort(key=lambda g: -g[0])
        reasons = [r for _, r in groups][:MAX_REASONS]
        if kind and p.gave.get(kind):
            reasons.append(_gave(kind, p.gave[kind], p.me))
        return reasons


def _either(weights: Iterable[float]) -> float:
    """Independent pieces of evidence: sure if any is (noisy-or), never above 1."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def _add(table: dict, key: object, row: int, w: float) -> None:
    rows = table.get(key)
    if rows is None:
        table[key] = {row: w}
        return
    old = rows.get(row)
    # found in several fields: more sure, never above 1
    rows[row] = w if old is None else old + w - old * w


class KeywordMatcher:
    """Keyword matching with synonyms (see the module docstring)."""

    name = "keyword"

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.analyzer = Analyzer(default_synonyms() if synonyms is None else synonyms)
        self._last: tuple[tuple[Profile, ...], KeywordIndex] | None = None

    def index(self, candidates: Sequence[Profile]) -> KeywordIndex:
        """The candidates indexed. A caller querying one pool many ways holds the index
        (`index.rank(...)`); the last one is also reused when the same profiles are asked
        about again, in the same order, whatever sequence holds them (compared by
        content, so a list edited in place is indexed afresh)."""
        pool = tuple(candidates)
        if self._last is not None and self._last[0] == pool:
            return self._last[1]
        index = KeywordIndex(self.analyzer, pool)
        self._last = (pool, index)
        return index

    def rank(self, need: NeedText, candidates: Sequence[Profile], k: int) -> list[Match]:
        return self.index(candidates).rank(need, k)

    def rank_many(
        self,
        needs: Sequence[NeedText],
        candidates: Sequence[Profile],
        k: int,
        *,
        among: Collection[int] | None = None,
        explain: bool = True,
    ) -> list[list[Match]]:
        index = self.index(candidates)
        return [index.rank(need, k, among, explain=explain) for need in needs]


_DEFAULT: KeywordMatcher | None = None


def default_matcher() -> KeywordMatcher:
    """A shared keyword matcher with the default synonyms (rebuilt when the user's table
    changes), so repeated calls in one process reuse its text-analysis caches."""
    global _DEFAULT
    synonyms = default_synonyms()
    if _DEFAULT is None or _DEFAULT.analyzer.synonyms is not synonyms:
        _DEFAULT = KeywordMatcher(synonyms)
    return _DEFAULT
