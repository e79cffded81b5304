"""Concurrent writers: requests/second, p50/p99 and failures for patient creation.

    .venv/bin/python bench/concurrent_writes.py [--db sqlite|postgresql] [--requests 1000]

Every request writes (an authentication audit event, the patient, its audit event). On
SQLite each transaction begins with BEGIN IMMEDIATE and waits for the single write lock
(app/db.py); this shows what that costs as writers are added, and that none of them
fails. Each patient is a different person, so every answer should be 201.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.auth_me import seed  # noqa: E402
from bench.common import Figures, bench_database, bench_env, uvicorn_server  # noqa: E402


async def create_patients(url: str, key: str, *, requests: int, concurrency: int) -> Figures:
    latencies: list[float] = []
    failures: dict[int, int] = {}
    counter = iter(range(requests))

    async with httpx.AsyncClient(headers={"x-api-key": key}, timeout=60) as client:

        async def worker() -> None:
            for n in counter:
                body = {"firstName": f"Writer{concurrency}x{n}", "lastName": "Bench"}
                body["dob"] = f"19{40 + n % 60:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
                started = time.perf_counter()
                response = await client.post(f"{url}/api/patients", json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 201:
                    failures[response.status_code] = failures.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    name = f"{concurrency:>3} writers: POST /api/patients"
    if failures:
        name += f" (failed: {failures})"
    return Figures(name=name, requests=len(latencies), seconds=seconds, latencies_ms=latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=1000, help="per level of concurrency")
    parser.add_argument("--writers", default="1,10,50", help="levels of concurrency")
    args = parser.parse_args()
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        env = bench_env(database_url, files / "files")
        key = asyncio.run(seed(env))
        url = stack.enter_context(uvicorn_server("app.main:create_app", env, factory=True))
        print(f"database: {args.db}; one uvicorn worker; {args.requests} creates per level")
        for writers in (int(w) for w in args.writers.split(",")):
            figures = asyncio.run(
                create_patients(url, key, requests=args.requests, concurrency=writers)
            )
            print(figures.line())


if __name__ == "__main__":
    main()
