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

For values() and values_list() querysets whose parameters are ids and dates
(anything else is part of the statement: a LIMIT, a fixed status)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable

Arg = int | dt.date
_Row = TypeVar("_Row")

# Stand-ins no real query names: negative ids (within every backend's integer range,
# where Django 5 drops an out-of-range lookup from the SQL) and days long past.
_INT_BASE = -7_000_001
_DAY_BASE = dt.date(1901, 2, 3)


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
        self.slots: list[tuple[int, int, bool]] = []
        for pos, value in enumerate(self.params):
            for k, stand_in in enumerate(stand_ins):
                if type(value) is type(stand_in) and value == stand_in:
                    self.slots.append((pos, k, False))
                elif isinstance(stand_in, dt.date) and value == stand_in.isoformat():
                    self.slots.append((pos, k, True))
        missing = set(range(len(stand_ins))) - {k for _pos, k, _iso in self.slots}
        if missing:
            raise ValueError(f"arguments {sorted(missing)} are not parameters of the query")
        self.fields = [s[0] for s in self.compiler.select[0 : self.compiler.col_count]]
        self.converters = self.compiler.get_converters(self.fields)
        self.kind = qs._iterable_class
        if self.kind not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
            raise TypeError("Prepared reads values() or values_list() querysets")
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.connection = connections[qs.db]

    def run(self, args: tuple[Arg, ...]) -> list[Any]:
        params = list(self.params)
        for pos, k, iso in self.slots:
            value = args[k]
            params[pos] = value.isoformat() if iso else value  # type: ignore[union-attr]
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: Any = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
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
