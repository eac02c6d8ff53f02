"""Identity resolution: the pure matcher, merge and unmerge on the real database, the CLI."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.core import serializers
from django.db import transaction
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.identity import actions
from troth.identity.match import Candidate, candidate_from_record, find_matches
from troth.identity.models import MergeRecord, MergeSuggestion
from troth.interactions.actions import do_log_interaction
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.people.actions import (
    do_add_note,
    do_add_person,
    do_edit_person,
    do_link_knows,
    do_tag,
)
from troth.people.models import ContactPoint, Knows, Person
from troth.people.queries import access_person
from troth.sim.dirty import generate_dirty
from troth.trust.actions import do_recompute_trust
from troth.trust.models import TrustScore

if TYPE_CHECKING:
    from conftest import Cli
    from troth.identity.match import Match

# ---------------------------------------------------------------- pure matching


def pair(a: Candidate, b: Candidate) -> Match | None:
    found = find_matches([a, b])
    return found[0] if found else None


def test_nickname_with_same_company_is_sure() -> None:
    m = pair(
        Candidate(1, "Robert Kowalski", company="Northwind Labs"),
        Candidate(2, "Bob Kowalski", company="Northwind Labs Inc."),
    )
    assert m is not None and m.sure
    assert any("nickname" in r for r in m.reasons)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Elizabeth Chen", "Liz Chen"),
        ("William Ortiz", "Bill Ortiz"),
        ("Katherine Byrne", "Kate Byrne"),
        ("Michael Osei", "Mike Osei"),
        ("James Whitfield", "Jim Whitfield"),
    ],
)
def test_nicknames_table(a: str, b: str) -> None:
    m = pair(Candidate(1, a, company="Acme Corp"), Candidate(2, b, company="ACME corp"))
    assert m is not None and m.sure


def test_typo_and_accents_and_case() -> None:
    m = pair(
        Candidate(1, "José Álvarez", emails=("jose@acme.com",)),
        Candidate(2, "jose alvarez", emails=("jose@acme.com",)),
    )
    assert m is not None and m.sure
    m = pair(
        Candidate(1, "Dana Whitfield", company="Granite Capital"),
        Candidate(2, "Dana Whitfeild", company="Granite Capital"),
    )
    assert m is not None and m.sure


def test_initial_at_same_company() -> None:
    m = pair(
        Candidate(1, "J. Okafor", company="Beacon Health"),
        Candidate(2, "James Okafor", company="Beacon Health"),
    )
    assert m is not None and m.sure and "initial" in m.reasons


def test_look_alike_names_at_one_domain_are_not_merged() -> None:
    people = [
        Candidate(i, f"P N{i}", "P", f"N{i}", emails=(f"p{i}@example.org",)) for i in range(300)
    ]
    people += [
        Candidate(900, "Wei Li", company="Hooli", emails=("wei@hooli.com",)),
        Candidate(901, "Wei Lim", company="Hooli", emails=("wlim@hooli.com",)),
    ]
    assert not any(m.sure for m in find_matches(people))


def test_shared_names_at_different_companies_are_not_merged() -> None:
    people = [
        Candidate(1, "John Smith", company="Globex", emails=("john@globex.com",)),
        Candidate(2, "John Smith", company="Initech", emails=("jsmith@initech.com",)),
    ]
    assert not any(m.sure for m in find_matches(people))


def test_changed_jobs_are_suggested_not_merged_unless_an_address_is_shared() -> None:
    m = pair(
        Candidate(1, "Priya Raman", company="Hooli"),
        Candidate(2, "Priya Raman", company="Pied Piper"),
    )
    assert m is not None and not m.sure and "changed jobs" in m.reasons[-1]
    m = pair(
        Candidate(1, "Priya Raman", company="Hooli", emails=("priya@gmail.com",)),
        Candidate(2, "Priya Raman", company="Pied Piper", emails=("priya@gmail.com",)),
    )
    assert m is not None and m.sure


def test_family_mailbox_with_different_names_is_only_suggested() -> None:
    people = [
        Candidate(1, "John Park", emails=("parks@gmail.com",)),
        Candidate(2, "Mary Park", emails=("parks@gmail.com",)),
    ]
    found = find_matches(people)
    assert found and not found[0].sure


def test_two_linkedin_profiles_are_two_people() -> None:
    people = [
        Candidate(1, "Ana Ruiz", company="Apex AI", urls=("https://linkedin.com/in/ana-ruiz-1",)),
        Candidate(2, "Ana Ruiz", company="Apex AI", urls=("https://linkedin.com/in/ana-ruiz-2",)),
    ]
    assert find_matches(people) == []


def test_focus_limits_pairs_to_those_people() -> None:
    people = [
        Candidate(1, "Wren Halvorsen", emails=("wren@x.org",)),
        Candidate(2, "Wren Halvorsen", emails=("wren@x.org",)),
        Candidate(3, "Ode Banda", emails=("ode@x.org",)),
        Candidate(4, "Ode Banda", emails=("ode@x.org",)),
    ]
    assert {(m.a, m.b) for m in find_matches(people, focus={3})} == {(3, 4)}


def crowd(n: int = 20) -> list[Candidate]:
    """Other people, each with a name of their own: how rare a name is depends on them."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        Candidate(
            100 + k,
            f"Ola{letters[k % 26]}{letters[k // 26]} Brun{letters[k % 26]}{letters[k // 26]}",
            sources=("linkedin",),
        )
        for k in range(n)
    ]


