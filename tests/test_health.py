"""Probes: ``/healthz`` and ``/readyz`` answer without credentials and leave no audit trail."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, text
from sqlmodel import select

from app.db import transaction
from app.main import create_app
from models import AuditEvent
from tests.conftest import World, client_for, make_settings


async def audit_count(app: Any) -> int:
    async with transaction(app.state.sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
async def test_a_probe_answers_without_credentials_and_audits_nothing(
    app: Any, world: World, path: str
) -> None:
    before = await audit_count(app)
    anonymous = await world.anon.get(path)
    # A probe carrying a refused credential (a load balancer's stale header) is not refused.
    stale = await world.anon.get(path, headers={"x-api-key": "desk_revoked", "authorization": "x"})
    assert anonymous.status_code == stale.status_code == 200, anonymous.text
    assert anonymous.json()["ok"] is True
    assert await audit_count(app) == before


async def test_readyz_names_each_check(world: World) -> None:
    body = (await world.anon.get("/readyz")).json()
    assert body == {
        "ok": True,
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }


@pytest.fixture
async def fresh_app(tmp_path: Path) -> AsyncIterator[Any]:
    """An instance on an empty SQLite database nobody has migrated."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/empty.db", tmp_path / "files")
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def test_readyz_is_503_until_the_database_is_migrated(fresh_app: Any) -> None:
    async with client_for(fresh_app) as client:
        live = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert live.status_code == 200
    assert ready.status_code == 503
    body = ready.json()
    assert body["ok"] is False
    assert body["checks"]["database"] == "ok"
    assert "intakedesk migrate" in body["checks"]["migrations"]


async def test_readyz_is_503_when_the_schema_is_behind_head(fresh_app: Any) -> None:
    async with fresh_app.state.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        await connection.execute(text("INSERT INTO alembic_version VALUES ('0000')"))
    async with client_for(fresh_app) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["migrations"].startswith("at 0000, expected ")


async def test_readyz_is_503_when_storage_is_gone(app: Any, tmp_path: Path) -> None:
    from app.storage.local import LocalStorage

    gone = tmp_path / "gone"
    storage = LocalStorage(gone, secret_key="x" * 32, public_url="http://testserver")
    gone.rmdir()
    kept = app.state.storage
    app.state.storage = storage
    try:
        async with client_for(app) as client:
            ready = await client.get("/readyz")
    finally:
        app.state.storage = kept
    assert ready.status_code == 503
    body = ready.json()
    assert body["checks"]["database"] == "ok"
    assert "not a writable folder" in body["checks"]["storage"]


async def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none", tmp_path / "files")
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            ready = await client.get("/readyz")
            live = await client.get("/healthz")
    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] != "ok"
