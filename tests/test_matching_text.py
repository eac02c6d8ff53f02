"""The keyword matcher's text side: a maintained stemmer behind `stem()`, bounded
caches, and no stale index when a pool of candidates changes."""

from __future__ import annotations

import threading

from troth.matching.keywords import KeywordMatcher, Match, NeedText, Profile, Synonyms, stem


def ids(matches: list[Match]) -> list[int]:
    return [m.person_id for m in matches]


def test_snowball_joins_word_families_the_old_stemmer_kept_apart() -> None:
    # a need for consulting finds a consultant, for management a manager
    people = [Profile(1, titles=("Consultant",)), Profile(2, titles=("Manager",))]
    matcher = KeywordMatcher(Synonyms())
    assert ids(matcher.rank(NeedText("strategy consulting"), people, 5)) == [1]
    assert ids(matcher.rank(NeedText("a hand with management"), people, 5)) == [2]


def test_words_whose_ending_carries_meaning_stay_whole_in_the_plural_too() -> None:
    assert stem("accounting") != stem("account")
    # Snowball alone reads "accountant" as "account": an account manager is no accountant
    assert stem("accountant") != stem("account")
    assert stem("accountants") == stem("accountant")
    assert stem("founders") == stem("founder") != stem("found")
    people = [Profile(1, notes=("manages the Acme account",)), Profile(2, titles=("Accountant",))]
    assert ids(KeywordMatcher(Synonyms()).rank(NeedText("accountants"), people, 5)) == [2]


def test_stemming_is_the_same_from_many_threads() -> None:
    words = [
        f"{w}{suffix}"
        for w in ("recruit", "engineer", "market", "plan")
        for suffix in ("ing", "ers", "s", "ed")
    ]
    expected = {w: stem(w) for w in words}
    stem.cache_clear()  # every thread stems afresh, each with its own Snowball stemmer
    seen: list[dict[str, str]] = []

    def work() -> None:
        seen.append({w: stem(w) for w in words * 50})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [expected] * 8


def test_a_pool_edited_in_place_is_indexed_again() -> None:
    matcher = KeywordMatcher(Synonyms())
    pool = [Profile(1, titles=("Nurse",)), Profile(2, titles=("Plumber",))]
    assert ids(matcher.rank(NeedText("a plumber"), pool, 5)) == [2]
    # same list object, same length, different people: the old identity-and-length key
    # answered from the stale index
    pool[1] = Profile(3, titles=("Plumber",))
    assert ids(matcher.rank(NeedText("a plumber"), pool, 5)) == [3]


def test_an_equal_pool_reuses_the_index_and_a_held_index_answers_directly() -> None:
    matcher = KeywordMatcher(Synonyms())
    pool = [Profile(1, titles=("Nurse",)), Profile(2, titles=("Plumber",))]
    index = matcher.index(pool)
    assert matcher.index(list(pool)) is index
    assert ids(index.rank(NeedText("nurse"), 5)) == [1]


def test_the_analyzer_caches_are_bounded() -> None:
    matcher = KeywordMatcher(Synonyms())
    analyzer = matcher.analyzer
    for i in range(50):
        analyzer.analyze(f"title number {i}")
        analyzer.name_terms(f"Person {i}")
    for cached in (analyzer.analyze, analyzer.compiled, analyzer.name_terms):
        info = cached.cache_info()
        assert info.maxsize is not None and info.currsize <= info.maxsize
    assert analyzer.analyze.cache_info().currsize == 50
