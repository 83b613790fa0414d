"""Database helpers shared by the apps."""

import copy
import datetime
import functools
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.transaction import TransactionManagementError
from django.utils import timezone


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


# Stand-ins for "now" in a kept query whose rules compare with the moment of the run (grants in force): far apart,
# other days and hours, each with its own microsecond.
STAND_IN_MOMENTS = (
    datetime.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=datetime.UTC),
    datetime.datetime(1981, 7, 15, 13, 37, 0, 2, tzinfo=datetime.UTC),
)

# Stand-ins for a public id (a UUID) in a kept query.
STAND_IN_IDS = (uuid.UUID(int=1), uuid.UUID(int=2))

_UNCACHED = object()
PRECOMPILED_PER_CONNECTION = 256
_generation = [0]  # bumped when a setting changes: kept queries of an older generation are made again
_lock = threading.Lock()  # in-memory SQLite shares one connection between a test and its live server


def precompiled_rows(
    build, *, key: tuple, variables: dict[str, Variable], using: str = DEFAULT_DB_ALIAS, prepare: bool = True
) -> list:
    """The model instances (or values) of `build(values)`, with the SQL compiled once per `key` and connection.

    Building and compiling a query with many subqueries (a pathway page's rights and figures) cost more Python time
    than the database spent on it. `build` is called with a stand-in for each variable, twice (`stand_in_a`, then
    `stand_in_b`); the SQL text must be the same and the parameters may differ only where the stand-ins land.
    Later runs put this run's values in those places and execute the kept SQL with a copy of the kept compiler, so
    Django makes the instances, related objects, annotations and prefetches as usual.

    What the two builds can catch: a variable that reaches the SQL other than as itself (the stand-ins are far
    apart, other days and hours, so anything derived from one differs without being a stand-in), a build that
    changes shape, and a clock read to the microsecond. They cannot catch a value read inside `build` that is the
    same in both builds and changes later (the day, a setting, the language): the key holds the day and the active
    time zone (added here), the kept queries are dropped when a setting changes, and the caller's `key` must name
    everything else the SQL depends on (the user, the annotations asked for, the page size). A key that cannot be
    kept is built every time, as without this.

    On PostgreSQL (with `PREPARE_KEPT_QUERIES`) a kept query runs as a prepared statement, which after five runs may
    use a plan made for any values. `prepare=False` keeps only the compiled SQL and has PostgreSQL plan each run for
    its values: for a query whose best plan depends on them (the access log of one citizen over monthly partitions).
    """
    connection = connections[using]
    full_key = (*key, timezone.localdate(), timezone.get_current_timezone_name())
    with _lock:
        cache = connection.__dict__.setdefault("_samspil_precompiled", OrderedDict())
        entry = cache.get(full_key)
        if entry is not None and entry[0] != _generation[0]:
            entry = None
        if entry is not None:
            cache.move_to_end(full_key)
    if entry is None:
        generation = _generation[0]
        entry = (generation, _precompile(build, variables, connection, using))
        with _lock:
            cache[full_key] = entry
            while len(cache) > PRECOMPILED_PER_CONNECTION:
                cache.popitem(last=False)
    kept = entry[1]
    if kept is _UNCACHED:
        return list(build({name: variable.value for name, variable in variables.items()}))
    queryset, compiler, sql, params, places, converters = kept
    if queryset.query.select_for_update and connection.features.has_select_for_update and connection.get_autocommit():
        # Django checks this when it compiles; a kept query is not compiled again, so it is checked here.
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    run_params = list(params)
    for index, name in places:
        run_params[index] = variables[name].param(variables[name].value, connection)
    run = copy.copy(compiler)
    run.as_sql = lambda *args, **kwargs: (sql, tuple(run_params))
    run.get_converters = converters
    if prepare and _prepares(connection):
        run.connection = _Preparing(connection)
    chained = queryset._chain()
    chained.query.get_compiler = lambda *args, **kwargs: run
    # Each run its own prefetch querysets: Django hands a prefetch queryset the first instance as a hint, and a
    # kept one would hold a past page's rows.
    chained._prefetch_related_lookups = tuple(_fresh_prefetch(lookup) for lookup in chained._prefetch_related_lookups)
    return list(chained)


