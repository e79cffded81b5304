"""Alembic environment: tables from ``SQLModel.metadata``, URL from IntakeDesk settings."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from app.db import create_engine
from app.settings import load_settings
from models.extraction import PydanticJSON

target_metadata = SQLModel.metadata


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """A typed JSON column is plain JSON (JSONB on PostgreSQL) in the schema."""
    if kind == "type" and isinstance(obj, PydanticJSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")  # type: ignore[attr-defined]
        return "sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    url = context.config.attributes.get("database_url")
    settings = load_settings()
    if url:
        settings = settings.model_copy(update={"database_url": url})
    engine = create_engine(settings)
    async with engine.connect() as connection:
        await _one_migrator_at_a_time(connection)
        await connection.run_sync(_configure)
        await _install_job_queue(connection)
        await connection.commit()
    await engine.dispose()


# Any constant both databases' integer type holds; it names the lock, nothing else.
_MIGRATION_LOCK = 7_140_203_020


async def _one_migrator_at_a_time(connection: AsyncConnection) -> None:
    """Several instances starting at once must not run the same migration twice.

    The lock is taken in the transaction the migrations then run in, before Alembic
    reads the current revision, so a second migrator waits and then finds head.
    PostgreSQL: a transaction-scoped advisory lock. SQLite: any first statement begins
    the transaction with ``BEGIN IMMEDIATE`` (``app/db.py``), the single write lock.
    """
    if connection.dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:key)")
        await connection.execute(lock, {"key": _MIGRATION_LOCK})
    else:
        await connection.execute(text("SELECT 1"))


async def _install_job_queue(connection: AsyncConnection) -> None:
    """PgQueuer's tables (PostgreSQL only; SQLite uses its in-memory queue, DESIGN §2).

    In the migrations' own locked transaction, so instances starting at once install once.
    """
    if connection.dialect.name != "postgresql":
        return
    from pgqueuer import AsyncpgDriver, Queries

    raw = await connection.get_raw_connection()
    queries = Queries(AsyncpgDriver(raw.driver_connection))
    if not await queries.schema_is_installed():
        await queries.install()


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure(connection)
else:
    asyncio.run(_run_online())
