"""Mr. Big's offer (issue 18 item 2): `--anyway` goes past "not ready to ask", and an
introduction the introducer offered is recorded as his promise inside the workflow:
the thank-you with a forwardable note at once, one nudge after the due date, then a
graceful release and never a second chase. CLI, service and web."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.agenda import actions as agenda_actions
from troth.agenda import drafts
from troth.agenda.queries import access_item, agenda
from troth.errors import TrothError
from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import OFFER_DUE_DAYS, do_ask, do_offered, do_step
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import access_intro, intro_conduct, is_stalled
from troth.owned import Owner
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person, do_edit_person, do_set_job
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _mr_big(owner: Owner) -> tuple[Person, Person]:
    """The walkthrough's story: one board meeting with Bernard, who offered Ralph."""
    bernard = do_add_person(
        owner, "Bernard Biggs", company="Biggs Capital", title="Managing Partner"
    )
    do_log_interaction(
        owner, bernard, "meeting", minutes=60, summary="he offered to introduce me to Ralph"
    )
    ralph = do_add_person(owner, "Ralph Okonkwo", company="Ledgerline", title="CFO")
    me = me_person(owner)
    do_edit_person(owner, me, name="Alex Morgan")
    do_set_job(owner, me, "Quarry", "Data Engineer")
    return bernard, ralph


def _ids(owner: Owner, day: dt.date) -> dict[str, str]:
    return {i.id: i.candidate.reason for i in agenda(owner, today=day, limit=0).items}


# -- --anyway past "not ready to ask" ---------------------------------------------------


def test_anyway_goes_past_not_ready_to_ask_and_is_kept(alice: Owner) -> None:
    bernard, ralph = _mr_big(alice)
    # met once, today: the warm-tie rule's history (troth.trust.warmth) refuses him as a
    # new tie before the readiness check would; --anyway goes past either
    with pytest.raises(TrothError, match='Bernard Biggs is new.*pass --anyway "why"'):
        do_ask(alice, bernard, ralph, "learn how Ralph scaled finance")
    intro = do_ask(alice, bernard, ralph, "learn how Ralph scaled finance", anyway="he offered")
    assert intro.state == flow.ASKED and intro.anyway == "he offered"


def test_anyway_on_the_command_line(cli: Cli) -> None:
    owner = local_owner()
    _mr_big(owner)
    why = "learn how Ralph scaled finance"
    err = cli("intro", "ask", "Bernard", "--to", "Ralph", why, code=2).stderr
    assert "Bernard Biggs is new" in err and "--anyway" in err and err.count("\n") == 1
    out = cli.json("intro", "ask", "Bernard", "--to", "Ralph", why, "--anyway", "he offered")
    assert out["state"] == "asked" and out["anyway"] == "he offered"
    assert "gone ahead anyway because: he offered" in cli("intro", str(out["id"])).stdout


def test_anyway_on_the_web_form(client: Client, alice: Owner) -> None:
    _mr_big(alice)
    client.force_login(alice)
    data = {"ask-c": "Bernard", "ask-b": "Ralph", "ask-why": "learn how Ralph scaled finance"}
    r = client.post("/intros/start/ask", data, **HTMX)
    assert r.status_code == 400 and Introduction.objects.filter(owner=alice).count() == 0
    r = client.post("/intros/start/ask", {**data, "ask-anyway": "he offered"}, **HTMX)
    assert r.status_code == 200
    assert Introduction.objects.get(owner=alice).anyway == "he offered"


# -- the offer ------------------------------------------------------------------------------


