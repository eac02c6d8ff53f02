"""An import that stores only copies of messages (MessageParticipant rows: someone
else's mail to the owner and a few of their people, no interaction) drops the
cached scores of the people holding those addresses, not every score."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from troth.importers.apply import do_import
from troth.importers.models import MessageParticipant
from troth.importers.registry import parser
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.models import TrustScore
from troth.trust.queries import trust_list
from troth.trust.summary import load_scores

ME = "alice@home.example"


def _message(n: int, day: dt.datetime) -> str:
    stamp = day.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (
        f"From x@stranger.example {day.strftime('%a %b %d %H:%M:%S %Y')}\n"
        "From: Xavier Stranger <x@stranger.example>\n"
        f"To: {ME}, dana@kang.example\n"
        "Cc: sam@ortiz.example\n"
        f"Date: {stamp}\n"
        f"Message-ID: <{n}@stranger.example>\n"
        "Subject: the meetup\n\nbody\n\n"
    )


def _truth(owner: Owner) -> dict[int, float]:
    ids, (now, _d30, _d90) = load_scores(owner, timezone.localdate())
    return {
        int(i): round(float(s), 1) for i, s in zip(ids.tolist(), now.score.tolist(), strict=True)
    }


def test_copies_drop_only_their_holders_scores(
    fixed_day: dt.date, alice: Owner, tmp_path: Path
) -> None:
    now = timezone.now()
    people = {
        name: do_add_person(alice, f"{name.title()} Person", emails=[email])
        for name, email in (
            ("dana", "dana@kang.example"),
            ("sam", "sam@ortiz.example"),
            ("lee", "lee@else.example"),
            ("wren", "wren@else.example"),
        )
    }
    for k, person in enumerate(people.values()):
        do_log_interaction(alice, person, "call", when=now - dt.timedelta(days=60 + 9 * k))
    trust_list(alice)
    kept = dict(TrustScore.objects.filter(owner=alice).values_list("person_id", "computed_at"))
    assert len(kept) == 4
    path = tmp_path / "copies.mbox"
    path.write_text(_message(1, now - dt.timedelta(days=2)), encoding="utf-8")
    summary = do_import(alice, parser("mail"), path, options={"me": [ME]})
    assert summary.interactions_added == 0 and summary.people_created == 0
    assert MessageParticipant.objects.filter(owner=alice).exists()
    left = set(TrustScore.objects.filter(owner=alice).values_list("person_id", flat=True))
    assert left == {people["lee"].pk, people["wren"].pk}
    # the next read scores Dana and Sam again, with the copy, as a full recompute would
    assert {r["id"]: r["score"] for r in trust_list(alice)} == _truth(alice)
