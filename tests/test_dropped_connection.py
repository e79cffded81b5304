"""A pooled connection the server ended: the next request still answers, with no ping per
checkout (app.db replaces a connection seen closed; app.middleware authenticates again
when the first statement finds it dropped)."""

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from app.main import create_app
from tests.conftest import PG_ADMIN_DSN, build_org, make_settings


async def _pooled_backend(app: Any) -> int:
    pool = app.state.engine.sync_engine.pool
    assert pool.checkedin() == 1, "the sequential requests so far used one connection"
    async with app.state.engine.connect() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")))


async def _terminate(pid: int) -> None:
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


@pytest.mark.parametrize("pause", [0.0, 0.5], ids=["at-once", "after-the-driver-saw-it"])
async def test_a_request_after_the_backend_was_ended_answers(
    db_kind: str, database_url: str, tmp_path: Path, pause: float
) -> None:
    if db_kind != "postgresql":
        pytest.skip("a server that ends connections: PostgreSQL")
    settings = make_settings(database_url, tmp_path, serve_worker="false", db_pool_size=1)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        org = await build_org(app, settings, "Dropped Ortho")
        try:
            (await org.key_client.get("/api/auth/me")).raise_for_status()
            before = await _pooled_backend(app)
            await _terminate(before)
            await asyncio.sleep(pause)
            response = await org.key_client.get("/api/auth/me")
            assert response.status_code == 200, response.text
            assert response.json()["orgs"][0]["id"] == org.id
            after = await _pooled_backend(app)
            assert after != before
        finally:
            for client in (org.admin.client, org.coordinator.client, org.viewer.client):
                await client.aclose()
            await org.key_client.aclose()
