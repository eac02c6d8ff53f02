"""Trust reads introductions' steps through what intros registers when it starts (trust
no longer imports intros, which asks trust for its verdicts): the registration is
there, and a step's verdict reaches the score and the cache as before."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import do_propose, do_step
from troth.intros.conduct import conduct_rows
from troth.intros.models import IntroStep
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust import signals, sources
from troth.trust.history import load_history
from troth.trust.models import TrustScore
from troth.trust.queries import trust_list


def test_intros_registers_its_steps_with_trust() -> None:
    assert conduct_rows in sources.CONDUCT
    assert sources.CONDUCT.count(conduct_rows) == 1
    assert IntroStep in signals.FEEDS


def test_a_step_verdict_reaches_the_score(alice: Owner) -> None:
    now = timezone.now()
    wren, sam = do_add_person(alice, "Wren Hale"), do_add_person(alice, "Sam Ortiz")
    for person in (wren, sam):
        for k in range(5):
            do_log_interaction(alice, person, "meeting", when=now - dt.timedelta(days=9 + 20 * k))
    trust_list(alice)
    before = TrustScore.objects.get(owner=alice, person=sam).score
    intro = do_propose(alice, wren, sam, "both build data teams")
    intro = do_step(alice, intro, flow.ASKED)
    do_step(alice, intro, flow.NO_ANSWER)  # Sam never answered: it counts against them
    rows = conduct_rows(alice)
    assert [(pid, good) for pid, _at, good in rows] == [(sam.id, False)]
    assert conduct_rows(alice, [wren.id]) == []
    found, ids = load_history(alice, [sam.id])
    assert ids.tolist() == [sam.id] and found.intro_good.tolist() == [False]
    # the cache heard of the step at once (FEEDS), and the score moved
    assert TrustScore.objects.get(owner=alice, person=sam).score < before
