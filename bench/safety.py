"""What the safety checks cost on the hot paths (issue #14): each check against the same
request without it, in the same run, rounds interleaved so the machine's noise hits both.

    .venv/bin/python bench/safety.py [--db postgresql|sqlite] [--rounds 3] [--requests 600]

- rate limits: ``GET /api/auth/me`` and a referral create on the app without a limiter,
  with its in-memory counters (the embedded default), and with counters in Redis
  (127.0.0.1:6379, as several instances would share);
- idempotency: the same referral create (JSON: a referral, its document and a signed
  upload URL) with and without an ``Idempotency-Key`` (a new one per request).

The target is at most 10% each on p50 latency and throughput. Since the machine may be
shared, each run also reads the CPU time the serving uvicorn process spent per request
(``/proc/<pid>/stat``, which other processes' load does not inflate) and, on PostgreSQL,
the CPU time of the database's server processes: the cost on these is the steadier figure.
"""

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.auth_me import seed  # noqa: E402
from bench.common import (  # noqa: E402
    Figures,
    Server,
    bench_database,
    bench_env,
    cpu_seconds,
    pg_backends,
    uvicorn_process,
)

WARM_UP = 20
CREATE = {"fileName": "fax.pdf", "contentType": "application/pdf", "source": "api"}


@dataclass
class Run:
    figures: Figures
    server_cpu_ms: float  # the uvicorn process's CPU time per request
    database_cpu_ms: float  # PostgreSQL's server processes' CPU time per request (0: SQLite)


async def measured(name: str, server: Server, database_url: str, key: str, **options: Any) -> Run:
    on_pg = database_url.startswith("postgresql")
    pids = await pg_backends(database_url) if on_pg else []
    before = {pid: cpu_seconds(pid) for pid in pids}
    server_before = cpu_seconds(server.pid)
    figures = await run(name, server.url, key, **options)
    server_cpu = cpu_seconds(server.pid) - server_before
    after = await pg_backends(database_url) if on_pg else []
    database_cpu = sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in after)
    # The warm-up requests count in the CPU time too.
    total = figures.requests + WARM_UP
    return Run(
        figures=figures,
        server_cpu_ms=server_cpu * 1000 / total,
        database_cpu_ms=database_cpu * 1000 / total,
    )


async def run(
    name: str,
    url: str,
    key: str,
    *,
    requests: int,
    concurrency: int,
    create: bool,
    idempotency_key: bool = False,
) -> Figures:
    latencies: list[float] = []
    async with httpx.AsyncClient(headers={"x-api-key": key}, timeout=30) as client:

        async def one() -> None:
            headers = {"Idempotency-Key": str(uuid.uuid4())} if idempotency_key else {}
            started = time.perf_counter()
            if create:
                response = await client.post(f"{url}/api/referrals", json=CREATE, headers=headers)
                expected = 201
            else:
                response = await client.get(f"{url}/api/auth/me")
                expected = 200
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != expected:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")

        for _ in range(WARM_UP):
            await one()
        latencies.clear()
        remaining = requests

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await one()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Figures(name=name, requests=len(latencies), seconds=seconds, latencies_ms=latencies)


@dataclass(frozen=True)
class Summary:
    p50: float
    rps: float
    server_cpu_ms: float
    database_cpu_ms: float


def summary(name: str, rounds: list[Run]) -> Summary:
    figures = [r.figures for r in rounds]
    result = Summary(
        p50=statistics.median(f.percentile(50) for f in figures),
        rps=statistics.median(f.rps for f in figures),
        server_cpu_ms=statistics.median(r.server_cpu_ms for r in rounds),
        database_cpu_ms=statistics.median(r.database_cpu_ms for r in rounds),
    )
    p99 = statistics.median(f.percentile(99) for f in figures)
    print(
        f"{name:<58} {result.rps:>6.0f} req/s  p50 {result.p50:>6.2f} ms  p99 {p99:>7.2f} ms"
        f"  CPU/request: server {result.server_cpu_ms:.2f} ms,"
        f" database {result.database_cpu_ms:.2f} ms"
    )
    return result


def compare(label: str, base: Summary, checked: Summary) -> None:
    def more(a: float, b: float) -> str:
        return f"{b / a - 1:+.1%}" if a else "n/a"

    base_total = base.server_cpu_ms + base.database_cpu_ms
    checked_total = checked.server_cpu_ms + checked.database_cpu_ms
    print(
        f"  {label:<44} p50 {more(base.p50, checked.p50)}"
        f"  throughput {more(base.rps, checked.rps)}"
        f"  server CPU {more(base.server_cpu_ms, checked.server_cpu_ms)}"
        f"  server+database CPU "
        f"{more(base_total, checked_total)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        # Limits high enough never to refuse: what is measured is the checking.
        env = bench_env(
            database_url,
            files / "files",
            INTAKEDESK_RATE_LIMIT_API_KEY="100000000/minute",
        )
        key = asyncio.run(seed(env))
        redis_env = dict(
            env,
            INTAKEDESK_REDIS_URL=args.redis_url,
            INTAKEDESK_REDIS_KEY_PREFIX="intakedesk-bench-" + secrets.token_hex(4),
        )
        servers = {
            name: Server(*stack.enter_context(uvicorn_process(target, server_env, factory=True)))
            for name, target, server_env in (
                ("none", "bench.safety_apps:without_rate_limits", env),
                ("memory", "app.main:create_app", env),
                ("redis", "app.main:create_app", redis_env),
            )
        }
        print(
            f"database: {args.db}; one uvicorn worker per server; {args.rounds} interleaved "
            f"rounds of {args.requests} requests, {args.concurrency} concurrent; medians"
        )
        variants = {
            "GET /api/auth/me, no rate limiter": ("none", False, False),
            "GET /api/auth/me, rate limit in memory": ("memory", False, False),
            "GET /api/auth/me, rate limit in Redis": ("redis", False, False),
            "POST /api/referrals, no rate limiter, no key": ("none", True, False),
            "POST /api/referrals, rate limit in memory, no key": ("memory", True, False),
            "POST /api/referrals, rate limit in memory + Idempotency-Key": ("memory", True, True),
        }
        results: dict[str, list[Run]] = {name: [] for name in variants}
        for _ in range(args.rounds):
            for name, (server, create, with_key) in variants.items():
                outcome = asyncio.run(
                    measured(
                        name,
                        servers[server],
                        database_url,
                        key,
                        requests=args.requests // (3 if create else 1),
                        concurrency=args.concurrency,
                        create=create,
                        idempotency_key=with_key,
                    )
                )
                results[name].append(outcome)
        s = {name: summary(name, rounds) for name, rounds in results.items()}
        names = list(variants)
        print("cost of the checks (positive p50 = slower, negative throughput = fewer req/s):")
        compare("rate limit (memory) on /api/auth/me", s[names[0]], s[names[1]])
        compare("rate limit (Redis) on /api/auth/me", s[names[0]], s[names[2]])
        compare("rate limit (memory) on a referral create", s[names[3]], s[names[4]])
        compare("Idempotency-Key on a referral create", s[names[4]], s[names[5]])


if __name__ == "__main__":
    main()
