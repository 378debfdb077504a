"""Statements compiled once: a queryset built with `slot`s where its per-call values go,
compiled on its first run per database connection and shape, then run with the values bound.

Django builds and compiles a queryset anew on every evaluation; for the statements a decision
locks with (issue 22) that was half of the request's CPU. Prepared statements (psycopg's
server-side binding) cache the database's plan, not Django's Python work, and no maintained
library caches a parameterised queryset's compiled SQL, hence this module.

The builder receives only the shape, so the SQL cannot depend on anything else: every value
that varies between calls must be a `slot`, and everything that changes the statement's
structure (how many paths a scope has, whether a quarter is given...) must be in the shape.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Field, Model, QuerySet, prefetch_related_objects
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Bound:
    """Where a slot's value goes among a compiled statement's parameters."""

    name: str
    field: Field[Any, Any]

    def prepared(self, values: Mapping[str, object], connection: BaseDatabaseWrapper) -> Any:
        return self.field.get_db_prep_value(values[self.name], connection, prepared=False)


class Slot(Expression):
    """A value given when the statement runs, as a parameter of its SQL."""

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Bound(self.name, self.output_field)]


def slot(name: str, field: Field[Any, Any]) -> Any:
    """A `Slot` named `name`, typed `Any` so that it goes wherever the builders of a queryset
    take a value (a filter's right-hand side; not Python logic on the value)."""
    return Slot(name, field)


@dataclass
class _Compiled:
    sql: str
    params: list[Any]  # constants and `_Bound` slots
    compiler: SQLCompiler | None  # None: the statement matches no row whatever the values
    prefetch: tuple[Any, ...]
    locks: bool
    # How rows become instances, worked out once from the compiler (as Django's ModelIterable
    # does for every queryset it runs): the converters, the model's slice of each row and its
    # attribute names, the related instances' populators, the annotations' positions.
    converters: dict[int, Any] = dataclasses.field(init=False, default_factory=dict)
    own: slice = dataclasses.field(init=False, default_factory=lambda: slice(0))
    init_list: list[str] = dataclasses.field(init=False, default_factory=list)
    populators: list[Any] = dataclasses.field(init=False, default_factory=list)
    annotations: list[tuple[str, int]] = dataclasses.field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        compiler = self.compiler
        if compiler is None:
            return
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        if klass_info is None:  # values_list: rows, not instances
            return
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.own = slice(start, end)
        self.init_list = [f[0].target.attname for f in select[start:end]]
        self.populators = get_related_populators(klass_info, select, compiler.connection.alias)
        self.annotations = list(compiler.annotation_col_map.items())

    def fetch(self, values: Mapping[str, object], connection: BaseDatabaseWrapper) -> list[Any]:
        """The rows with the values bound, each column converted as Django converts it."""
        if self.locks and not connection.in_atomic_block:
            raise transaction.TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        compiler = self.compiler
        if compiler is None:
            return []
        params: list[Any] = [
            p.prepared(values, connection) if isinstance(p, _Bound) else p for p in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: list[Any] = cursor.fetchall()
        if self.converters:
            rows = list(compiler.apply_converters(rows, self.converters))
        return rows

    def run(self, values: Mapping[str, object], connection: BaseDatabaseWrapper) -> list[Any]:
        """The instances, as Django's ModelIterable builds a queryset's from its rows."""
        rows = self.fetch(values, connection)
        if not rows:
            return []
        klass_info = self.compiler.klass_info if self.compiler is not None else None
        assert klass_info is not None
        model, own, init_list = klass_info["model"], self.own, self.init_list
        found = []
        for row in rows:
            obj = model.from_db(connection.alias, init_list, row[own])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        if self.prefetch:
            prefetch_related_objects(found, *self.prefetch)
        return found


class Statement(Generic[M]):
    """A queryset `build(shape)` makes with `slot`s, compiled once per connection and shape."""

    def __init__(self, build: Callable[[Hashable], QuerySet[M, Any]]) -> None:
        self._build = build
        self._compiled: WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Compiled]] = (
            WeakKeyDictionary()
        )

    def _compile(self, shape: Hashable, connection: BaseDatabaseWrapper) -> _Compiled:
        queryset = self._build(shape)
        compiler = queryset.query.get_compiler(connection=connection)
        prefetch = tuple(queryset._prefetch_related_lookups)  # type: ignore[attr-defined]
        locks = queryset.query.select_for_update
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled("", [], None, prefetch, locks)
        return _Compiled(sql, list(params), compiler, prefetch, locks)

    def _compiled_for(self, shape: Hashable, connection: BaseDatabaseWrapper) -> _Compiled:
        compiled = self._compiled.setdefault(connection, {})
        if shape not in compiled:
            compiled[shape] = self._compile(shape, connection)
        return compiled[shape]

    def rows(
        self, shape: Hashable, values: Mapping[str, object], using: str = "default"
    ) -> list[M]:
        """The instances the statement of this shape finds with these values bound."""
        connection = connections[using]
        return self._compiled_for(shape, connection).run(values, connection)

    def tuples(
        self, shape: Hashable, values: Mapping[str, object], using: str = "default"
    ) -> list[Sequence[Any]]:
        """The rows of a `values_list` statement of this shape with these values bound, each a
        sequence of its columns."""
        connection = connections[using]
        return self._compiled_for(shape, connection).fetch(values, connection)
