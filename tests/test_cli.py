"""The CLI end to end, in-process, on the test database."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner
from troth.people.models import Organization, Person

if TYPE_CHECKING:
    from conftest import Cli

PERSON_FIELDS = {
    "id",
    "name",
    "nickname",
    "company",
    "title",
    "emails",
    "phones",
    "urls",
    "tags",
    "closeness",
    "archived",
    "last_contact",
}


@pytest.fixture
def dana(cli: Cli) -> Person:
    cli(
        "add",
        "Dana Whitfield",
        "--email",
        "dana@example.org",
        "--company",
        "Acme Corp",
        "--title",
        "VP Engineering",
        "--met",
        "Chicago networking night",
        "--via",
        "Sam Ortiz",
        "--tag",
        "fintech",
    )
    return Person.objects.get(full_name="Dana Whitfield")


def test_version(cli: Cli) -> None:
    from troth import __version__

    assert cli("--version").stdout.strip() == f"troth {__version__}"


def test_add_prints_id_and_creates_via_person(cli: Cli, dana: Person) -> None:
    people = cli.json("people")
    assert {p["name"] for p in people} == {"Dana Whitfield", "Sam Ortiz"}
    row = next(p for p in people if p["name"] == "Dana Whitfield")
    assert set(row) == PERSON_FIELDS
    assert row == row | {
        "id": dana.id,
        "company": "Acme Corp",
        "title": "VP Engineering",
        "emails": ["dana@example.org"],
        "tags": ["fintech"],
    }
    out = cli("add", "Pat Lee", "--via", "sam").stdout
    assert "Added person #" in out and "Pat Lee" in out
    sam = Person.objects.get(full_name="Sam Ortiz")
    assert f"introduced by Sam Ortiz (#{sam.id})" in out  # whom "sam" was read as
    # "sam" was matched, not created again
    assert Person.objects.filter(full_name__startswith="Sam").count() == 1


def test_people_filters_and_table(cli: Cli, dana: Person) -> None:
    cli("add", "Lee Park", "--company", "Globex", "--tag", "design")
    assert [p["name"] for p in cli.json("people", "--tag", "design")] == ["Lee Park"]
    assert [p["name"] for p in cli.json("people", "--company", "acme")] == ["Dana Whitfield"]
    assert [p["name"] for p in cli.json("people", "whit")] == ["Dana Whitfield"]
    table = cli("people").stdout
    assert "Dana Whitfield" in table and "Acme Corp" in table


def test_full_story_of_one_person(cli: Cli, dana: Person) -> None:
    cli(
        "log",
        "dana",
        "meeting",
        "--when",
        "yesterday",
        "--minutes",
        "45",
        "--they-started",
        "coffee",
    )
    cli("gave", "Dana", "advice", "resume review")
    cli("got", "Dana W", "lead", "a role at Globex")
    cli("promise", "send Dana the salary survey", "--to", "Dana", "--due", "friday")
    # a date built from today: a calendar date here failed once it was in the past
    in_two_weeks = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    cli("promise", "intro me to Ralph", "--from", "dana whitfeild", "--due", in_two_weeks)
    cli("need", "dana", "a CPA who knows startups", "--for", "45d", "--tag", "cpa")
    cli("note", "dana", "Loves trail running")
    data = cli.json("show", "Dana")
    assert data["name"] == "Dana Whitfield"
    assert data["met"]["how"] == "Chicago networking night"
    assert data["met"]["through"]["name"] == "Sam Ortiz"
    assert data["interaction_count"] == 1
    kinds = [row["type"] for row in data["timeline"]]
    assert sorted(set(kinds)) == ["favor", "interaction", "need", "note", "promise"]
    whens = [
        row.get("when") or row.get("made_on") or row.get("noted_on") for row in data["timeline"]
    ]
    assert whens == sorted(whens, reverse=True), "timeline is newest first"
    meeting = next(r for r in data["timeline"] if r["type"] == "interaction")
    assert (meeting["minutes"], meeting["started_by"], meeting["summary"]) == (45, "them", "coffee")
    assert len(data["open_promises"]) == 2
    assert data["open_needs"][0]["what"] == "a CPA who knows startups"
    text = cli("show", "dana").stdout
    assert "Loves trail running" in text and "Chicago networking night" in text


def test_promise_lifecycle(cli: Cli, dana: Person) -> None:
    out = cli("promise", "send the survey", "--to", "Dana", "--due", "in 3 days").stdout
    pid = Commitment.objects.get().id
    assert f"promise #{pid}" in out
    due = cli.json("promises", "--mine")[0]["due"]
    assert due == (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    cli("kept", str(pid))
    assert cli.json("promises") == []
    assert cli.json("promises", "--all")[0]["status"] == "kept"
    r = cli("broke", str(pid), code=2)
    assert "already kept" in r.stderr
    cli("promise", "x", "--to", "Dana", "--from", "Dana", code=2)
    cli("promise", "x", code=2)


def test_needs_and_met(cli: Cli, dana: Person) -> None:
    cli("need", "me", "intro to hiring managers at Acme")
    cli("need", "Dana", "a CPA")
    assert {n["mine"] for n in cli.json("needs")} == {True, False}
    assert [n["what"] for n in cli.json("needs", "--mine")] == ["intro to hiring managers at Acme"]
    nid = Need.objects.get(what="a CPA").id
    cli("met", str(nid), "--by", "me")
    assert [n["what"] for n in cli.json("needs", "--theirs")] == []
    need = Need.objects.get(id=nid)
    assert need.status == "met" and need.met_by is not None and need.met_by.is_me


def test_gave_with_need_links_and_closes(cli: Cli, dana: Person) -> None:
    cli("need", "Dana", "a CPA")
    nid = Need.objects.get().id
    cli("gave", "Dana", "intro", "introduced Pat the CPA", "--need", str(nid))
    assert Favor.objects.get().need_id == nid
    assert Need.objects.get().status == "met"


def test_edit_tag_delete(cli: Cli, dana: Person) -> None:
    cli(
        "edit",
        "Dana",
        "--company",
        "Globex",
        "--title",
        "CTO",
        "--closeness",
        "4",
        "--phone",
        "312 555 0199",
    )
    data = cli.json("show", "Dana")
    assert (data["company"], data["title"], data["closeness"]) == ("Globex", "CTO", 4)
    assert data["phones"] == ["+13125550199"]
    assert [j["company"] for j in data["jobs"]] == ["Globex", "Acme Corp"]
    cli("tag", "Dana", "hiring", "Python")
    assert cli.json("show", "Dana")["tags"] == ["fintech", "hiring", "python"]
    cli("tag", "Dana", "fintech", "--remove")
    assert cli.json("show", "Dana")["tags"] == ["hiring", "python"]
    assert "Nothing deleted" in cli("delete", "Dana", input="n\n").stdout
    assert Person.objects.filter(id=dana.id).exists()
    cli("delete", "Dana", input="y\n")
    assert not Person.objects.filter(id=dana.id).exists()


def test_delete_one_record(cli: Cli, dana: Person) -> None:
    cli("log", "Dana", "call")
    iid = Interaction.objects.get().id
    cli("delete", "--interaction", str(iid), "--yes")
    assert not Interaction.objects.exists()
    r = cli("delete", "--interaction", str(iid), "--yes", code=2)
    assert f"no interaction with id {iid}" in r.stderr
    cli("delete", "Dana", "--note", "1", "--yes", code=2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "Nobody Here"], "nobody called 'Nobody Here'"),
        (["log", "Dana", "telepathy"], "unknown channel 'telepathy'"),
        (["log", "Dana", "call", "--when", "someday"], "--when: cannot read date 'someday'"),
        (["log", "Dana", "call", "--when", "tomorrow"], "in the future"),
        (["gave", "Dana", "bribe", "x"], "unknown favour kind"),
        (["promise", "x", "--to", "Dana", "--due", "blursday"], "--due: cannot read date"),
        (["need", "Dana", "x", "--for", "soon"], "--for: cannot read time span"),
        (["kept", "999"], "no promise with id 999"),
        (["met", "999"], "no need with id 999"),
        (["add", "Zed", "--email", "not-an-email"], "not an email address"),
        (["add", "Zed", "--closeness", "7"], "closeness must be 1-5"),
        (["add", "Dana Whitfield"], "already in your network"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    cli: Cli, dana: Person, args: list[str], message: str
) -> None:
    result = cli(*args, code=2)
    assert message in result.stderr
    assert result.stderr.startswith("troth: error: ")
    assert result.stderr.count("\n") == 1


def test_ambiguous_name_lists_candidates(cli: Cli, dana: Person) -> None:
    cli("add", "Dana Ortiz")
    result = cli("show", "dana", code=2)
    assert "Dana Whitfield (#" in result.stderr and "Dana Ortiz (#" in result.stderr


def test_failed_command_writes_nothing(cli: Cli) -> None:
    # --via would create Sam, then the bad email fails: the whole add rolls back
    counts = (Person.objects.filter(is_me=False).count(), Organization.objects.count())
    cli(
        "add", "Dana Whitfield", "--via", "Sam Ortiz", "--company", "Acme", "--email", "bad", code=2
    )
    assert (Person.objects.filter(is_me=False).count(), Organization.objects.count()) == counts
    assert counts == (0, 0)


def test_cli_does_not_show_other_owners_data(cli: Cli, alice: Owner) -> None:
    from troth.people.actions import do_add_person

    do_add_person(alice, "Alice Contact")
    assert cli.json("people") == []
    cli("show", "Alice Contact", code=2)


def test_demo_loads_summarises_and_protects_real_data(fixed_day: dt.date, cli: Cli) -> None:
    from troth.sim.models import SimTruth

    summary = cli.json("demo", "--people", "60", "--seed", "3")
    assert summary["people"] == Person.objects.filter(is_me=False).count() == 60
    assert summary["interactions"] == Interaction.objects.count() > 0
    assert SimTruth.objects.count() == 60
    text = cli("demo").stdout  # already loaded: summary again, nothing duplicated
    assert "already loaded" in text and "Try next" in text
    assert Person.objects.filter(is_me=False).count() == 60
    again = cli.json("demo", "--people", "40", "--reset")
    assert again["people"] == 40 == SimTruth.objects.count()
    # the example commands it prints name real rows
    example = again["examples"]
    # on the fixed day this seed's network has a contact with an open need
    assert example["contact_need_id"], "the example names a contact's open need"
    assert (
        Need.objects.get(id=example["contact_need_id"]).person.full_name
        == (example["contact_with_need"])
    )


def test_demo_refuses_to_mix_with_your_own_people(fixed_day: dt.date, cli: Cli) -> None:
    cli("add", "Real Person")
    result = cli("demo", "--people", "20", code=2)
    assert "TROTH_HOME" in result.stderr
    cli("demo", "--people", "20", "--reset", code=2)
    assert list(Person.objects.filter(is_me=False).values_list("full_name", flat=True)) == [
        "Real Person"
    ]
    cli("demo", "--people", "1", code=2)


def test_demo_reset_keeps_what_you_added_and_leaves_no_leftovers(
    fixed_day: dt.date, cli: Cli
) -> None:
    cli("demo", "--people", "40", "--seed", "5")
    cli("add", "José Ñúñez-Çelik")
    result = cli("demo", "--reset", code=2)
    assert "1 person you added yourself" in result.stderr
    assert Person.objects.filter(full_name="José Ñúñez-Çelik").exists()
    cli("delete", "José Ñúñez-Çelik", "--yes")
    mine = [cli.json("demo", "--people", "40", "--seed", "5", "--reset")["my_open_needs"]]
    mine.append(cli.json("demo", "--people", "40", "--seed", "5", "--reset")["my_open_needs"])
    assert mine[0] == mine[1], "a reset must not pile up the owner's simulated needs"


def test_demo_json_is_pure_json_when_already_loaded(fixed_day: dt.date, cli: Cli) -> None:
    cli("demo", "--people", "30")
    result = cli("demo", "--json")
    assert json.loads(result.stdout)["people"] == 30
    assert "already loaded" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["need", "Dana", "x", "--for", "99999y"], "too long"),
        (["promise", "x", "--to", "Dana", "--due", "in 99999 years"], "out of range"),
        (["log", "Dana", "call", "--when", "0001-01-01"], "out of range"),
        (["people", "--limit", "-5"], "--limit must be 0"),
        (["edit", "Dana"], "nothing to change"),
        (["show", "me"], "'me' is you"),
        (["show", ""], "give a name or an #id"),
        (["show", "#99999"], "no person with id 99999"),
        (["kept", "abc"], "promise id must be a number"),
        (["note", "Dana", "x" * 10_001], "limited to 10000 characters"),
        (["add", "Zed", "--phone", "call me"], "not a phone number: 'call me'"),
    ],
)
def test_more_bad_input(cli: Cli, dana: Person, args: list[str], message: str) -> None:
    result = cli(*args, code=2)
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_ids_accept_a_hash_and_limit_zero_means_all(cli: Cli, dana: Person) -> None:
    cli("promise", "x", "--to", "Dana")
    pid = Commitment.objects.get().id
    cli("kept", f"#{pid}")
    assert Commitment.objects.get().status == "kept"
    assert len(cli.json("people", "--limit", "0")) == 2


def test_new_via_person_is_announced(cli: Cli) -> None:
    out = cli("add", "Pat Lee", "--via", "Nobody Atall").stdout
    nobody = Person.objects.get(full_name="Nobody Atall")
    assert f"person #{nobody.id}" in out and "who introduced you; new" in out


def test_a_via_that_is_a_typo_of_someone_is_refused_not_added(cli: Cli) -> None:
    """A newcomer typed --via "Carlso" for Carlos Ruiz: a person named Carlso was
    added, and the commands after it found him. Now the typo names Carlos instead, and
    an #id nobody has is refused, never added as a name."""
    cli("add", "Carlos Ruiz")
    result = cli("add", "Yara Two", "--via", "Carlso", code=2)
    carlos = Person.objects.get(full_name="Carlos Ruiz")
    assert f"did you mean Carlos Ruiz (#{carlos.id})" in result.stderr
    assert "troth add 'Carlso'" in result.stderr
    result = cli("add", "Yara Two", "--via", "#9999", code=2)
    assert "no person with id 9999" in result.stderr
    assert not Person.objects.filter(full_name__in=["Carlso", "Yara Two", "#9999"]).exists()
    cli("edit", "Carlos Ruiz", "--via", "Carlso", code=2)  # troth edit asks the same
    assert not Person.objects.filter(full_name="Carlso").exists()
    # you did not introduce yourself (the attacker's review: stored as met through "me")
    assert "did not introduce yourself" in cli("add", "Yara Two", "--via", "me", code=2).stderr
    cli("edit", "Carlos Ruiz", "--via", "Me", code=2)
    # a name close to nobody's is still added, and said so
    out = cli("add", "Yara Two", "--via", "Quentin Blake").stdout
    assert "who introduced you; new" in out