# The numbers of places a kept query by ids is compiled for (`precompiled_rows_by_ids`).
ID_PLACES = (1, 2, 4, 8, 16, 32, 64)


def precompiled_rows_by_ids(
    build, ids, *, key: tuple, field: models.Field, places: tuple[int, ...] = ID_PLACES, prepare: bool = True
) -> list:
    """`build(ids)`'s rows for a list of ids (`build` filters with `__in`), compiled once per `key` and number of
    places (`precompiled_rows`): the ids fill the fewest of `places` that hold them and the places left over repeat
    the last id (a repeated value in `IN (…)` matches nothing more), so a handful of kept queries serve every number
    of ids. More ids than the most places, or none, are built as usual. `field` turns an id into a parameter (the
    model field compared); a model instance stands for its primary key, as in the built query."""
    ids = list(dict.fromkeys(getattr(value, "pk", value) for value in ids))
    size = next((size for size in places if size >= len(ids)), None) if ids else None
    if size is None:
        return list(build(ids))
    padded = [*ids, *[ids[-1]] * (size - len(ids))]
    variables = {f"id{n}": Variable(pk, -1 - 2 * n, -2 - 2 * n, field) for n, pk in enumerate(padded)}
    return precompiled_rows(
        lambda values: build([values[f"id{n}"] for n in range(size)]),
        key=(*key, "ids", size),
        variables=variables,
        prepare=prepare,
    )


def _fresh_prefetch(lookup):
    if isinstance(lookup, models.Prefetch) and lookup.queryset is not None:
        lookup = copy.copy(lookup)
        lookup.queryset = lookup.queryset._chain()
        lookup.queryset._hints = dict(lookup.queryset._hints)  # a clone shares its hints dict with the original
    return lookup


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
    return first, compiler, sql, tuple(params), tuple(places), _KeptConverters(compiler)


class _KeptConverters:
    """A kept compiler's `get_converters`: the converters of its selected columns (a date's, a UUID's, a JSON
    field's, per the backend) worked out once, not on every run; Django asks for them for every run of the query,
    and a pathway's rights read has about a hundred columns. Other expressions are worked out as usual."""

    def __init__(self, compiler):
        self._compiler = compiler
        self._columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        self._converters = compiler.get_converters(self._columns)

    def __call__(self, expressions):
        columns = self._columns
        if len(expressions) == len(columns) and all(a is b for a, b in zip(expressions, columns, strict=True)):
            return self._converters
        return type(self._compiler).get_converters(self._compiler, expressions)


# --- kept queries as prepared statements (PostgreSQL) ----------------------------------------------------------
#
# PostgreSQL plans a statement on every run unless it is prepared. The kept queries are the large ones (a pathway's
# rights: ~12 KB of SQL with ~95 parameters, planned in 3-4 ms and run in 0.3 ms), so they run as prepared
# statements: the parameters are bound on the server, the statement is prepared on the connection the first time
# and PostgreSQL reuses its plan (after five runs, a generic plan when it costs no more than the custom ones). Every
# other query keeps Django's client-side binding. psycopg keeps up to `prepared_max` statements per connection and
# deallocates the least used. Off with DATABASE_PREPARE_KEPT_QUERIES=0 (a pooler in transaction mode that does not
# keep prepared statements: PgBouncer before 1.21, or without max_prepared_statements).


def _prepares(connection) -> bool:
    return connection.vendor == "postgresql" and connection.settings_dict.get("PREPARE_KEPT_QUERIES", False)


