"""Message drafts: one person, one message, built from what troth knows and editable."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.agenda import drafts, plan
from troth.agenda.queries import access_item
from troth.errors import NotFound, TrothError
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.queries import resolve_person

if TYPE_CHECKING:
    from conftest import Cli
    from troth.agenda.drafts import Draft
    from troth.agenda.plan import Candidate
    from troth.people.models import Person


def _today() -> dt.date:
    return timezone.localdate()


def _days_ago(n: int) -> dt.date:
    return _today() - dt.timedelta(days=n)


@pytest.fixture
def dana(alice: Owner) -> Person:
    """A contact troth knows a lot about."""
    thad = do_add_person(alice, "Thaddeus Brennan")
    dana = do_add_person(
        alice,
        "Dana Whitfield",
        company="Larkspur Labs",
        met_how="Chicago networking night",
        met_on=dt.date(2025, 3, 12),
        met_through=thad,
    )
    me = me_person(alice)
    do_log_interaction(
        alice,
        dana,
        "meeting",
        when=timezone.now() - dt.timedelta(days=20),
        summary="Coffee at Intelligentsia; talked about hiring in fintech",
    )
    do_record_favor(alice, dana, me, "intro", "introduced me to Wren Halvorsen", on=_days_ago(10))
    do_add_need(alice, dana, "a CPA who knows startups", days=45)
    do_make_promise(
        alice, me, dana, "send Dana the salary survey", made_on=_days_ago(9), due=_days_ago(2)
    )
    do_make_promise(
        alice, dana, me, "intro me to her CFO", made_on=_days_ago(30), due=_days_ago(10)
    )
    return dana


def _clean(text: str) -> None:
    """What a missing fact must never leave behind."""
    for bad in ("None", "“”", '""', "()", "{", "}", "  ", " ,", " .", "\n\n\n"):
        assert bad not in text, f"{bad!r} in {text!r}"


def _render(owner: Owner, person: Person, kind: str, item: Candidate | None = None) -> Draft:
    d = drafts.render_draft(owner, person, kind, item)
    _clean(d.subject or "")
    _clean(d.body)
    assert d.subject and d.body.startswith(f"Hi {person.given_name},")
    return d


# -- the pure helpers -------------------------------------------------------------------


def test_every_agenda_kind_has_a_draft() -> None:
    # an introduction's item drafts whatever its step calls for (test_intro_drafts.py)
    assert set(drafts.FOR_AGENDA) == set(plan.KINDS) - {"intro"}
    assert set(drafts.FOR_AGENDA.values()) | set(drafts.INTRO_KINDS) == set(drafts.KINDS)
    assert drafts.check_kind(" Promise ") == "promise-followup"
    assert drafts.check_kind("need") == "give"
    with pytest.raises(TrothError, match="unknown draft kind 'poem'; use one of promise-followup"):
        drafts.check_kind("poem")
    for kind in drafts.KINDS:
        assert (drafts.PACKAGE_DIR / f"{kind}.txt").is_file()


def test_phrases_read_like_a_person_wrote_them() -> None:
    today = dt.date(2026, 11, 20)  # a Friday
    assert drafts.ago_phrase(today, today) == "today"
    assert drafts.ago_phrase(dt.date(2026, 11, 19), today) == "yesterday"
    assert drafts.ago_phrase(dt.date(2026, 11, 10), today) == "last week"
    assert drafts.ago_phrase(dt.date(2026, 10, 25), today) == "a few weeks ago"
    assert drafts.ago_phrase(dt.date(2026, 3, 2), today) == "in March"
    assert drafts.ago_phrase(dt.date(2025, 3, 2), today) == "in March 2025"
    assert drafts.due_phrase(dt.date(2026, 11, 23), today) == "by Monday"
    assert drafts.due_phrase(dt.date(2026, 12, 3), today) == "by 3 December"
    assert drafts.due_phrase(dt.date(2027, 1, 3), today) == "by 3 January 2027"
    assert drafts.met_place("conference: PyCon US") == ("at PyCon US", "")
    assert drafts.met_place("career fair") == ("at the career fair", "")
    assert drafts.met_place("LinkedIn") == ("on LinkedIn", "")
    assert drafts.met_place("introduced by Thaddeus Brennan") == ("", "Thaddeus Brennan")
    assert drafts.met_place("college friend") == ("", "")  # describes them, not a place
    assert drafts.topic_of("Phone call about the Acme role.") == "the Acme role"
    assert drafts.topic_of("Quick call: interview prep") == "interview prep"
    assert drafts.topic_of("coffee; she is hiring") == ""
    assert drafts.lower_first("Forward my resume") == "forward my resume"
    assert drafts.lower_first("CPA intro") == "CPA intro"


# -- each kind, with the facts ------------------------------------------------------------


def test_each_kind_says_what_troth_knows(alice: Owner, dana: Person) -> None:
    signed = "\nAlice"
    checkin = _render(alice, dana, "checkin")
    assert checkin.subject == "Checking in"
    assert "our conversation a few weeks ago about hiring in fintech" in checkin.body
    assert "How are things going at Larkspur Labs?" in checkin.body
    assert "looking for a CPA who knows startups" in checkin.body
    assert checkin.body.endswith(signed)
    assert checkin.template == drafts.PACKAGE_DIR / "checkin.txt"

    thanks = _render(alice, dana, "thanks")
    assert thanks.subject == "Thank you"
    assert "thank you: you introduced me to Wren Halvorsen last week" in thanks.body
    assert "sorry I didn't write sooner" in thanks.body  # ten days is late for thanks

    followup = _render(alice, dana, "promise-followup")
    due = _days_ago(2)
    assert followup.subject == "Sorry for the delay"
    assert f"I promised to send you the salary survey by {due.day} {due:%B}" in followup.body
    assert "taken longer than I said" in followup.body

    give = _render(alice, dana, "give")
    assert give.subject == "Your search for a CPA who knows startups"
    assert "you're looking for a CPA who knows startups" in give.body
    assert "check with them first" in give.body  # introductions are double opt-in

    reconnect = _render(alice, dana, "reconnect")
    assert "last time we spoke was a few weeks ago" in reconnect.body
    assert "how we met at Chicago networking night through Thaddeus in March 2025" in (
        reconnect.body
    )
    assert "Are you still at Larkspur Labs?" in reconnect.body

    nudge = _render(alice, dana, "nudge")
    assert "A few weeks ago you kindly offered to introduce me to your CFO." in nudge.body
    assert "No pressure at all" in nudge.body

    release = _render(alice, dana, "release")
    assert "When you offered to introduce me to your CFO, it was really kind" in release.body
    assert "off the hook" in release.body
    for d in (thanks, followup, give, reconnect, nudge, release):
        assert d.body.endswith(signed) and d.person == dana


def test_missing_facts_read_naturally(alice: Owner) -> None:
    sam = do_add_person(alice, "Sam Okafor")  # a name and nothing else
    bodies = {kind: _render(alice, sam, kind).body for kind in ("checkin", "give", "reconnect")}
    assert "I was thinking of you. How are things going?" in bodies["checkin"]
    assert "the one or two things you need most" in bodies["give"]
    assert "It's been far too long. You came to mind" in bodies["reconnect"]
    # a draft that would thank, chase or release for something never recorded is refused
    for kind, why in (
        ("thanks", "nothing from Sam Okafor is recorded to thank for"),
        ("promise-followup", "you have no open promise to Sam Okafor"),
        ("nudge", "Sam Okafor has no open promise to you"),
        ("release", "Sam Okafor has no open promise to you"),
    ):
        with pytest.raises(TrothError, match=f"no {kind} draft: {why}"):
            drafts.render_draft(alice, sam, kind)

    context = drafts.build_context(alice, sam, "checkin")
    for group in ("met", "last", "job", "favor", "need", "my_promise", "their_promise"):
        assert not context[group] and str(context[group]) == ""

    # reconnecting with someone you spoke to yesterday is a check-in
    do_log_interaction(alice, sam, "call", when=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(TrothError, match="in touch with Sam Okafor yesterday; try --kind checkin"):
        drafts.render_draft(alice, sam, "reconnect")


def test_a_nameless_me_signs_nothing_and_a_favor_without_a_verb_still_reads(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    cli("got", "Dana", "lead", "the Acme opening", "--when", "yesterday")
    cli("got", "Dana", "advice", "Advice on my portfolio", "--when", "3 days ago")
    out = cli.json("draft", "Dana", "--kind", "thanks")
    # the unthanked favour, newest first; "me" is not a name to sign with
    assert "thank you for the lead (the Acme opening) yesterday." in out["body"]
    assert out["body"].endswith("Thanks again,")


def test_an_agenda_item_picks_which_favour_promise_or_need(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    older = do_record_favor(alice, dana, me, "advice", "on my portfolio", on=_days_ago(4))
    item = access_item(alice, f"t{older.id}")
    assert drafts.kind_for_item(item) == "thanks"
    d = drafts.render_draft(alice, dana, "thanks", item)
    assert "thank you for your advice on my portfolio a few days ago" in d.body
    assert d.item == f"t{older.id}"

    late = do_make_promise(
        alice, me, dana, "review Dana's CV", made_on=_days_ago(20), due=_days_ago(5)
    )
    d = drafts.render_draft(alice, dana, "promise-followup", access_item(alice, f"p{late.id}"))
    assert "I promised to review your CV" in d.body

    sam = do_add_person(alice, "Sam Okafor")
    with pytest.raises(TrothError, match="is about Dana Whitfield, not Sam Okafor"):
        drafts.render_draft(alice, sam, "thanks", item)


# -- the command ----------------------------------------------------------------------------


@pytest.fixture
def cli_dana(cli: Cli) -> Cli:
    cli("add", "Dana Whitfield", "--company", "Acme", "--met", "conference: PyCon US")
    cli("got", "Dana", "intro", "to the CTO", "--when", "3 days ago")
    cli("promise", "send Dana the deck", "--to", "Dana", "--due", "tomorrow")
    cli("need", "Dana", "a CPA who knows startups")
    return cli


def test_draft_by_agenda_id_and_by_name(cli_dana: Cli) -> None:
    cli = cli_dana
    items = {i["kind"]: i for i in cli.json("agenda")["items"]}
    thanks = items["thanks"]["id"]
    out = cli.json("draft", thanks)
    assert out["person"] == items["thanks"]["person"]
    assert out["kind"] == "thanks" and out["subject"] == "Thank you" and out["item"] == thanks
    assert "thank you for the introduction to the CTO a few days ago" in out["body"]
    assert out["template"] == str(drafts.PACKAGE_DIR / "thanks.txt")

    # a name alone drafts the person's most pressing agenda item: my promise
    assert cli.json("draft", "dana")["kind"] == "promise-followup"
    give = cli.json("draft", "Dana", "--kind", "give")
    assert "you're looking for a CPA who knows startups" in give["body"] and give["item"] is None
    # --kind wins over the item's own kind
    assert cli.json("draft", items["promise"]["id"], "--kind", "checkin")["kind"] == "checkin"

    shown = cli("draft", "Dana", "--kind", "promise-followup")
    assert shown.stdout.startswith("Subject: Following up on my promise\n\nHi Dana,\n")
    assert "I promised to send you the deck by tomorrow" in shown.stdout
    assert "Template:" not in shown.stdout and "promise-followup.txt" in shown.stderr


def test_a_users_own_template_replaces_the_shipped_one(cli_dana: Cli, home: Path) -> None:
    cli = cli_dana
    own = home / "drafts"
    own.mkdir()
    (own / "checkin.txt").write_text(
        "Subject: Coffee, {{ first_name }}?\n\n"
        "Hey {{ first_name }}{% if met %} (we met {{ met.phrase }}){% endif %}, coffee soon?\n"
        "{% include 'signature.txt' %}\n"
    )
    (own / "signature.txt").write_text("-- Jo\n")
    out = cli.json("draft", "Dana", "--kind", "checkin")
    assert out["subject"] == "Coffee, Dana?"
    assert out["body"] == "Hey Dana (we met at PyCon US), coffee soon?\n-- Jo"
    assert out["template"] == str(own / "checkin.txt")
    # the shipped templates pick up the user's signature too
    assert cli.json("draft", "Dana", "--kind", "give")["body"].endswith("Best,\n-- Jo")

    listed = {t["name"]: t for t in cli.json("draft", "--templates")["templates"]}
    assert listed["checkin.txt"]["overridden"] and listed["checkin.txt"]["path"] == str(
        own / "checkin.txt"
    )
    assert not listed["thanks.txt"]["overridden"]
    assert str(own) in cli("draft", "--templates").stdout


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("Subject: hi\n\nHello {{ first_name|shout }}\n", 3, "Invalid filter: 'shout'"),
        ("Hello\n{% frob %}\n", 2, "Invalid block tag: 'frob'"),
        ("Hello\n\n{% if need %}\nno end\n", 3, "Unclosed tag: 'if'"),
        ("Hello\n{% load humanize %}\n", 2, "'humanize' is not a registered tag library."),
        ("Hello\n{% include 'missing.txt' %}\n", 2, "no template called missing.txt"),
    ],
)
def test_a_broken_template_is_one_line_naming_file_and_line(
    cli_dana: Cli, home: Path, text: str, line: int, message: str
) -> None:
    own = home / "drafts"
    own.mkdir()
    (own / "reconnect.txt").write_text(text)
    result = cli_dana("draft", "Dana", "--kind", "reconnect", code=2)
    assert result.stdout == ""
    err = result.stderr
    assert err.count("\n") == 1, err
    assert err.startswith(f"troth: error: draft template {own / 'reconnect.txt'}, line {line}: ")
    assert message in err


def test_a_broken_signature_names_the_signature(cli_dana: Cli, home: Path) -> None:
    own = home / "drafts"
    own.mkdir()
    (own / "signature.txt").write_text("Jo\n{{ my_name|nope }}\n")
    err = cli_dana("draft", "Dana", "--kind", "thanks", code=2).stderr
    assert err.startswith(f"troth: error: draft template {own / 'signature.txt'}, line 2:")


def test_bad_input_is_one_clear_line(cli_dana: Cli) -> None:
    cli = cli_dana
    err = cli("draft", "Dana", "--kind", "poem", code=2).stderr
    assert err.startswith("troth: error: --kind: unknown draft kind 'poem'; use one of")
    assert "no agenda item p999" in cli("draft", "p999", code=2).stderr
    assert "nobody called 'Nobody'" in cli("draft", "Nobody", code=2).stderr
    assert "no person with id 999" in cli("draft", "#999", code=2).stderr
    assert "is you" in cli("draft", "me", code=2).stderr
    assert "name an agenda id" in cli("draft", code=2).stderr


def test_another_owners_person_cannot_be_drafted(
    alice: Owner, bob: Owner, dana: Person, cli: Cli
) -> None:
    with pytest.raises(NotFound):
        resolve_person(bob, f"#{dana.id}")
    with pytest.raises(NotFound, match=f"no person with id {dana.id}"):
        drafts.build_context(bob, dana, "checkin")
    with pytest.raises(NotFound):
        drafts.render_draft(bob, dana, "thanks")
    # the CLI's local owner is someone else again
    assert f"no person with id {dana.id}" in cli("draft", f"#{dana.id}", code=2).stderr
    out = cli("draft", f"#{dana.id}", "--json", code=2)
    assert out.stdout == "" and not json.dumps(out.stderr).count("Larkspur")
