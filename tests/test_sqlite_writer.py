"""SQLite's single writer: transactions queue first come, first served, and give up in time."""

import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.db import create_engine, is_contention
from tests.conftest import make_settings


@pytest.fixture
async def engine(tmp_path: Path) -> Any:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/writer.db", tmp_path, db_lock_timeout_seconds="0.5"
    )
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE turns (n INTEGER)"))
    yield engine
    await engine.dispose()


async def test_writers_of_one_process_take_turns_in_arrival_order(engine: Any) -> None:
    writers = 5  # the pool's size: each gets a connection without opening one
    connections = [await engine.connect() for _ in range(writers)]
    for connection in connections:
        await connection.close()
    order: list[int] = []

    async def write(n: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO turns VALUES (:n)"), {"n": n})
            order.append(n)
            await anyio.sleep(0.02)  # hold the write lock while the others queue

    async with anyio.create_task_group() as group:
        for n in range(writers):
            group.start_soon(write, n)
            await anyio.sleep(0.005)  # arrive in order
    assert order == list(range(writers))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT n FROM turns ORDER BY rowid"))).all()
    assert [n for (n,) in rows] == order


async def test_a_writer_gives_up_after_the_lock_timeout_and_the_queue_moves_on(
    engine: Any,
) -> None:
    async with engine.begin() as holder:
        await holder.execute(text("INSERT INTO turns VALUES (1)"))
        started = time.monotonic()
        with pytest.raises(OperationalError) as raised:
            async with engine.begin() as waiter:
                await waiter.execute(text("INSERT INTO turns VALUES (2)"))
        waited = time.monotonic() - started
    assert is_contention(raised.value)
    assert 0.4 < waited < 5
    # The refused writer left nothing held: the next one gets in at once.
    async with engine.begin() as after:
        await after.execute(text("INSERT INTO turns VALUES (3)"))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT n FROM turns ORDER BY rowid"))).all()
    assert [n for (n,) in rows] == [1, 3]
