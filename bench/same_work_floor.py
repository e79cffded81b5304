"""The same-work floor: a bare Starlette app replaying a captured request's SQL through asyncpg.

``bench/same_work.py`` captures what one real request sends to PostgreSQL (its
statements in order, grouped in its transactions) and the body it answers, and
pickles them to the file named by ``BENCH_SAME_WORK_FILE``. Here, per request:
one pool checkout and one transaction per captured transaction, every statement
executed with its parameters (the per-request ones, ids and timestamps, generated
anew the way the app makes them), the rows fetched and decoded by asyncpg; then
the captured body, byte for byte. ``/fixed/{name}`` answers the body touching no
database: the old floor, for comparison.
"""

import os
import pickle
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from models import new_id

# A generated id: prefix, underscore, 20 characters of [a-z0-9] (models.base.new_id).
NEW_ID = re.compile(r"([a-z]+_)[a-z0-9]{20}")


@dataclass
class Statement:
    sql: str
    params: tuple[Any, ...] | list[tuple[Any, ...]]
    many: bool = False
    # Positions ((row, column) when ``many``) of the values that differ per request.
    fresh: list[tuple[int, ...]] = field(default_factory=list)


@dataclass
class Capture:
    name: str
    method: str
    transactions: list[list[Statement]]
    body: bytes
    media_type: str
    status: int = 200


def fresh_value(old: Any) -> Any:
    """A new value made the way the app makes the captured one (an id, a timestamp)."""
    if isinstance(old, datetime):
        now = datetime.now(UTC)
        return now if old.tzinfo is not None else now.replace(tzinfo=None)
    if isinstance(old, str) and (match := NEW_ID.fullmatch(old)):
        return new_id(match.group(1))
    raise ValueError(f"no way to make a fresh value like {old!r}")


def _bound(statement: Statement, made: dict[Any, Any]) -> Any:
    """The statement's parameters with this request's fresh values (one per old value)."""
    if not statement.fresh:
        return statement.params
    if statement.many:
        rows = [list(row) for row in statement.params]
        for row, column in statement.fresh:
            old = rows[row][column]
            rows[row][column] = made.setdefault(old, fresh_value(old))
        return [tuple(row) for row in rows]
    values = list(statement.params)
    for (column,) in statement.fresh:
        old = values[column]
        values[column] = made.setdefault(old, fresh_value(old))
    return tuple(values)


def load_captures() -> dict[str, Capture]:
    path = os.environ.get("BENCH_SAME_WORK_FILE")
    if not path:
        return {}
    captures: list[Capture] = pickle.loads(Path(path).read_bytes())
    return {capture.name: capture for capture in captures}


CAPTURES = load_captures()
DSN = os.environ.get("BENCH_SAME_WORK_DSN", "")
POOL_SIZE = int(os.environ.get("INTAKEDESK_DB_POOL_SIZE", "10"))


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    if not DSN:
        yield
        return
    app.state.pool = await asyncpg.create_pool(DSN, min_size=1, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await app.state.pool.close()


async def same_work(request: Request) -> Response:
    capture = CAPTURES[request.path_params["name"]]
    await request.body()
    pool: asyncpg.Pool = request.app.state.pool
    made: dict[Any, Any] = {}
    for statements in capture.transactions:
        async with pool.acquire() as conn, conn.transaction():
            for statement in statements:
                params = _bound(statement, made)
                if statement.many:
                    await conn.executemany(statement.sql, params)
                else:
                    await conn.fetch(statement.sql, *params)
    return Response(capture.body, status_code=capture.status, media_type=capture.media_type)


async def fixed(request: Request) -> Response:
    capture = CAPTURES[request.path_params["name"]]
    await request.body()
    return Response(capture.body, status_code=capture.status, media_type=capture.media_type)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = Starlette(
    routes=[
        Route("/same/{name}", same_work, methods=["GET", "POST"]),
        Route("/fixed/{name}", fixed, methods=["GET", "POST"]),
        Route("/healthz", healthz),
    ],
    lifespan=lifespan,
)
