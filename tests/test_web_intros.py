"""The Introductions board through Django's test client (real database): columns by
stage, what waits on whom, the next draft, legal steps as buttons (an illegal one is
a 400 that changes nothing), propose and ask behind the handoff guard, filters, and
another owner's introductions as 404s."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import do_ask, do_propose, do_step
from troth.intros.models import Introduction, IntroStep
from troth.ledger.actions import do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_link_knows
from troth.trust.queries import fresh_scores

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from troth.people.models import Person

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def text(response: Response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _tie(owner: Owner, person: Person, meetings: int = 6) -> Person:
    """A real, months-long tie with giving both ways (as tests/test_intros.py builds one)."""
    for k in range(meetings):
        do_log_interaction(
            owner,
            person,
            "meeting",
            when=timezone.now() - dt.timedelta(days=20 + 25 * k),
            minutes=60,
            they_started=k % 2 == 0,
        )
    do_record_favor(
        owner, me_person(owner), person, "advice", "on their deck", on=timezone.localdate()
    )
    return person


@pytest.fixture
def people(alice: Owner) -> dict[str, Person]:
    made = {
        name.split()[0].lower(): do_add_person(
            alice, name, emails=[f"{name.split()[0].lower()}@example.org"]
        )
        for name in ("Dana Whitfield", "Wren Halvorsen", "Kim Stranger", "Pat Close")
    }
    for key in ("dana", "wren", "pat"):
        _tie(alice, made[key])
    return made


def card_of(page: str, intro_id: int) -> str:
    start = page.index(f'id="intro-{intro_id}"')
    return page[start : page.index("</li>", start)]


def column_of(page: str, intro_id: int) -> str:
    at = page.index(f'id="intro-{intro_id}"')
    heads = list(re.finditer(r'<h2 id="col-(\w+)"', page[:at]))
    return heads[-1].group(1) if heads else ""


# -- the board -------------------------------------------------------------------------


def test_empty_board_says_how_to_start(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    fresh_scores(alice)
    r = web.get("/intros/")
    assert r.status_code == 200
    page = text(r)
    assert 'aria-current="page">Introductions' in page
    assert "No introductions yet" in page
    assert 'id="intro-propose"' in page and 'id="intro-ask"' in page
    # the strongest ties are offered as you type a name; a stranger is not
    assert '<option value="Dana Whitfield" label=' in page and 'list="intro-people"' in page
    assert '<option value="Kim Stranger"' not in page


def test_board_groups_by_stage_and_says_who_it_waits_on(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    dana, wren, pat = people["dana"], people["wren"], people["pat"]
    proposed = do_propose(alice, dana, wren, "both hiring data engineers")
    accepted = do_propose(alice, pat, dana, "pat knows the market", a_asked=True)
    for s in (flow.ASKED, flow.ACCEPTED):
        do_step(alice, accepted, s)
    met = do_propose(alice, wren, pat, "same city", a_asked=True)
    for s in (flow.ASKED, flow.ACCEPTED, flow.INTRODUCED, flow.MET):
        do_step(alice, met, s)
    max_ = _tie(alice, do_add_person(alice, "Max Ended"))
    ended = do_propose(alice, max_, wren, "another idea", a_asked=True)
    do_step(alice, ended, flow.WITHDRAWN)
    page = text(web.get("/intros/"))
    assert column_of(page, proposed.id) == "asking"
    assert column_of(page, accepted.id) == "agreed"
    assert column_of(page, met.id) == "met"
    assert "Ended (1)" in page
    card = card_of(page, proposed.id)
    assert "You introduce Dana Whitfield to Wren Halvorsen" in card
    assert "Why:</strong> both hiring data engineers" in card
    assert "Your move:</strong> ask Wren Halvorsen whether they would like to meet Dana" in card
    # the next draft is one click away, and the suggested step is the primary button
    assert "Draft the opt-in request to Wren Halvorsen" in card
    assert f"/intros/{proposed.id}/draft" in card
    assert 'value="asked" class="primary">Asked them' in card and 'value="withdrawn"' in card
    assert 'value="thanked"' not in card
    # the outcome step comes with its choices
    assert 'name="outcome"' in card_of(page, met.id) and 'name="outcome"' not in card
    # how introductions went (intro_conduct)
    assert "How introductions went" in page


def test_waiting_and_stalled_filters(web: Client, alice: Owner, people: dict[str, Person]) -> None:
    dana, wren, pat = people["dana"], people["wren"], people["pat"]
    mine = do_propose(alice, dana, wren, "mine to move")
    theirs = do_propose(alice, pat, dana, "waits on dana")
    do_step(alice, theirs, flow.ASKED)
    Introduction.objects.filter(id=theirs.id).update(
        updated_at=timezone.now() - dt.timedelta(days=10)
    )
    page = text(web.get("/intros/?waiting=me"))
    assert f'id="intro-{mine.id}"' in page and f'id="intro-{theirs.id}"' not in page
    assert 'name="waiting" value="me" checked' in page
    page = text(web.get("/intros/?stalled=1"))
    assert f'id="intro-{theirs.id}"' in page and f'id="intro-{mine.id}"' not in page
    assert "Waiting on" in card_of(page, theirs.id) and "gone quiet" in card_of(page, theirs.id)
    # a step taken under a filter keeps the filter
    assert f'action="/intros/{theirs.id}/step?stalled=1"' in page
    page = text(web.get("/intros/?waiting=me&stalled=1"))
    assert "No introduction matches" in page


# -- steps -------------------------------------------------------------------------------


def test_a_legal_step_moves_the_card(web: Client, alice: Owner, people: dict[str, Person]) -> None:
    intro = do_propose(alice, people["dana"], people["wren"], "why")
    r = web.post(f"/intros/{intro.id}/step", {"step": "asked", "note": "wrote to Wren"}, **HTMX)
    assert r.status_code == 200
    page = text(r)
    assert page.startswith('<div id="intro-board"')
    assert "Asked." in card_of(page, intro.id)
    intro.refresh_from_db()
    assert intro.state == flow.ASKED
    step = IntroStep.objects.filter(intro=intro).last()
    assert step is not None and step.note == "wrote to Wren"
    # without htmx: back to the board with a message
    r = web.post(f"/intros/{intro.id}/step", {"step": "accepted"}, follow=True)
    assert r.status_code == 200 and "They said yes." in text(r)
    intro.refresh_from_db()
    assert intro.state == flow.ACCEPTED


def test_an_illegal_step_is_a_400_and_changes_nothing(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    intro = do_propose(alice, people["dana"], people["wren"], "why")
    before = IntroStep.objects.count()
    r = web.post(f"/intros/{intro.id}/step", {"step": "thanked"}, **HTMX)
    assert r.status_code == 400
    assert (
        f"introduction #{intro.id}: cannot go from proposed to thanked; next is asked or withdrawn"
        in text(r)
    )
    r = web.post(f"/intros/{intro.id}/step", {"step": "fame"})
    assert r.status_code == 400 and "not a step; from proposed next is asked or withdrawn" in text(
        r
    )
    intro.refresh_from_db()
    assert intro.state == flow.PROPOSED and IntroStep.objects.count() == before


def test_the_outcome_step_needs_its_outcome(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    intro = do_propose(alice, people["dana"], people["wren"], "why", a_asked=True)
    for s in (flow.ASKED, flow.ACCEPTED, flow.INTRODUCED, flow.MET):
        do_step(alice, intro, s)
    r = web.post(f"/intros/{intro.id}/step", {"step": "outcome"}, **HTMX)
    assert r.status_code == 400 and "Pick what came of it" in text(r)
    r = web.post(f"/intros/{intro.id}/step", {"step": "outcome", "outcome": "fame"}, **HTMX)
    assert r.status_code == 400
    intro.refresh_from_db()
    assert intro.state == flow.MET and intro.outcome == ""
    # an outcome chosen with another step is ignored, not an error
    r = web.post(f"/intros/{intro.id}/step", {"step": "outcome", "outcome": "interview"}, **HTMX)
    assert r.status_code == 200 and "Outcome recorded." in text(r)
    intro.refresh_from_db()
    assert intro.state == flow.OUTCOME and intro.outcome == "interview"
    r = web.post(f"/intros/{intro.id}/step", {"step": "thanked", "outcome": "hire"}, **HTMX)
    assert r.status_code == 200
    intro.refresh_from_db()
    assert intro.state == flow.THANKED and intro.outcome == "interview"


# -- drafts -----------------------------------------------------------------------------


def test_the_next_draft_with_copy_and_mailto(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    intro = do_propose(alice, people["dana"], people["wren"], "both hiring data engineers")
    r = web.get(f"/intros/{intro.id}/draft", **HTMX)
    assert r.status_code == 200
    page = text(r)
    assert "Wren" in page and "Dana" in page
    assert f'data-copy="#body-i{intro.id}"' in page
    assert 'href="mailto:wren@example.org?' in page
    r = web.get(f"/intros/{intro.id}/draft")
    assert r.status_code == 200 and "<h1>Draft the opt-in request" in text(r)
    # a step that waits on someone else has nothing to draft: a 400 with the reason
    do_step(alice, intro, flow.ASKED)
    intro.a_asked = True
    intro.save(update_fields=["a_asked"])
    r = web.get(f"/intros/{intro.id}/draft", **HTMX)
    assert r.status_code == 400 and "waiting for Wren Halvorsen to answer" in text(r)


# -- propose and ask ---------------------------------------------------------------------


def test_propose_through_the_form(web: Client, alice: Owner, people: dict[str, Person]) -> None:
    r = web.post(
        "/intros/start/propose",
        {"propose-a": "Dana", "propose-b": "Wren", "propose-why": "both hiring data engineers"},
        **HTMX,
    )
    assert r.status_code == 200
    page = text(r)
    assert "Proposed: You introduce Dana Whitfield to Wren Halvorsen." in page
    assert '<div id="intro-board" hx-swap-oob="true">' in page
    intro = Introduction.objects.get(owner=alice)
    assert intro.role == flow.CONNECTOR and intro.why == "both hiring data engineers"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"propose-a": "Dana", "propose-b": "Wren"}, "This field is required."),
        (
            {"propose-a": "Nobody Atall", "propose-b": "Wren", "propose-why": "x"},
            "nobody called 'Nobody Atall' in your network.",
        ),
        (
            {"propose-a": "Dana", "propose-b": "Dana", "propose-why": "x"},
            "cannot introduce Dana Whitfield to themselves",
        ),
        ({"propose-a": "me", "propose-b": "Dana", "propose-why": "x"}, "'me' is you"),
    ],
)
def test_propose_errors_are_400_and_write_nothing(
    web: Client, alice: Owner, people: dict[str, Person], data: dict[str, str], message: str
) -> None:
    r = web.post("/intros/start/propose", data, **HTMX)
    assert r.status_code == 400
    assert message.lower() in text(r).lower()
    assert not Introduction.objects.exists()


def test_the_handoff_guard_refuses_with_its_better_move(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    data = {"propose-a": "Dana", "propose-b": "Kim", "propose-why": "Kim wants a job"}
    r = web.post("/intros/start/propose", data, **HTMX)
    assert r.status_code == 400
    page = text(r)
    assert "your tie to Kim Stranger is stranger" in page
    assert "Build the tie with Kim first" in page
    assert 'give a reason under "Go ahead anyway, because"' in page and "--anyway" not in page
    assert not Introduction.objects.exists()
    r = web.post("/intros/start/propose", {**data, "propose-anyway": "Kim is my cousin"}, **HTMX)
    assert r.status_code == 200
    assert Introduction.objects.get().anyway == "Kim is my cousin"


def test_ask_through_the_form_and_its_guard(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    kim, wren = people["kim"], people["wren"]
    do_link_knows(alice, kim, wren)
    do_link_knows(alice, people["pat"], wren)
    r = web.post(
        "/intros/start/ask",
        {"ask-c": "Kim", "ask-b": "Wren", "ask-why": "learn about her team"},
        **HTMX,
    )
    # Wren is a close tie of alice's already: talk to her directly
    assert r.status_code == 400 and "talk to Wren directly" in text(r)
    # someone alice barely knows: ask someone closer
    lee = do_add_person(alice, "Lee Faraway")
    do_link_knows(alice, kim, lee)
    do_link_knows(alice, people["pat"], lee)
    r = web.post(
        "/intros/start/ask", {"ask-c": "Kim", "ask-b": "Lee", "ask-why": "her team"}, **HTMX
    )
    assert r.status_code == 400
    assert re.search(r"Find someone closer: Pat Close \(\w+\) also knows Lee Faraway", text(r))
    assert not Introduction.objects.exists()
    r = web.post(
        "/intros/start/ask",
        {
            "ask-c": "Pat",
            "ask-b": "Lee",
            "ask-why": "her team",
            "ask-blurb": "Alice builds data tools",
        },
        **HTMX,
    )
    assert r.status_code == 200, text(r)
    assert "Asked: Pat Close introduces you to Lee Faraway." in text(r)
    intro = Introduction.objects.get()
    assert intro.role == flow.REQUESTER and intro.blurb == "Alice builds data tools"
    assert intro.person_a.is_me
    assert web.post("/intros/start/nope", {}).status_code == 404


def test_forms_need_csrf(alice: Owner, people: dict[str, Person]) -> None:
    from django.test import Client

    intro = do_propose(alice, people["dana"], people["wren"], "why")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/intros/{intro.id}/step", {"step": "asked"}).status_code == 403
    assert strict.post("/intros/start/propose", {}).status_code == 403
    intro.refresh_from_db()
    assert intro.state == flow.PROPOSED


# -- owners ------------------------------------------------------------------------------


def test_bob_gets_404_for_alices_introductions(
    client: Client, alice: Owner, bob: Owner, people: dict[str, Person]
) -> None:
    intro = do_propose(alice, people["dana"], people["wren"], "secret reason")
    client.force_login(bob)
    page = text(client.get("/intros/"))
    assert "secret reason" not in page and "Dana Whitfield" not in page
    assert client.post(f"/intros/{intro.id}/step", {"step": "asked"}).status_code == 404
    assert client.get(f"/intros/{intro.id}/draft").status_code == 404
    # bob cannot name alice's people in his forms either
    r = client.post(
        "/intros/start/propose",
        {
            "propose-a": f"#{people['dana'].id}",
            "propose-b": f"#{people['wren'].id}",
            "propose-why": "x",
        },
    )
    assert r.status_code == 400
    intro.refresh_from_db()
    assert intro.state == flow.PROPOSED and Introduction.objects.count() == 1


def test_requester_card_reads_from_my_side(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    lee = do_add_person(alice, "Lee Faraway")
    intro = do_ask(alice, people["pat"], lee, "her team", anyway="Pat offered")
    page = text(web.get("/intros/"))
    card = card_of(page, intro.id)
    assert "Pat Close introduces you to Lee Faraway" in card
    assert "Waiting on" in card and "Pat Close to answer your request to meet Lee Faraway" in card
    assert "Draft the ask to Pat Close" in card
    assert 'value="agreed"' in card and 'value="followed_up"' not in card


def test_a_step_gone_quiet_gets_one_nudge(
    web: Client, client: Client, alice: Owner, bob: Owner, people: dict[str, Person]
) -> None:
    intro = do_propose(alice, people["pat"], people["dana"], "waits on dana")
    do_step(alice, intro, flow.ASKED)
    Introduction.objects.filter(id=intro.id).update(
        updated_at=timezone.now() - dt.timedelta(days=10)
    )
    card = card_of(text(web.get("/intros/")), intro.id)
    assert f'action="/intros/{intro.id}/nudge"' in card and "I nudged Dana (once)" in card
    r = web.post(f"/intros/{intro.id}/nudge", **HTMX)
    assert r.status_code == 200
    card = card_of(text(r), intro.id)
    assert "Nudged, once." in card and "nudged once" in card and "/nudge" not in card
    intro.refresh_from_db()
    nudged_at = intro.nudged_at
    assert nudged_at is not None
    r = web.post(f"/intros/{intro.id}/nudge", **HTMX)
    assert r.status_code == 400 and "one nudge is enough" in text(r)
    intro.refresh_from_db()
    assert intro.nudged_at == nudged_at
    client.force_login(bob)
    assert client.post(f"/intros/{intro.id}/nudge").status_code == 404


def test_two_people_with_one_name_are_told_apart_and_chosen_by_suggestion(
    web: Client, alice: Owner, people: dict[str, Person]
) -> None:
    acme = _tie(alice, do_add_person(alice, "Sarah White", company="Acme", title="CTO"))
    globex = _tie(
        alice,
        do_add_person(
            alice, "Sarah White", company="Globex", met_how="at PyCon", allow_duplicate_name=True
        ),
    )
    fresh_scores(alice)
    page = text(web.get("/intros/"))
    # each suggestion says who they are, and a shared name carries its #id
    assert f'<option value="Sarah White (#{acme.id}, Acme, CTO)" label="Acme, CTO">' in page
    assert (
        f'<option value="Sarah White (#{globex.id}, Globex)" label="Globex; met at PyCon">' in page
    )
    assert '<option value="Dana Whitfield" label="no company recorded">' in page
    # typing the bare name: the error lists them with their company, in plain words
    r = web.post(
        "/intros/start/propose",
        {"propose-a": "Sarah White", "propose-b": "Wren", "propose-why": "x"},
        **HTMX,
    )
    assert r.status_code == 400
    body = text(r)
    assert f"Sarah White (#{acme.id}, Acme, CTO)" in body
    assert f"Sarah White (#{globex.id}, Globex; met at PyCon)" in body
    assert "Choose the one you mean from the suggestions" in body and "use the #id" not in body
    assert not Introduction.objects.exists()
    # choosing a suggestion picks that person
    r = web.post(
        "/intros/start/propose",
        {
            "propose-a": f"Sarah White (#{globex.id}, Globex)",
            "propose-b": "Wren",
            "propose-why": "both into Rust",
        },
        **HTMX,
    )
    assert r.status_code == 200, text(r)
    assert Introduction.objects.get().person_a_id == globex.id
    # an id that is not the name typed, or not the owner's, is refused
    for bad in (f"Dana Whitfield (#{globex.id})", "Sarah White (#999999)"):
        r = web.post(
            "/intros/start/propose",
            {"propose-a": bad, "propose-b": "Pat", "propose-why": "x"},
            **HTMX,
        )
        assert r.status_code == 400
    assert Introduction.objects.count() == 1
