"""Needs meet helpers: the pure keyword matcher, the owner-scoped queries and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import pytest
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.helping import agenda_hints, needs_i_can_help, who_can_help
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need, do_record_favor
from troth.ledger.models import Need
from troth.matching.keywords import (
    KeywordMatcher,
    NeedText,
    Profile,
    Synonyms,
    default_synonyms,
    need_kind,
    parse_synonyms,
    stem,
)
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_note, do_add_person, do_set_job, do_tag
from troth.sim.generate import generate_network
from troth.sim.needs_eval import generate_needs_eval, precision_at

if TYPE_CHECKING:
    from conftest import Cli
    from troth.matching.keywords import Match
    from troth.people.models import Person


def rank(
    what: str,
    people: list[Profile],
    tags: tuple[str, ...] = (),
    k: int = 5,
    synonyms: Synonyms | None = None,
) -> list[Match]:
    return KeywordMatcher(synonyms).rank(NeedText(what, tags), people, k)


def ids(matches: list[Match]) -> list[int]:
    return [m.person_id for m in matches]


# -- the pure matcher --------------------------------------------------------------------


def test_stemming_folds_plurals_and_endings_alike() -> None:
    assert stem("taxes") == stem("tax")
    assert stem("recruiting") == stem("recruiter") == stem("recruiters")
    assert stem("nursing") == stem("nurse") == stem("nurses")
    assert stem("companies") == stem("company")
    # endings that carry the meaning stay
    assert stem("accounting") != stem("account")
    assert stem("founder") != stem("found")


def test_synonyms_find_a_cpa_among_accountants_and_say_so() -> None:
    people = [
        Profile(1, "Sam Okafor", titles=("Senior Tax Accountant",)),
        Profile(2, "Pat Lee", titles=("Gardener",)),
    ]
    (match,) = rank("a CPA", people)
    assert match.person_id == 1
    assert match.reasons == ("title 'Senior Tax Accountant' matches CPA ~ tax accountant",)
    # without the table, nobody
    assert rank("a CPA", people, synonyms=Synonyms()) == []


def test_multi_word_terms_keep_an_account_executive_from_being_an_accountant() -> None:
    people = [
        Profile(1, titles=("Account Executive",)),
        Profile(2, titles=("Staff Accountant",)),
        Profile(3, titles=("Tax Preparer",)),
    ]
    assert ids(rank("someone in accounting", people)) == [2, 3]
    # but a multi-word title still says its own words: "tax" finds the Tax Preparer first
    assert ids(rank("help with tax forms", people))[0] == 3
    assert 1 in ids(rank("a sales rep", people))


def test_plurals_and_accents_are_ignored() -> None:
    people = [Profile(1, titles=("Recruiter",)), Profile(2, notes=("Café owner in Pilsen",))]
    assert ids(rank("recruiters who place engineers", people)) == [1]
    (match,) = rank("an intro to a cafe OWNER", people)
    assert match.person_id == 2
    assert match.reasons == ("note 'Café owner in Pilsen' mentions 'cafe OWNER'",)


def test_words_side_by_side_beat_the_same_words_apart() -> None:
    together = Profile(1, titles=("Vertical Farming Lead",))
    apart = Profile(2, titles=("Farming Lead",), notes=("Obsessed with vertical integration",))
    ranked = rank("advice on vertical farming", [apart, together])
    assert ids(ranked) == [1, 2]
    assert "'vertical farming'" in ranked[0].reasons[0]


def test_tags_and_titles_count_more_than_notes_and_notes_more_than_company_names() -> None:
    people = [
        Profile(1, companies=("Translator Inc",)),
        Profile(2, notes=("Her brother is a translator.",)),
        Profile(3, titles=("Translator",)),
        Profile(4, tags=("translator",)),
    ]
    ranked = rank("a translator for a contract", people)
    assert set(ids(ranked)[:2]) == {3, 4}
    assert ids(ranked)[2:] == [2, 1]
    assert ranked[0].confidence > ranked[2].confidence > ranked[3].confidence


def test_reasons_are_plain_words_with_the_favours_of_the_kind_asked() -> None:
    sam = Profile(
        7,
        "Sam Okafor",
        titles=("Bookkeeper",),
        companies=("Larkspur Labs",),
        tags=("accounting", "startups"),
        gave={"referral": 2, "advice": 1},
    )
    (match,) = rank("a referral for an accounting role at Larkspur", [sam, Profile(8)])
    assert "tagged accounting" in match.reasons
    assert "works at Larkspur Labs (Larkspur)" in match.reasons
    assert match.reasons[-1] == "gave you 2 referrals"
    me = Profile(1, titles=("Controller",), gave={"intro": 3}, me=True)
    (mine,) = rank("an intro to a CPA", [me])
    assert mine.reasons == (
        "your title 'Controller' matches CPA ~ controller",
        "you gave 3 intros before",
    )
    assert need_kind("a CPA who knows startups") == "intro"
    assert need_kind("help moving on Saturday") == "time"


def test_names_match_only_as_proper_nouns() -> None:
    hope = Profile(1, "Hope Banks", titles=("Teacher",))
    assert rank("advice from the banks", [hope]) == []
    (match,) = rank("an intro to Hope Banks", [hope])
    assert match.reasons in (("name matches Hope, Banks",), ("name matches Banks, Hope",))


def test_the_person_with_the_need_and_those_not_among_are_never_returned() -> None:
    people = [Profile(1, tags=("python",)), Profile(2, tags=("python",)), Profile(3)]
    matcher = KeywordMatcher()
    assert ids(matcher.rank(NeedText("python help", person_id=1), people, 5)) == [2]
    (found,) = matcher.rank_many([NeedText("python help")], people, 5, among={1})
    assert ids(found) == [1]


def test_the_keyword_matcher_is_cheap_per_need_once_indexed() -> None:
    data = generate_needs_eval(3, people=2000, needs=20)
    index = KeywordMatcher().index(data.profiles)
    assert all(len(index.rank(n, 5)) <= 5 for n in data.needs)


# -- the synonyms table --------------------------------------------------------------------


def test_synonym_lines_allow_comments_and_multi_word_terms() -> None:
    table = parse_synonyms("# money\ncpa = Accountants = tax preparer  # note\n\n", "x.txt")
    assert len(table.groups) == 1 and table.lines == ("x.txt:2",)
    people = [
        Profile(1, titles=("Tax Preparer",)),
        Profile(2, tags=("cpa",)),
        Profile(3, titles=("Accountant",)),
        Profile(4, titles=("Tax Lawyer",)),
        Profile(5, titles=("Preparer of Meals",)),
    ]
    # the multi-word term is one term, and its group (in any inflection) finds the others
    assert set(ids(rank("an accountant", people, synonyms=table))) == {1, 2, 3}
    assert set(ids(rank("tax preparers", people, synonyms=table))) >= {1, 2, 3}
    assert 5 not in ids(rank("tax preparers", people, synonyms=table))


@pytest.mark.parametrize(
    "text, message",
    [
        ("cpa accountant", "x.txt:2: a synonym line joins two or more terms with '='"),
        ("cpa = = tax", "x.txt:2: empty term"),
        ("cpa = !!!", "x.txt:2: '!!!' has no letters or digits"),
        ("cpa = CPA", "x.txt:2: 'cpa = CPA' says a term is like itself"),
        ("tax = Taxes", "x.txt:2: 'tax = Taxes' says a term is like itself"),
    ],
)
def test_a_malformed_synonym_line_names_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(TrothError) as err:
        parse_synonyms(f"# comment\n{text}\n", "x.txt")
    assert str(err.value).startswith(message)


def test_the_users_synonyms_file_extends_the_table(home: Path) -> None:
    sommelier = [Profile(1, titles=("Sommelier",))]
    assert rank("a wine expert for a dinner", sommelier) == []
    (home / "synonyms.txt").write_text("# mine\nwine expert = sommelier = wine\n")
    (match,) = rank("a wine expert for a dinner", sommelier)
    assert match.reasons == ("title 'Sommelier' matches wine expert ~ sommelier",)
    # the shipped table is still there
    assert rank("a CPA", [Profile(2, titles=("Bookkeeper",))])


def test_a_malformed_users_synonyms_file_is_an_error_naming_file_and_line(home: Path) -> None:
    path = home / "synonyms.txt"
    path.write_text("wine = sommelier\n\ncpa accountant\n")
    with pytest.raises(TrothError, match=rf"^{path}:3: a synonym line"):
        default_synonyms()


# -- the evaluation set ----------------------------------------------------------------------


def test_the_evaluation_set_is_labelled_from_hidden_skills() -> None:
    data = generate_needs_eval(101, split="test")
    assert len(data) >= 100
    people = {p.id for p in data.profiles}
    for need, truth, skill in zip(data.needs, data.truth, data.need_skill, strict=True):
        assert len(truth) >= 5 and truth <= people
        assert need.person_id not in truth
        assert all(skill in data.skills[pid] for pid in truth)
    # deterministic, and the two splits word things differently
    again = generate_needs_eval(101, split="test")
    assert [n.what for n in again.needs] == [n.what for n in data.needs]
    tune = {t for p in generate_needs_eval(1, split="tune").profiles for t in p.titles}
    test = {t for p in data.profiles for t in p.titles}
    assert "Staff Accountant" in test and "Staff Accountant" not in tune


def test_the_evaluation_set_leaves_the_simulated_network_alone() -> None:
    before = generate_network(people=40, seed=7, today=dt.date(2026, 1, 1))
    generate_needs_eval(7)
    after = generate_network(people=40, seed=7, today=dt.date(2026, 1, 1))
    assert before.full_name == after.full_name and before.title == after.title


def test_keyword_matching_beats_the_target_on_a_held_out_seed() -> None:
    data = generate_needs_eval(105, split="test")
    ranked = KeywordMatcher().rank_many(data.needs, data.profiles, 5)
    p5 = [precision_at(ids(m), t) for m, t in zip(ranked, data.truth, strict=True)]
    assert sum(p5) / len(p5) >= 0.6


# -- who can help, scoped to the owner ---------------------------------------------------------


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


class Network(TypedDict):
    dana: Person
    sam: Person
    pat: Person
    kim: Person
    need: Need


@pytest.fixture
def network(alice: Owner, bob: Owner) -> Network:
    dana = do_add_person(alice, "Dana Whitfield", company="Acme Corp", title="CPA", tags=["cpa"])
    sam = do_add_person(alice, "Sam Okafor", company="Summit Labs", title="Senior Tax Accountant")
    pat = do_add_person(alice, "Pat Lee", company="Northwind", title="Bookkeeper")
    kim = do_add_person(alice, "Kim Park", company="Globex", title="Gardener")
    # known for months: a warm tie has a history (troth.trust.warmth)
    do_log_interaction(alice, sam, "meeting", when=_ago(100), minutes=60)
    do_log_interaction(alice, kim, "meeting", when=_ago(100), minutes=60)
    # bob's own CPA must never show up for alice
    do_add_person(bob, "Bob's Accountant", company="Acme Corp", title="CPA", tags=["cpa"])
    need = do_add_need(alice, dana, "a CPA who knows startups", days=30, tags=["cpa"])
    return {"dana": dana, "sam": sam, "pat": pat, "kim": kim, "need": need}


def test_who_can_help_never_names_the_person_in_need_or_another_owners_people(
    alice: Owner, network: Network
) -> None:
    result = who_can_help(alice, network["need"])
    names = [h.name for h in result.helpers]
    assert "Dana Whitfield" not in names
    assert "Bob's Accountant" not in names
    assert "Kim Park" not in names  # a gardener: no evidence
    # the real tie first, the stranger after and marked as one
    assert names == ["Sam Okafor", "Pat Lee"]
    sam, pat = result.helpers
    assert not sam.stranger and sam.trust and sam.trust > 0
    assert pat.stranger and pat.tier == "stranger"
    assert sam.reasons[0] == "title 'Senior Tax Accountant' matches CPA ~ tax accountant"
    assert result.me is None


def test_who_can_help_refuses_another_owners_need(bob: Owner, network: Network) -> None:
    # "no need with id", as for one that does not exist: bob learns nothing of alice's
    with pytest.raises(NotFound, match=f"no need with id {network['need'].id}"):
        who_can_help(bob, network["need"])


def test_what_i_could_give_myself_and_never_on_my_own_need(alice: Owner, network: Network) -> None:
    me = me_person(alice)
    do_set_job(alice, me, "Brightline", "Controller")
    do_record_favor(alice, me, network["kim"], "intro", "introduced Kim to a landscaper")
    result = who_can_help(alice, network["need"])
    assert result.me is not None
    assert result.me.reasons == (
        "your title 'Controller' matches CPA ~ controller",
        "you gave an intro before",
    )
    mine = do_add_need(alice, me, "a CPA for my own taxes", days=30)
    result = who_can_help(alice, mine)
    assert result.me is None
    assert me.id not in [h.person_id for h in result.helpers]
    assert [h.name for h in result.helpers][:2] == ["Dana Whitfield", "Sam Okafor"]


def test_needs_i_can_help_lists_only_contacts_needs_i_could_meet(
    alice: Owner, network: Network
) -> None:
    me = me_person(alice)
    assert needs_i_can_help(alice) == []  # troth knows nothing about me yet
    do_set_job(alice, me, "Brightline", "Bookkeeper")
    do_add_need(alice, network["kim"], "help moving on Saturday", days=20)
    do_add_need(alice, me, "a CPA for my own taxes", days=30)
    found = needs_i_can_help(alice)
    assert [n.id for n, _ in found] == [network["need"].id]
    assert found[0][1].reasons == ("your title 'Bookkeeper' matches CPA ~ bookkeeper",)
    # a need past its horizon is not listed
    later = timezone.localdate() + dt.timedelta(days=31)
    assert needs_i_can_help(alice, today=later) == []


def test_the_agenda_hint_names_real_ties_found_through_synonyms(
    alice: Owner, network: Network
) -> None:
    from troth.agenda.queries import agenda

    item = next(i for i in agenda(alice).items if i.id == f"n{network['need'].id}")
    assert "Sam Okafor might help." in item.candidate.reason
    hints = agenda_hints(alice, [network["need"]])  # the trust cache is fresh now
    assert hints == {network["need"].id: ["Sam Okafor"]}  # Pat is a stranger: no handoff
    # an unfamiliar word in a note, in passing, is not enough for a hint
    boat = do_add_need(alice, network["dana"], "someone with a boat", days=20)
    do_add_note(alice, network["kim"], "Sold his boat last year")
    assert agenda_hints(alice, [boat]) == {}
    do_tag(alice, network["kim"], ["boat"])
    assert agenda_hints(alice, [boat]) == {boat.id: ["Kim Park"]}


# -- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli_network(cli: Cli) -> Need:
    cli("add", "Dana Whitfield", "--company", "Acme Corp", "--title", "VP Engineering")
    cli("add", "Sam Okafor", "--company", "Summit Labs", "--title", "Senior Tax Accountant")
    cli("add", "Pat Lee", "--company", "Northwind", "--title", "Bookkeeper", "--tag", "startups")
    cli("log", "Sam", "meeting", "coffee", "--when", "yesterday", "--minutes", "45")
    cli("need", "Dana", "a CPA who knows startups", "--tag", "cpa")
    return Need.objects.get(what="a CPA who knows startups")


def test_troth_help_lists_who_could_help_and_why(cli: Cli, cli_network: Need) -> None:
    out = cli("help", str(cli_network.id)).stdout
    assert f"Need #{cli_network.id}" in out and "Dana Whitfield needs" in out
    assert "Sam Okafor" in out and "Pat Lee" in out
    assert "matches CPA ~ tax accountant" in out
    assert "stranger" in out  # Pat: never a two-way exchange
    assert out.index("Sam Okafor") < out.index("Pat Lee") or "Pat Lee" in out


def test_troth_help_json(cli: Cli, cli_network: Need) -> None:
    data = cli.json("help", f"#{cli_network.id}", "--limit", "1")
    assert data["need"]["id"] == cli_network.id and data["need"]["what"] == cli_network.what
    (helper,) = data["helpers"]
    assert set(helper) == {
        "person",
        "score",
        "match",
        "confidence",
        "trust",
        "tier",
        "stranger",
        "why",
    }
    assert helper["person"]["name"] in {"Sam Okafor", "Pat Lee"}
    assert data["me"] is None


def test_troth_help_unknown_or_bad_id_is_one_line_exit_2(cli: Cli, cli_network: Need) -> None:
    result = cli("help", "99999", code=2)
    assert result.stderr.strip().splitlines() == [
        "troth: error: no need with id 99999 (list them with: troth needs)"
    ]
    result = cli("help", "abc", code=2)
    assert result.stderr.startswith("troth: error: help: 'abc' is neither a need id nor a command")
    cli("help", str(cli_network.id), "--limit", "-1", code=2)
    assert cli.json("help", str(cli_network.id), "--limit", "0")["need"]["id"] == cli_network.id
    # plain "troth help" and "troth help agenda" are help, as everywhere else
    assert "Usage:" in cli("help").stdout
    assert "Today's few things worth doing" in cli("help", "agenda").stdout


def test_troth_help_with_a_broken_synonyms_file_names_file_and_line(
    cli: Cli, cli_network: Need, home: Path
) -> None:
    path = home / "synonyms.txt"
    path.write_text("cpa = \n")
    result = cli("help", str(cli_network.id), code=2)
    assert result.stderr.strip() == (
        f"troth: error: {path}:1: empty term in 'cpa =' (two '=' in a row, or one at an end)"
    )


def test_troth_needs_i_can_help(cli: Cli, cli_network: Need) -> None:
    assert "No open need of a contact matches" in cli("needs", "--i-can-help").stdout
    cli("edit", "me", "--company", "Brightline", "--title", "Controller")
    cli("need", "Sam", "help moving on Saturday")
    out = cli("needs", "--i-can-help").stdout
    assert "Dana Whitfield" in out and "Controller" in out and "Sam Okafor" not in out
    rows = cli.json("needs", "--i-can-help")
    assert [r["id"] for r in rows] == [cli_network.id]
    assert rows[0]["why"] == ["your title 'Controller' matches CPA ~ controller"]
    assert {"score", "confidence", "why", "person", "what", "tags"} <= set(rows[0])
    cli("needs", "--i-can-help", "--mine", code=2)


def test_a_need_for_an_immigration_lawyer_finds_attorneys_too() -> None:
    # "immigration lawyer" is one term of the immigration group; its "lawyer" still asks
    # for a lawyer, so an attorney comes up even when nobody mentions immigration.
    people = [
        Profile(1, titles=("Attorney",)),
        Profile(2, titles=("Senior Software Engineer",)),
        Profile(3, titles=("Gardener",), notes=("Loves law and order reruns",)),
    ]
    for what in (
        "a good immigration lawyer",
        "a patent attorney",
        "a corporate lawyer for our LLC",
    ):
        assert ids(rank(what, people))[:1] == [1], what
