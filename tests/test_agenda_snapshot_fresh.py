"""The materialised agenda (troth.agenda.snapshot) against a fresh computation, after
every kind of write that feeds it: the heart of issue 20's "keep the ranked agenda
materialised and updated when something that feeds it changes".

Each step reads the agenda first (so a snapshot is stored and would be served), makes
one write, and then requires the agenda read through the snapshot to equal the agenda
computed from the rows. Most steps are chosen to change the agenda, and the test
checks that they did: a snapshot that missed the write would show the old agenda.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from troth.agenda import snapshot
from troth.agenda.models import AgendaSnapshot
from troth.agenda.queries import _computed, agenda
from troth.backup.export import write_export
from troth.backup.restore import do_restore
from troth.backup.tables import tables
from troth.identity.actions import do_merge
from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Need
from troth.owned import Owner
from troth.owners import do_ensure_me, local_owner
from troth.people.models import Person
from troth.sim.actions import do_wipe_demo
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.actions import do_recompute_trust

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Cli
    from troth.agenda.plan import Item


def rows(items: list[Item]) -> list[tuple[str, str, str, float, dt.date | None]]:
    return [
        (i.id, i.candidate.reason, i.candidate.key, round(i.priority, 9), i.candidate.due)
        for i in items
    ]


def materialised(owner: Owner) -> list[tuple[str, str, str, float, dt.date | None]]:
    return rows(agenda(owner).items)


def fresh(owner: Owner) -> list[tuple[str, str, str, float, dt.date | None]]:
    return rows(_computed(owner, timezone.localdate(), 7, 0, None).items)


def stored(owner: Owner) -> bool:
    return AgendaSnapshot.objects.filter(owner=owner, head__isnull=False).exists()


class Steps:
    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.changed: set[str] = set()
        self.done: list[str] = []

    def __call__(self, label: str, write: Callable[[], object]) -> None:
        before = materialised(self.owner)
        assert stored(self.owner), f"{label}: no snapshot stored before the write"
        # the snapshot is what the read served: equal to a fresh computation
        assert before == fresh(self.owner), f"{label}: stale before the write"
        write()
        after = materialised(self.owner)
        assert after == fresh(self.owner), f"{label}: the snapshot missed this write"
        if after != before:
            self.changed.add(label)
        self.done.append(label)


def first(owner: Owner, *kinds: str) -> tuple[str, Person]:
    """The first item of these kinds (in this order of preference) and its person."""
    items = agenda(owner).items
    for kind in kinds:
        for item in items:
            if item.candidate.kind == kind:
                return item.id, Person.objects.get(pk=item.candidate.person_id)
    raise AssertionError(f"no {kinds} item on the agenda")


ANY = ("checkin", "reconnect", "need", "thanks", "nudge")


VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Quill Ashgrove
EMAIL:quill@example.org
NOTE:met at the harbour meetup
END:VCARD
"""


def test_every_write_that_feeds_the_agenda_is_seen_by_the_next_read(
    cli: Cli, fixed_day: dt.date, tmp_path: Path
) -> None:
    owner = local_owner()
    load_network(owner, generate_network(people=60, seed=5, today=fixed_day))
    step = Steps(owner)
    assert snapshot.installed_triggers() == set(snapshot.trigger_names())
    materialised(owner)

    # interactions: a check-in is answered by being in touch
    _, checkin = first(owner, "checkin")
    step("interaction", lambda: cli("log", f"#{checkin.id}", "call", "--minutes", "20"))
    step(
        "interaction deleted",
        lambda: Interaction.objects.filter(owner=owner, person=checkin).order_by("-id")[0].delete(),
    )
    # favours both ways
    _, someone = first(owner, "checkin")
    step("favour received", lambda: cli("got", f"#{someone.id}", "intro", "to a CTO"))
    step("favour given", lambda: cli("gave", f"#{someone.id}", "lead", "a data-lead role"))
    # promises both ways, and their status
    step(
        "my promise",
        lambda: cli("promise", "send the deck", "--to", f"#{someone.id}", "--due", "tomorrow"),
    )
    promise = Commitment.objects.get(owner=owner, what="send the deck")
    step("promise kept", lambda: cli("kept", str(promise.id)))
    step(
        "their promise",
        lambda: cli(
            "promise", "intro me", "--from", f"#{someone.id}", "--made", "30 days ago",
            "--due", "10 days ago",
        ),
    )  # fmt: skip
    # needs: added, then met
    step("need", lambda: cli("need", f"#{someone.id}", "a notary in Quillonburg", "--for", "5d"))
    need = Need.objects.get(owner=owner, what="a notary in Quillonburg")
    step("need met", lambda: cli("met", str(need.id)))
    # an introduction
    _, other = first(owner, *ANY)
    step("intro", lambda: cli("intro", "propose", f"#{someone.id}", f"#{other.id}", "both in data"))
    # handling items: done, snooze, skip
    for verb, extra in (("done", ()), ("snooze", ("--until", "in 3 days")), ("skip", ())):
        item_id, _p = first(owner, "checkin", "reconnect", "thanks", "nudge")
        step(verb, functools.partial(cli, verb, item_id, *extra))
    # the person: renamed, tagged, their own rhythm, archived, merged, deleted
    _, person = first(owner, *ANY)
    step("rename", lambda: cli("edit", f"#{person.id}", "--name", "Zephyrine Oakhurst"))
    step("tag", lambda: cli("tag", f"#{person.id}", "fintech"))
    step("job", lambda: cli("edit", f"#{person.id}", "--company", "Larkspur", "--title", "CFO"))
    step("cadence", lambda: cli("cadence", f"#{person.id}", "1d"))
    step("tier rhythm", lambda: cli("rhythms", "close", "3d"))
    step("archive", lambda: cli("edit", f"#{person.id}", "--archive"))
    _, keep = first(owner, *ANY)
    _, gone = first(owner, "thanks")
    step("merge", lambda: do_merge(owner, keep, gone))
    _, doomed = first(owner, *ANY)
    step("delete", lambda: cli("delete", f"#{doomed.id}", "--yes"))
    # key dates, once reminders are on
    _, bday = first(owner, *ANY)
    when = (fixed_day + dt.timedelta(days=1)).strftime("%m-%d")
    step("birthday", lambda: cli("date", f"#{bday.id}", "birthday", when))
    step("reminders on", lambda: cli("dates", "--remind", "3d"))
    # an import (a new person and a note), and its undo
    card = tmp_path / "one.vcf"
    card.write_text(VCARD)
    step("import", lambda: cli("import", "vcard", str(card)))
    # a write past the ORM (raw SQL): the triggers see it too
    _, raw = first(owner, *ANY)

    def raw_write() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Person._meta.db_table} SET full_name = %s WHERE id = %s",
                ["Rawley Fenwick", raw.id],
            )

    step("raw SQL", raw_write)

    # a queryset update the trust cache cannot see, then the recompute that moves it
    def move_contacts() -> None:
        Interaction.objects.filter(owner=owner, person=raw).update(
            occurred_at=timezone.now() - dt.timedelta(hours=1)
        )

    step("queryset update", move_contacts)
    step("trust recompute", lambda: do_recompute_trust(owner))

    # a new day: snoozes end, check-ins fall due, trust is recomputed for the day
    later = time_machine.travel(
        dt.datetime.combine(fixed_day + dt.timedelta(days=20), dt.time(12)), tick=True
    )
    step("a new day", later.start)
    try:
        _, met = first(owner, "checkin", "reconnect")
        step("next day's interaction", lambda: cli("log", f"#{met.id}", "meeting"))
    finally:
        later.stop()

    # the demo removed in bulk
    step("demo wiped", lambda: do_wipe_demo(owner))

    must_change = {
        "interaction", "interaction deleted", "favour received", "my promise", "promise kept",
        "their promise", "need", "need met", "intro", "done", "snooze", "skip", "rename",
        "tier rhythm", "archive", "merge", "delete", "reminders on", "raw SQL",
        "trust recompute", "a new day", "next day's interaction", "demo wiped",
    }  # fmt: skip
    assert must_change <= set(step.done)
    assert must_change - step.changed == set()


