"""Async engine and sessions for SQLite (embedded) and PostgreSQL."""

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pydantic_core import from_json
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.util import await_

from app.settings import Settings
from resolvers.errors import BadRequest


def create_engine(settings: Settings) -> AsyncEngine:
    """The engine for ``settings.database_url``. JSON columns are decoded by pydantic-core's
    parser, several times faster than ``json.loads``: an EMR poll decodes thousands."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": settings.db_lock_timeout_seconds},
            json_deserializer=from_json,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        SqliteWriterQueue(settings.db_lock_timeout_seconds).listen(engine)
    else:
        engine = create_async_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            json_deserializer=from_json,
            connect_args={"server_settings": {"lock_timeout": _milliseconds(settings)}},
        )
        event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    event.listen(engine.sync_engine, "before_cursor_execute", _refuse_unstorable_text)
    return engine


def _refuse_closed_connection(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A pooled connection the server has closed is replaced before it is handed out.

    Instead of a ping on every checkout (a round trip per request): when the server
    ends a connection (a restart, ``pg_terminate_backend``, an idle timeout) the driver
    sees it close, and the pool, told so, connects anew. One dropped without a word is
    found by the first statement on it, which the pool then lets go with every older
    connection; authentication, every request's first statement, then runs once more
    (``app.middleware``).
    """
    if record.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def _milliseconds(settings: Settings) -> str:
    return str(int(settings.db_lock_timeout_seconds * 1000))


def _refuse_unstorable_text(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """Refuse, as bad input and on both databases, text the database cannot store.

    PostgreSQL cannot store U+0000 in text or JSON; and a lone surrogate (half of a
    UTF-16 pair, which a JSON body may carry as ``"\\ud800"``) is not text at all:
    neither driver can encode it. Checked here, on every value bound to any statement,
    so no path (a URL segment, a query string, a JSON field, a GraphQL variable) can
    reach the database with one. JSON values arrive serialised, where the characters
    are escapes (``\\u0000``, an unpaired ``\\ud800``).
    """
    # All of them at once, one per line: a line break ends an escape, so no pair or NUL
    # is made across two values, and one search costs less than one per value.
    strings: list[str] = []
    _strings(parameters, strings)
    text = "\n".join(strings)
    if "\x00" in text or "\\u0000" in text:
        raise BadRequest("text may not contain the NUL character (U+0000)")
    # A surrogate is not ASCII, and each escaped one starts "\u": plain ASCII text without
    # an escape (most statements' whole text) has none, and is not searched.
    if (not text.isascii() or "\\u" in text) and _LONE_SURROGATE.search(text):
        raise BadRequest("text may not contain a lone surrogate (U+D800 to U+DFFF)")


_LONE_SURROGATE = re.compile(
    "[\ud800-\udfff]"
    # escaped, as serialised JSON carries them: a high half not followed by a low one,
    # or a low half not preceded by a high one (a pair, such as an emoji's, is fine)
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _strings(value: Any, into: list[str]) -> None:
    """Every string bound to a statement, however the driver nests its parameters (a
    loop per container, not a generator frame per value)."""
    if isinstance(value, str):
        into.append(value)
        return
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return
    for item in value:
        if isinstance(item, str):
            into.append(item)
        elif isinstance(item, dict | list | tuple):
            _strings(item, into)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction control leaves SELECTs outside the transaction;
    # SqliteWriterQueue begins them instead (SQLAlchemy's documented SQLite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqliteWriterQueue:
    """Start every SQLite transaction as the single writer, first come, first served.

    SQLite has no row locks, so ``SELECT … FOR UPDATE`` does nothing there. Left
    to the driver, a transaction's reads run before its BEGIN, so two requests can
    both see a case open and both close it. ``BEGIN IMMEDIATE`` takes the write lock
    up front: transactions run one after another, each reading what the previous one
    committed, as Rails and Django do on SQLite. Every request writes an audit event
    anyway, so nothing that could run in parallel is serialised. Handlers read upload
    bodies before their first statement, so no client holds the lock while it sends.

    Within the process, writers queue on an asyncio lock before ``BEGIN IMMEDIATE``:
    SQLite's own busy handler polls with sleeps of up to 100 ms in no fair order, which
    made the slowest of ten concurrent writers wait near a second. Another process
    (the CLI, a worker) still meets SQLite's busy timeout. Both waits end after
    ``INTAKEDESK_DB_LOCK_TIMEOUT_SECONDS`` as a "database is locked" error.
    """

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = asyncio.Lock()

    def listen(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "begin", self._begin)
        event.listen(engine.sync_engine, "commit", self._end)
        event.listen(engine.sync_engine, "rollback", self._end)

    def _begin(self, connection: Any) -> None:
        # Runs inside SQLAlchemy's greenlet bridge, where a coroutine can be awaited.
        try:
            await_(asyncio.wait_for(self._lock.acquire(), self.timeout_seconds))
        except TimeoutError:
            raise OperationalError(
                "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
            ) from None
        connection.info["holds_writer_lock"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._end(connection)
            raise

    def _end(self, connection: Any) -> None:
        if connection.info.pop("holds_writer_lock", False):
            self._lock.release()


class SerialSession(AsyncSession):
    """An AsyncSession that queues concurrent awaits instead of failing on them.

    GraphQL resolves sibling fields and DataLoader batches concurrently, and one
    request shares one session (one transaction). SQLAlchemy forbids
    overlapping operations on a session, so each database call waits its turn.
    ``scalars`` goes through ``execute`` and needs no lock of its own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()


def _serialised(name: str) -> Any:
    method = getattr(AsyncSession, name)

    async def call(self: SerialSession, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await method(self, *args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


for _name in (
    "execute",
    "scalar",
    "get",
    "get_one",
    "refresh",
    "delete",
    "merge",
    "flush",
    "commit",
    "rollback",
    "run_sync",
    "close",
):
    setattr(SerialSession, _name, _serialised(_name))


# ``session.info[COMMITTED]``: a commit of the session's transaction (not a savepoint's) went
# through, so what it carried is written.
COMMITTED = "committed"


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info[COMMITTED] = True


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=SerialSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose work commits on leaving the block and rolls back on error."""
    async with factory() as session, session.begin():
        yield session


def is_data_error(exc: BaseException) -> bool:
    """The database refused a value itself: too long for its column, out of range, malformed.

    SQLAlchemy names it ``DataError`` for most drivers; through asyncpg it is a plain
    ``DBAPIError`` whose SQLSTATE is of class 22 (data exception).
    """
    if isinstance(exc, DataError):
        return True
    return isinstance(exc, DBAPIError) and str(getattr(exc.orig, "sqlstate", "")).startswith("22")


CONTENTION_MESSAGE = "a concurrent change got in the way; try again"


def is_contention(exc: BaseException) -> bool:
    """The database gave up on the operation because of a concurrent one; a retry may pass.

    PostgreSQL: SQLSTATE class 40 (a deadlock, a serialization failure) or 55P03 (a lock
    still taken after ``lock_timeout``). SQLite: the write lock still taken after the
    busy timeout. Both timeouts are ``INTAKEDESK_DB_LOCK_TIMEOUT_SECONDS``.
    """
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = str(getattr(exc.orig, "sqlstate", ""))
    if sqlstate.startswith("40") or sqlstate == "55P03":
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)