def merged(found: list[Match], *ids: int) -> bool:
    """Whether the sure matches, closed transitively, put all these ids together."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for m in found:
        if m.sure:
            parent[root(m.a)] = root(m.b)
    return len({root(i) for i in ids}) == 1


def test_a_name_each_source_shows_once_is_one_person() -> None:
    wren = [
        Candidate(1, "Wren Halvorsen", company="Apex AI", sources=("linkedin",)),
        Candidate(2, "Wren Halvorsen", emails=("wren.h@gmail.com",), sources=("google",)),
        Candidate(3, "Wren Halvorsen", emails=("wrenh@outlook.com",), sources=("mail",)),
    ]
    found = find_matches(wren + crowd())
    assert merged(found, 1, 2, 3)
    assert any("no source lists this name twice" in m.reasons for m in found if m.sure)
    # without knowing the sources, only the frequency speaks: not rare enough here
    unsourced = [Candidate(c.id, c.full_name, emails=c.emails, company=c.company) for c in wren]
    assert not merged(find_matches(unsourced + crowd()), 1, 2, 3)


def test_a_namesake_pair_within_one_source_is_never_merged() -> None:
    # two LinkedIn connections of one name (an old export: no profile URLs), same company
    twins = [
        Candidate(1, "Wren Halvorsen", company="Apex AI", sources=("linkedin",)),
        Candidate(2, "Wren Halvorsen", company="Apex AI", sources=("linkedin",)),
    ]
    assert not any(m.sure for m in find_matches(twins + crowd()))
    # a rare name twice in one mail archive, and once more elsewhere: not one person
    people = [
        Candidate(1, "Wren Halvorsen", emails=("wren@gmail.com",), sources=("mail",)),
        Candidate(2, "Wren Halvorsen", emails=("wren@outlook.com",), sources=("mail",)),
        Candidate(3, "Wren Halvorsen", company="Apex AI", sources=("linkedin",)),
    ]
    found = find_matches(people + crowd(40))
    assert not merged(found, 1, 2) and not merged(found, 1, 3) and not merged(found, 2, 3)


def test_one_per_source_weighs_what_merged_records_say_together() -> None:
    people = [
        # the mail and the address-book record share an address: one person, at Initech
        Candidate(1, "Wren Halvorsen", emails=("wren@gmail.com",), sources=("mail",)),
        Candidate(
            2,
            "Wren Halvorsen",
            emails=("wren@gmail.com",),
            company="Initech",
            sources=("google",),
        ),
        # a LinkedIn connection of that name at another company: someone else
        Candidate(3, "Wren Halvorsen", company="Globex", sources=("linkedin",)),
    ]
    found = find_matches(people + crowd())
    assert merged(found, 1, 2)
    assert not merged(found, 1, 3)


def test_one_per_source_never_joins_two_linkedin_profiles() -> None:
    people = [
        Candidate(
            1, "Wren Halvorsen", urls=("https://linkedin.com/in/wren-1",), sources=("linkedin",)
        ),
        Candidate(2, "Wren Halvorsen", emails=("wren@gmail.com",), sources=("google",)),
        Candidate(
            3,
            "Wren Halvorsen",
            emails=("wren@gmail.com",),
            urls=("https://linkedin.com/in/wren-2",),
            sources=("vcard",),
        ),
    ]
    found = find_matches(people + crowd())
    assert merged(found, 2, 3) and not merged(found, 1, 2)


def test_an_initial_joins_the_one_name_it_may_stand_for() -> None:
    wren = [
        Candidate(1, "Wren Halvorsen", company="Apex AI", sources=("linkedin",)),
        Candidate(2, "W. Halvorsen", emails=("wh@gmail.com",), sources=("google",)),
    ]
    assert merged(find_matches(wren + crowd()), 1, 2)
    # W. could be Wren or Wade: left apart
    wade = Candidate(3, "Wade Halvorsen", emails=("wade@outlook.com",), sources=("mail",))
    found = find_matches([*wren, wade, *crowd(30)])
    assert not merged(found, 1, 2) and not merged(found, 2, 3)


def test_a_very_rare_name_joins_across_a_changed_job() -> None:
    people = [
        Candidate(1, "Wren Halvorsen", emails=("wren@gmail.com",), sources=("mail",)),
        Candidate(
            2, "Wren Halvorsen", emails=("wren@gmail.com",), company="Initech", sources=("google",)
        ),
        Candidate(3, "Wren Halvorsen", company="Globex", sources=("linkedin",)),
    ]
    # among 600 other names, one expected by chance 0.015 times: one person, new job
    found = find_matches(people + crowd(600))
    assert merged(found, 1, 2, 3)
    # among 20 (test_one_per_source_weighs_what_merged_records_say_together) it is not
    # rare enough: two employers stay two people
    assert not merged(find_matches(people + crowd(20)), 1, 3)
    # and never when one source shows the name twice
    twice = [*people, Candidate(4, "Wren Halvorsen", company="Hooli", sources=("linkedin",))]
    found = find_matches(twice + crowd(600))
    assert not merged(found, 3, 4) and not merged(found, 1, 3) and not merged(found, 1, 4)


def test_a_one_letter_slip_nobody_else_writes_joins_the_name() -> None:
    people = [
        Candidate(1, "Megan Whitwell", company="Hawthorne Media", sources=("linkedin",)),
        Candidate(2, "Megna Whitwell", emails=("mwhitwell@gmail.com",), sources=("mail",)),
        Candidate(3, "Olivia Wesano", company="Blue Harbor", sources=("linkedin",)),
        Candidate(4, "Olivia Wsano", emails=("olivia.w@gmail.com",), sources=("google",)),
    ]
    found = find_matches(people + crowd())
    assert merged(found, 1, 2) and merged(found, 3, 4) and not merged(found, 1, 3)
    # spellings both in use are two names: Andre is no slip for Andrew, nor the reverse
    people = [
        Candidate(1, "Andrew Whitwell", company="Hawthorne Media", sources=("linkedin",)),
        Candidate(2, "Andre Whitwell", emails=("andre@gmail.com",), sources=("google",)),
        Candidate(3, "Andre Whitwell", emails=("aw@outlook.com",), sources=("mail",)),
        Candidate(4, "Andrew Olsen", sources=("linkedin",)),
    ]
    found = find_matches(people + crowd())
    assert merged(found, 2, 3) and not merged(found, 1, 2)


def test_a_slip_in_a_nickname_is_still_the_name() -> None:
    m = pair(
        Candidate(1, "Daid Torley", company="Radiant Ventures"),
        Candidate(2, "Dave Torley", company="Radiant Ventures"),
    )
    assert m is not None and m.sure


def test_hyphenated_given_names_read_alike_from_any_source() -> None:
    people = [
        Candidate(1, "Seo-yeon Casez", emails=("sc@canopy.example",), sources=("mail",)),
        Candidate(2, "", given_name="Seo-yeon", family_name="Casez", sources=("google",)),
        Candidate(
            3, "seoyeon.casez@gmail.com", emails=("seoyeon.casez@gmail.com",), sources=("vcard",)
        ),
    ]
    assert merged(find_matches(people + crowd()), 1, 2, 3)


def test_a_double_given_name_written_without_its_hyphen_is_the_same_name() -> None:
    m = pair(
        Candidate(1, "Marie-Claire Dubois", company="Umbrella Inc"),
        Candidate(2, "Marie Claire Dubois", company="Umbrella, Inc."),
    )
    assert m is not None and m.sure and "double given name" in m.reasons
    # but Claire-Marie is not Marie
    other = pair(
        Candidate(1, "Claire-Marie Dubois", company="Umbrella Inc"),
        Candidate(2, "Marie Dubois", company="Umbrella Inc"),
    )
    assert other is None or not other.sure


def test_an_address_alone_names_its_record_by_the_names_others_bear() -> None:
    people = [
        Candidate(1, "Rachel Bellton", company="Yarrow Studios", sources=("linkedin",)),
        Candidate(2, "rbellton@icloud.com", emails=("rbellton@icloud.com",), sources=("mail",)),
        Candidate(3, "Liam Solwood", sources=("linkedin",)),
        Candidate(4, "", emails=("liamsolwood7@hey.com",), sources=("mail",)),
    ]
    found = find_matches(people + crowd())
    assert merged(found, 1, 2) and merged(found, 3, 4) and not merged(found, 1, 3)
    # "r" could be Rachel or Robert: left apart
    robert = Candidate(5, "Robert Bellton", emails=("bob@bellton.net",), sources=("google",))
    found = find_matches([*people, robert, *crowd()])
    assert not merged(found, 1, 2) and not merged(found, 2, 5)


def test_colleagues_with_a_typo_on_the_second_letter_are_compared() -> None:
    # "Lewis" / "Lawis": the (given name, first letters) block splits them
    m = pair(
        Candidate(1, "Michael Lewis", emails=("michael.lewis@tessellate.example",)),
        Candidate(2, "Michael Lawis", company="Tessellate Therapeutics"),
    )
    assert m is not None and m.sure


def test_candidate_from_record_keeps_the_source() -> None:
    data = generate_dirty(50, seed=3)
    c = candidate_from_record(0, data.records[0])
    assert c.sources == (data.records[0].source,)


def _pairwise(truth: list[int], clusters: list[int]) -> tuple[float, float]:
    from collections import Counter

    pred = Counter(clusters)
    both = Counter(zip(clusters, truth, strict=True))
    real = Counter(truth)
    n_pred = sum(c * (c - 1) // 2 for c in pred.values())
    n_both = sum(c * (c - 1) // 2 for c in both.values())
    n_real = sum(c * (c - 1) // 2 for c in real.values())
    return n_both / max(1, n_pred), n_both / max(1, n_real)


def test_dirty_dataset_is_deterministic_and_labelled() -> None:
    a, b = generate_dirty(300, seed=4), generate_dirty(300, seed=4)
    assert [r.full_name for r in a.records] == [r.full_name for r in b.records]
    assert len(a.truth) == len(a.records) and a.true_pairs() > 50
    assert {r.source for r in a.records} == {"linkedin", "google", "vcard", "mail"}


def test_matcher_precision_on_a_dirty_dataset() -> None:
    data = generate_dirty(2000, seed=7)
    people = [candidate_from_record(i, r) for i, r in enumerate(data.records)]
    parent = list(range(len(people)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in find_matches(people):
        if m.sure:
            parent[root(m.a)] = root(m.b)
    precision, recall = _pairwise(data.truth, [root(i) for i in range(len(people))])
    # issue 6's targets (this seed gives 0.992 / 0.915 with the simulator's nicknames
    # from Wiktionary, issue 19; 0.998 / 0.947 with its earlier table, all inside the
    # matcher's; bench/bench_identity.py measures more seeds and sizes)
    assert precision >= 0.99
    assert recall >= 0.9


# ---------------------------------------------------------------- merge / unmerge

SKIP = {"identity.mergerecord", "identity.mergesuggestion", "trust.trustscore"}


def dump() -> dict[str, list[Any]]:
    """Every row of every troth table (and Person.tags' links), as plain values."""
    out: dict[str, list[Any]] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if not model.__module__.startswith("troth") and "person_tags" not in label:
            continue
        if label in SKIP:
            continue
        rows = serializers.serialize("python", model._base_manager.order_by("pk"))
        out[label] = sorted(
            ((r["pk"], sorted(r["fields"].items(), key=lambda kv: kv[0])) for r in rows),
            key=lambda r: r[0],
        )
    return out


@pytest.fixture
def network(alice: Owner) -> dict[str, Person]:
    """Two records of one person (Robert / Bob Lang), with a bit of everything on both."""
    me = Person.objects.get(owner=alice, is_me=True)
    keep = do_add_person(
        alice, "Robert Lang", emails=["robert@lang.dev"], company="Globex", closeness=3
    )
    other = do_add_person(
        alice,
        "Bob Lang",
        emails=["bob@gmail.com"],
        phones=["+1 312 555 0101"],
        company="Globex",
        met_how="PyCon",
        met_on=dt.date(2023, 5, 1),
    )
    ContactPoint.objects.create(owner=alice, person=other, kind="email", value="shared@lang.dev")
    ContactPoint.objects.create(owner=alice, person=keep, kind="email", value="shared@lang.dev")
    third = do_add_person(alice, "Carla Nunes", emails=["carla@x.org"])
    fourth = do_add_person(alice, "Dev Iyer")
    when = timezone.now() - dt.timedelta(days=3)
    do_log_interaction(alice, other, "meeting", when=when, minutes=30, summary="coffee")
    do_log_interaction(alice, other, "email", when=when, source="mail", external_id="<m1@x>")
    do_log_interaction(alice, keep, "email", when=when, source="mail", external_id="<m1@x>")
    do_record_favor(alice, other, me, "advice", "pricing advice")
    do_record_favor(alice, me, other, "intro", "to Carla")
    do_make_promise(alice, other, me, "send the deck")
    do_add_need(alice, other, "a CPA", tags=["cpa"])
    do_add_note(alice, other, "likes trains")
    do_tag(alice, other, add=["python", "chicago"])
    do_tag(alice, keep, add=["python"])
    do_link_knows(alice, other, third)
    do_link_knows(alice, keep, third)  # both know Carla: one link after the merge
    do_link_knows(alice, other, fourth)
    do_link_knows(alice, keep, other)  # a link between the two themselves
    do_edit_person(alice, third, met_through=other)
    do_propose(alice, other, fourth, "both into rail", anyway="test")
    return {"me": me, "keep": keep, "other": other, "third": third, "fourth": fourth}


def test_merge_moves_everything_and_unmerge_restores_exactly(
    alice: Owner, network: dict[str, Person]
) -> None:
    keep, other = network["keep"], network["other"]
    do_recompute_trust(alice)
    before = dump()
    with transaction.atomic():
        record = actions.do_merge(alice, keep, other, reason="test")
    assert not Person.objects.filter(pk=other.id).exists()
    assert keep.interactions.count() == 2  # the duplicate imported mail is one
    assert keep.favors_given.count() == 1 and keep.favors_received.count() == 1
    assert keep.promises_made.count() == 1 and keep.needs.count() == 1
    assert keep.notes.count() == 1
    assert set(keep.tags.values_list("name", flat=True)) == {"python", "chicago"}
    assert set(keep.contact_points.values_list("value", flat=True)) == {
        "robert@lang.dev",
        "bob@gmail.com",
        "+13125550101",
        "shared@lang.dev",
    }
    knows = set(Knows.objects.filter(owner=alice).values_list("person_a_id", "person_b_id"))
    third, fourth = network["third"], network["fourth"]
    assert knows == {tuple(sorted((keep.id, third.id))), tuple(sorted((keep.id, fourth.id)))}
    assert keep.intros_as_a.count() == 1
    rel = keep.relationship
    rel.refresh_from_db()
    assert rel.closeness == 3 and rel.met_how == "PyCon"  # keep's wins, gaps filled
    assert third.relationship.__class__.objects.get(person=third).met_through_id == keep.id
    assert not TrustScore.objects.filter(owner=alice, person=keep).exists()  # stale

    # something new after the merge stays with keep
    later = do_log_interaction(alice, keep, "call", summary="after the merge")
    with transaction.atomic():
        back = actions.do_unmerge(alice, record)
    assert back.id == other.id
    later.refresh_from_db()
    assert later.person_id == keep.id
    later.delete()
    assert dump() == before
    record.refresh_from_db()
    assert record.undone_at is not None
    # undone means two people: not merged again automatically
    assert MergeSuggestion.objects.get(owner=alice).status == MergeSuggestion.REJECTED
    with pytest.raises(TrothError):
        actions.do_unmerge(alice, record)


def test_merge_keeps_one_job_per_employer_and_the_kept_current_job(alice: Owner) -> None:
    from troth.people.models import Employment

    keep = do_add_person(alice, "Marie-Claire Dubois", company="Umbrella Inc")
    other = do_add_person(  # (a twin by name: added as a second person, to be merged)
        alice,
        "Marie Claire Dubois",
        company="Umbrella, Inc.",
        title="VP Engineering",
        allow_duplicate_name=True,
    )
    before = dump()
    with transaction.atomic():
        record = actions.do_merge(alice, keep, other)
    jobs = list(Employment.objects.filter(person=keep))
    # one employer spelt two ways: one job, the kept one, with the title only the other knew
    assert [(j.company, j.title, j.is_current) for j in jobs] == [
        ("Umbrella Inc", "VP Engineering", True)
    ]
    with transaction.atomic():
        actions.do_unmerge(alice, record)
    assert dump() == before

    # a changed job: the kept person's current one stays current, the other's is past
    ana = do_add_person(alice, "Ana Sousa", company="Globex", title="Analyst")
    twin = do_add_person(alice, "Ana Souza", company="Initech", title="Lead")
    before = dump()
    with transaction.atomic():
        record = actions.do_merge(alice, ana, twin)
    current = {j.company: j.is_current for j in Employment.objects.filter(person=ana)}
    assert current == {"Globex": True, "Initech": False}
    with transaction.atomic():
        actions.do_unmerge(alice, record)
    assert dump() == before


def test_chained_merges_unmerge_in_any_order(alice: Owner) -> None:
    a = do_add_person(alice, "Ines Duarte", emails=["ines@a.pt"])
    b = do_add_person(alice, "Inês Duarte", emails=["ines@b.pt"], allow_duplicate_name=True)
    c = do_add_person(alice, "I. Duarte", emails=["ines@c.pt"], company="Jetty")
    for p in (a, b, c):
        do_log_interaction(alice, p, "call", summary=f"call with #{p.id}")
    before = dump()
    first = actions.do_merge(alice, b, c)  # c into b
    second = actions.do_merge(alice, a, b)  # then b (holding c) into a
    assert a.interactions.count() == 3
    first.refresh_from_db()
    assert first.kept_id == a.id  # the history followed the person
    actions.do_unmerge(alice, first)  # c comes back out of a
    assert set(Person.objects.get(pk=c.id).interactions.values_list("summary", flat=True)) == {
        f"call with #{c.id}"
    }
    actions.do_unmerge(alice, second)
    MergeSuggestion.objects.all().delete()
    assert dump() == before


def test_merge_between_people_with_a_favour_between_them_is_refused(alice: Owner) -> None:
    a = do_add_person(alice, "Ana Silva")
    b = do_add_person(alice, "Ana Silva", allow_duplicate_name=True)
    do_record_favor(alice, a, b, "advice", "twins?")
    before = dump()
    with pytest.raises(TrothError, match="two people"), transaction.atomic():
        actions.do_merge(alice, a, b)
    assert dump() == before


def test_merge_refuses_self_and_me(alice: Owner) -> None:
    a = do_add_person(alice, "Ana Silva")
    me = Person.objects.get(owner=alice, is_me=True)
    with pytest.raises(TrothError):
        actions.do_merge(alice, a, a)
    with pytest.raises(TrothError):
        actions.do_merge(alice, a, me)


def test_owner_scoped(alice: Owner, bob: Owner) -> None:
    mine = do_add_person(alice, "Ana Silva")
    theirs = do_add_person(bob, "Ana Silva")
    with pytest.raises(NotFound):
        access_person(alice, theirs.id)
    with pytest.raises(NotFound):
        actions.do_merge(alice, mine, theirs)
    with pytest.raises(NotFound):
        actions.do_merge(alice, theirs, mine)
    record = actions.do_merge(bob, theirs, do_add_person(bob, "Ana S.", emails=["a@s.org"]))
    from troth.identity.queries import access_merge

    with pytest.raises(NotFound):
        access_merge(alice, record.id)
    with pytest.raises(NotFound):
        actions.do_unmerge(alice, record)
    assert Person.objects.filter(owner=alice).count() == 2  # me and Ana


def test_resolve_merges_sure_and_suggests_likely(alice: Owner) -> None:
    a = do_add_person(alice, "Robert Lang", emails=["rob@lang.dev"])
    b = do_add_person(alice, "Bob Lang", company="Globex")
    # the same address on both (an import writes it; troth add would refuse it)
    ContactPoint.objects.create(owner=alice, person=b, kind="email", value="rob@lang.dev")
    c = do_add_person(alice, "Mara Quist", company="Hooli")
    d = do_add_person(alice, "Mara Quist", company="Initech", allow_duplicate_name=True)
    summary = actions.do_resolve(alice, [b.id, d.id])
    assert (summary.merged, summary.suggested) == (1, 1)
    assert Person.objects.filter(pk=a.id).exists() and not Person.objects.filter(pk=b.id).exists()
    s = MergeSuggestion.objects.get(owner=alice)
    assert (s.person_a_id, s.person_b_id) == (c.id, d.id)
    # again: nothing new
    assert actions.do_resolve(alice) == actions.ResolveSummary(0, 0)
    actions.do_reject(alice, c, d)
    assert actions.do_resolve(alice).suggested == 0


def test_resolve_after_an_import_never_merges_two_people_already_there(alice: Owner) -> None:
    a = do_add_person(alice, "Oisín Lund", emails=["oisin@home.ie"])
    b = do_add_person(alice, "Oisín Lund", emails=["oisin@work.ie"], allow_duplicate_name=True)
    # an imported record with both addresses
    c = do_add_person(alice, "Oisin Lund", allow_duplicate_name=True)
    for value in ("oisin@home.ie", "oisin@work.ie"):
        ContactPoint.objects.create(owner=alice, person=c, kind="email", value=value)
    summary = actions.do_resolve(alice, [c.id])
    assert summary.merged == 1  # the new record joins one of them...
    assert Person.objects.filter(pk__in=[a.id, b.id]).count() == 2  # ...never both
    assert MergeSuggestion.objects.filter(owner=alice, person_a=a, person_b=b).exists()


def test_resolve_after_a_merge_moved_a_suggestion_does_not_suggest_it_twice(alice: Owner) -> None:
    from troth.people.actions import do_set_job

    def person(company: str) -> Person:
        p = Person.objects.create(
            owner=alice,
            full_name="Zebulon Quarrington",
            given_name="Zebulon",
            family_name="Quarrington",
            name_key="zebulon quarrington",
        )
        do_set_job(alice, p, company, None)
        return p

    p1, p3, p2 = (
        person("Riverbend Talent"),
        person("Copperline Health"),
        person("Copperline Health"),
    )
    # an earlier import left p1 ~ p2 suggested; now p2 merges into p3, which moves that
    # suggestion onto p1 ~ p3, the very pair this run would suggest
    MergeSuggestion.objects.create(
        owner=alice,
        person_a=p1,
        person_b=p2,
        confidence=0.5,
        reasons=["same name"],
        created_at=timezone.now(),
    )
    with transaction.atomic():
        summary = actions.do_resolve(alice, [p2.id, p3.id])
    assert summary.merged == 1 and not Person.objects.filter(pk=p2.id).exists()
    pairs = list(MergeSuggestion.objects.filter(owner=alice).values_list("person_a", "person_b"))
    assert pairs == [(p1.id, p3.id)]


def test_resolve_on_a_small_dirty_dataset_reaches_precision(alice: Owner) -> None:
    """Import a dirty dataset the plain way (one person per record), then resolve."""
    data = generate_dirty(400, seed=11)
    ids: list[int] = []
    truth_of: dict[int, int] = {}
    for rec, truth in zip(data.records, data.truth, strict=True):
        c = candidate_from_record(0, rec)
        person = Person.objects.create(
            owner=alice,
            full_name=rec.full_name,
            given_name=rec.given_name,
            family_name=rec.family_name,
            name_key=rec.full_name.lower(),
        )
        for kind, values in (("email", c.emails), ("phone", c.phones), ("url", c.urls)):
            for v in values:
                ContactPoint.objects.create(owner=alice, person=person, kind=kind, value=v)
        if rec.company:
            from troth.people.actions import do_set_job

            do_set_job(alice, person, rec.company, None)
        ids.append(person.id)
        truth_of[person.id] = truth
    summary = actions.do_resolve(alice, ids)
    assert summary.merged > 50
    # each surviving person stands for the records merged into it
    members: dict[int, list[int]] = {pid: [pid] for pid in ids}
    for record in MergeRecord.objects.filter(owner=alice).order_by("id"):
        members[record.kept_id] += members.pop(record.merged_id)
    clusters = {pid: root for root, group in members.items() for pid in group}
    precision, _recall = _pairwise([truth_of[p] for p in ids], [clusters[p] for p in ids])
    assert precision >= 0.99


# ---------------------------------------------------------------- CLI


def test_cli_merge_suggestions_unmerge(cli: Cli) -> None:
    cli("add", "Robert Lang", "--email", "rob@lang.dev", "--company", "Globex")
    cli("add", "Bob Lang", "--company", "Hooli")
    cli("add", "Mara Quist", "--company", "Hooli")
    from troth.owners import local_owner

    owner = local_owner()
    rob, bob = (
        Person.objects.get(owner=owner, full_name="Robert Lang"),
        Person.objects.get(owner=owner, full_name="Bob Lang"),
    )
    MergeSuggestion.objects.create(
        owner=owner,
        person_a=rob,
        person_b=bob,
        confidence=0.5,
        reasons=["same name", "changed jobs?"],
        created_at=timezone.now(),
    )
    rows = cli.json("merge", "--suggestions")
    assert rows[0]["a"]["id"] == rob.id and rows[0]["reasons"]
    assert "Bob Lang" in cli("merge", "--suggestions").stdout
    mara = Person.objects.get(owner=owner, full_name="Mara Quist")
    MergeSuggestion.objects.create(
        owner=owner,
        person_a=bob,
        person_b=mara,
        confidence=0.4,
        reasons=["why not"],
        created_at=timezone.now(),
    )
    assert "1 more" in cli("merge", "--suggestions", "--limit", "1").stdout
    assert "Mara" in cli("merge", "--suggestions", "--limit", "0").stdout
    out = cli("merge", "Robert Lang", "Bob", "--yes").stdout
    assert "Merged" in out
    assert not Person.objects.filter(pk=bob.id).exists()
    history = cli.json("merges")
    assert history[0]["merged"]["id"] == bob.id
    out = cli("unmerge", "Robert Lang").stdout
    assert Person.objects.filter(pk=bob.id).exists()
    assert "marked as different people" in " ".join(out.split())
    # merging them again after all says that it overrides that mark
    again = " ".join(cli("merge", "Robert Lang", "#" + str(bob.id), "--yes").stdout.split())
    assert "Merged" in again and "that mark is gone" in again
    cli("unmerge", "Robert Lang")
    cli("unmerge", str(history[0]["id"]), code=2)  # already undone
    cli("merge", "Robert Lang", "Robert Lang", "--yes", code=2)
    cli("merge", "me", "Robert Lang", "--yes", code=2)
    cli("merge", "--reject", "Robert Lang", "Mara Quist")
    cli("merge", "--reject", "Bob Lang", "Mara Quist")
    assert cli.json("merge", "--suggestions") == []
    cli("merge", "Robert Lang", code=2)
