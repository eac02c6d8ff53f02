"""A compound name is written with a hyphen or a space: a search finds it either way
("smith jones" finds Mary Smith-Jones, "jean-luc" finds Jean Luc Picard), ranked as
the name it is, on both databases and through the People page (a reviewer's finding:
the hyphenated name was not found with a space)."""

from __future__ import annotations

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.queries import find_people
from troth.people.search import MAX_JOINS, spellings


def test_spellings_swap_a_space_and_a_hyphen_between_words() -> None:
    assert spellings("smith jones") == ["smith jones", "smith-jones"]
    assert spellings("jean-luc picard") == [
        "jean-luc picard",
        "jean luc picard",
        "jean luc-picard",
        "jean-luc-picard",
    ]
    assert spellings("tom") == ["tom"]
    assert spellings(" to") == [" to"]  # a word's start: the leading space stays
    many = "ann-bo cy di ed"
    assert len(spellings(many)) == 3 and MAX_JOINS < 4  # as typed, all spaces, all hyphens


def test_a_hyphenated_name_is_found_with_a_space_and_the_other_way(alice: Owner) -> None:
    mary = do_add_person(alice, "Mary Smith-Jones")
    jean = do_add_person(alice, "Jean Luc Picard")
    jones = do_add_person(alice, "Tom Jones")  # only the second word: ranked after
    do_add_person(alice, "Ann Smith")
    assert find_people(alice, query="smith jones") == [mary.id]
    assert find_people(alice, query="Smith-Jones") == [mary.id]
    assert find_people(alice, query="mary smith jones") == [mary.id]
    assert find_people(alice, query="jean-luc") == [jean.id]
    assert find_people(alice, query="Jean-Luc Picard") == [jean.id]
    # the hyphenated name's word "jones" is a whole word of both names
    assert set(find_people(alice, query="jones")) == {mary.id, jones.id}


def test_people_page_finds_a_hyphenated_name_typed_with_a_space(
    alice: Owner, bob: Owner, web: Client
) -> None:
    do_add_person(alice, "Mary Smith-Jones")
    do_add_person(bob, "Bobs Smith-Jones")  # another owner's: never listed
    page = web.get("/people/", {"q": "smith jones"}).content.decode()
    assert "Mary Smith-Jones" in page
    assert "Bobs Smith-Jones" not in page
