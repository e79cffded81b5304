"""Hot statements on PostgreSQL, run by asyncpg itself on the session's connection.

Shown reads (``read``) and the audit trail's multi-row insert (``insert_many``). A read that
is only shown (``pagination.shown_records``) needs of SQLAlchemy its compiled SQL, its
parameters and its columns' result processors; its execution context, cursor adapter and
result object cost more than the statement itself (some 0.3 ms for a page of 50
referrals, of a request's few). Here the statement is compiled through the engine's own
cache, as ``Connection.execute`` would, and sent on the same connection, in the same
transaction, with the same ``before_cursor_execute``/``after_cursor_execute`` events
(the refusal of unstorable text, the tests' statement counts, the bench's capture), its
parameters converted and its rows decoded by the same column types. Anything else
(another driver, a statement with IN lists expanded at execution) is left to SQLAlchemy:
``read`` answers None and ``insert_many`` False.

It leans on SQLAlchemy's internals as of 2.1 (``_compile_w_cache``, the asyncpg adapter's
mutex, lazy transaction and prepared-statement cache): tests/test_driver_statements.py
holds its answers, its rows written and its events to SQLAlchemy's own.
"""

import collections
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Connection
from sqlalchemy.sql import compiler
from sqlalchemy.util import await_

DRIVER = "asyncpg"


def read(
    connection: Connection, query: Executable, params: dict[str, Any] | None
) -> list[Any] | None:
    """The records of ``query`` (named tuples of its columns, decoded), or None when this
    read is not one to run here. Called in the session's greenlet (``run_sync``)."""
    if connection.dialect.driver != DRIVER:
        return None
    compiled, extracted, collected = _compiled(connection, query, sorted(params or ()), False)
    shape = _shape_of(compiled)
    if shape is None:
        return None
    arguments = _arguments(compiled, shape, params, extracted, collected)
    rows = _sent(connection, compiled.string, arguments, many=False)
    make = shape.record._make
    processors = shape.processors
    if not processors:
        return list(map(make, rows))
    records = []
    for row in rows:
        values_of_row = list(row)
        for index, process in processors:
            values_of_row[index] = process(values_of_row[index])
        records.append(make(values_of_row))
    return records


def insert_many(connection: Connection, insert: Executable, rows: list[dict[str, Any]]) -> bool:
    """Insert ``rows`` (dicts of the same columns) as one pipelined executemany, as
    SQLAlchemy would send it; False when it is not one to send here."""
    if connection.dialect.driver != DRIVER or not rows:
        return False
    keys = sorted(rows[0])
    if any(sorted(row) != keys for row in rows):
        return False
    compiled, extracted, collected = _compiled(connection, insert, keys, len(rows) > 1)
    shape = _insert_shape_of(compiled)
    if shape is None:
        return False
    batch = [_arguments(compiled, shape, row, extracted, collected) for row in rows]
    _sent(connection, compiled.string, batch, many=True)
    return True


def _compiled(
    connection: Connection, statement: Executable, keys: list[str], many: bool
) -> tuple[Any, Any, Any]:
    """The statement compiled through the engine's cache, as ``Connection.execute`` does."""
    dialect = connection.dialect
    compiled, extracted, collected, _ = statement._compile_w_cache(  # type: ignore[attr-defined]
        dialect=dialect,
        compiled_cache=connection.engine._compiled_cache,
        column_keys=keys,
        for_executemany=many,
        schema_translate_map=None,
        linting=dialect.compiler_linting | compiler.WARN_LINTING,
    )
    return compiled, extracted, collected


def _arguments(
    compiled: Any, shape: "_Shape", params: dict[str, Any] | None, extracted: Any, collected: Any
) -> tuple[Any, ...]:
    values = compiled.construct_params(
        params, extracted_parameters=extracted, escape_names=False, _collected_params=collected
    )
    return tuple(
        value if convert is None else convert(value)
        for value, convert in ((values[name], shape.binds.get(name)) for name in shape.names)
    )


def _sent(connection: Connection, sql: str, arguments: Any, *, many: bool) -> Any:
    """Send on the driver, between the engine's statement events; a driver error becomes
    SQLAlchemy's (wrapped, the connection invalidated when it is gone) as on its path."""
    has_events = connection._has_events or connection.engine._has_events
    if has_events:
        connection.dispatch.before_cursor_execute(connection, None, sql, arguments, None, many)
    try:
        answer = await_(_on_driver(connection, sql, arguments, many))
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, arguments, None, None)  # type: ignore[arg-type]
        raise
    if has_events:
        connection.dispatch.after_cursor_execute(connection, None, sql, arguments, None, many)
    return answer


async def _on_driver(connection: Connection, sql: str, arguments: Any, many: bool) -> Any:
    """As SQLAlchemy's asyncpg cursor runs a statement: under the connection's mutex, in
    its transaction (begun lazily), through its cache of prepared statements."""
    adapted: Any = connection.connection.dbapi_connection
    asof = connection.dialect._invalidate_schema_cache_asof  # type: ignore[attr-defined]
    async with adapted._execute_mutex:
        if many:
            await adapted._check_type_cache_invalidation(asof)
        if adapted._transaction is None:
            await adapted._start_transaction()
        try:
            if many:
                return await adapted._connection.executemany(sql, arguments)
            prepared, _ = await adapted._prepare(sql, asof)
            return await prepared.fetch(*arguments)
        except Exception as error:
            adapted._handle_exception(error)
            raise


@dataclass(frozen=True)
class _Shape:
    """What running a compiled statement needs, worked out once per compiled statement."""

    # The bind parameters' names in $1, $2 … order, and their type's conversions.
    names: Sequence[str]
    binds: dict[str, Callable[[Any], Any]]
    record: Any
    # (column index, result processor) for the columns whose type decodes a value.
    processors: list[tuple[int, Callable[[Any], Any]]]


@functools.lru_cache(maxsize=512)
def _shape_of(compiled: Any) -> _Shape | None:
    if (
        not compiled.positional
        or compiled.post_compile_params
        or compiled.literal_execute_params
        or not compiled._result_columns
        or compiled.isinsert
        or compiled.isupdate
        or compiled.isdelete
        or compiled.escaped_bind_names
    ):
        return None
    dialect = compiled.dialect
    columns = compiled._result_columns
    keys = tuple(column[0] for column in columns)
    if len(set(keys)) != len(keys):
        return None
    processors = [
        (index, process)
        for index, column in enumerate(columns)
        if (process := column[3]._cached_result_processor(dialect, None)) is not None
    ]
    binds = {name: p for name, p in compiled._bind_processors.items() if p is not None}
    return _Shape(
        names=tuple(compiled.positiontup),
        binds=binds,
        record=record_type(keys),
        processors=processors,
    )


@functools.lru_cache(maxsize=64)
def _insert_shape_of(compiled: Any) -> _Shape | None:
    if (
        not compiled.positional
        or not compiled.isinsert
        or compiled.insert_prefetch
        or compiled.returning
        or compiled.post_compile_params
        or compiled.escaped_bind_names
    ):
        return None
    binds = {name: p for name, p in compiled._bind_processors.items() if p is not None}
    return _Shape(names=tuple(compiled.positiontup), binds=binds, record=None, processors=[])


@functools.cache
def record_type(keys: tuple[str, ...]) -> Any:
    """The record of a select's columns: a named tuple, made from a row in one C call
    (a namespace per row costs a dict and a call per column), read by attribute alike."""
    return collections.namedtuple("Record", keys)  # type: ignore[misc]
