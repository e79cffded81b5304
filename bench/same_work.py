"""The API against a floor doing the same database work: req/s, ratio and server CPU per request.

    .venv/bin/python bench/same_work.py [--referrals 10000] [--requests 300]
                                        [--concurrency 4] [--rounds 3]

The floor (bench/same_work_floor.py) is a bare Starlette app on the same uvicorn
(uvloop, httptools, one worker) that sends exactly the SQL the real request sends,
through an asyncpg pool: the same statements in the same order, in the same
transactions, the same audit rows (their ids and timestamps made anew per request),
and answers the real request's body byte for byte. What is left between the two is
the app's own Python.

The SQL is captured once at start-up: the real app is driven in-process (httpx's ASGI
transport) with SQLAlchemy's ``before_cursor_execute``, ``begin`` and ``commit``
events listening. Each request is captured twice; the parameters that differ between
the two are the per-request ones, and must be ids or timestamps the floor can make.

For each of three requests (who-am-I by API key, a REST page of 50 referrals with case
and patient out of ``--referrals``, the GraphQL page of referral_list.py), real and
floor are loaded in turn, interleaved, for ``--rounds`` rounds; the figures are the
medians. CPU per request is the server process's user + system time (``/proc/<pid>/
stat``) over the measured requests: with the load client on the same cores, it is the
figure to trust; req/s moves with whatever else the machine is doing. The last line of
each request is the old floor, a fixed body touching no database, for what it is.
"""

import argparse
import asyncio
import pickle
import statistics
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_database,
    bench_env,
    cpu_seconds,
    in_process_client,
    load,
    uvicorn_process,
)
from bench.referral_list import GRAPHQL_PAGE, REST_PAGE, seed  # noqa: E402
from bench.same_work_floor import Capture, Statement  # noqa: E402


@dataclass(frozen=True)
class Probe:
    name: str
    label: str
    method: str
    path: str
    json: Any = None


PROBES = (
    Probe("me", "GET /api/auth/me (API key)", "GET", "/api/auth/me"),
    Probe("rest", "GET /api/referrals?limit=50&include=case,patient", "GET", REST_PAGE),
    Probe(
        "graphql",
        "POST /graphql referrals(first: 50) + case, patient",
        "POST",
        "/graphql",
        {"query": GRAPHQL_PAGE, "variables": {"first": 50}},
    ),
)


@dataclass
class Sent:
    transactions: list[list[Statement]]
    body: bytes
    media_type: str
    status: int


def _fresh_positions(a: Statement, b: Statement) -> list[tuple[int, ...]]:
    if a.sql != b.sql or a.many != b.many:
        raise RuntimeError(f"two requests sent different SQL:\n{a.sql}\n{b.sql}")
    if a.many:
        return [
            (r, c)
            for r, (row_a, row_b) in enumerate(zip(a.params, b.params, strict=True))
            for c, (x, y) in enumerate(zip(row_a, row_b, strict=True))
            if x != y
        ]
    return [(c,) for c, (x, y) in enumerate(zip(a.params, b.params, strict=True)) if x != y]


