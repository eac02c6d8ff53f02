"""Write a simulated `Network` into the database for one owner.

Speed matters (a million interactions should load in seconds), so the big
tables are written with raw multi-row statements: `executemany` on SQLite and
COPY on PostgreSQL, with every value already in the form the backend stores.
Django's ORM would spend most of its time building model instances.

Values are adapted by hand the way Django would store them with USE_TZ=True:
on SQLite an instant is naive UTC text ("2026-03-01 14:05:00") and a date is
"YYYY-MM-DD"; on PostgreSQL instants carry an explicit "+00" offset.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone
from numpy.typing import NDArray

from troth.agenda.snapshot import drop
from troth.dbstats import analyze
from troth.errors import TrothError
from troth.interactions.models import Interaction
from troth.intros.models import Introduction, IntroStep
from troth.ledger.models import Commitment, Favor, Need
from troth.lib.text import fold
from troth.owners import me_person
from troth.people.models import (
    ContactPoint,
    Employment,
    Knows,
    Note,
    Organization,
    Person,
    Relationship,
    Tag,
)
from troth.people.search import bulk_writes
from troth.sim import names as words
from troth.sim.generate import (
    CHANNELS,
    FAVOR_KINDS,
    INITIATORS,
    INTRO_ROLES,
    INTRO_STATES,
    LAYERS,
    ME,
    NEED_STATUSES,
    NONE,
    PROMISE_STATUSES,
    Network,
)
from troth.sim.models import SimTruth

Progress = Callable[[str, int, int], None]

# Rows per executemany/COPY call: big enough to be fast, small enough that the
# progress bar moves and memory stays flat.
CHUNK = 100_000
# Above this many interactions SQLite loads faster without indexes, rebuilt after.
BULK_INDEX_ROWS = 50_000
_PERSONAL = frozenset(words.PERSONAL_DOMAINS)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def load_network(owner: Any, network: Network, progress: Progress | None = None) -> dict[str, int]:
    """Insert `network` for `owner` (who already has a "me" Person); return rows per table.

    Tags and organizations the owner already has (same name) are reused, so the
    counts for those two are of rows created. Runs in a savepoint of the
    caller's transaction (or its own transaction): it loads all or nothing.
    """
    with transaction.atomic(), bulk_writes():  # the search index: filled once at the end
        return _Loader(owner, network, progress).run()


class _Loader:
    def __init__(self, owner: Any, network: Network, progress: Progress | None) -> None:
        self.owner = owner
        self.owner_id = owner.pk
        self.net = network
        self.progress = progress
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise TrothError(f"the demo loader supports SQLite and PostgreSQL, not {self.vendor}")
        self.me_id = me_person(owner).pk
        now = timezone.now().astimezone(dt.UTC)
        self.now = now.strftime("%Y-%m-%d %H:%M:%S") + (
            "+00" if self.vendor == "postgresql" else ""
        )
        self.counts: dict[str, int] = {}

    # -- value adaptation ------------------------------------------------------------

    def instants(self, values: NDArray[np.datetime64]) -> list[str | None]:
        """UTC instants as the backend stores them; few distinct days and clock
        times, so format each once and glue (several times faster than datetime_as_string)."""
        if not len(values):
            return []
        nat = np.isnat(values)
        seconds = values.astype("datetime64[s]").astype(np.int64)
        seconds[nat] = 0
        day, clock = np.divmod(seconds, 86_400)
        days, day_at = np.unique(day, return_inverse=True)
        clocks, clock_at = np.unique(clock, return_inverse=True)
        suffix = "+00" if self.vendor == "postgresql" else ""
        day_text = np.array([str(d) for d in days.astype("datetime64[D]")], dtype=object)
        clock_text = np.array(
            [f" {c // 3600:02d}:{c // 60 % 60:02d}:{c % 60:02d}{suffix}" for c in clocks.tolist()],
            dtype=object,
        )
        out = day_text[day_at] + clock_text[clock_at]
        out[nat] = None
        return out.tolist()

    @staticmethod
    def dates(values: NDArray[np.datetime64]) -> list[str | None]:
        if not len(values):
            return []
        nat = np.isnat(values)
        text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").astype(object)
        text[nat] = None
        return text.tolist()

    @staticmethod
    def ids(lookup: NDArray[np.int64], index: NDArray[np.int64]) -> list[int | None]:
        """Map person/need indices (with ME and NONE) to database ids."""
        out = lookup[np.where(index < 0, 0, index)].astype(object)
        out[index == NONE] = None
        return out.tolist()

    # -- writing ---------------------------------------------------------------------

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def insert(
        self,
        stage: str,
        model: type[models.Model],
        names: Sequence[str],
        rows: Iterable[Sequence[Any]],
        total: int,
    ) -> None:
        """Append rows to a model's table, in chunks so progress can be shown."""
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(_column(model, n)) for n in names)
        iterator = iter(rows)
        done = 0
        self.report(stage, 0, total)
        with connection.cursor() as cursor:
            while done < total:
                chunk = list(itertools.islice(iterator, CHUNK))
                if not chunk:
                    break
                if self.vendor == "postgresql":
                    # COPY is several times faster than INSERT on PostgreSQL
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(names))
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", chunk)
                done += len(chunk)
                self.report(stage, done, total)
        self.counts[stage] = self.counts.get(stage, 0) + done

    def insert_returning_ids(
        self,
        stage: str,
        model: type[models.Model],
        names: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> NDArray[np.int64]:
        """Insert rows and return their new ids in row order."""
        if not rows:
            self.counts[stage] = self.counts.get(stage, 0)
            return np.zeros(0, dtype=np.int64)
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(_column(model, n)) for n in names)
        owner_column = quote(_column(model, "owner"))
        row_marks = "(" + ", ".join(["%s"] * len(names)) + ")"
        ids: list[int] = []
        self.report(stage, 0, len(rows))
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # We hold SQLite's write lock from the first INSERT to the commit and
                # ids come from AUTOINCREMENT, so our rows are the owner's newest ids.
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_marks}", rows)
                cursor.execute(
                    f"SELECT id FROM {table} WHERE {owner_column} = %s ORDER BY id DESC LIMIT %s",
                    [self.owner_id, len(rows)],
                )
                ids = [r[0] for r in cursor.fetchall()][::-1]
                self.report(stage, len(ids), len(rows))
            else:
                # PostgreSQL allows 65,535 parameters a statement; RETURNING follows VALUES order.
                per = max(1, 60_000 // len(names))
                for start in range(0, len(rows), per):
                    batch = rows[start : start + per]
                    values = ", ".join([row_marks] * len(batch))
                    params = [v for row in batch for v in row]
                    cursor.execute(
                        f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING id", params
                    )
                    ids.extend(r[0] for r in cursor.fetchall())
                    self.report(stage, len(ids), len(rows))
        if len(ids) != len(rows):
            raise RuntimeError(f"inserted {len(rows)} {stage} but found {len(ids)} ids")
        self.counts[stage] = self.counts.get(stage, 0) + len(rows)
        return np.asarray(ids, dtype=np.int64)

    @contextlib.contextmanager
    def indexes_rebuilt_after(self, model: type[models.Model], rows: int) -> Iterator[None]:
        """On SQLite, drop a table's indexes for a big insert and build them after.

        Keeping five indexes up to date row by row costs SQLite about twice the
        insert itself; building them once from sorted data is much cheaper. DDL is
        transactional in SQLite, so if the load fails the rollback restores them.
        """
        if self.vendor != "sqlite" or rows < BULK_INDEX_ROWS:
            yield
            return
        if not connection.in_atomic_block:  # pragma: no cover - load_network always opens one
            raise RuntimeError("indexes may only be dropped inside a transaction")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [model._meta.db_table],
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        yield
        self.report("interaction indexes", 0, len(indexes))
        with connection.cursor() as cursor:
            for done, (_name, sql) in enumerate(indexes, 1):
                cursor.execute(sql)
                self.report("interaction indexes", done, len(indexes))

    # -- tables ----------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.tags()
        self.organizations()
        self.people()
        self.person_details()
        self.knows()
        self.interactions()
        self.needs()
        self.ledger()
        self.introductions()
        # Raw inserts past the ORM: the stored agenda goes (troth.agenda.snapshot).
        drop(self.owner)
        # COPY leaves PostgreSQL's planner without statistics (troth.dbstats).
        analyze(
            [Person, ContactPoint, Employment, Knows, Interaction, Need, Favor, Commitment,
             Introduction, IntroStep, Relationship, Note, Tag, Organization],
            rows=sum(self.counts.values()),
        )  # fmt: skip
        return self.counts

    def tags(self) -> None:
        existing = dict(
            Tag.objects.filter(owner=self.owner, name__in=self.net.tags).values_list("name", "id")
        )
        missing = [t for t in self.net.tags if t not in existing]
        new = self.insert_returning_ids(
            "tags", Tag, ["owner", "name"], [(self.owner_id, t) for t in missing]
        )
        existing.update(zip(missing, new.tolist(), strict=True))
        self.tag_ids = np.array([existing[t] for t in self.net.tags], dtype=np.int64)

    def organizations(self) -> None:
        keys = [fold(name) for name in self.net.org_names]
        existing = dict(
            Organization.objects.filter(owner=self.owner, name_key__in=keys).values_list(
                "name_key", "id"
            )
        )
        missing = [
            (name, key)
            for name, key in zip(self.net.org_names, keys, strict=True)
            if key not in existing
        ]
        new = self.insert_returning_ids(
            "organizations",
            Organization,
            ["owner", "name", "name_key", "created_at"],
            [(self.owner_id, name, key, self.now) for name, key in missing],
        )
        existing.update(zip([key for _, key in missing], new.tolist(), strict=True))
        self.org_ids = np.array([existing[k] for k in keys], dtype=np.int64)

    def people(self) -> None:
        net = self.net
        rows = [
            (self.owner_id, full, given, family, fold(full), False, "", self.now, self.now)
            for full, given, family in zip(
                net.full_name, net.given_name, net.family_name, strict=True
            )
        ]
        ids = self.insert_returning_ids(
            "people",
            Person,
            [
                "owner",
                "full_name",
                "given_name",
                "family_name",
                "name_key",
                "is_me",
                "photo_type",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        # index -1 (ME) maps to the owner's own Person: lookup[index] with ME -> last slot
        self.person_ids = ids
        self.person_lookup = np.append(ids, self.me_id)

    def pid(self, index: NDArray[np.int64]) -> list[int | None]:
        return self.ids(self.person_lookup, np.where(index == ME, len(self.person_ids), index))

    def person_details(self) -> None:
        net, owner, now = self.net, self.owner_id, self.now
        n = net.people
        pids = self.person_ids.tolist()

        closeness = net.closeness.astype(object)
        closeness[net.closeness == 0] = None
        self.insert(
            "relationships",
            Relationship,
            [
                "owner",
                "person",
                "met_how",
                "met_on",
                "met_through",
                "closeness",
                "archived",
                "created_at",
            ],
            zip(
                itertools.repeat(owner),
                pids,
                net.met_how,
                self.dates(net.met_on),
                self.pid(net.met_through),
                closeness.tolist(),
                itertools.repeat(False),
                itertools.repeat(now),
            ),
            n,
        )

        employed = np.flatnonzero(net.company >= 0)
        self.insert(
            "employments",
            Employment,
            ["owner", "person", "organization", "title", "is_current"],
            (
                (owner, pids[i], int(self.org_ids[net.company[i]]), net.title[i], True)
                for i in employed.tolist()
            ),
            len(employed),
        )

        points: list[tuple[Any, ...]] = []
        for i in range(n):
            if net.email[i]:
                email = net.email[i].lower()
                label = "personal" if email.rpartition("@")[2] in _PERSONAL else "work"
                points.append((owner, pids[i], ContactPoint.EMAIL, email, label, True))
            if net.phone[i]:
                points.append((owner, pids[i], ContactPoint.PHONE, net.phone[i], "mobile", True))
        self.insert(
            "contact_points",
            ContactPoint,
            ["owner", "person", "kind", "value", "label", "is_primary"],
            points,
            len(points),
        )

        through = Person.tags.through
        self.insert(
            "person_tags",
            through,
            ["person", "tag"],
            zip(
                self.person_ids[net.person_tag_person].tolist(),
                self.tag_ids[net.person_tag_tag].tolist(),
                strict=True,
            ),
            len(net.person_tag_person),
        )

        layer_names = np.array(LAYERS, dtype=object)[net.layer]
        self.insert(
            "sim_truth",
            SimTruth,
            ["owner", "person", "strength", "reliability", "layer", "went_cold"],
            zip(
                itertools.repeat(owner),
                pids,
                net.strength.tolist(),
                net.reliability.tolist(),
                layer_names.tolist(),
                net.went_cold.tolist(),
            ),
            n,
        )

        self.insert(
            "notes",
            Note,
            ["owner", "person", "text", "created_at"],
            zip(
                itertools.repeat(owner),
                self.pid(net.note_person),
                net.note_text,
                self.instants(net.note_at),
            ),
            len(net.note_person),
        )

    def knows(self) -> None:
        net = self.net
        a = self.person_ids[net.knows_a]
        b = self.person_ids[net.knows_b]
        lo, hi = np.minimum(a, b), np.maximum(a, b)  # the table stores the lower id first
        self.insert(
            "knows",
            Knows,
            ["owner", "person_a", "person_b", "source", "strength", "created_at"],
            zip(
                itertools.repeat(self.owner_id),
                lo.tolist(),
                hi.tolist(),
                itertools.repeat("sim"),
                net.knows_strength.tolist(),
                itertools.repeat(self.now),
            ),
            len(lo),
        )

    def interactions(self) -> None:
        net = self.net
        total = len(net.ix_person)
        duration = net.ix_duration.astype(object)
        duration[net.ix_duration <= 0] = None
        rows: Iterator[tuple[Any, ...]] = zip(
            itertools.repeat(self.owner_id),
            self.person_ids[net.ix_person].tolist(),
            self.instants(net.ix_at),
            np.array(CHANNELS, dtype=object)[net.ix_channel].tolist(),
            np.array(INITIATORS, dtype=object)[net.ix_initiator].tolist(),
            duration.tolist(),
            np.array(net.summaries, dtype=object)[net.ix_summary].tolist(),
            itertools.repeat("sim"),
            self.group_ids(),
            itertools.repeat(self.now),
        )
        with self.indexes_rebuilt_after(Interaction, total):
            self.insert(
                "interactions",
                Interaction,
                [
                    "owner",
                    "person",
                    "occurred_at",
                    "channel",
                    "initiated_by",
                    "duration_minutes",
                    "summary",
                    "source",
                    "external_id",
                    "created_at",
                ],
                rows,
                total,
            )

    def group_ids(self) -> Iterator[str]:
        """Each interaction's external_id: the rows of one simulated message or
        meeting share one (how troth stores co-recipients), the rest have none."""
        group = self.net.ix_group
        if group is None:
            return itertools.repeat("")
        return (f"sim-{g}" if g >= 0 else "" for g in group.tolist())

    def needs(self) -> None:
        net = self.net
        rows = list(
            zip(
                itertools.repeat(self.owner_id),
                self.pid(net.need_person),
                net.need_what,
                self.dates(net.need_noted),
                self.dates(net.need_expires),
                [NEED_STATUSES[s] for s in net.need_status.tolist()],
                self.pid(net.need_met_by),
                self.instants(net.need_closed_at),
                itertools.repeat(self.now),
            )
        )
        self.need_ids = self.insert_returning_ids(
            "needs",
            Need,
            [
                "owner",
                "person",
                "what",
                "noted_on",
                "expires_on",
                "status",
                "met_by",
                "closed_at",
                "created_at",
            ],
            rows,
        )
        self.insert(
            "need_tags",
            Need.tags.through,
            ["need", "tag"],
            zip(
                self.need_ids[net.need_tag_need].tolist(),
                self.tag_ids[net.need_tag_tag].tolist(),
                strict=True,
            ),
            len(net.need_tag_need),
        )

    def ledger(self) -> None:
        net, owner, now = self.net, self.owner_id, self.now
        self.insert(
            "favors",
            Favor,
            [
                "owner",
                "giver",
                "receiver",
                "kind",
                "given_on",
                "what",
                "need",
                "thanked_on",
                "created_at",
            ],
            zip(
                itertools.repeat(owner),
                self.pid(net.favor_giver),
                self.pid(net.favor_receiver),
                [FAVOR_KINDS[k] for k in net.favor_kind.tolist()],
                self.dates(net.favor_on),
                net.favor_what,
                self.ids(self.need_ids, net.favor_need)
                if len(self.need_ids)
                else [None] * len(net.favor_need),
                self.dates(net.favor_thanked_on),
                itertools.repeat(now),
            ),
            len(net.favor_giver),
        )
        self.insert(
            "commitments",
            Commitment,
            [
                "owner",
                "debtor",
                "creditor",
                "what",
                "made_on",
                "due_on",
                "status",
                "status_changed_at",
                "created_at",
            ],
            zip(
                itertools.repeat(owner),
                self.pid(net.promise_debtor),
                self.pid(net.promise_creditor),
                net.promise_what,
                self.dates(net.promise_made),
                self.dates(net.promise_due),
                [PROMISE_STATUSES[s] for s in net.promise_status.tolist()],
                self.instants(net.promise_changed_at),
                itertools.repeat(now),
            ),
            len(net.promise_debtor),
        )

    def introductions(self) -> None:
        net = self.net
        self.insert(
            "introductions",
            Introduction,
            [
                "owner",
                "role",
                "introducer",
                "person_a",
                "person_b",
                "why",
                "state",
                "outcome",
                "created_at",
                "updated_at",
                "a_asked",
            ],
            zip(
                itertools.repeat(self.owner_id),
                [INTRO_ROLES[r] for r in net.intro_role.tolist()],
                self.pid(net.intro_introducer),
                self.pid(net.intro_a),
                self.pid(net.intro_b),
                net.intro_why,
                [INTRO_STATES[s] for s in net.intro_state.tolist()],
                itertools.repeat(""),
                self.instants(net.intro_created),
                self.instants(net.intro_updated),
                # "{a} asked for someone who knows ...": A asked, so A's opt-in is given
                [" asked for someone" in why for why in net.intro_why],
            ),
            len(net.intro_role),
        )
        self.intro_steps()

    def intro_steps(self) -> None:
        """Each simulated introduction's story: the legal steps from its start to where it
        stands, spread between when it began and when it last moved, with what each says
        about who acted (so `troth intro ID` and the trust score see the same history)."""
        from troth.intros import flow

        rows = []
        todo = Introduction.objects.filter(owner_id=self.owner_id, steps__isnull=True)
        for intro in todo.select_related("person_a", "person_b", "introducer"):
            path = _legal_path(intro.role, intro.state)
            if path is None:
                continue
            span = intro.updated_at - intro.created_at
            who = {"a": intro.person_a, "b": intro.person_b, "introducer": intro.introducer}
            for k, state in enumerate(path):
                old = path[k - 1] if k else ""
                conduct = flow.conduct(intro.role, old, state) if old else None
                person, good = None, None
                if conduct is not None and conduct.who in who and not who[conduct.who].is_me:
                    person, good = who[conduct.who], conduct.good
                at = intro.created_at + span * (k / max(1, len(path) - 1))
                rows.append(
                    IntroStep(
                        owner_id=self.owner_id,
                        intro=intro,
                        from_state=old,
                        state=state,
                        note="",
                        at=at,
                        person=person,
                        good=good,
                    )
                )
        IntroStep.objects.bulk_create(rows, batch_size=500)
        self.counts["introduction steps"] = self.counts.get("introduction steps", 0) + len(rows)


def _legal_path(role: str, state: str) -> list[str] | None:
    """The shortest run of legal steps from the role's start to `state` (None if none)."""
    from troth.intros import flow

    start = flow.START[role]
    paths = {start: [start]}
    queue = [start]
    while queue:
        here = queue.pop(0)
        if here == state:
            return paths[here]
        for nxt in flow.next_states(role, here):
            if nxt not in paths:
                paths[nxt] = [*paths[here], nxt]
                queue.append(nxt)
    return None
