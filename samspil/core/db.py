"""Database helpers shared by the apps."""

import copy
from collections import OrderedDict
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, models


class JoinedText(models.Aggregate):
    """Text values joined with a separator: PostgreSQL STRING_AGG, SQLite GROUP_CONCAT (order not defined).

    Lets one query carry a short list of names (a consent's departments, a user's roles) beside each row instead
    of a second query for them.
    """

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s, %(separator)s)"
    allow_distinct = True
    output_field = models.TextField()

    def __init__(self, expression, *, separator: str = ",", **extra):
        if any(char in separator for char in "'\\%"):
            raise ValueError("the separator is written into the SQL: no quotes or backslashes")
        super().__init__(expression, separator=f"'{separator}'", **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)

    @staticmethod
    def split(value: str | None, separator: str = ",") -> list[str]:
        return [part for part in (value or "").split(separator) if part]


# --- queries compiled once --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    """A value that changes between runs of a precompiled query (`precompiled_rows`): the value of this run, two
    distinct stand-ins of the same type to find where it lands in the SQL's parameters, and the model field that
    turns it into a parameter (as the query's own lookup does)."""

    value: object
    stand_in_a: object
    stand_in_b: object
    field: models.Field

    def param(self, value, connection):
        return self.field.get_db_prep_value(value, connection, prepared=False)


_UNCACHED = object()
PRECOMPILED_PER_CONNECTION = 256


def precompiled_rows(build, *, key: tuple, variables: dict[str, Variable], using: str = DEFAULT_DB_ALIAS) -> list:
    """The model instances of `build(values)`, with the SQL compiled once per `key` and database connection.

    Building and compiling a query with many subqueries (a pathway page's rights and figures) cost more Python time
    than the database spent on it. `build` is called with a stand-in for each variable, twice (`stand_in_a`, then
    `stand_in_b`); the SQL text must be the same and the parameters may differ only where the stand-ins land.
    Anything else that differs between the two builds (a clock read inside `build`) makes the key uncached: the
    query is then built each time, as without this. Later runs put this run's values in those places and execute
    the kept SQL with the kept compiler's column map (a copy per run), so Django makes the instances, related
    objects and annotations as usual. A variable's value must reach the SQL only as itself: choose stand-ins far
    apart (other days, other hours), so that anything `build` derives from one (the date of a moment, a day later)
    differs between the two builds without being a stand-in, and the key is not cached rather than kept wrong. `key` must name everything else the SQL depends on (the user, the day, the
    annotations asked for); the cache is per connection (so per thread) and emptied when a setting changes.
    """
    connection = connections[using]
    cache = connection.__dict__.setdefault("_samspil_precompiled", OrderedDict())
    entry = cache.get(key)
    if entry is None:
        entry = _precompile(build, variables, connection, using)
        cache[key] = entry
        while len(cache) > PRECOMPILED_PER_CONNECTION:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    if entry is _UNCACHED:
        return list(build({name: variable.value for name, variable in variables.items()}))
    queryset, compiler, sql, params, places = entry
    run_params = list(params)
    for index, name in places:
        run_params[index] = variables[name].param(variables[name].value, connection)
    run = copy.copy(compiler)
    run.as_sql = lambda *args, **kwargs: (sql, tuple(run_params))
    chained = queryset._chain()
    chained.query.get_compiler = lambda *args, **kwargs: run
    return list(chained)


def _precompile(build, variables: dict[str, Variable], connection, using: str):
    first = build({name: variable.stand_in_a for name, variable in variables.items()})
    compiler = first.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    second_sql, second_params = (
        build({name: v.stand_in_b for name, v in variables.items()}).query.get_compiler(using=using).as_sql()
    )
    if sql != second_sql or len(params) != len(second_params):
        return _UNCACHED
    a = {name: variable.param(variable.stand_in_a, connection) for name, variable in variables.items()}
    b = {name: variable.param(variable.stand_in_b, connection) for name, variable in variables.items()}
    stand_ins = [*a.values(), *b.values()]
    if len({repr(value) for value in stand_ins}) != len(stand_ins):
        raise ValueError("each variable of a precompiled query needs stand-ins of its own")
    places = []
    for index, (in_first, in_second) in enumerate(zip(params, second_params, strict=True)):
        if in_first == in_second:
            continue
        name = next((name for name in variables if in_first == a[name] and in_second == b[name]), None)
        if name is None:  # something else changed between the two builds
            return _UNCACHED
        places.append((index, name))
    if {name for _, name in places} != set(variables):
        return _UNCACHED
    return first, compiler, sql, tuple(params), tuple(places)


def clear_precompiled(**kwargs) -> None:
    """Forget every precompiled query (a setting changed: the SQL may depend on it)."""
    for connection in connections.all(initialized_only=True):
        connection.__dict__.pop("_samspil_precompiled", None)


setting_changed.connect(clear_precompiled)
