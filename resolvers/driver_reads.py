"""Shown reads on PostgreSQL, run as asyncpg's prepared statements on the session's connection.

A read that is only shown (``pagination.shown_records``) needs of SQLAlchemy its compiled
SQL, its parameters and its columns' result processors; its execution context, cursor
adapter and result object cost more than the statement itself (some 0.3 ms for a page of
50 referrals, of a request's few). Here the statement is compiled through the engine's own
cache, as ``Connection.execute`` would, and sent on the same connection, in the same
transaction, with the same ``before_cursor_execute``/``after_cursor_execute`` events
(the refusal of unstorable text, the tests' statement counts, the bench's capture), and
its rows decoded by the same column types. Anything else (another driver, a statement
with IN lists expanded at execution) is left to SQLAlchemy: ``run`` answers None.

It leans on SQLAlchemy's internals as of 2.1 (``_compile_w_cache``, the asyncpg adapter's
mutex, lazy transaction and prepared-statement cache): tests/test_shown_reads.py holds
its answers and its events to SQLAlchemy's own.
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


def run(
    connection: Connection, query: Executable, params: dict[str, Any] | None
) -> list[Any] | None:
    """The records of ``query`` (named tuples of its columns, decoded), or None when this
    read is not one to run here. Called in the session's greenlet (``run_sync``)."""
    dialect = connection.dialect
    if dialect.driver != DRIVER:
        return None
    compiled: Any
    compiled, extracted, collected, _ = query._compile_w_cache(  # type: ignore[attr-defined]
        dialect=dialect,
        compiled_cache=connection.engine._compiled_cache,
        column_keys=sorted(params or ()),
        for_executemany=False,
        schema_translate_map=None,
        linting=dialect.compiler_linting | compiler.WARN_LINTING,
    )
    shape = _shape_of(compiled)
    if shape is None:
        return None
    values = compiled.construct_params(
        params, extracted_parameters=extracted, escape_names=False, _collected_params=collected
    )
    assert values is not None
    arguments = tuple(
        value if convert is None else convert(value)
        for value, convert in ((values[name], shape.binds.get(name)) for name in shape.names)
    )
    sql = compiled.string
    has_events = connection._has_events or connection.engine._has_events
    if has_events:
        connection.dispatch.before_cursor_execute(connection, None, sql, arguments, None, False)
    try:
        rows = await_(_fetch(connection, sql, arguments))
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, arguments, None, None)  # type: ignore[arg-type]
        raise
    if has_events:
        connection.dispatch.after_cursor_execute(connection, None, sql, arguments, None, False)
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


async def _fetch(connection: Connection, sql: str, arguments: tuple[Any, ...]) -> list[Any]:
    """As SQLAlchemy's asyncpg cursor runs a statement: under the connection's mutex, in
    its transaction (begun lazily), through its cache of prepared statements."""
    adapted = connection.connection.dbapi_connection
    async with adapted._execute_mutex:  # type: ignore[union-attr]
        if adapted._transaction is None:  # type: ignore[union-attr]
            await adapted._start_transaction()  # type: ignore[union-attr]
        try:
            prepared, _ = await adapted._prepare(  # type: ignore[union-attr]
                sql,
                connection.dialect._invalidate_schema_cache_asof,  # type: ignore[attr-defined]
            )
            rows: list[Any] = await prepared.fetch(*arguments)
            return rows
        except Exception as error:
            adapted._handle_exception(error)  # type: ignore[union-attr]
            raise


@dataclass(frozen=True)
class _Shape:
    """What running a compiled read needs, worked out once per compiled statement."""

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


@functools.cache
def record_type(keys: tuple[str, ...]) -> Any:
    """The record of a select's columns: a named tuple, made from a row in one C call
    (a namespace per row costs a dict and a call per column), read by attribute alike."""
    return collections.namedtuple("Record", keys)  # type: ignore[misc]
