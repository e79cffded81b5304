"""Keyset pagination, newest first, behind an opaque cursor."""

import base64
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Executable,
    Select,
    String,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from resolvers import driver_statements
from resolvers.errors import ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    # The filtered query, before the cursor and the limit: what ``total`` counts.
    matching: Select[Any] | None = field(default=None, compare=False, repr=False)

    async def total(self, session: Any) -> int:
        """How many rows match the filters over all pages (one COUNT, on demand: a
        dashboard's total, not the page's ``count``)."""
        if self.matching is None:
            return len(self.items)
        counted = select(func.count()).select_from(self.matching.order_by(None).subquery())
        return int(await session.scalar(counted) or 0)


def encode_cursor(created_at: datetime, id_: str) -> str:
    raw = json.dumps([created_at.isoformat(), id_], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, id_ = json.loads(raw)
        moment = datetime.fromisoformat(created)
        # What this API issues: an aware timestamp (comparable to the UTC columns) and an id.
        if moment.tzinfo is None or not (isinstance(id_, str) and id_.isprintable()):
            raise ValueError(cursor)
        return moment.astimezone(UTC), id_
    except (ValueError, TypeError, OverflowError):
        raise ValidationFailed("cursor is not one this API issued", field="cursor") from None


def check_limit(limit: int | None, maximum: int = MAX_LIMIT) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= maximum:
        raise ValidationFailed(f"limit must be between 1 and {maximum}", field="limit")
    return limit


async def paginate(
    session: Any,
    query: Select[Any],
    model: Any,
    *,
    cursor: str | None,
    limit: int,
    shown_with: tuple[Any, ...] = (),
) -> Page[Any]:
    """Run ``query`` (already filtered) ordered by (created_at, id) descending;
    ``shown_with``: columns each row of the page also answers (not in what ``total``
    counts)."""
    matching = query
    if shown_with:
        query = query.add_columns(*shown_with)
    if cursor:
        created, id_ = decode_cursor(cursor)
        query = query.where(
            or_(model.created_at < created, and_(model.created_at == created, model.id < id_))
        )
    query = query.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
    if query.get_execution_options().get(_SHOWN):
        rows = await shown_records(session, query)
    else:
        rows = list((await session.execute(query)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor, matching=matching)


# An execution option marking a ``rows_of`` read, carried by every select built from it.
# ``paginate`` tells it from ``select(Model)`` by this mark rather than by its column
# descriptions, which cost a Python object per column at every page.
_SHOWN = "intakedesk_shown_rows"


@functools.cache
def rows_of(model: Any) -> Select[Any]:
    """A Core select of ``model``'s table: rows whose attributes are the model's columns,
    decoded by the same column types, without the ORM's instances and identity map.
    For reads that are only shown; ``paginate`` answers them as ``shown_records``.
    A typed JSON column (one whose type has a ``text_reader``) is read as its text and
    validated from it, rather than decoded by the driver and then validated.
    Built once per model: a select is changed only into a new one (``where`` …), and a
    page built it anew at every read, a coercion per column."""
    return select(*_shown_columns(model)).execution_options(**{_SHOWN: True})


@functools.cache
def _shown_columns(model: Any) -> tuple[Any, ...]:
    """Built once per model: a page's select is made anew at every read."""
    return tuple(_shown_column(column) for column in model.__table__.c)


def _shown_column(column: Any) -> Any:
    text_reader = getattr(column.type, "text_reader", None)
    if text_reader is None:
        return column
    return type_coerce(cast(column, Text), text_reader()).label(column.name)


def among(session: AsyncSession, column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """``column IN values`` for a read's text keys: on PostgreSQL one array parameter
    (``column = ANY($1)``), the same statement whatever the number of keys, bound as one
    value, where an IN list is re-expanded into a parameter per key at every execution
    (a page's 50 ids are 50); elsewhere the IN list."""
    keys = list(values)
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        return column == any_(bindparam(None, keys, type_=_TEXT_ARRAY))
    return column.in_(keys)  # type: ignore[no-any-return]


_TEXT_ARRAY = ARRAY(String)


def among_bound(dialect: str, column: Any, name: str) -> ColumnElement[bool]:
    """``among`` with its keys bound at execution as the parameter ``name``, for a
    statement built once per dialect and run with new keys (``Built``): the same SQL as
    ``among``'s, without building the statement and its cache key again at every read."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=_TEXT_ARRAY))
    return column.in_(bindparam(name, expanding=True))  # type: ignore[no-any-return]


class Built(Generic[T]):
    """A statement built once per dialect by ``build(dialect_name)``, on first use."""

    def __init__(self, build: Callable[[str], T]) -> None:
        self._build = build
        self._by_dialect: dict[str, T] = {}

    def on(self, session: AsyncSession) -> T:
        bind = session.bind
        name = bind.dialect.name if bind is not None else ""
        built = self._by_dialect.get(name)
        if built is None:
            built = self._by_dialect[name] = self._build(name)
        return built


async def shown_records(
    session: AsyncSession, query: Executable, params: dict[str, Any] | None = None
) -> list[Any]:
    """The rows of a ``rows_of`` read, in the session's transaction, as the session would
    answer them but without the ORM's row loading, each a record of the table's columns as
    plain attributes (``record.stage``).

    A query written with the model's attributes is an ORM statement: through
    ``session.execute`` each row goes through the ORM's loader, a Python call per column
    (a page with cases and patients is thousands). Run on the session's connection it
    answers the same rows, decoded by the same column types, from SQLAlchemy's C row
    processing. Pending changes are flushed first, as ``session.execute`` would.
    ``run_sync`` so that it takes its turn among the request's other database calls.
    A SQLAlchemy row answers an attribute through a key lookup and a check of its class,
    some twenty times what a plain attribute costs, and a page shown reads thousands (50
    referrals, their cases and patients, field by field)."""
    return await session.run_sync(_records_on_connection, query, params)


def _records_on_connection(
    session: Session, query: Executable, params: dict[str, Any] | None
) -> list[Any]:
    if session.autoflush:
        session.flush()
    connection = session.connection()
    records = driver_statements.read(connection, query, params)
    if records is not None:
        return records
    result = connection.execute(query, params)
    return list(map(driver_statements.record_type(tuple(result.keys()))._make, result))
