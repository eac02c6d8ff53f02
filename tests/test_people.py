from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import transaction

from troth import present
from troth.errors import Ambiguous, NotFound, TrothError
from troth.owned import Owner
from troth.people import actions, queries
from troth.people.models import ContactPoint, Employment, Knows, Person, Relationship

if TYPE_CHECKING:
    from typing import Any


def test_add_person_with_everything(alice: Owner) -> None:
    sam = actions.do_add_person(alice, "Sam Ortiz")
    dana = actions.do_add_person(
        alice,
        "Dana  Whitfield",
        emails=["Dana@Example.org"],
        phones=["(312) 555-0123"],
        urls=["linkedin.com/in/dana"],
        company="Acme Corp",
        title="VP Engineering",
        met_how="Chicago networking night",
        met_through=sam,
        tags=["FinTech", "hiring"],
        closeness=3,
    )
    assert dana.full_name == "Dana Whitfield"
    assert (dana.given_name, dana.family_name) == ("Dana", "Whitfield")
    values = set(ContactPoint.objects.filter(person=dana).values_list("kind", "value"))
    assert values == {
        ("email", "dana@example.org"),
        ("phone", "+13125550123"),
        ("url", "https://linkedin.com/in/dana"),
    }
    job = Employment.objects.get(person=dana)
    assert (job.company, job.title, job.is_current) == (
        "Acme Corp",
        "VP Engineering",
        True,
    )
    rel = Relationship.objects.get(person=dana)
    assert (rel.met_how, rel.met_through_id, rel.closeness) == (
        "Chicago networking night",
        sam.id,
        3,
    )
    assert sorted(t.name for t in dana.tags.all()) == ["fintech", "hiring"]
    # met through someone means those two know each other
    assert Knows.objects.filter(owner=alice, person_a=sam, person_b=dana).exists()


def test_company_is_matched_not_duplicated(alice: Owner) -> None:
    a = actions.do_add_person(alice, "A One", company="Acme Corp")
    b = actions.do_add_person(alice, "B Two", company="ACME  corp")
    assert (
        Employment.objects.get(person=a).organization_id
        == Employment.objects.get(person=b).organization_id
    )


def test_new_employer_keeps_history(alice: Owner) -> None:
    p = actions.do_add_person(alice, "A One", company="Acme", title="Engineer")
    actions.do_edit_person(alice, p, company="Globex", title="Director")
    jobs = list(Employment.objects.filter(person=p).order_by("id"))
    assert [(j.company, j.is_current) for j in jobs] == [
        ("Acme", False),
        ("Globex", True),
    ]
    assert jobs[0].ended_on is not None


def test_duplicate_email_and_name_are_refused(alice: Owner) -> None:
    actions.do_add_person(alice, "Dana Whitfield", emails=["dana@example.org"])
    with pytest.raises(TrothError, match="already belongs to Dana Whitfield"):
        actions.do_add_person(alice, "Someone Else", emails=["DANA@example.org"])
    with pytest.raises(TrothError, match="already in your network"):
        actions.do_add_person(alice, "dana whitfield")
    twin = actions.do_add_person(alice, "Dana Whitfield", allow_duplicate_name=True)
    with pytest.raises(Ambiguous):
        queries.resolve_person(alice, "Dana Whitfield")
    assert queries.resolve_person(alice, f"#{twin.id}") == twin


def test_bad_input_names_the_field(alice: Owner) -> None:
    with pytest.raises(TrothError, match="not an email"):
        actions.do_add_person(alice, "X", emails=["nope"])
    with pytest.raises(TrothError, match="closeness must be 1-5"):
        actions.do_add_person(alice, "X", closeness=9)
    with pytest.raises(TrothError, match="name must not be empty"):
        actions.do_add_person(alice, "   ")
    with pytest.raises(TrothError, match="company must not be empty"):
        actions.do_add_person(alice, "X", company="  ", title="CEO")


def test_failed_add_leaves_nothing_behind(alice: Owner) -> None:
    before = Person.objects.filter(owner=alice).count()
    with pytest.raises(TrothError), transaction.atomic():
        # the person row is written before the company check fails
        actions.do_add_person(alice, "Half Written", company=" ", title="CEO")
    assert Person.objects.filter(owner=alice).count() == before


