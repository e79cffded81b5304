"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work), for probes.

Neither reads a credential nor writes an audit event: load balancers and orchestrators
call them every few seconds. ``/readyz`` answers 200 when the database answers, its
schema is at the migrations' head and file storage answers; otherwise 503 naming what
failed, so an instance is taken out of rotation until it can serve.
"""

import asyncio
import logging
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.migrate import alembic_config
from app.storage import Storage, StorageError

log = logging.getLogger("intakedesk.health")

PATHS = ("/healthz", "/readyz")
# A probe must answer before its caller gives up on it (Kubernetes waits 1 s by default).
CHECK_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str = "ok"


def migration_heads(database_url: str) -> set[str]:
    """The revisions the code expects the database to be at."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


async def check_database(engine: AsyncEngine, heads: set[str]) -> tuple[Check, Check]:
    """(database reachable, schema at head)."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            current = {row[0] for row in rows}
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if "alembic_version" in reason:
            return Check(True), Check(False, "not migrated: run intakedesk migrate")
        return Check(False, reason[:200]), Check(False, "unknown: database unreachable")
    if current != heads:
        found = ", ".join(sorted(current)) or "none"
        return Check(True), Check(False, f"at {found}, expected {', '.join(sorted(heads))}")
    return Check(True), Check(True)


async def check_storage(storage: Storage) -> Check:
    try:
        await storage.ping()
    except StorageError as exc:
        return Check(False, str(exc)[:200])
    return Check(True)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        database, migrations = await asyncio.wait_for(
            check_database(state.engine, state.migration_heads), CHECK_TIMEOUT_SECONDS
        )
    except TimeoutError:
        database = Check(False, f"no answer within {CHECK_TIMEOUT_SECONDS:g} s")
        migrations = Check(False, "unknown: database unreachable")
    try:
        storage = await asyncio.wait_for(check_storage(state.storage), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        storage = Check(False, f"no answer within {CHECK_TIMEOUT_SECONDS:g} s")
    checks = {"database": database, "migrations": migrations, "storage": storage}
    ready = all(check.ok for check in checks.values())
    if not ready:
        failed = {name: c.detail for name, c in checks.items() if not c.ok}
        log.warning("not ready: %s", failed)
    return JSONResponse(
        {"ok": ready, "checks": {name: c.detail for name, c in checks.items()}},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
