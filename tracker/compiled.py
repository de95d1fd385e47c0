"""Queries the ORM writes once and runs many times (issue 13).

Django writes a query's SQL afresh for every request. For the few queries on every
page (the access gate, a page of the clinician's panel) writing it cost more than the
database spent running it: the gate's query (four tables, its subquery of links) took
about 1.2 ms to write and 0.3 ms to run on SQLite.

`compile_query` builds such a query once, with stand-in values (`Standins`: numbers,
dates and words no request has), compiles it, and records where each stand-in's value
went among the parameters. `Compiled` then runs the same SQL with each request's own
values bound there, and turns the rows into what the ORM gives: model instances with
their `select_related` objects and annotations, or the `values()` dicts, converted by
the same converters. The database still runs the query every time; only the writing of
it is saved.

A stand-in that cannot be found exactly where expected (a value written into the SQL
itself, or one changed on its way: a date turned into a range, a number folded into an
expression) means the query is not compiled: `compile_query` answers None, and the
caller builds the query for each request as usual. Tests compare both ways' results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

# Numbers no database row has, one per stand-in of a query (and per item of a list).
_FIRST_NUMBER = -(2**61) + 17


@dataclass(frozen=True)
class Standin:
    """A stand-in's name, its kind (int; ints: a list of them, of a given length; date;
    like: a word searched for inside a text, by `contains` or `startswith`) and the
    value it stands with."""

    name: str
    kind: str
    value: Any


def standins(**kinds: str) -> dict[str, Standin]:
    """Stand-ins for the names given with their kinds: `standins(user="int")`; a list
    of 8 numbers is `ids="ints:8"`."""
    made, numbers = {}, iter(range(_FIRST_NUMBER, _FIRST_NUMBER + 2**20))
    for index, (name, kind) in enumerate(kinds.items()):
        if kind.startswith("ints:"):
            kind, length = "ints", int(kind.removeprefix("ints:"))
            value = tuple(next(numbers) for _ in range(length))
        elif kind == "int":
            value = next(numbers)
        elif kind == "date":
            value = dt.date(1, 2, 1 + index)
        elif kind == "like":
            value = f"qxstandin{index}xq"
        else:
            raise ValueError(f"unknown stand-in kind {kind!r}")
        made[name] = Standin(name, kind, value)
    return made


@dataclass
class Compiled:
    """A query's SQL, written once, and where each request's values go."""

    alias: str
    sql: str
    params: list[tuple]  # ("value", v), ("int", name, type), ("date", name), ("like", ...)
    converters: dict  # column position: (converters, expression), as Django applies them
    select: list  # the compiler's, for model instances
    klass_info: dict | None
    annotation_col_map: dict
    names: list[str]  # the columns' names, for values() dicts
    sliced: bool = False  # the SQL has its LIMIT (no row can be taken by offset)

    def rows(self, values: dict[str, Any], offset: int | None = None) -> list[list]:
        """The rows for these values (a value for each stand-in), converted; with an
        `offset`, only the row at that offset (a query compiled without a slice)."""
        connection = connections[self.alias]
        params = [self._bind(param, values, connection) for param in self.params]
        sql = self.sql
        if offset is not None:
            if self.sliced:
                raise ValueError("a sliced query's row cannot be taken by offset")
            sql, params = f"{sql} LIMIT 1 OFFSET %s", [*params, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for position, (converters, expression) in self.converters.items():
            for row in rows:
                value = row[position]
                for convert in converters:
                    value = convert(value, expression, connection)
                row[position] = value
        return rows

    def dicts(self, values: dict[str, Any], offset: int | None = None) -> list[dict]:
        """A `values()` query's rows, as the ORM gives them."""
        return [dict(zip(self.names, row, strict=True)) for row in self.rows(values, offset)]

    def instances(self, values: dict[str, Any]) -> list:
        """A model query's instances, as the ORM gives them (ModelIterable): with their
        select_related objects and their annotations."""
        rows = self.rows(values)
        if not rows:
            return []
        model = self.klass_info["model"]
        fields = self.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in self.select[start:end]]
        related = get_related_populators(self.klass_info, self.select, self.alias)
        found = []
        for row in rows:
            instance = model.from_db(self.alias, names, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            for name, position in self.annotation_col_map.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    @staticmethod
    def _bind(param: tuple, values: dict[str, Any], connection):
        match param:
            case ("value", value):
                return value
            case ("int", name, kind):
                return kind(values[name])
            case ("item", name, index, kind):
                return kind(values[name][index])
            case ("date", name):
                return connection.ops.adapt_datefield_value(values[name])
            case ("like", name, text, standin):
                return text.replace(standin, connection.ops.prep_for_like_query(values[name]))


def compile_query(queryset: QuerySet, given: dict[str, Standin]) -> Compiled | None:
    """`queryset`, built with the stand-ins' values, compiled once; None if a stand-in
    is not found exactly where expected, or the query selects nothing by construction
    (`none()`): build such a query for each request."""
    if queryset._iterable_class not in (ModelIterable, ValuesIterable):
        return None
    alias = queryset.db
    connection = connections[alias]
    query = queryset.query
    compiler = query.get_compiler(alias)
    try:
        sql, raw = compiler.as_sql()
    except EmptyResultSet:
        return None
    params, seen = [], set()
    dates = {
        s.name: connection.ops.adapt_datefield_value(s.value)
        for s in given.values()
        if s.kind == "date"
    }
    for value in raw:
        found = _place(value, given, dates)
        params.append(found)
        if found[0] == "item":
            seen.add((found[1], found[2]))
        elif found[0] != "value":
            seen.add(found[1])
    expected = set()
    for standin in given.values():
        if standin.kind == "ints":
            expected |= {(standin.name, index) for index in range(len(standin.value))}
        else:
            expected.add(standin.name)
    numbers = [v for s in given.values() for v in (s.value if s.kind == "ints" else [s.value])]
    written = [str(value) for value in numbers if str(value) in sql]
    written += [name for name, value in dates.items() if str(value) in sql]
    if seen != expected or written:
        return None
    columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
    return Compiled(
        alias=alias,
        sql=sql,
        params=params,
        converters=compiler.get_converters(columns),
        select=compiler.select,
        klass_info=compiler.klass_info,
        annotation_col_map=compiler.annotation_col_map or {},
        names=[*query.extra_select, *query.values_select, *query.annotation_select],
        sliced=query.is_sliced,
    )


def _place(value, given: dict[str, Standin], dates: dict[str, Any]) -> tuple:
    """Which stand-in a parameter carries, if any."""
    # An integer may come wrapped for its database type (psycopg's Int4 on PostgreSQL):
    # recognized by its value, and bound again in the same wrapping.
    number = isinstance(value, int) and not isinstance(value, bool)
    for standin in given.values():
        if standin.kind == "int" and number and value == standin.value:
            return ("int", standin.name, type(value))
        if standin.kind == "ints" and number and value in standin.value:
            return ("item", standin.name, standin.value.index(value), type(value))
        if standin.kind == "date":
            adapted = dates[standin.name]
            if value == adapted and type(value) is type(adapted):
                return ("date", standin.name)
        if standin.kind == "like" and isinstance(value, str) and standin.value in value:
            return ("like", standin.name, value, standin.value)
    return ("value", value)


class Shapes:
    """Compiled queries by shape (what decides the SQL's text: the database, the kind
    of user, the number of words...), each compiled on its first use; None is kept
    too, for a shape that cannot be compiled. Bounded: past `limit` shapes, new ones
    are compiled for each use and not kept."""

    def __init__(self, limit: int = 256):
        self.limit = limit
        self.known: dict[tuple, Compiled | None] = {}

    def get(self, shape: tuple, build) -> Compiled | None:
        """The shape's compiled query; `build()` gives it (compile_query's answer) the
        first time."""
        try:
            return self.known[shape]
        except KeyError:
            compiled = build()
            if len(self.known) < self.limit:
                self.known[shape] = compiled
            return compiled