def test_owners_never_see_each_other(alice: Owner, bob: Owner) -> None:
    dana = actions.do_add_person(
        alice, "Dana Whitfield", emails=["dana@example.org"], company="Acme"
    )
    # bob can add the same person and email: his network is his own
    actions.do_add_person(bob, "Dana Whitfield", emails=["dana@example.org"], company="Acme")
    assert [p.full_name for p in present.list_people(bob)] == ["Dana Whitfield"]
    assert present.list_people(bob)[0].id != dana.id
    with pytest.raises(NotFound):
        queries.access_person(bob, dana.id)
    with pytest.raises(NotFound):
        queries.resolve_person(bob, f"#{dana.id}")
    carol = actions.do_add_person(alice, "Carol Chen")
    with pytest.raises(NotFound):
        queries.resolve_person(bob, "Carol")
    assert present.list_people(bob, query="carol") == []
    assert [p.id for p in present.list_people(alice, query="carol")] == [carol.id]


def test_list_people_filters(alice: Owner) -> None:
    actions.do_add_person(alice, "Dana Whitfield", company="Acme Corp", tags=["fintech"])
    actions.do_add_person(alice, "Sam Ortiz", company="Globex", title="Recruiter")
    actions.do_add_person(alice, "Old Friend", company="Acme Corp")
    actions.do_edit_person(alice, queries.resolve_person(alice, "Old Friend"), archived=True)

    def names(**kw: Any) -> list[str]:
        return [p.full_name for p in present.list_people(alice, **kw)]

    assert names() == ["Dana Whitfield", "Sam Ortiz"]
    assert names(include_archived=True) == ["Dana Whitfield", "Old Friend", "Sam Ortiz"]
    assert names(tag="FinTech") == ["Dana Whitfield"]
    assert names(company="acme") == ["Dana Whitfield"]
    assert names(query="recruit") == ["Sam Ortiz"]
    assert names(query="globex") == ["Sam Ortiz"]


def test_me_is_not_a_contact(alice: Owner) -> None:
    assert present.list_people(alice) == []
    with pytest.raises(NotFound):
        queries.resolve_person(alice, "me")
    assert queries.resolve_person(alice, "me", allow_me=True).is_me
    with pytest.raises(TrothError):
        actions.do_delete_person(alice, queries.resolve_person(alice, "me", allow_me=True))


def test_delete_person_removes_their_history(alice: Owner) -> None:
    from troth.interactions.actions import do_log_interaction
    from troth.interactions.models import Interaction

    p = actions.do_add_person(alice, "Gone Soon", emails=["g@example.org"])
    do_log_interaction(alice, p, "call")
    actions.do_delete_person(alice, p)
    assert not Person.objects.filter(id=p.id).exists()
    assert not Interaction.objects.filter(owner=alice).exists()
    assert not ContactPoint.objects.filter(owner=alice).exists()


def test_fast_rows_match_the_model_rows(alice: Owner) -> None:
    from troth import present
    from troth.interactions.actions import do_log_interaction

    sam = actions.do_add_person(alice, "Sam Ortiz", phones=["312 555 0100"], tags=["b", "a"])
    dana = actions.do_add_person(
        alice,
        "Dana Whitfield",
        emails=["d@example.org", "dana@work.example"],
        urls=["linkedin.com/in/dana"],
        company="Acme",
        title="CTO",
        closeness=4,
        met_through=sam,
    )
    actions.do_edit_person(alice, dana, company="Globex")  # an old job must not show
    do_log_interaction(alice, dana, "call")
    actions.do_add_person(bob_user(), "Not Alices")
    ids = queries.find_people(alice)
    slow = [present.person_row(p) for p in present.list_people(alice)]
    assert present.people_rows(alice, ids) == slow
    assert [r["name"] for r in slow] == ["Dana Whitfield", "Sam Ortiz"]
    assert slow[0]["company"] == "Globex" and slow[0]["last_contact"] is not None


def bob_user() -> Owner:
    from django.contrib.auth import get_user_model

    from troth.owners import do_ensure_me

    user, _ = get_user_model().objects.get_or_create(username="bob2")
    do_ensure_me(user)
    return user