def _capture_of(probe: Probe, first: Sent, second: Sent) -> Capture:
    """What the floor replays: the first request's SQL, with the values that changed in
    the second marked to be made anew per request."""
    if [len(t) for t in first.transactions] != [len(t) for t in second.transactions]:
        raise RuntimeError(f"{probe.name}: two requests sent different transactions")
    if first.body != second.body:
        raise RuntimeError(f"{probe.name}: two requests answered different bodies")
    from bench.same_work_floor import fresh_value

    for ours, theirs in zip(first.transactions, second.transactions, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            a.fresh = _fresh_positions(a, b)
            for position in a.fresh:
                value = a.params[position[0]][position[1]] if a.many else a.params[position[0]]
                fresh_value(value)  # refuses a value it could not make
    return Capture(
        name=probe.name,
        method=probe.method,
        transactions=first.transactions,
        body=first.body,
        media_type=first.media_type,
        status=first.status,
    )


async def capture(env: dict[str, str], key: str) -> list[Capture]:
    """Each probe's SQL and body, from the real app driven in-process."""
    from sqlalchemy import event

    from app.main import create_app
    from app.settings import load_settings

    app = create_app(load_settings(env))
    transactions: list[list[Statement]] = []
    open_transaction = False

    def begin(_conn: Any) -> None:
        nonlocal open_transaction
        transactions.append([])
        open_transaction = True

    def end(_conn: Any) -> None:
        nonlocal open_transaction
        open_transaction = False

    def executed(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if not open_transaction:
            raise RuntimeError(f"a statement outside a transaction: {sql}")
        rows = [tuple(p) for p in params] if many else tuple(params)
        transactions[-1].append(Statement(sql=sql, params=rows, many=many))

    captures = []
    async with in_process_client(app, key) as client:
        engine = app.state.engine.sync_engine
        listeners = (("begin", begin), ("commit", end), ("rollback", end))
        for probe in PROBES:
            sent = []
            for _ in range(3):  # warm: connections, caches, lastUsedAt, org limits
                warm = await client.request(probe.method, probe.path, json=probe.json)
                warm.raise_for_status()
            for _ in range(2):
                transactions = []
                for name, listener in (*listeners, ("before_cursor_execute", executed)):
                    event.listen(engine, name, listener)
                try:
                    response = await client.request(probe.method, probe.path, json=probe.json)
                finally:
                    for name, listener in (*listeners, ("before_cursor_execute", executed)):
                        event.remove(engine, name, listener)
                response.raise_for_status()
                if probe.json is not None and response.json().get("errors"):
                    raise RuntimeError(f"{probe.name}: {response.text[:500]}")
                sent.append(
                    Sent(
                        transactions=transactions,
                        body=response.content,
                        media_type=response.headers["content-type"],
                        status=response.status_code,
                    )
                )
            captures.append(_capture_of(probe, *sent))
    return captures


@dataclass
class Run:
    rps: float
    cpu_ms: float


async def measure(url: str, pid: int, probe: Probe, key: str, args: argparse.Namespace) -> Run:
    headers = {"x-api-key": key}
    opts: dict[str, Any] = {"method": probe.method, "headers": headers, "json": probe.json}
    await load(probe.name, url, requests=20, concurrency=args.concurrency, warmup=0, **opts)
    before = cpu_seconds(pid)
    figures = await load(
        probe.name, url, requests=args.requests, concurrency=args.concurrency, warmup=0, **opts
    )
    used = cpu_seconds(pid) - before
    return Run(rps=figures.rps, cpu_ms=used * 1000 / figures.requests)


def _median(runs: list[Run]) -> Run:
    return Run(
        rps=statistics.median(r.rps for r in runs),
        cpu_ms=statistics.median(r.cpu_ms for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=[p.name for p in PROBES], action="append")
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 64:
        parser.error("--requests must be 1..100000 and --concurrency 1..64")
    probes = [p for p in PROBES if not args.only or p.name in args.only]
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database("postgresql", files))
        # The bench's requests would soon spend an API key's budget: it is not what is measured.
        env = bench_env(
            database_url, files / "files", INTAKEDESK_RATE_LIMIT_API_KEY="1000000/second"
        )
        key = asyncio.run(seed(env, args.referrals))
        captures = asyncio.run(capture(env, key))
        captured = files / "captures.pickle"
        captured.write_bytes(pickle.dumps(captures))
        floor_env = dict(
            env,
            BENCH_SAME_WORK_FILE=str(captured),
            BENCH_SAME_WORK_DSN=database_url.replace("postgresql+asyncpg://", "postgresql://"),
        )
        real_url, real_pid = stack.enter_context(
            uvicorn_process("app.main:create_app", env, factory=True)
        )
        floor_url, floor_pid = stack.enter_context(
            uvicorn_process("bench.same_work_floor:app", floor_env)
        )
        print(
            f"PostgreSQL; {args.referrals} referrals with cases and patients; {args.requests} "
            f"requests a run, {args.concurrency} concurrent (Python client), one uvicorn worker "
            f"each; median of {args.rounds} interleaved rounds"
        )
        by_name = {c.name: c for c in captures}
        for probe in probes:
            shape = by_name[probe.name]
            statements = sum(len(t) for t in shape.transactions)
            print(
                f"{probe.label}: {statements} statements in {len(shape.transactions)} "
                f"transactions, {len(shape.body)}-byte body"
            )
        real: dict[str, list[Run]] = {p.name: [] for p in probes}
        floor: dict[str, list[Run]] = {p.name: [] for p in probes}
        fixed: dict[str, list[Run]] = {p.name: [] for p in probes}
        for _ in range(args.rounds):
            for probe in probes:
                real[probe.name].append(
                    asyncio.run(measure(real_url + probe.path, real_pid, probe, key, args))
                )
                floor[probe.name].append(
                    asyncio.run(
                        measure(f"{floor_url}/same/{probe.name}", floor_pid, probe, key, args)
                    )
                )
                fixed[probe.name].append(
                    asyncio.run(
                        measure(f"{floor_url}/fixed/{probe.name}", floor_pid, probe, key, args)
                    )
                )
        print(f"\n{'request':<52} {'real':>8} {'floor':>8} {'ratio':>6}   CPU/request real, floor")
        for probe in probes:
            r, f, x = (_median(runs[probe.name]) for runs in (real, floor, fixed))
            print(
                f"{probe.label:<52} {r.rps:>8.0f} {f.rps:>8.0f} {r.rps / f.rps:>6.2f}"
                f"   {r.cpu_ms:6.2f} ms {f.cpu_ms:6.2f} ms"
            )
            print(
                f"{'  old floor: fixed body, no SQL':<52} {'':>8} {x.rps:>8.0f} "
                f"{r.rps / x.rps:>6.2f}   {'':>9} {x.cpu_ms:6.2f} ms"
            )


if __name__ == "__main__":
    main()