def test_an_offer_is_his_promise_thanks_at_once_then_one_nudge_then_a_release(alice: Owner) -> None:
    bernard, ralph = _mr_big(alice)
    today = timezone.localdate()
    intro = do_offered(alice, bernard, ralph, "learn how Ralph scaled finance")
    assert intro.state == flow.OFFERED and intro.offered and intro.role == flow.REQUESTER
    assert intro.due_on == today + dt.timedelta(days=OFFER_DUE_DAYS)
    assert intro.introducer_id == bernard.id and intro.person_b_id == ralph.id

    # right after the meeting: thank him, with a note he can forward as is
    item = access_item(alice, f"i{intro.id}")
    assert item.person_id == bernard.id and "thank Bernard for the offer" in item.reason
    thanks = drafts.render_intro_draft(alice, intro)
    assert thanks.kind == "intro-offered" and [p.id for p in thanks.to] == [bernard.id]
    body = thanks.body
    assert body.startswith("Hi Bernard,")
    assert "for offering to introduce me to Ralph Okonkwo (CFO at Ledgerline)" in body
    assert "I'm Alex Morgan, Data Engineer at Quarry. Bernard suggested that we talk." in body
    assert "to learn how you scaled finance" in body  # the note speaks to Ralph
    assert "Only if and when it suits you, and Ralph is of course free to say no" in body
    agenda_actions.do_done(alice, item)
    intro = access_intro(alice, intro.id)
    assert intro.state == flow.AGREED

    # nothing to chase before the due date (and a few days' grace)
    due = intro.due_on
    assert due is not None
    quiet = [due - dt.timedelta(days=1), due, due + dt.timedelta(days=2)]
    for day in quiet:
        assert f"i{intro.id}" not in _ids(alice, day)
    assert not is_stalled(intro, due) and is_stalled(intro, due + dt.timedelta(days=1))
    later = due + dt.timedelta(days=3)
    nudge = access_item(alice, f"i{intro.id}", today=later)
    assert "one gentle, face-saving nudge (once only)" in nudge.reason
    remind = drafts.render_intro_draft(alice, intro, today=later)
    assert remind.kind == "intro-remind" and [p.id for p in remind.to] == [bernard.id]
    assert "you kindly offered to introduce me to Ralph Okonkwo" in remind.body
    assert "I won't mention it again" in remind.body and "-----" in remind.body
    agenda_actions.do_done(alice, nudge)
    intro = access_intro(alice, intro.id)
    assert intro.nudged_at is not None
    assert IntroStep.objects.filter(intro=intro, note="nudged").count() == 1

    # Ralph said yes through Bernard: a new step, but still the one offer, one nudge
    intro = do_step(alice, intro, flow.ACCEPTED)
    assert intro.nudged_at is not None
    nudged = timezone.localdate(intro.nudged_at)
    assert f"i{intro.id}" not in _ids(alice, nudged + dt.timedelta(days=13))
    day = nudged + dt.timedelta(days=flow.OFFER_RELEASE_DAYS)
    release = access_item(alice, f"i{intro.id}", today=day)
    assert "release Bernard from the offer graciously" in release.reason
    letter = drafts.render_intro_draft(alice, intro, today=day)
    assert letter.kind == "intro-release"
    assert "consider yourself off the hook" in letter.body
    agenda_actions.do_done(alice, release)
    intro = access_intro(alice, intro.id)
    assert intro.state == flow.RELEASED
    # never a second chase, and the dropped offer counts in his reliability
    for later_day in (day + dt.timedelta(days=d) for d in (1, 30, 90)):
        assert f"i{intro.id}" not in _ids(alice, later_day)
    theirs = {r["id"]: r for r in intro_conduct(alice, day)["theirs"]}
    assert theirs[bernard.id]["dropped"] == 1


def test_a_kept_offer_closes_the_loop_with_him(alice: Owner) -> None:
    bernard, ralph = _mr_big(alice)
    intro = do_offered(alice, bernard, ralph, "learn how Ralph scaled finance")
    for step in (flow.AGREED, flow.ACCEPTED, flow.INTRODUCED, flow.FOLLOWED_UP, flow.MET):
        intro = do_step(alice, intro, step)
    thanks = drafts.render_intro_draft(alice, intro)
    assert thanks.kind == "intro-thanks" and [p.id for p in thanks.to] == [bernard.id]
    intro = do_step(alice, intro, flow.THANKED)
    conduct = intro_conduct(alice, timezone.localdate())
    assert {r["id"]: r["closed"] for r in conduct["theirs"]}[bernard.id] >= 1
    assert conduct["mine"]["closed"] >= 2  # thanked him at once, and at the end


def test_offer_errors(alice: Owner) -> None:
    bernard, ralph = _mr_big(alice)
    today = timezone.localdate()
    with pytest.raises(TrothError, match="before today"):
        do_offered(alice, bernard, ralph, "x", due=today - dt.timedelta(days=1))
    with pytest.raises(TrothError, match="say why"):
        do_offered(alice, bernard, ralph, "  ")
    with pytest.raises(TrothError, match="themselves"):
        do_offered(alice, ralph, ralph, "x")
    do_offered(alice, bernard, ralph, "x", due=today + dt.timedelta(days=3))
    with pytest.raises(TrothError, match="already under way"):
        do_offered(alice, bernard, ralph, "again")
    assert Introduction.objects.filter(owner=alice).count() == 1


