"""Wiping the demo (`troth demo --reset`) removes rows past the ORM's signals, so it
tells everyone once that rows went away: the warm-path links' next pass recounts
everyone and their cached graph is stale, as after an import's undo."""

from __future__ import annotations

import pytest
from django.utils import timezone

from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.sim.actions import do_wipe_demo
from troth.warmpaths.models import InferencePass
from troth.warmpaths.signals import ALL

pytestmark = pytest.mark.django_db


def test_a_wipe_marks_the_links_for_a_full_recount(alice: Owner, bob: Owner) -> None:
    do_add_person(alice, "Wren Halvorsen")
    mine = InferencePass.objects.create(owner=alice, ran_at=timezone.now(), links_version=3)
    theirs = InferencePass.objects.create(owner=bob, ran_at=timezone.now(), links_version=5)
    do_wipe_demo(alice)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.pending == [ALL] and mine.links_version == 4
    assert theirs.pending == [] and theirs.links_version == 5  # bob's are not touched
