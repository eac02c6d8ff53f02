"""A read built with the ORM and compiled to SQL once, then run with other values.

Composing a query through the ORM (filters, joins, the compiler) costs about half a
millisecond of CPU; running a small indexed one on SQLite costs a tenth of that. The
Person page runs a dozen of them on every visit, each the same statement for another
person, and composing them was the larger part of its time (issue 20). `Prepared`
keeps the statement: the queryset is built once per thread with stand-in values,
compiled, and the stand-ins' places among its parameters remembered; each call puts
the real values there, runs the SQL and converts the columns as Django would (dates,
booleans, JSON). The query stays written in the ORM, so it reads the same, is the
same on SQLite and PostgreSQL, and `CaptureQueriesContext` still sees it run.

For querysets of a model's own fields, values() and values_list(), whose
parameters are ids and dates (anything else is part of the statement: a LIMIT, a
fixed status)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
)

Arg = int | dt.date
_Row = TypeVar("_Row")

# Stand-ins no real query names: negative ids (within every backend's integer range,
# where Django 5 drops an out-of-range lookup from the SQL) and days long past.
_INT_BASE = -7_000_001
_DAY_BASE = dt.date(1901, 2, 3)
# The ids a database can hold (64 bits, SQLite's and PostgreSQL's bigint).
_MIN_ID, _MAX_ID = -(2**63), 2**63 - 1


def _stand_in(arg: Arg, k: int) -> Arg:
    if isinstance(arg, dt.date):  # (a datetime is a date: not a supported value)
        if isinstance(arg, dt.datetime):
            raise TypeError("Prepared takes ids and dates, not datetimes")
        return _DAY_BASE + dt.timedelta(days=k)
    if isinstance(arg, bool) or not isinstance(arg, int):
        raise TypeError(f"Prepared takes ids and dates, not {type(arg).__name__}")
    return _INT_BASE - k


class _Statement:
    """One thread's compiled statement: the SQL, its parameters, where each argument
    goes (and whether as the date's ISO text, as SQLite's backend passes a date), and
    the compiler, which converts the columns for this thread's connection."""

    def __init__(self, qs: QuerySet[Any, Any], stand_ins: list[Arg]) -> None:
        query = qs.query
        self.compiler = query.get_compiler(qs.db)
        sql, params = self.compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        # (position, argument, how it is passed: as it is, as the date's ISO text, or
        # in the type the backend wrapped it in, psycopg's Int4 for an expression's)
        self.slots: list[tuple[int, int, Callable[[Any], Any] | None]] = []
        for pos, value in enumerate(self.params):
            for k, stand_in in enumerate(stand_ins):
                if isinstance(stand_in, dt.date):
                    if type(value) is dt.date and value == stand_in:
                        self.slots.append((pos, k, None))
                    elif value == stand_in.isoformat():
                        self.slots.append((pos, k, dt.date.isoformat))
                elif isinstance(value, int) and not isinstance(value, bool) and value == stand_in:
                    self.slots.append((pos, k, None if type(value) is int else type(value)))
        missing = set(range(len(stand_ins))) - {k for _pos, k, _how in self.slots}
        if missing:
            raise ValueError(f"arguments {sorted(missing)} are not parameters of the query")
        self.fields = [s[0] for s in self.compiler.select[0 : self.compiler.col_count]]
        self.converters = self.compiler.get_converters(self.fields)
        self.kind = qs._iterable_class
        self.model: Any = None
        if self.kind is ModelIterable:
            # the model's own columns only, as ModelIterable makes its instances
            info = self.compiler.klass_info
            if not info or info.get("related_klass_infos") or self.compiler.annotation_col_map:
                raise TypeError("Prepared reads a model's own fields, no related or extra ones")
            self.model = info["model"]
            self.attnames = [s[0].target.attname for s in self.compiler.select]
        elif self.kind not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
            raise TypeError("Prepared reads models, values() or values_list() querysets")
        self.db = qs.db
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.connection = connections[qs.db]

    def run(self, args: tuple[Arg, ...]) -> list[Any]:
        params = list(self.params)
        for pos, k, how in self.slots:
            params[pos] = args[k] if how is None else how(args[k])
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: Any = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.model is not None:
            return [self.model.from_db(self.db, self.attnames, row) for row in rows]
        if self.kind is ValuesIterable:
            names = self.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        if self.kind is FlatValuesListIterable:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]


class Prepared(Generic[_Row]):
    """`build(*args)` as a list of rows, the queryset composed and compiled once per
    thread (each has its own connection) and run again with each call's `args`:
    ids and dates, every one of which must reach the SQL as a parameter.

    `build` must make the same statement whatever the values (no branching on them,
    no `__in` lists whose length varies): it is called with stand-ins only."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build
        self.local = threading.local()

    def __call__(self, *args: Arg) -> list[_Row]:
        if any(isinstance(a, int) and not _MIN_ID <= a <= _MAX_ID for a in args):
            # no row has such an id (Django's own lookups find nothing for one; the
            # database would refuse it as a parameter): /people/99999999999999999999/
            return []
        key = tuple(type(a) for a in args)
        statements: dict[tuple[type, ...], _Statement] | None = getattr(
            self.local, "statements", None
        )
        if statements is None:
            statements = self.local.statements = {}
        statement = statements.get(key)
        if statement is None:
            stand_ins = [_stand_in(a, k) for k, a in enumerate(args)]
            statement = statements[key] = _Statement(self.build(*stand_ins), stand_ins)
        elif statement.connection is not connections[statement.connection.alias]:
            # (a thread's connection object is its own for life; a test may swap it)
            stand_ins = [_stand_in(a, k) for k, a in enumerate(args)]
            statement = statements[key] = _Statement(self.build(*stand_ins), stand_ins)
        return statement.run(args)
