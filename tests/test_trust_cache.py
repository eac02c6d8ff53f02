"""The trust cache follows every kind of write, from one place (troth.trust.signals).

Each test fills the cache, writes, and reads again: what `trust_list` shows must be
what scoring everyone from scratch gives now, and the person written about must
have moved (so a cache that missed the write would fail here). TierCadence now
lives in trust, and the typed errors replace ValueError as a service signal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from calendars import weekly_meetings
from troth.errors import TrothError
from troth.interactions.actions import do_delete_interaction, do_log_interaction
from troth.interactions.models import Interaction
from troth.intros import flow
from troth.intros.actions import do_propose, do_step
from troth.ledger.actions import do_make_promise, do_record_favor, do_set_promise_status
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_delete_person, do_link_knows
from troth.people.models import Person
from troth.trust import signals
from troth.trust.models import TierCadence, TrustScore
from troth.trust.queries import NotScored, is_stale, trust_detail, trust_list
from troth.trust.summary import load_scores

if TYPE_CHECKING:
    from conftest import Cli


def ago(days: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def truth(owner: Owner) -> dict[int, float]:
    """Everyone's score computed from scratch now, past any cache."""
    ids, (now, _d30, _d90) = load_scores(owner, timezone.localdate())
    return {int(i): float(s) for i, s in zip(ids.tolist(), now.score.tolist(), strict=True)}


def shown(owner: Owner) -> dict[int, float]:
    return {r["id"]: r["score"] for r in trust_list(owner)}


def check_current(owner: Owner) -> dict[int, float]:
    """What trust_list shows is the truth (it rounds to one decimal)."""
    seen = shown(owner)
    assert seen == pytest.approx(truth(owner), abs=0.051)
    return seen


@pytest.fixture
def net(alice: Owner) -> tuple[Owner, dict[str, Person]]:
    people = {
        name.split()[0].lower(): do_add_person(
            alice, name, emails=[f"{name.split()[0].lower()}@example.org"]
        )
        for name in ("Dana Whitfield", "Sam Ortiz", "Wren Halvorsen", "Kim Stranger")
    }
    me = me_person(alice)
    for name, person in people.items():
        if name == "kim":
            continue
        for k in range(6):
            do_log_interaction(
                alice,
                person,
                "meeting",
                when=ago(15 + 20 * k),
                minutes=60,
                they_started=bool(k % 2),
            )
        do_record_favor(alice, me, person, "advice", "on their deck", on=timezone.localdate())
    do_link_knows(alice, people["dana"], people["sam"])
    trust_list(alice)  # the cache is filled
    assert TrustScore.objects.filter(owner=alice).count() == 4
    return alice, people


def moved(before: dict[int, float], after: dict[int, float], person: Person) -> bool:
    return before.get(person.id) != after.get(person.id)


