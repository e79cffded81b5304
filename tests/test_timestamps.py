"""UTC timestamps: timestamptz on PostgreSQL (migration 0002), naive UTC on SQLite; aware UTC
read back either way, by the ORM and by shown reads alike."""

import asyncio
import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from alembic import command
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlmodel import col

from app.db import transaction
from app.migrate import alembic_config
from models import Org
from models.base import UTCDateTime
from resolvers.pagination import rows_of, shown_records
from tests.conftest import empty_pg_database

_MIGRATION = Path(__file__).parent.parent / "migrations" / "versions" / "0002_timestamptz.py"
_spec = importlib.util.spec_from_file_location("migration_0002", _MIGRATION)
assert _spec is not None and _spec.loader is not None
timestamptz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(timestamptz)


@pytest.mark.anyio
async def test_a_moment_is_read_back_as_the_same_instant_in_utc(app: Any) -> None:
    moment = datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=ZoneInfo("America/New_York"))
    async with transaction(app.state.sessions) as session:
        org = Org(name="Timestamps", created_at=moment, updated_at=moment)
        session.add(org)
    async with transaction(app.state.sessions) as session:
        entity = await session.get(Org, org.id)
        (record,) = await shown_records(session, rows_of(Org).where(col(Org.id) == org.id))
    for read in (entity.created_at if entity else None, record.created_at):
        assert read == moment and read is not None and read.tzinfo is UTC


def test_asyncpg_answers_timestamptz_aware_so_no_value_is_processed() -> None:
    assert UTCDateTime().result_processor(pg_asyncpg.dialect(), None) is None


def _column_types(url: str) -> dict[tuple[str, str], str]:
    async def read() -> dict[tuple[str, str], str]:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            rows = await connection.fetch(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            )
            return {(r["table_name"], r["column_name"]): r["data_type"] for r in rows}
        finally:
            await connection.close()

    return asyncio.run(read())


def _sql(url: str, sql: str) -> Any:
    async def run() -> Any:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    return asyncio.run(run())


def test_migration_0002_makes_naive_utc_columns_timestamptz(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("SQLite has no time zone type")
    listed = [(t, c) for t, columns in timestamptz.COLUMNS.items() for c in columns]
    with empty_pg_database() as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        assert {_column_types(url)[c] for c in listed} == {"timestamp with time zone"}
        # A database of before 0002: naive UTC, as the columns were.
        command.downgrade(config, "0001")
        assert {_column_types(url)[c] for c in listed} == {"timestamp without time zone"}
        _sql(
            url,
            "INSERT INTO audit_events (id, actor_type, action, outcome, details, created_at)"
            " VALUES ('evt_0002', 'system', 'test', 'success', '{}', '2026-03-01 14:30:00')",
        )
        # Whatever the session's zone, the stored value is read as UTC.
        name = url.rsplit("/", 1)[1]
        _sql(url, f"ALTER DATABASE \"{name}\" SET timezone TO 'America/New_York'")
        command.upgrade(config, "head")
        assert {_column_types(url)[c] for c in listed} == {"timestamp with time zone"}
        stored = _sql(url, "SELECT created_at FROM audit_events WHERE id = 'evt_0002'")
        assert stored == datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
