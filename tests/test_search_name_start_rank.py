"""A short search lists the names that start with it first (issue 20): `troth people to`
puts Toby Zane before Ada Tovar, whose later word starts with "to", though "ada" sorts
first, on SQLite (FTS5) and on PostgreSQL (pg_trgm) alike; a whole word still comes
before everything else, and company, title or e-mail matches come last."""

from __future__ import annotations

from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.people.queries import find_people


def _people() -> tuple[Owner, Person, Person, Person, Person, Person]:
    owner = local_owner()
    ada = do_add_person(owner, "Ada Tovar")  # a later word starts with "to"
    toby = do_add_person(owner, "Toby Zane")  # the name starts with "to"
    bea = do_add_person(owner, "Bea Quill")
    bea.nickname = "Tonks"  # the nickname starts with "to"
    bea.save()
    stone = do_add_person(owner, "Cyd Stone")  # "to" inside a word only
    mail = do_add_person(owner, "Abe Abbot", emails=["tory@example.org"])
    return owner, ada, toby, bea, stone, mail


def test_two_letters_list_the_names_that_start_with_them_first(db: None) -> None:
    owner, ada, toby, bea, stone, mail = _people()
    ids = find_people(owner, query="to")
    # the start of the name or nickname (in name order), then a later word's start,
    # then the e-mail; a word's inside is not searched below three letters
    assert ids == [bea.id, toby.id, ada.id, mail.id]
    assert stone.id not in ids


def test_one_letter_lists_the_names_that_start_with_it_first(db: None) -> None:
    owner, ada, toby, bea, _stone, _mail = _people()
    ids = find_people(owner, query="T")
    assert ids[:3] == [bea.id, toby.id, ada.id]


def test_a_whole_word_still_comes_first(db: None) -> None:
    owner = local_owner()
    tovarish = do_add_person(owner, "Tovarish Kim")  # the name starts with "tovar"
    zed = do_add_person(owner, "Zed Tovar")  # a whole later word
    assert find_people(owner, query="tovar") == [zed.id, tovarish.id]