class _Preparing:
    """The connection, as a kept query's compiler sees it: its cursors bind on the server and prepare."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(_prepared_cursor(connection))


def prepared_statement_cursor(using: str = DEFAULT_DB_ALIAS):
    """A cursor for a statement of fixed text run on most requests (the access log's INSERT): its parameters bound on
    the server and the statement prepared, as a kept query's, where kept queries are (`PREPARE_KEPT_QUERIES`);
    Django's own cursor elsewhere."""
    connection = connections[using]
    return _Preparing(connection).cursor() if _prepares(connection) else connection.cursor()


def _prepared_cursor(connection):
    """A psycopg cursor that binds parameters on the server and runs each statement prepared, reading timestamps
    in the time zone Django's own cursors read them in (as `DatabaseWrapper.create_cursor` does)."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    cursor = _prepared_cursor_class()(connection.connection)
    tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != tzloader.timezone:
        register_tzloader(connection.timezone, cursor)
    return cursor


@functools.cache
def _kept_query_class():
    """psycopg's server-side query, with the parse of the query text kept. psycopg reads a query's placeholders again
    on every run when the text is over 4 KB or has over 50 parameters (its cache is for short queries): the rights
    query (~12 KB, ~95 parameters) cost ~0.3 ms of parsing on every page. A kept query's text is one of a bounded set
    (`PRECOMPILED_PER_CONNECTION` per connection), so its parse is kept as psycopg keeps a short query's.
    psycopg is pinned (requirements.txt): `_query2pg_nocache` and the attributes set here are its own."""
    from psycopg._queries import PostgresQuery, _query2pg_nocache

    parsed = functools.lru_cache(maxsize=PRECOMPILED_PER_CONNECTION)(_query2pg_nocache)

    class KeptQuery(PostgresQuery):
        __slots__ = ()

        def convert(self, query, vars) -> None:
            if vars is None or not isinstance(query, str | bytes):
                return super().convert(query, vars)
            query = self._ensure_bytes(query)
            self.query, self._want_formats, self._order, self._parts = parsed(query, self._tx.encoding)
            self.dump(vars)

    return KeptQuery


@functools.cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.errors import FeatureNotSupported
    from psycopg.pq import TransactionStatus

    class PreparedCursor(ServerBindingCursor):
        """Django's server-binding cursor, running every statement prepared (psycopg's `prepare=True`)."""

        _query_cls = _kept_query_class()

        def execute(self, query, params=None, **kwargs):
            kwargs["prepare"] = True
            try:
                return super().execute(query, params, **kwargs)
            except FeatureNotSupported:
                # "cached plan must not change result type": a migration changed a column this statement reads (its
                # type or length) after the statement was prepared on this connection. In a transaction, Django's
                # rollback makes psycopg forget its prepared statements; outside one, forget them here (the server's
                # and psycopg's: psycopg reads the command) and run the statement again, prepared afresh.
                if self.connection.info.transaction_status != TransactionStatus.IDLE:
                    raise
                super().execute("DEALLOCATE ALL", prepare=False)
                return super().execute(query, params, **kwargs)
            finally:
                # psycopg notes the statement only when it runs it unprepared; Django's query log reads it there.
                self._query = _LoggedStatement(self.connection, query, params)

    return PreparedCursor


class _LoggedStatement:
    """A prepared run's statement as Django's query log reads it (`cursor._query.query`): with its parameters written
    in, as Django logs a query bound on the server, and only when read (the log is on in DEBUG and in tests)."""

    def __init__(self, raw_connection, sql, params):
        self._raw_connection, self._sql, self._params = raw_connection, sql, params

    @property
    def query(self) -> bytes:
        from psycopg import ClientCursor

        try:
            with ClientCursor(self._raw_connection) as cursor:
                return cursor.mogrify(self._sql, self._params).encode()
        except Exception:  # a closed connection, a value it cannot write: the statement as sent, not a new error
            return self._sql.encode()


def clear_precompiled(**kwargs) -> None:
    """Forget every precompiled query, in every thread (a setting changed: the SQL may depend on it)."""
    _generation[0] += 1


setting_changed.connect(clear_precompiled)
