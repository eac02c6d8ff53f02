"""An undo refused because the people an import created gained things since says what,
in words (a newcomer's review: "... 2 rows, 1 date, 13 interactions, 1 row, 1 row, 2
rows ..."): every kind named as troth names it elsewhere, each once, most important
first, a row naming two of the import's people counted once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.utils import timezone

from troth.groups.models import MemberContact
from troth.identity.actions import do_merge
from troth.identity.models import SourceRecord
from troth.importers.apply import do_import
from troth.importers.models import ImportRun
from troth.importers.registry import parser
from troth.importers.undo import KINDS, REFERS, _harmless
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.intros.actions import do_propose
from troth.ledger.actions import do_add_need, do_close_need, do_make_promise, do_record_favor
from troth.ledger.models import FAVOR_KINDS
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import (
    do_add_contact_points,
    do_add_note,
    do_add_person,
    do_link_knows,
    do_set_job,
    do_tag,
)
from troth.people.models import Person, PersonDate, Relationship
from troth.sim.models import SimTruth
from troth.warmpaths.models import PlannedAsk

if TYPE_CHECKING:
    from django.test import Client

    from conftest import Cli

CONNECTIONS = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses'
    ' are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Dana,Kang,https://www.linkedin.com/in/dana-kang/,,Acme,CTO,15 Dec 2024\r\n"
    "Eli,Moss,,eli@example.org,Bolt,,03 Jan 2023\r\n"
    "Fay,Lund,https://www.linkedin.com/in/fay-lund/,,,,04 Feb 2023\r\n"
)


@pytest.fixture
def me(db: None) -> Owner:
    with transaction.atomic():
        return local_owner()


def imported(cli: Cli, me: Owner, tmp_path: Path) -> tuple[ImportRun, dict[str, Person]]:
    path = tmp_path / "Connections.csv"
    path.write_text(CONNECTIONS, encoding="utf-8")
    cli("import", str(path))
    people = {p.full_name.split()[0]: p for p in Person.objects.filter(owner=me, is_me=False)}
    return ImportRun.objects.get(owner=me), people


def gained_everything(me: Owner, bob: Owner, people: dict[str, Person]) -> None:
    """One of every kind of thing that can point at a person, added since the import."""
    dana, eli, fay = people["Dana"], people["Eli"], people["Fay"]
    mine = Person.objects.get(owner=me, is_me=True)
    later = timezone.now() - dt.timedelta(days=1)
    with transaction.atomic():
        for _ in range(13):
            do_log_interaction(me, dana, "call", when=later)
        do_log_interaction(me, eli, "email", when=later, source="ics", external_id="x1")
        do_make_promise(me, mine, dana, "send the deck")
        # between two of its people: one favour, not one for each
        do_record_favor(me, dana, eli, sorted(FAVOR_KINDS)[0], "an intro to a recruiter")
        do_add_need(me, dana, "a CPA who knows startups")
        mine_need = do_add_need(me, mine, "a good dentist")
        do_close_need(me, mine_need, "met", met_by=fay)
        do_propose(me, dana, fay, "both build compilers", anyway="old friends")
        do_add_note(me, eli, "met at the meetup")
        other = do_add_person(me, "Dana K.", emails=["dana@k.example"])
        do_merge(me, dana, other)
        PersonDate.objects.create(
            owner=me, person=eli, kind="birthday", month=3, day=14, created_at=later
        )
        do_tag(me, fay, add=["climbing"])
        PlannedAsk.objects.create(owner=me, connector=eli, target=fay, created_at=later)
        do_link_knows(me, eli, fay)
        friend = do_add_person(me, "Gus Park")
        Relationship.objects.update_or_create(
            owner=me, person=friend, defaults={"met_through": dana}
        )
        do_add_contact_points(me, fay, [("phone", "+1 415 555 0100")])
        do_set_job(me, fay, "Initech", "Engineer")
        Relationship.objects.filter(person=fay).delete()  # and then set again, by hand
        Relationship.objects.create(owner=me, person=fay, met_how="at a conference")
        SourceRecord.objects.create(owner=me, person=eli, source="vcard", external_id="eli")
        MemberContact.objects.create(holder=me, member=bob, person=fay)
        SimTruth.objects.create(owner=me, person=fay, strength=0.5, reliability=0.5, layer="x")


def test_every_reference_to_a_person_has_words() -> None:
    """A table added later that points at people must say what it is, or a refusal
    would name it by its model."""
    named = set()
    for rel in Person._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            model = rel.related_model
            assert isinstance(model, type)
            if not _harmless(model):
                named.add((model._meta.label_lower, rel.field.column))  # type: ignore[union-attr]
    assert named - set(REFERS) == set()
    assert set(REFERS.values()) | {"logged"} == set(KINDS)
    for one, many in KINDS.values():
        assert not re.search(r"\brows?\b", f"{one} {many}")


def test_the_refusal_names_each_kind_once_most_important_first(
    cli: Cli, me: Owner, bob: Owner, tmp_path: Path
) -> None:
    run, people = imported(cli, me, tmp_path)
    gained_everything(me, bob, people)
    err = cli("import", "--undo", str(run.pk), code=2).stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert not re.search(r"\brows?\b", err), err
    gained = err.split(" gained ", 1)[1].split(" since (", 1)[0]
    # (the second e-mail came with Dana K., merged into Dana)
    assert gained == (
        "13 interactions you logged, 1 promise, 1 favour, 1 need, 1 introduction, 1 note,"
        " 1 person merged into them, 1 key date, 1 tag, 1 planned ask,"
        " 1 link to someone they know, 1 person you met through them, 1 need they met,"
        " 1 relationship detail, 1 interaction from a later import,"
        " 2 e-mails, phones or links, 1 job, 1 record from another source,"
        " 1 group member they stand for and 1 piece of demo data"
    )
    # each kind once
    for one, many in KINDS.values():
        assert (
            len(re.findall(rf"\d (?:{re.escape(one)}|{re.escape(many)})(?=,| and | since)", err))
            == 1
        ), one
    assert "Dana Kang (#" in err and "--force" in err
    assert Person.objects.filter(owner=me, is_me=False).count() == 4  # nothing undone


def test_a_refusal_for_one_kind(cli: Cli, me: Owner, tmp_path: Path) -> None:
    run, people = imported(cli, me, tmp_path)
    with transaction.atomic():
        do_log_interaction(me, people["Dana"], "call", when=timezone.now())
        do_log_interaction(me, people["Eli"], "call", when=timezone.now())
    err = cli("import", "--undo", str(run.pk), code=2).stderr.strip()
    assert "have gained 2 interactions you logged since (by hand" in err, err
    assert Interaction.objects.filter(owner=me).count() == 2


def hand_history(me: Owner, people: dict[str, Person]) -> None:
    """The review's: logged interactions and a promise on the import's people."""
    mine = Person.objects.get(owner=me, is_me=True)
    with transaction.atomic():
        for _ in range(13):
            do_log_interaction(me, people["Dana"], "call", when=timezone.now())
        do_make_promise(me, mine, people["Eli"], "send the deck")


LOSS = "13 interactions you logged and 1 promise that Dana Kang (#"


def test_force_asks_first_and_needs_yes_without_a_terminal(
    cli: Cli, me: Owner, tmp_path: Path
) -> None:
    run, people = imported(cli, me, tmp_path)
    hand_history(me, people)
    refused = cli("import", "--undo", str(run.pk), code=2).stderr
    assert LOSS.split(" that ")[0] in refused
    # no terminal, no --yes: one line, nothing undone
    r = cli("import", "--undo", str(run.pk), "--force", code=2)
    assert r.stderr.strip().splitlines() == [
        "troth: error: nothing undone: confirm with --yes when not at a terminal"
    ]
    assert f"Undo import #{run.pk} and remove with it {LOSS}" in r.stdout  # asked, same words
    assert Interaction.objects.filter(owner=me).count() == 13
    # "no" is an answer: nothing undone
    r = cli("import", "--undo", str(run.pk), "--force", input="n\n")
    assert "Nothing undone." in r.stdout and Interaction.objects.filter(owner=me).count() == 13
    assert ImportRun.objects.get(pk=run.pk).undone_at is None
    # "yes"
    r = cli("import", "--undo", str(run.pk), "--force", input="y\n")
    assert f"Undid import #{run.pk}: 3 people removed" in r.stdout
    assert f"; with them went {LOSS}" in r.stdout
    assert not Person.objects.filter(owner=me, is_me=False).exists()


def test_force_with_yes_asks_nothing_and_json_stays_json(
    cli: Cli, me: Owner, tmp_path: Path
) -> None:
    run, people = imported(cli, me, tmp_path)
    hand_history(me, people)
    done = cli.json("import", "--undo", str(run.pk), "--force", "--yes")
    assert done["people_removed"] == 3
    assert not Interaction.objects.filter(owner=me).exists()
    # what went with the people is said in the JSON too (the attacker's review: it read
    # "interactions_removed": 0 after hand-logged ones went)
    assert done["also_removed"] and any("interaction" in w for w in done["also_removed"])


def test_force_asks_nothing_when_nothing_was_added(cli: Cli, me: Owner, tmp_path: Path) -> None:
    """A forced undo that takes nothing but the import's own is a plain undo: it asks
    no more than the plain one does."""
    run, _people = imported(cli, me, tmp_path)
    r = cli("import", "--undo", str(run.pk), "--force")
    assert "Undo import" not in r.stdout and "3 people removed" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("import", "--undo", "1", "--yes"),
        ("import", "x.csv", "--yes"),
        ("import", "x.csv", "--force", "--yes"),
    ],
)
def test_yes_goes_with_undo_and_force(cli: Cli, me: Owner, args: tuple[str, ...]) -> None:
    err = cli(*args, code=2).stderr.strip()
    assert err.splitlines() == [
        "troth: error: --yes goes with --undo RUN --force: it answers the question asked"
        " before removing what was added since"
    ]


def test_web_shows_what_undo_anyway_removes(web: Client, alice: Owner, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(CONNECTIONS, encoding="utf-8")
    with transaction.atomic():
        do_import(alice, parser("linkedin"), path, kind="linkedin")
    run = ImportRun.objects.get(owner=alice)
    people = {p.full_name.split()[0]: p for p in Person.objects.filter(owner=alice, is_me=False)}
    hand_history(alice, people)
    page = web.post(f"/import/{run.pk}/undo", follow=True).content.decode()
    assert "gained 13 interactions you logged and 1 promise since" in page
    assert f'<p id="undo-force-losses">Undo anyway also removes {LOSS}' in page
    assert "Undo anyway</button>" in page
    assert Interaction.objects.filter(owner=alice).count() == 13
    done = web.post(f"/import/{run.pk}/undo", {"force": "1"}, follow=True).content.decode()
    assert f"put back; with them went {LOSS}" in done
    assert not Person.objects.filter(owner=alice, is_me=False).exists()
