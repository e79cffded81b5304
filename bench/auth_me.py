"""Requests/second and p50/p99 for who-am-I, against a bare Starlette floor in the same run.

    .venv/bin/python bench/auth_me.py [--seconds 10] [--concurrency 10] [--db postgresql|sqlite]

Each IntakeDesk request authenticates for real: the API key is looked up by hash,
its lastUsedAt is updated and an audit event is written, then the answer is built.
Load comes from wrk (Debian package ``wrk``) when it is installed, else from a
Python client, which saturates before a bare Starlette endpoint does.
"""

import argparse
import asyncio
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_database,
    bench_env,
    have_wrk,
    load,
    uvicorn_server,
    wrk_load,
)

ME_QUERY = "{ me { principal orgId orgs { id name role } apiKey { id name prefix orgId } } }"


async def seed(env: dict[str, str]) -> str:
    from app.db import create_engine, session_factory, transaction
    from app.settings import load_settings
    from app.storage import build_storage
    from resolvers import api_keys, orgs
    from resolvers.context import Context

    settings = load_settings(env)
    engine = create_engine(settings)
    async with transaction(session_factory(engine)) as session:
        ctx = Context(
            session=session,
            settings=settings,
            storage=build_storage(settings),
            system_actor="bench",
        )
        org = await orgs.create(ctx, name="Bench Ortho")
        key = await api_keys.issue(ctx, org_id=org.id, name="bench")
    await engine.dispose()
    return key.secret


def measure(args: argparse.Namespace, app_url: str, floor_url: str, key: str) -> list[Any]:
    headers = {"x-api-key": key}
    me = "GET /api/auth/me (API key)"
    graph = "POST /graphql { me } (API key)"
    floor = "floor: bare Starlette, same JSON"
    if have_wrk() and not args.python_client:
        print(f"load: wrk, {args.seconds} s per endpoint, {args.concurrency} connections")
        opts: dict[str, Any] = {"seconds": args.seconds, "connections": args.concurrency}
        return [
            wrk_load(floor, f"{floor_url}/fixed", **opts),
            wrk_load(me, f"{app_url}/api/auth/me", headers=headers, **opts),
            wrk_load(
                graph,
                f"{app_url}/graphql",
                method="POST",
                headers={**headers, "content-type": "application/json"},
                body=json.dumps({"query": ME_QUERY}),
                **opts,
            ),
        ]
    print(
        f"load: Python client, {args.requests} requests, {args.concurrency} concurrent "
        "(it saturates before the floor server does: install wrk for the real floor)"
    )
    opts = {"requests": args.requests, "concurrency": args.concurrency}
    return [
        asyncio.run(load(floor, f"{floor_url}/fixed", **opts)),
        asyncio.run(load(me, f"{app_url}/api/auth/me", headers=headers, **opts)),
        asyncio.run(
            load(
                graph,
                f"{app_url}/graphql",
                method="POST",
                headers=headers,
                json={"query": ME_QUERY},
                **opts,
            )
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint, with wrk")
    parser.add_argument("--requests", type=int, default=2000, help="with the Python client")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        env = bench_env(database_url, files / "files")
        key = asyncio.run(seed(env))
        app_url = stack.enter_context(uvicorn_server("app.main:create_app", env, factory=True))
        import httpx

        sample = httpx.get(f"{app_url}/api/auth/me", headers={"x-api-key": key}).json()
        floor_env = dict(env, BENCH_FLOOR_JSON=json.dumps(sample))
        floor_url = stack.enter_context(uvicorn_server("bench.floor_app:app", floor_env))
        print(f"database: {args.db}; one uvicorn worker per server")
        floor, rest, graphql = measure(args, app_url, floor_url, key)
        for figures in (floor, rest, graphql):
            print(figures.line())
        print(f"REST    /api/auth/me at {rest.rps / floor.rps:.0%} of the floor's throughput")
        print(f"GraphQL {{ me }}      at {graphql.rps / floor.rps:.0%} of the floor's throughput")


if __name__ == "__main__":
    main()
