"""The "did you mean" fallback compares each distinct word once (issue 20): the same
answer as comparing every word of every name, in the same order, stopping at three."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from troth.lib.names import _suggestions, _word_close, resolve, suggest
from troth.lib.text import fold
from troth.sim.generate import generate_network

if TYPE_CHECKING:
    from troth.owned import Owner


def _every_word(query: str, people: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The fallback as it was written before: every word of every name, then the first 3."""
    qwords = fold(query).replace(".", "").split()
    return [
        (pid, name)
        for pid, name in people
        if any(
            _word_close(q, w)
            for q in qwords
            if len(q) > 1
            for w in fold(name).replace(".", "").split()
        )
    ][:3]


def _network_names(n: int) -> list[tuple[int, str]]:
    # (a fixed day: the names do not depend on it, and the network then never does)
    net = generate_network(people=n, seed=11, today=dt.date(2026, 1, 5), interactions_per_person=0)
    return [(i + 1, name) for i, name in enumerate(net.full_name)]


def test_the_fallback_names_whoever_shares_a_word_as_before() -> None:
    people = _network_names(600)
    rng = random.Random(3)
    queries = ["Dana Whitfeild", "zz qq", "4521", "Ma", "x"]
    for _ in range(40):  # a word of someone's name with a slip, beside a made-up one
        word = rng.choice(rng.choice(people)[1].split())
        if len(word) > 4:
            i = rng.randrange(1, len(word) - 1)
            word = word[:i] + word[i + 1 :]
        queries.append(f"{word} Qwxyz")
    fallbacks = 0
    folded = [(pid, name, fold(name).replace(".", "")) for pid, name in people]
    keys = [key for _pid, _name, key in folded]
    for query in queries:
        qwords = fold(query).replace(".", "").split()
        if _suggestions(qwords, keys):
            continue  # a close spelling answers first; the fallback is not asked
        fallbacks += 1
        assert suggest(query, people) == _every_word(query, people), query
    assert fallbacks >= 20  # most of these queries reach the fallback


def test_names_folded_ahead_give_the_same_answers() -> None:
    people = _network_names(300)
    keys = [fold(name) for _pid, name in people]
    for query in ["Dana Whitfeild", "melisa", "Jose", "4521", "ma qwxyz"]:
        assert suggest(query, people, keys) == suggest(query, people)
        assert resolve(query, people, keys=keys) == resolve(query, people)


def test_no_word_close_means_no_suggestion() -> None:
    people = [(1, "Dana Whitfield"), (2, "Sam Ortiz")]
    assert suggest("4521", people) == []
    assert suggest("Ortis Qwxyz", people) == [(2, "Sam Ortiz")]


def test_a_search_suggests_from_the_stored_names_as_from_the_names(
    alice: Owner, bob: Owner
) -> None:
    """close_spellings reads only ids and folded names (then the three names shown):
    the same people as suggest() over everyone's names, and only the owner's."""
    from troth.people.actions import do_add_person
    from troth.people.queries import close_spellings, people_for

    for name in ("J.R. Smithson", "Melissa Martin", "Zoë Ó Briain", "Dana Whitfield", "Mr Big"):
        do_add_person(alice, name)
    do_add_person(bob, "Melissa Marten")  # bob's: never suggested to alice
    people = list(people_for(alice).values_list("id", "full_name"))
    for query in ("jr smithsn", "melisa", "zoe o brian", "Dana Qwxyz", "4521", "big"):
        assert close_spellings(alice, query) == suggest(query, people), query
    assert [name for _pid, name in close_spellings(alice, "melisa")] == ["Melissa Martin"]
    assert close_spellings(alice, "jr smithsn")  # the dots are no obstacle


def test_a_search_and_a_look_up_offer_the_same_namesakes(alice: Owner) -> None:
    """`troth people Mooree` and `troth show Mooree` suggest the same people (a
    newcomer's review: one offered Abigail and Aiko Moore, the other Michael Moore)."""
    from troth.errors import NotFound
    from troth.people.actions import do_add_person
    from troth.people.queries import close_spellings, resolve_person

    for name in ("Michael Moore", "Brian Moore", "Aiko Moore", "Abigail Moore", "Jessica Moore"):
        do_add_person(alice, name)
    for typed in ("Mooree", "Moorre Qwxyz"):
        offered = close_spellings(alice, typed)
        assert offered, typed
        try:
            resolve_person(alice, typed)
        except NotFound as exc:
            said = str(exc)
        else:
            raise AssertionError(f"{typed!r} was found")
        assert "Did you mean " + " or ".join(f"{n} (#{i})" for i, n in offered) in said, typed