def test_offered_on_the_command_line(cli: Cli) -> None:
    owner = local_owner()
    _mr_big(owner)
    why = "learn how Ralph scaled finance"
    out = cli("intro", "offered", "Bernard", "--to", "Ralph", why, "--due", "in 10 days").stdout
    assert "Bernard Biggs introduces you to Ralph Okonkwo: offered" in out
    due = timezone.localdate() + dt.timedelta(days=10)
    assert f"offered by Bernard Biggs, due {due}" in out
    assert "Next (you): thank Bernard for the offer" in out and "troth draft i" in out
    intro = Introduction.objects.get(owner=owner)
    assert intro.due_on == due
    drafted = cli("draft", f"i{intro.id}")
    assert drafted.stdout.startswith("Subject: Thank you, and a note for Ralph")
    assert "Ralph is of course free to say no" in drafted.stdout
    listed = cli.json("intros")
    assert listed[0]["offered"] is True and listed[0]["due"] == due.isoformat()
    assert "(within 48 hours" in cli("agenda").stdout
    # errors: one line, exit 2, nothing written
    err = cli("intro", "offered", "Bernard", why, code=2).stderr
    assert "usage: troth intro offered C --to B" in err
    result = cli("intro", "offered", "Bernard", "--to", "Ralph", why, "--due", "yesterday", code=2)
    assert result.stderr.count("\n") == 1
    err = cli("intro", "propose", "Bernard", "Ralph", why, "--due", "friday", code=2).stderr
    assert "--due goes with troth intro offered" in err
    assert Introduction.objects.filter(owner=owner).count() == 1


def test_offered_on_the_web(client: Client, alice: Owner) -> None:
    _mr_big(alice)
    client.force_login(alice)
    page = client.get("/intros/").content.decode()
    assert "They offered to introduce you" in page and 'name="offered-c"' in page
    data = {"offered-c": "Bernard", "offered-b": "Ralph", "offered-why": "learn how he scaled"}
    r = client.post("/intros/start/offered", {**data, "offered-c": "Nobody Here"}, **HTMX)
    assert r.status_code == 400 and not Introduction.objects.filter(owner=alice).exists()
    r = client.post("/intros/start/offered", data, **HTMX)
    assert r.status_code == 200 and "Recorded Bernard&#x27;s offer" in r.content.decode()
    intro = Introduction.objects.get(owner=alice)
    assert intro.state == flow.OFFERED
    board = client.get("/intros/").content.decode()
    assert "Draft the thank-you, with a note to forward to Bernard Biggs" in board
    assert "Thanked, note sent" in board
    r = client.get(f"/intros/{intro.id}/draft", **HTMX)
    assert r.status_code == 200 and "Ralph is of course free to say no" in r.content.decode()


def test_from_a_person_page_to_the_offer_form(client: Client, alice: Owner, bob: Owner) -> None:
    bernard, _ralph = _mr_big(alice)
    client.force_login(alice)
    page = client.get(f"/people/{bernard.id}/").content.decode()
    link = f"/intros/?offered_by={bernard.id}#intro-offered"
    assert link in page and "Bernard offered to introduce you to someone" in page
    form = client.get(f"/intros/?offered_by={bernard.id}").content.decode()
    assert f'value="Bernard Biggs (#{bernard.id})"' in form
    # another owner's person, or nonsense, fills in nothing
    client.force_login(bob)
    assert (
        f"(#{bernard.id})" not in client.get(f"/intros/?offered_by={bernard.id}").content.decode()
    )
    assert client.get("/intros/?offered_by=x").status_code == 200


def test_an_ask_gone_quiet_gets_its_nudge_drafted(alice: Owner) -> None:
    bernard, ralph = _mr_big(alice)
    intro = do_ask(alice, bernard, ralph, "learn how Ralph scaled finance", anyway="he offered")
    assert drafts.render_intro_draft(alice, intro).kind == "intro-ask"
    later = timezone.localdate() + dt.timedelta(days=flow.OPT_IN_DAYS)
    d = drafts.render_intro_draft(alice, intro, today=later)
    assert d.kind == "intro-remind" and [p.id for p in d.to] == [bernard.id]
    assert "A few days ago I asked whether you might introduce me to Ralph Okonkwo" in d.body
    assert "kindly offered" not in d.body and "I won't mention it again" in d.body