def test_delete_asks_only_about_real_records_and_needs_a_terminal(cli: Cli, dana: Person) -> None:
    result = cli("delete", "--promise", "999", code=2)
    assert "no promise with id 999" in result.stderr
    result = cli("delete", "Dana", input="", code=2)
    assert "--yes" in result.stderr
    assert Person.objects.filter(id=dana.id).exists()


def test_merge_without_a_terminal_is_refused_as_delete_is(cli: Cli, dana: Person) -> None:
    result = cli("merge", "Dana", "Sam Ortiz", input="", code=2)
    assert "--yes" in result.stderr and result.stderr.count("\n") == 1
    assert Person.objects.filter(id=dana.id).exists()
    assert Person.objects.filter(full_name="Sam Ortiz").exists()
    assert "--json goes with --suggestions" in cli("merge", "Dana", "Sam", "--json", code=2).stderr
    # a clear "no" is an answer, not an error: exit 0, as troth delete answers it
    result = cli("merge", "Dana", "Sam Ortiz", input="n\n")
    assert "Nothing merged." in result.stdout
    assert Person.objects.filter(full_name="Sam Ortiz").exists()


def test_same_full_name_advice_is_the_id(cli: Cli) -> None:
    cli("add", "Sarah Martinez")
    cli("add", "Sarah Martinez", "--duplicate")
    result = cli("show", "Sarah Martinez", code=2)
    assert result.stderr.rstrip().endswith("use the #id")


