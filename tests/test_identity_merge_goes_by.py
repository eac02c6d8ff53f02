"""A merged name that is a short form of the kept one ("Bob" into Robert Lang) stays as
what they go by, so a search for it still finds them (a newcomer's finding: after the
merge, `troth people bob` found nobody); an unmerge takes it back."""

from __future__ import annotations

from django.db import transaction

from troth.identity.actions import do_merge, do_unmerge
from troth.owned import Owner
from troth.people.actions import do_add_person, do_set_nickname
from troth.people.models import Person
from troth.people.queries import find_people


def test_a_short_form_merged_in_is_kept_as_a_nickname(alice: Owner) -> None:
    robert = do_add_person(alice, "Robert Lang", company="Initech")
    bob = do_add_person(alice, "Bob Lang")
    with transaction.atomic():
        record = do_merge(alice, robert, bob)
    robert.refresh_from_db()
    assert robert.nickname == "Bob"
    assert find_people(alice, query="bob") == [robert.id]
    with transaction.atomic():
        do_unmerge(alice, record)
    robert.refresh_from_db()
    assert robert.nickname == ""
    assert Person.objects.filter(owner=alice, full_name="Bob Lang").exists()


def test_no_nickname_from_another_name_or_over_one_already_known(alice: Owner) -> None:
    # the kept name is the short one: Robert is not what Bob goes by
    bob = do_add_person(alice, "Bob Stone")
    robert = do_add_person(alice, "Robert Stone")
    with transaction.atomic():
        do_merge(alice, bob, robert)
    bob.refresh_from_db()
    assert bob.nickname == ""
    # another name altogether, and a nickname the owner set, are left alone
    ann = do_add_person(alice, "Ann Vale")
    zoe = do_add_person(alice, "Zoe Vale", allow_duplicate_name=True)
    liz = do_add_person(alice, "Elizabeth Moss")
    do_set_nickname(alice, liz, "Beth")
    lizzie = do_add_person(alice, "Liz Moss")
    with transaction.atomic():
        do_merge(alice, ann, zoe)
        do_merge(alice, liz, lizzie)
    ann.refresh_from_db()
    liz.refresh_from_db()
    assert ann.nickname == "" and liz.nickname == "Beth"
