"""Test worlds: a real database (SQLite or PostgreSQL), the real app, orgs built by the resolvers.

``--db=sqlite`` (default) or ``--db=postgresql``: the suite runs on both (``make test``).
PostgreSQL gets a fresh database per test session on 127.0.0.1:5432.
Tests are isolated by tenancy: each one builds its own orgs with fresh ids.
"""

import inspect
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from app.auth.local import LocalVerifier
from app.db import transaction
from app.main import create_app
from app.migrate import upgrade_head
from app.settings import Settings, load_settings
from resolvers import api_keys, orgs
from resolvers.context import Context

PG_ADMIN_DSN = os.environ.get("INTAKEDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default="sqlite", choices=["sqlite", "postgresql"])


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    """Run every ``async def`` test under anyio, keeping its parametrize marks.

    Marking at collection time (not after it) lets anyio's own hook see the mark
    before the test's parameters are expanded.
    """
    if name.startswith("test") and inspect.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)


def pytest_report_header(config: pytest.Config) -> str:
    return f"intakedesk database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("db") / "intakedesk.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade_head(url)
        yield url
        return
    with empty_pg_database() as url:
        upgrade_head(url)
        yield url


@contextmanager
def empty_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for as long as the block runs."""
    import asyncio

    import asyncpg

    name = f"intakedesk_test_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def make_settings(database_url: str, files: Path, **overrides: Any) -> Settings:
    environ = {
        "INTAKEDESK_ENV": "test",
        "INTAKEDESK_DATABASE_URL": database_url,
        "INTAKEDESK_STORAGE_URL": f"file://{files}",
        "INTAKEDESK_AUTH": "local",
        "INTAKEDESK_SECRET_KEY": "test-secret-key-0123456789abcdef",
        "INTAKEDESK_PUBLIC_URL": "http://testserver",
        # The suite sends far more than a caller would: limits are tested on apps of their own.
        "INTAKEDESK_RATE_LIMIT_API_KEY": "1000000/minute",
        "INTAKEDESK_RATE_LIMIT_USER": "1000000/minute",
        "INTAKEDESK_RATE_LIMIT_SESSION": "1000000/minute",
        # A transient fault (storage away) is retried at once, not after seconds.
        "INTAKEDESK_JOB_RETRY_SECONDS": "0.05",
    }
    environ.update({f"INTAKEDESK_{k.upper()}": str(v) for k, v in overrides.items()})
    return load_settings(environ)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(database_url, tmp_path_factory.mktemp("files"))


@dataclass
class SqlCounter:
    count: int = 0
    statements: list[str] | None = None

    def reset(self) -> None:
        self.count = 0
        self.statements = []


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def sql_counter(app: Any) -> Iterator[SqlCounter]:
    """Counts the SQL statements the app sends while the test runs."""
    counter = SqlCounter(statements=[])

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.count += 1
        assert counter.statements is not None
        counter.statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    yield counter
    event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
async def ctx(app: Any, settings: Settings) -> AsyncIterator[Context]:
    """A system Context in its own transaction, for building fixtures through the resolvers."""
    async with transaction(app.state.sessions) as session:
        yield Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )


def client_for(app: Any, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers or {}
    )


@dataclass
class Member:
    user_id: str
    uid: str
    email: str
    token: str
    client: httpx.AsyncClient


@dataclass
class OrgWorld:
    id: str
    name: str
    admin: Member
    coordinator: Member
    viewer: Member
    api_key: str
    api_key_id: str
    key_client: httpx.AsyncClient


@dataclass
class World:
    a: OrgWorld
    b: OrgWorld
    anon: httpx.AsyncClient


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def build_org(app: Any, settings: Settings, name: str) -> OrgWorld:
    verifier = LocalVerifier(settings.secret_key, settings.firebase_project_id)
    tag = secrets.token_hex(4)
    async with transaction(app.state.sessions) as session:
        ctx = Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )
        org = await orgs.create(ctx, name=name)
        members = {}
        for role in ("admin", "coordinator", "viewer"):
            email = f"{role}-{tag}@{name.lower().replace(' ', '')}.test"
            user = await orgs.add_member(
                ctx, org_id=org.id, email=email, role=role, uid=f"uid-{role}-{tag}"
            )
            token = verifier.issue_id_token(uid=f"uid-{role}-{tag}", email=email)
            members[role] = Member(
                user_id=user.id,
                uid=f"uid-{role}-{tag}",
                email=email,
                token=token,
                client=client_for(app, bearer(token)),
            )
        key = await api_keys.issue(ctx, org_id=org.id, name=f"{name} bridge")
    return OrgWorld(
        id=org.id,
        name=name,
        api_key=key.secret,
        api_key_id=key.api_key.id,
        key_client=client_for(app, {"x-api-key": key.secret}),
        **members,
    )


@pytest.fixture
async def world(app: Any, settings: Settings) -> AsyncIterator[World]:
    a = await build_org(app, settings, "Alpha Ortho")
    b = await build_org(app, settings, "Beta Cardio")
    anon = client_for(app)
    yield World(a=a, b=b, anon=anon)
    for org in (a, b):
        for client in (org.admin.client, org.coordinator.client, org.viewer.client, org.key_client):
            await client.aclose()
    await anon.aclose()


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL document; returns the whole JSON answer (data and errors)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_graphql_refusal(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """A request stopped before GraphQL ran: one top-level error with its code, no data."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}, body
    assert isinstance(error["message"], str) and error["message"]
    return dict(error)


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The documented error shape, with the given status (and code)."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return dict(body["error"])