def test_a_restore_into_an_emptied_account_is_seen(
    cli: Cli, fixed_day: dt.date, tmp_path: Path
) -> None:
    owner = local_owner()
    load_network(owner, generate_network(people=30, seed=9, today=fixed_day))
    original = materialised(owner)
    out = io.StringIO()
    write_export(owner, out)
    path = tmp_path / "export.json"
    path.write_text(out.getvalue())
    for table in reversed(tables(include_derived=True)):
        if table.owned and table.label != "agenda.agendasnapshot":
            table.rows_of(owner).delete()
    do_ensure_me(owner)
    assert materialised(owner) == []
    assert stored(owner)
    do_restore(owner, path)
    restored = materialised(owner)
    assert restored == fresh(owner)
    assert restored == original


def test_a_write_during_a_build_is_not_hidden_by_it(cli: Cli, fixed_day: dt.date) -> None:
    owner = local_owner()
    load_network(owner, generate_network(people=30, seed=9, today=fixed_day))
    token = snapshot.begin(owner, fixed_day, 7)
    items = _computed(owner, fixed_day, 7, 0, snapshot.HINTED).items
    _, person = first_item(items, "checkin")
    cli("log", f"#{person}", "call")  # lands while the build above "computes"
    assert not snapshot.store(owner, token, items)
    assert not stored(owner)
    assert materialised(owner) == fresh(owner)
    assert stored(owner)


def first_item(items: list[Item], kind: str) -> tuple[str, int]:
    for item in items:
        if item.candidate.kind == kind:
            return item.id, item.candidate.person_id
    raise AssertionError(kind)


def test_owners_snapshots_are_their_own(cli: Cli, fixed_day: dt.date) -> None:
    owner = local_owner()
    load_network(owner, generate_network(people=30, seed=9, today=fixed_day))
    bob = get_user_model().objects.create_user("bob", "bob@example.org", "pw")
    do_ensure_me(bob, "Bob")
    cli("add", "Dana Whitfield")
    materialised(owner), materialised(bob)
    # bob's write leaves the local owner's snapshot alone, and the other way round
    dana_b = Person.objects.create(owner=bob, full_name="Bob's Dana", name_key="bobs dana")
    assert stored(owner) and not stored(bob)
    materialised(bob)
    cli("log", "Dana", "call")
    assert stored(bob) and not stored(owner)
    assert dana_b.pk


@pytest.mark.parametrize("label", list(snapshot.FED_BY))
def test_every_fed_by_table_has_its_triggers(db: None, label: str) -> None:
    table = snapshot._table(label)
    names = snapshot.installed_triggers()
    ops = {"upd", "del"} | ({"trunc"} if connection.vendor == "postgresql" else set())
    # SQLite leaves out the INSERTs of tables that bulk writers fill row by row
    # (snapshot.SQLITE_UNTRIGGERED_INSERTS): signals cover those
    if connection.vendor == "postgresql" or label not in snapshot.SQLITE_UNTRIGGERED_INSERTS:
        ops.add("ins")
    every = {f"{snapshot.PREFIX}_{table}_{op}" for op in ("ins", "upd", "del", "trunc")}
    assert names & every == {f"{snapshot.PREFIX}_{table}_{op}" for op in ops}