def test_logging_an_interaction(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    before = shown(owner)
    do_log_interaction(owner, p["kim"], "call", when=ago(1), minutes=30, they_started=True)
    assert moved(before, check_current(owner), p["kim"])


def test_deleting_an_interaction(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    before = shown(owner)
    newest = Interaction.objects.filter(owner=owner, person=p["dana"]).latest("occurred_at")
    do_delete_interaction(owner, newest.id)
    assert moved(before, check_current(owner), p["dana"])


def test_a_favour(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    before = shown(owner)
    do_record_favor(owner, p["kim"], me_person(owner), "lead", "a lead", on=timezone.localdate())
    assert moved(before, check_current(owner), p["kim"])


def test_a_promise_kept(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    promise = do_make_promise(
        owner, p["dana"], me_person(owner), "send the deck", made_on=timezone.localdate()
    )
    before = check_current(owner)
    do_set_promise_status(owner, promise, "kept")
    assert moved(before, check_current(owner), p["dana"])


def test_an_introduction_step(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    intro = do_propose(owner, p["dana"], p["wren"], "both hiring data engineers")
    intro = do_step(owner, intro, flow.ASKED)
    before = check_current(owner)
    do_step(owner, intro, flow.NO_ANSWER)  # Wren never answered: it counts against them
    assert moved(before, check_current(owner), p["wren"])


def test_a_closeness_rating(net: tuple[Owner, dict[str, Person]]) -> None:
    from troth.people.actions import do_edit_person

    owner, p = net
    before = shown(owner)
    do_edit_person(owner, p["kim"], closeness=5)
    assert moved(before, check_current(owner), p["kim"])


def test_who_knows_whom(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    before = shown(owner)
    do_link_knows(owner, p["kim"], p["wren"])
    after = check_current(owner)
    assert moved(before, after, p["kim"])


def test_deleting_someone_rescores_who_knew_them(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    do_link_knows(owner, p["kim"], p["wren"])
    before = check_current(owner)
    do_delete_person(owner, p["wren"])
    after = check_current(owner)
    assert p["wren"].id not in after and moved(before, after, p["kim"])


def test_a_merge_and_its_undo(net: tuple[Owner, dict[str, Person]]) -> None:
    from troth.identity.actions import do_merge, do_unmerge

    owner, p = net
    twin = do_add_person(owner, "Kim Stranger", allow_duplicate_name=True)
    do_log_interaction(owner, twin, "meeting", when=ago(3), minutes=60)
    before = check_current(owner)
    record = do_merge(owner, p["kim"], twin)
    after = check_current(owner)
    assert twin.id not in after and moved(before, after, p["kim"])
    do_unmerge(owner, record)
    assert check_current(owner) == pytest.approx(before, abs=0.051)


def _calendar(owner: Owner, tmp_path: Path, start: dt.datetime) -> Path:
    return weekly_meetings(tmp_path, start, "sync-1", "sync")


def test_an_import_and_its_undo(net: tuple[Owner, dict[str, Person]], tmp_path: Path) -> None:
    from troth.importers.apply import do_import
    from troth.importers.models import ImportRun
    from troth.importers.registry import parser
    from troth.importers.undo import do_undo_import

    owner, p = net
    before = check_current(owner)
    path = _calendar(owner, tmp_path, ago(40))
    with transaction.atomic():
        summary = do_import(owner, parser("ics"), path)
    assert summary.interactions_added == 4
    after = check_current(owner)
    assert moved(before, after, p["kim"])
    run = ImportRun.objects.get(owner=owner)
    do_undo_import(owner, run.pk)
    assert check_current(owner) == pytest.approx(before, abs=0.051)


def test_one_write_rescores_one_tie_not_everyone(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, p = net
    stamps = dict(TrustScore.objects.filter(owner=owner).values_list("person_id", "computed_at"))
    do_log_interaction(owner, p["kim"], "call", when=ago(1))
    assert not is_stale(owner, timezone.localdate())
    now = dict(TrustScore.objects.filter(owner=owner).values_list("person_id", "computed_at"))
    assert {k for k in now if now[k] != stamps[k]} == {p["kim"].id}


def test_a_big_deletion_drops_the_scores_once(
    net: tuple[Owner, dict[str, Person]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # More people than re-scored one by one: the owner's scores go, the next read
    # recomputes them all (troth demo --reset empties a million interactions).
    owner, p = net
    before = shown(owner)
    monkeypatch.setattr(signals, "ONE_BY_ONE", 2)
    Interaction.objects.filter(owner=owner).delete()
    assert not TrustScore.objects.filter(owner=owner).exists()
    after = check_current(owner)
    assert all(moved(before, after, p[k]) for k in ("dana", "sam", "wren"))


def test_bob_is_never_touched(net: tuple[Owner, dict[str, Person]], bob: Owner) -> None:
    owner, p = net
    ben = do_add_person(bob, "Ben Other")
    do_log_interaction(bob, ben, "meeting", when=ago(2), minutes=60)
    trust_list(bob)
    mine = list(TrustScore.objects.filter(owner=owner).values_list("person_id", "computed_at"))
    do_log_interaction(bob, ben, "call", when=ago(1))
    Interaction.objects.filter(owner=bob).delete()
    assert list(TrustScore.objects.filter(owner=owner).values_list("person_id", "computed_at")) == (
        mine
    )


# --- typed errors ---------------------------------------------------------------


def test_me_is_not_scored_today_or_then(net: tuple[Owner, dict[str, Person]]) -> None:
    owner, _p = net
    me = me_person(owner)
    with pytest.raises(NotScored, match=f"#{me.id} is not scored"):
        trust_detail(owner, me)
    with pytest.raises(NotScored, match=f"#{me.id} is not scored"):
        trust_detail(owner, me, timezone.localdate() - dt.timedelta(days=30))
    assert issubclass(NotScored, TrothError)  # the CLI's one line, exit 2; a 4xx on the web


def test_the_person_page_shows_the_score(
    net: tuple[Owner, dict[str, Person]], client: Client
) -> None:
    owner, p = net
    client.force_login(owner)
    # only NotScored means "no score yet"; any other error is a bug and shows as one
    page = client.get(f"/people/{p['dana'].id}/trust")
    assert page.status_code == 200
    score = TrustScore.objects.get(owner=owner, person=p["dana"]).score
    assert f"<strong>{round(score)}</strong>/100" in page.content.decode()


# --- TierCadence in trust -------------------------------------------------------


def test_tier_cadence_is_trusts_and_keeps_its_table(alice: Owner) -> None:
    from troth.agenda.actions import do_set_tier_cadence
    from troth.agenda.queries import tier_cadences

    do_set_tier_cadence(alice, "close", 21)
    assert TierCadence._meta.app_label == "trust"
    assert TierCadence._meta.db_table == "agenda_tiercadence"  # the rows never moved
    assert tier_cadences(alice)["close"] == 21
    with connection.cursor() as cursor:
        cursor.execute("SELECT tier, days FROM agenda_tiercadence WHERE owner_id = %s", [alice.pk])
        assert cursor.fetchall() == [("close", 21)]


def test_an_older_export_with_the_agenda_label_restores(cli: Cli, tmp_path: Path) -> None:
    from test_backup import wipe
    from troth.agenda.actions import do_set_tier_cadence
    from troth.backup.restore import do_restore
    from troth.owners import local_owner

    owner = local_owner()
    do_set_tier_cadence(owner, "inner", 10)
    path = tmp_path / "troth.json"
    cli("export", "json", str(path))
    data = json.loads(path.read_text("utf-8"))
    labels = [t["model"] for t in data["tables"]]
    assert "trust.tiercadence" in labels and "agenda.tiercadence" not in labels
    for table in data["tables"]:  # as troth wrote it before the move
        if table["model"] == "trust.tiercadence":
            table["model"] = "agenda.tiercadence"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), "utf-8")
    wipe(owner)
    counts = do_restore(owner, old)
    assert counts["trust.tiercadence"] == 1
    assert list(TierCadence.objects.filter(owner=owner).values_list("tier", "days")) == [
        ("inner", 10)
    ]
