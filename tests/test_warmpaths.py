"""Warm paths end to end: links inferred from stored interactions (hand-built and from
real .ics and mbox files), links said or forgotten by hand, the path search through
the database, owner isolation and every bad input of `troth knows` / `troth path`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros.models import Introduction
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.people.actions import do_add_person, do_link_knows
from troth.people.models import Employment, Organization, Person, Relationship
from troth.warmpaths.actions import do_forget, do_infer_links, do_knows
from troth.warmpaths.models import InferencePass, Link
from troth.warmpaths.queries import find_paths, fresh_links, whom_knows

if TYPE_CHECKING:
    from conftest import Cli

ZIMBRA = "icaljs_zimbra_recur_instances.ics"  # 67 meetings of the same three attendees


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def tie(owner: Owner, person: Person, n: int = 12) -> None:
    """A two-way tie of n recent meetings (one every 9 days), so the trust engine
    ranks it near the top."""
    for i in range(n):
        do_log_interaction(
            owner, person, "meeting", when=_ago(3 + 9 * i), minutes=60, they_started=i % 2 == 1
        )


def message(owner: Owner, people: list[Person], ext: str, days: float = 10) -> None:
    """One message of mine to several people: one row each, sharing source + external_id,
    the way the mail importer stores it."""
    for p in people:
        do_log_interaction(owner, p, "email", when=_ago(days), source="mail", external_id=ext)


def link(owner: Owner, a: Person, b: Person) -> Link | None:
    lo, hi = sorted((a.id, b.id))
    return Link.objects.filter(owner=owner, person_a_id=lo, person_b_id=hi).first()


def evidence_of(owner: Owner, a: Person, b: Person) -> list[str]:
    rows = [r for r in whom_knows(owner, a) if r["id"] == b.id]
    return rows[0]["evidence"] if rows else []


# -- inference from stored interactions ------------------------------------------


def test_co_recipients_of_my_messages_become_a_link(alice: Owner) -> None:
    a, b, c = (do_add_person(alice, n) for n in ("Ann Archer", "Ben Baker", "Cleo Cole"))
    for i in range(3):
        message(alice, [a, b], f"m{i}", days=40 + i)
    message(alice, [a, b, c], "m-all", days=20)
    do_log_interaction(alice, c, "email", when=_ago(5), source="mail", external_id="alone")
    do_infer_links(alice)
    ab, ac, bc = link(alice, a, b), link(alice, a, c), link(alice, b, c)
    assert ab is not None and ac is not None and bc is not None
    assert (ab.mail_together, ac.mail_together, bc.mail_together) == (4, 1, 1)
    assert ab.usable and ab.strength > ac.strength > 0
    assert ab.last_seen is not None and ab.first_seen is not None
    assert ab.first_seen < ab.last_seen
    words = evidence_of(alice, a, b)
    assert words[0].startswith("Cc'd together on 4 messages, last in ")


def test_a_message_to_more_than_ten_is_no_evidence(alice: Owner) -> None:
    people = [do_add_person(alice, f"Member {i}") for i in range(11)]
    message(alice, people, "blast")
    message(alice, people[:10], "ten")
    do_infer_links(alice)
    assert Link.objects.filter(owner=alice).count() == 45  # the ten, not the eleven
    assert link(alice, people[0], people[10]) is None


def test_meeting_co_attendees_and_my_own_rows_are_left_out(alice: Owner) -> None:
    a, b = do_add_person(alice, "Ann Archer"), do_add_person(alice, "Ben Baker")
    for p in (a, b):
        do_log_interaction(
            alice, p, "meeting", when=_ago(3), minutes=30, source="ics", external_id="uid/1"
        )
    # no external id: a hand-logged interaction is no evidence about anyone else
    do_log_interaction(alice, a, "meeting", when=_ago(4))
    do_log_interaction(alice, b, "meeting", when=_ago(4))
    do_infer_links(alice)
    ab = link(alice, a, b)
    assert ab is not None and (ab.meetings, ab.mail_together) == (1, 0)
    assert evidence_of(alice, a, b)[0].startswith("in 1 meeting together, last in ")
    me = Person.objects.get(owner=alice, is_me=True)
    assert not Link.objects.filter(owner=alice).filter(person_a=me).exists()
    assert not Link.objects.filter(owner=alice).filter(person_b=me).exists()


def test_an_incremental_pass_matches_a_full_one(alice: Owner) -> None:
    a, b, c, d = (do_add_person(alice, n) for n in ("Ann", "Ben", "Cleo", "Dov"))
    message(alice, [a, b], "m1", days=30)
    message(alice, [c, d], "m2", days=30)
    do_infer_links(alice)
    before_cd = link(alice, c, d)
    assert before_cd is not None
    message(alice, [a, b, c], "m3", days=2)
    result = do_infer_links(alice)  # incremental: only a, b, c are touched
    assert result["touched"] == 3
    incremental = {
        (lk.person_a_id, lk.person_b_id): (lk.mail_together, lk.last_seen)
        for lk in Link.objects.filter(owner=alice)
    }
    do_infer_links(alice, full=True)
    full = {
        (lk.person_a_id, lk.person_b_id): (lk.mail_together, lk.last_seen)
        for lk in Link.objects.filter(owner=alice)
    }
    assert incremental == full
    assert link(alice, a, b).mail_together == 2  # type: ignore[union-attr]
    assert InferencePass.objects.get(owner=alice).interactions_max_id == max(
        alice_ids := list(
            __import__("troth.interactions.models", fromlist=["Interaction"])
            .Interaction.objects.filter(owner=alice)
            .values_list("id", flat=True)
        )
    )
    assert alice_ids


def test_troths_own_records_are_evidence(alice: Owner) -> None:
    a, b, c, d = (do_add_person(alice, n) for n in ("Ann", "Ben", "Cleo", "Dov"))
    # I met Ben through Ann
    Relationship.objects.filter(owner=alice, person=b).update(met_through=a)
    # I introduced Cleo and Dov and they met
    now = timezone.now()
    Introduction.objects.create(
        owner=alice,
        role=Introduction.CONNECTOR,
        introducer=Person.objects.get(owner=alice, is_me=True),
        person_a=c,
        person_b=d,
        state="met",
        created_at=now,
        updated_at=now,
    )
    do_link_knows(alice, a, d, source="sim", strength=0.7)
    do_infer_links(alice)
    assert link(alice, a, b).met_through == 1  # type: ignore[union-attr]
    assert link(alice, c, d).intros_met == 1  # type: ignore[union-attr]
    ad = link(alice, a, d)
    assert ad is not None and ad.knows_source == "sim" and ad.strength == pytest.approx(0.7)
    assert "you met one of them through the other" in evidence_of(alice, a, b)
    assert "introduced to each other through you" in evidence_of(alice, c, d)


def test_an_employer_overlap_alone_is_may_know_until_confirmed(alice: Owner) -> None:
    a, b = do_add_person(alice, "Ann"), do_add_person(alice, "Ben")
    acme = Organization.objects.create(owner=alice, name="Acme", name_key="acme")
    Employment.objects.create(
        owner=alice,
        person=a,
        organization=acme,
        started_on=dt.date(2019, 1, 1),
        ended_on=dt.date(2021, 6, 1),
        is_current=False,
    )
    Employment.objects.create(
        owner=alice,
        person=b,
        organization=acme,
        started_on=dt.date(2018, 1, 1),
        ended_on=dt.date(2022, 1, 1),
        is_current=False,
    )
    do_infer_links(alice)
    ab = link(alice, a, b)
    assert ab is not None and not ab.usable and ab.strength == pytest.approx(0.15)
    assert evidence_of(alice, a, b) == [
        "worked together at Acme 2019-2021 (may know each other: not enough alone for a path)"
    ]
    do_knows(alice, a, b, how="sat next to each other")
    ab = link(alice, a, b)
    assert ab is not None and ab.usable and ab.strength > 0.5
    assert evidence_of(alice, a, b)[0] == "you said they know each other: sat next to each other"


def test_a_forgotten_link_stays_forgotten_after_new_mail_and_full_passes(alice: Owner) -> None:
    a, b = do_add_person(alice, "Ann"), do_add_person(alice, "Ben")
    message(alice, [a, b], "m1")
    do_infer_links(alice)
    do_forget(alice, a, b)
    message(alice, [a, b], "m2", days=1)
    do_infer_links(alice)
    do_infer_links(alice, full=True)
    ab = link(alice, a, b)
    assert ab is not None and ab.forgotten and ab.mail_together == 2
    assert whom_knows(alice, a) == []
    # saying it again by hand brings it back
    do_knows(alice, a, b, strength=4)
    assert [r["id"] for r in whom_knows(alice, a)] == [b.id]
    assert link(alice, a, b).strength == pytest.approx(0.8)  # type: ignore[union-attr]


def test_real_calendar_co_attendees(realdata: Path, cli: Cli) -> None:
    from troth.interactions.models import Interaction

    cli("import", str(realdata / "ics" / ZIMBRA), "--me", "jlal@mozilla.com")
    from troth.owners import local_owner

    owner = local_owner()
    # what the importer stored: one row per attendee per meeting, sharing the external id
    groups: dict[str, set[int]] = {}
    for ext, pid in Interaction.objects.filter(owner=owner, source="ics").values_list(
        "external_id", "person_id"
    ):
        groups.setdefault(ext, set()).add(pid)
    shared = [g for g in groups.values() if len(g) > 1]
    assert len(shared) >= 60
    # the next question about who knows whom runs the pass over what came in
    fresh_links(owner)  # what `troth knows` and `troth path` run first
    assert InferencePass.objects.get(owner=owner).interactions_max_id == max(
        Interaction.objects.filter(owner=owner).values_list("id", flat=True)
    )
    links = Link.objects.filter(owner=owner)
    assert links.count() == 3
    for lk in links:
        expected = sum(1 for g in shared if {lk.person_a_id, lk.person_b_id} <= g)
        assert lk.meetings == expected and lk.usable
    out = cli("knows", f"#{links[0].person_a_id}")
    assert "meetings together, last in" in out.stdout


def test_real_mbox_gives_links_only_between_co_recipients(realdata: Path, cli: Cli) -> None:
    from troth.interactions.models import Interaction
    from troth.owners import local_owner

    path = realdata / "mbox" / "mailbox_perl_mbox.src.mbox"
    cli("import", str(path), "--me", "markov@atcomputing.nl")
    owner = local_owner()
    assert Interaction.objects.filter(owner=owner, source="mail").exists()
    groups: dict[str, set[int]] = {}
    for ext, pid in Interaction.objects.filter(owner=owner, source="mail").values_list(
        "external_id", "person_id"
    ):
        groups.setdefault(ext, set()).add(pid)
    expected = {(x, y) for g in groups.values() if 2 <= len(g) <= 10 for x in g for y in g if x < y}
    fresh_links(owner)  # what `troth knows` and `troth path` run first
    got = set(Link.objects.filter(owner=owner).values_list("person_a_id", "person_b_id"))
    # This mailbox's correspondents never share a message of the owner's (the mail
    # importer keeps only two-way or repeated correspondents): no link is invented.
    assert got == expected
    assert InferencePass.objects.filter(owner=owner).exists()


# -- paths through the database ----------------------------------------------------


@pytest.fixture
def me(db: None) -> Owner:
    """The owner the CLI acts for (the local user)."""
    from troth.owners import local_owner

    return local_owner()


@pytest.fixture
def net(me: Owner) -> dict[str, Person]:
    return build_net(me)


def build_net(alice: Owner) -> dict[str, Person]:
    """Close ties Cleo and Dan; Cleo knows Tess well (mail), Dan knows Tess (said by
    hand, strength 2); Sam (a stranger to the owner) knows Tess very well."""
    cleo, dan = do_add_person(alice, "Cleo Cole"), do_add_person(alice, "Dan Dee")
    tess = do_add_person(alice, "Tess Target", emails=["tess@example.org"])
    sam = do_add_person(alice, "Sam Stranger")
    for _ in range(2):  # an ambiguous name
        do_add_person(alice, "Pat Twin", allow_duplicate_name=True)
    tie(alice, cleo)
    tie(alice, dan)
    for i in range(6):
        message(alice, [cleo, tess], f"ct{i}", days=5 + i)
    do_knows(alice, dan, tess, strength=2)
    do_knows(alice, sam, tess, strength=5)
    return {"cleo": cleo, "dan": dan, "tess": tess, "sam": sam}


def test_paths_rank_by_weakest_hop_with_distinct_first_hops(
    me: Owner, net: dict[str, Person]
) -> None:
    found = find_paths(me, net["tess"])
    firsts = [p["hops"][0]["id"] for p in found["paths"]]
    assert firsts[0] == net["cleo"].id and net["dan"].id in firsts
    assert len(firsts) == len(set(firsts))
    best = found["paths"][0]
    assert [h["id"] for h in best["hops"]] == [net["cleo"].id, net["tess"].id]
    assert best["hops"][1]["evidence"][0].startswith("Cc'd together on 6 messages")
    assert best["hops"][0]["evidence"][0].startswith("your tie: close, trust ")
    # never through Sam, a stranger to me, however well Sam knows Tess
    assert all(net["sam"].id not in [h["id"] for h in p["hops"]] for p in found["paths"])


def test_the_json_of_a_path(me: Owner, net: dict[str, Person], cli: Cli) -> None:
    data = cli.json("path", "tess@example.org")
    assert data["target"] == {"id": net["tess"].id, "name": "Tess Target", "tier": "stranger"}
    assert data["paths"] and {"hops", "weakest", "length", "total"} <= set(data["paths"][0])
    hop = data["paths"][0]["hops"][0]
    assert {"id", "name", "tier", "evidence", "open_needs"} <= set(hop)
    text = cli("path", "Tess Target").stdout
    assert "Warm paths to Tess Target" in text and "you -> Cleo Cole" in text


def test_no_warm_path_names_the_closest_and_what_they_need(
    me: Owner, net: dict[str, Person], cli: Cli
) -> None:
    do_add_need(me, net["dan"], "a designer for the new site")
    # with the floor at "inner" neither Cleo nor Dan may be asked first
    data = cli.json("path", "Tess Target", "--floor", "inner")
    assert data["paths"] == []
    closest = {row["id"]: row for row in data["closest"]}
    assert set(closest) == {net["cleo"].id, net["dan"].id}  # never Sam, a stranger
    assert closest[net["dan"].id]["open_needs"] == ["a designer for the new site"]
    text = cli("path", "Tess Target", "--floor", "inner").stdout
    assert "No warm path to Tess Target" in text and "a designer for the new site" in text


def test_a_company_current_staff_first_and_my_own_ties_apart(
    me: Owner, net: dict[str, Person], cli: Cli
) -> None:
    acme = Organization.objects.create(owner=me, name="Acme", name_key="acme")
    Employment.objects.create(owner=me, person=net["tess"], organization=acme, is_current=True)
    Employment.objects.create(owner=me, person=net["dan"], organization=acme, is_current=False)
    data = cli.json("path", "--company", "acme")
    assert data["target"]["company"] == "Acme"
    assert [d["id"] for d in data["target"]["direct"]] == [net["dan"].id]
    assert data["paths"][0]["hops"][-1]["id"] == net["tess"].id
    assert "You know Dan Dee (#" in cli("path", "--company", "Acme").stdout


def test_owner_isolation(alice: Owner, bob: Owner) -> None:
    net = build_net(alice)
    # bob's network: his own Tess-like person known by his close tie
    bc, bt = do_add_person(bob, "Cleo Cole"), do_add_person(bob, "Tess Target")
    tie(bob, bc)
    do_knows(bob, bc, bt, strength=5)
    message(bob, [bc, bt], "b1")
    do_infer_links(bob)
    do_infer_links(alice, full=True)
    bob_people = set(Person.objects.filter(owner=bob).values_list("id", flat=True))
    alice_links = Link.objects.filter(owner=alice)
    assert (
        not {x for pair in alice_links.values_list("person_a", "person_b") for x in pair}
        & bob_people
    )
    found = find_paths(alice, net["tess"])
    assert not {h["id"] for p in found["paths"] for h in p["hops"]} & bob_people
    assert {r["id"] for r in whom_knows(alice, net["tess"])}.isdisjoint(bob_people)
    assert [r["id"] for r in whom_knows(bob, bt)] == [bc.id]


def test_knows_by_hand_and_forget_from_the_cli(me: Owner, net: dict[str, Person], cli: Cli) -> None:
    out = cli("knows", "Cleo Cole", "Dan Dee", "--how", "climbing club", "--strength", "3")
    assert "Noted: Cleo Cole and Dan Dee know each other" in out.stdout
    rows = cli.json("knows", "Cleo Cole")["knows"]
    assert any(r["id"] == net["dan"].id and "climbing club" in r["evidence"][0] for r in rows)
    cli("knows", "--forget", "Cleo Cole", "Dan Dee")
    rows = cli.json("knows", "Cleo Cole")["knows"]
    assert all(r["id"] != net["dan"].id for r in rows)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("knows", "Cleo Cole", "Cleo Cole"), "are the same person"),
        (("knows", "Cleo Cole", "me"), "'me' is you"),
        (("knows", "Cleo Cole", "Dan Dee", "--strength", "6"), "--strength must be 1 to 5"),
        (("knows", "Nobody Here", "Dan Dee"), "nobody called"),
        (("path", "Nobody Here"), "nobody called"),
        (("path", "me"), "'me' is you"),
        (("path", "Pat Twin"), "matches several people"),
        (("path", "Cleo Cole"), "just ask them"),
        (("path", "Tess Target", "--hops", "0"), "--hops must be 1 to 4"),
        (("path", "Tess Target", "--hops", "9"), "--hops must be 1 to 4"),
        (("path", "Tess Target", "--floor", "stranger"), "--floor must be one of"),
        (("path", "--company", "Nowhere Inc"), "nobody at 'Nowhere Inc'"),
        (("path",), "name a TARGET or --company"),
        (("path", "Tess Target", "--company", "Acme"), "name a TARGET or --company"),
        (("path", "nobody@example.org"), "nobody with the address"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    me: Owner, net: dict[str, Person], cli: Cli, args: tuple[str, ...], says: str
) -> None:
    before = list(Link.objects.order_by("id").values())
    result = cli(*args, code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert list(Link.objects.order_by("id").values()) == before


def test_ask_starts_the_requester_workflow_with_the_first_hop(
    me: Owner, net: dict[str, Person], cli: Cli
) -> None:
    out = cli(
        "path",
        "Tess Target",
        "--ask",
        "--why",
        "she hires data engineers",
        "--anyway",
        "we talk weekly",
    )
    assert "Asked Cleo Cole to introduce you to Tess Target" in out.stdout
    intro = Introduction.objects.get(owner=me)
    assert (intro.role, intro.introducer_id, intro.person_b_id) == (
        Introduction.REQUESTER,
        net["cleo"].id,
        net["tess"].id,
    )
    assert intro.why == "she hires data engineers"
    # asking again is the workflow's own refusal: one line, exit 2, nothing more written
    cli("path", "Tess Target", "--ask", "--why", "again", "--anyway", "x", code=2)
    assert Introduction.objects.filter(owner=me).count() == 1


def test_ask_along_a_longer_path_never_commits_the_second_connector(
    me: Owner, net: dict[str, Person], cli: Cli
) -> None:
    far, mo = do_add_person(me, "Fay Far"), do_add_person(me, "Mo Middle")
    # Mo: a real but faint tie of mine (one exchange each way), below the first-hop floor
    do_log_interaction(me, mo, "email", when=_ago(30))
    do_log_interaction(me, mo, "email", when=_ago(29), they_started=True)
    do_knows(me, net["cleo"], mo, strength=4)
    do_knows(me, mo, far, strength=5)
    data = cli.json("path", "Fay Far")
    assert [h["id"] for h in data["paths"][0]["hops"]] == [net["cleo"].id, mo.id, far.id]
    assert data["paths"][0]["hops"][1]["tier"] not in ("inner", "close", "active", "stranger")
    cli("path", "Fay Far", "--ask", "--why", "she runs the meetup", "--anyway", "ok")
    intro = Introduction.objects.get(owner=me)
    assert intro.introducer_id == net["cleo"].id and intro.person_b_id == far.id
    assert "would you be comfortable asking Mo Middle whether" in intro.why
    # nothing was asked of Mo: no introduction names Mo
    assert not Introduction.objects.filter(owner=me, introducer=mo).exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("path", "Tess Target", "--ask"), "--ask needs --why"),
        (("path", "Tess Target", "--why", "x"), "go with --ask"),
        (("path", "Tess Target", "--floor", "inner", "--ask", "--why", "x"), "no warm path"),
    ],
)
def test_bad_asks(
    me: Owner, net: dict[str, Person], cli: Cli, args: tuple[str, ...], says: str
) -> None:
    result = cli(*args, code=2)
    assert says in result.stderr
    assert not Introduction.objects.filter(owner=me).exists()
