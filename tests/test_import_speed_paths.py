"""The shortcuts that made the LinkedIn import faster (issue 20) give the same results as
the long ways they skip: `fold`'s ASCII path, the import's page cache on SQLite (and
the connection's own setting back after it), and the identity verdicts decided before
the names are scored."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from django.db import connection, transaction

from troth.identity.match import Candidate, find_matches
from troth.importers.apply import do_import
from troth.importers.bulkrows import IMPORT_CACHE_KIB, import_page_cache
from troth.importers.linkedin import PARSER
from troth.lib.text import fold
from troth.owned import Owner
from troth.people.models import Person


def slow_fold(text: str) -> str:
    """fold as it was before its ASCII path (issue 20), kept here to compare with."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


ASCII_TEXTS = [
    "",
    "   ",
    "Dana Kang",
    "  DANA   KANG  ",
    "O'Neil-Smith, Jr.",
    "a\tb\nc\rd\x0be\x0cf",
    "x\x1cy\x1dz\x1ew\x1fv",  # separators str.split() and \s both count as spaces
    "\x00nul\x7f",
    "Initech, Inc.",
    "MiXeD CaSe 123",
]


@pytest.mark.parametrize("text", ASCII_TEXTS)
def test_fold_ascii_path_is_the_long_way(text: str) -> None:
    assert fold(text) == slow_fold(text)


def test_fold_every_ascii_character() -> None:
    for code in range(128):
        text = f"A{chr(code)} B{chr(code)}{chr(code)}c "
        assert fold(text) == slow_fold(text), repr(text)


def test_fold_beyond_ascii_unchanged() -> None:
    assert fold("  José  ÁLVAREZ ") == "jose alvarez"
    assert fold("Straße\u00a0Nord") == slow_fold("Straße\u00a0Nord") == "strasse nord"


def cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
@pytest.mark.django_db
def test_page_cache_grown_for_the_block_and_given_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -2000")
    with import_page_cache():
        assert cache_size() == -IMPORT_CACHE_KIB
    assert cache_size() == -2000


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
@pytest.mark.django_db
def test_page_cache_never_shrunk() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB * 2}")
    with import_page_cache():
        assert cache_size() == -IMPORT_CACHE_KIB * 2
    assert cache_size() == -IMPORT_CACHE_KIB * 2
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = 100")  # in pages
    with import_page_cache():
        assert cache_size() == -IMPORT_CACHE_KIB
    assert cache_size() == 100


@pytest.mark.django_db(transaction=True)
def test_import_gives_the_cache_back_and_writes_everyone(alice: Owner, tmp_path: Path) -> None:
    rows = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    rows += [
        f"Ad{chr(97 + i % 26)}{chr(97 + i // 26)},Kang,https://www.linkedin.com/in/ada-kang-{i},,"
        "Acme,CTO,01 Jan 2024"
        for i in range(60)
    ]
    path = tmp_path / "Connections.csv"
    path.write_text("\r\n".join(rows) + "\r\n")
    before = cache_size() if connection.vendor == "sqlite" else 0
    with transaction.atomic():
        summary = do_import(alice, PARSER, path)
    assert summary.people_created == 60
    assert Person.objects.filter(owner=alice, is_me=False).count() == 60
    if connection.vendor == "sqlite":
        assert cache_size() == before


def person(
    pid: int,
    name: str,
    company: str = "",
    sources: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
) -> Candidate:
    given, _, family = name.partition(" ")
    return Candidate(
        id=pid,
        full_name=name,
        given_name=given,
        family_name=family,
        emails=emails,
        company=company,
        sources=sources,
    )


def test_once_per_source_pair_still_two_people() -> None:
    # two LinkedIn connections of one name, no shared address: namesakes
    found = find_matches(
        [
            person(1, "Wei Zhang", "Acme", ("linkedin",)),
            person(2, "Wei Zhang", "Acme", ("linkedin",)),
        ]
    )
    assert found == []


def test_pairs_the_shortcut_leaves_are_still_judged_on_their_names() -> None:
    # the same name at the same company from two address books: sure
    found = find_matches(
        [person(1, "Wei Zhang", "Acme", ("vcard",)), person(2, "Wei Zhang", "Acme", ("google",))]
    )
    assert [(m.a, m.b, m.sure) for m in found] == [(1, 2, True)]
    # from LinkedIn and an address book: not once-per-source for both, still sure
    found = find_matches(
        [person(1, "Wei Zhang", "Acme", ("linkedin",)), person(2, "Wei Zhang", "Acme", ("vcard",))]
    )
    assert [(m.a, m.b, m.sure) for m in found] == [(1, 2, True)]
    # two LinkedIn records sharing an e-mail: the address decides, not the source rule
    shared = ("wei@acme.example",)
    found = find_matches(
        [
            person(1, "Wei Zhang", "Acme", ("linkedin",), shared),
            person(2, "Wei Zhang", "Acme", ("linkedin",), shared),
        ]
    )
    assert [(m.a, m.b, m.sure) for m in found] == [(1, 2, True)]


def test_a_block_of_linkedin_records_alone_is_passed_over_but_not_one_beside_others() -> None:
    # issue 20: a family-name block holding LinkedIn records only has no pair worth
    # scoring (two profiles are two people); one with an address-book record is scored
    only_linkedin = [
        person(1, "Ann Okafor", "Acme", ("linkedin",)),
        person(2, "Anne Okafor", "Acme", ("linkedin",)),
        person(3, "A. Okafor", "Acme", ("linkedin",)),
    ]
    assert find_matches(only_linkedin) == []
    found = find_matches([*only_linkedin, person(4, "Ann Okafor", "Acme", ("vcard",))])
    assert (1, 4, True) in [(m.a, m.b, m.sure) for m in found]


def test_a_linkedin_profile_is_not_another_profiles_slip() -> None:
    # "Anna Kewis" and "Anna Lewis", two LinkedIn profiles at one company, are two
    # people: the first is not a misspelling of the second's name that would stand in
    # the name's group and make it look listed twice by LinkedIn. So the address
    # book's Anna Lewis is LinkedIn's (the name no source lists twice).
    others = [  # for "Anna Lewis" to be a rare name
        person(10 + n, f"{given} {family}", "", ("google",))
        for n, (given, family) in enumerate(
            (g, f) for g in ("Bea", "Cy", "Dov", "Eda") for f in ("Moss", "Ng", "Ruiz", "Tal")
        )
    ]
    found = find_matches(
        [
            person(1, "Anna Kewis", "Acme", ("linkedin",)),
            person(2, "Anna Lewis", "Acme", ("linkedin",)),
            person(3, "Anna Lewis", "", ("google",)),
            *others,
        ]
    )
    by_pair = {(m.a, m.b): m for m in found}
    assert by_pair[(2, 3)].sure
    assert "no source lists this name twice" in by_pair[(2, 3)].reasons
    assert (1, 2) not in by_pair and (1, 3) not in by_pair
