"""Identity merges and the warm paths' links: merging X into Y moves X's links to Y
(the evidence recounted together, what the user said carried over), a link between
the two no longer refuses the merge, and unmerge puts every link back."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from troth.identity.actions import do_merge, do_unmerge
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths.actions import do_forget, do_infer_links, do_knows
from troth.warmpaths.models import InferencePass, Link
from troth.warmpaths.queries import fresh_links, whom_knows


def _message(owner: Owner, people: list[Person], ext: str, days: float) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    for p in people:
        do_log_interaction(owner, p, "email", when=when, source="mail", external_id=ext)


def _pairs(owner: Owner) -> dict[tuple[int, int], Link]:
    return {(lk.person_a_id, lk.person_b_id): lk for lk in Link.objects.filter(owner=owner)}


def _key(a: Person, b: Person) -> tuple[int, int]:
    return (min(a.id, b.id), max(a.id, b.id))


def test_merge_moves_links_combines_evidence_and_unmerge_restores(alice: Owner) -> None:
    # two records of one woman (a work and a home address), and three other contacts
    x = do_add_person(alice, "Ann Archer", emails=["ann@work.example"])
    y = do_add_person(alice, "Ann Archer-Lee", emails=["ann@home.example"])
    z, w, v = (do_add_person(alice, n) for n in ("Zed Zane", "Will Wu", "Vic Vo"))
    _message(alice, [x, z], "xz1", 30)
    _message(alice, [x, z], "xz2", 20)
    _message(alice, [y, z], "yz1", 10)
    _message(alice, [x, y], "xy", 5)  # both her addresses on one message
    do_infer_links(alice)
    do_knows(alice, x, w, how="rowing club", strength=4)
    do_forget(alice, x, v)
    _message(alice, [y, v], "yv", 3)
    fresh_links(alice)
    before = {
        k: (lk.mail_together, lk.manual_strength, lk.forgotten) for k, lk in _pairs(alice).items()
    }
    assert before[_key(x, z)][0] == 2 and before[_key(y, z)][0] == 1
    assert _key(x, y) in before  # a link between the two: it used to refuse the merge

    with transaction.atomic():
        record = do_merge(alice, y, x, reason="same person")
    assert InferencePass.objects.get(owner=alice).pending  # the next pass recounts her
    links = _pairs(alice)
    assert not any(x.id in k for k in links)  # nothing points at the merged record
    assert all(a < b for a, b in links)  # still stored low id first
    fresh_links(alice)
    links = _pairs(alice)
    yz = links[_key(y, z)]
    assert yz.mail_together == 3  # her three messages with Zed, from both addresses
    yw = links[_key(y, w)]
    assert (yw.manual_strength, yw.manual_how) == (4, "rowing club")  # moved with her
    yv = links[_key(y, v)]
    assert yv.forgotten  # said not to know each other: carried over, mail or not
    assert not InferencePass.objects.get(owner=alice).pending
    said = {r["id"]: r["evidence"] for r in whom_knows(alice, y)}
    assert said[z.id][0].startswith("Cc'd together on 3 messages")

    with transaction.atomic():
        back = do_unmerge(alice, record)
    assert back.id == x.id
    fresh_links(alice)
    after = {
        k: (lk.mail_together, lk.manual_strength, lk.forgotten) for k, lk in _pairs(alice).items()
    }
    assert after == before


def test_a_merge_with_no_links_still_works_and_owners_stay_apart(alice: Owner, bob: Owner) -> None:
    x = do_add_person(alice, "Ann Archer")
    y = do_add_person(alice, "Ann Archer-Lee")
    z = do_add_person(bob, "Zed Zane")
    q = do_add_person(bob, "Quinn Q")
    _message(bob, [z, q], "bob-1", 4)
    do_infer_links(bob)
    do_infer_links(alice)
    with transaction.atomic():
        do_merge(alice, y, x)
    assert not Link.objects.filter(owner=alice).exists()
    assert Link.objects.filter(owner=bob).count() == 1
    assert not InferencePass.objects.get(owner=bob).pending  # bob's links are not touched