def test_you_can_name_yourself_and_stay_me(cli: Cli) -> None:
    cli("init")
    assert "Updated Alex Rivera" in cli("edit", "me", "--name", "Alex Rivera").stdout
    from troth.owners import local_owner, me_person

    me = me_person(local_owner())
    assert me.full_name == "Alex Rivera" and me.given_name == "Alex" and me.name_key == "me"
    # still "me" everywhere, never one of your contacts
    assert "Nobody matches" in cli("people", "Alex Rivera").stdout
    err = cli("edit", "me", "--closeness", "3", code=2).stderr
    assert err.startswith("troth: error: for yourself only --name")


def test_show_says_how_much_history_it_leaves_out(cli: Cli) -> None:
    """`troth show` said "32 interactions" above 30 rows, and not that the rest were cut."""
    from troth.interactions.actions import do_log_interaction
    from troth.owners import local_owner

    cli("add", "Ann Lee")
    ann = Person.objects.get(full_name="Ann Lee")
    start = timezone.now() - dt.timedelta(days=40)
    for day in range(32):
        do_log_interaction(local_owner(), ann, "email", when=start + dt.timedelta(days=day))
    cli("note", "Ann Lee", "Plays the cello")  # not an interaction, still a row
    out = " ".join(cli("show", "Ann Lee").stdout.split())
    assert "32 interactions" in out
    hint = f"(troth show '#{ann.id}' --all shows the whole history)"
    assert f"... and 3 older entries not shown {hint}." in out
    assert "... and 28 older entries not shown" in " ".join(
        cli("show", "Ann Lee", "--limit", "5").stdout.split()
    )
    assert "1 older entry not shown" in " ".join(
        cli("show", "Ann Lee", "--limit", "32").stdout.split()
    )
    everything = cli("show", f"#{ann.id}", "--all").stdout
    assert "not shown" not in everything and "Plays the cello" in everything
    assert "not shown" not in cli("show", "Ann Lee", "--limit", "33").stdout
