"""Crickets, after the quiet close (issue 18 item 11): when an introduction that A asked
me for ends with no answer from B (or a no), the agenda says to tell A kindly, `troth
draft` has the words (`intro-closed`), and done logs it as contact with A, once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.agenda import actions as agenda_actions
from troth.agenda import drafts
from troth.agenda.queries import access_item, agenda
from troth.interactions.models import Interaction
from troth.intros import flow
from troth.intros.actions import do_propose, do_step
from troth.intros.queries import access_intro
from troth.owned import Owner
from troth.people.actions import do_add_person


def _items(owner: Owner, day: dt.date) -> dict[str, str]:
    return {i.id: i.candidate.reason for i in agenda(owner, today=day, limit=0).items}


def test_a_quiet_close_asks_to_tell_the_person_who_asked(alice: Owner) -> None:
    melissa = do_add_person(alice, "Melissa Grant")
    kevin = do_add_person(alice, "Kevin Watanabe")
    intro = do_propose(
        alice, melissa, kevin, "both build dashboards", a_asked=True, anyway="she asked me"
    )
    intro = do_step(alice, intro, flow.ASKED)
    item_id = f"i{intro.id}"
    today = timezone.localdate()
    closed = False
    for n in range(1, 40):  # the nudge, then the quiet close, as the days pass
        day = today + dt.timedelta(days=n)
        reason = _items(alice, day).get(item_id)
        if reason is None:
            continue
        if "close it quietly" in reason:
            assert reason.endswith("Then let Melissa know, kindly.")
            agenda_actions.do_done(alice, access_item(alice, item_id, today=day))
            closed = True
            break
        agenda_actions.do_done(alice, access_item(alice, item_id, today=day))  # the nudge
    assert closed
    intro = access_intro(alice, intro.id)
    assert intro.state == flow.NO_ANSWER

    # today: tell Melissa (the item is about her, not Kevin)
    reason = _items(alice, today)[item_id]
    assert "Kevin did not answer; let Melissa know kindly" in reason
    item = access_item(alice, item_id)
    assert item.person_id == melissa.id
    draft = drafts.render_intro_draft(alice, intro)
    assert draft.kind == "intro-closed" and [p.id for p in draft.to] == [melissa.id]
    assert draft.subject == "About meeting Kevin" and "Hi Melissa," in draft.body
    assert "I asked Kevin about an introduction" in draft.body
    assert "I won't chase further" in draft.body

    before = Interaction.objects.filter(owner=alice, person=melissa).count()
    agenda_actions.do_done(alice, item)
    assert Interaction.objects.filter(owner=alice, person=melissa).count() == before + 1
    assert item_id not in _items(alice, today)
    assert access_intro(alice, intro.id).state == flow.NO_ANSWER  # no step taken


def test_a_no_from_b_is_told_too_but_not_when_a_never_asked(alice: Owner) -> None:
    a = do_add_person(alice, "Ana Asker")
    b = do_add_person(alice, "Ben Busy")
    c = do_add_person(alice, "Cy Quiet")
    asked = do_propose(alice, a, b, "hiring", a_asked=True, anyway="she asked")
    do_step(alice, do_step(alice, asked, flow.ASKED), flow.DECLINED)
    unasked = do_propose(alice, c, b, "hiring", anyway="my idea")
    do_step(alice, do_step(alice, unasked, flow.ASKED), flow.DECLINED)
    items = _items(alice, timezone.localdate())
    assert "Ben said no; let Ana know kindly" in items[f"i{asked.id}"]
    assert f"i{unasked.id}" not in items  # Cy never knew: nothing to tell
    body = drafts.render_intro_draft(alice, access_intro(alice, asked.id)).body
    assert "the timing isn't right for them" in body
