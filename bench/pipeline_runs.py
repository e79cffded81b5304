"""Referrals processed per second by the running service, against a floor doing the same work.

The service: a real uvicorn (``serve``'s app, its own worker and process pool), typed
referrals from the synthetic corpus uploaded at once; each is timed from its upload to its
run finishing (stage ``triaged`` or ``review``). The floor: the same packets read and
extracted (``read_packet`` + ``fields.extract``) in a bare process pool of the same size,
with no database, queue, storage or HTTP. The gap is what the engine costs.

    python bench/pipeline_runs.py [--db sqlite|postgresql] [--referrals 24]
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, bench_env, uvicorn_server  # noqa: E402
from bench.corpus import Packet, generate, layouts  # noqa: E402


def packets(n: int) -> list[Packet]:
    chosen: list[Packet] = []
    seed = 0
    while len(chosen) < n:
        for layout in layouts():
            packet = generate(seed, layout, scanned=False)
            if len(packet.files) == 1 and len(chosen) < n:
                chosen.append(packet)
        seed += 1
    return chosen


def _floor_one(data: bytes, content_type: str) -> str:
    from app.pipeline import fields
    from app.pipeline.read import read_packet

    return str(fields.extract(read_packet([(data, content_type)])).patient.last_name)


def floor(chosen: list[Packet], processes: int) -> float:
    """Referrals per second of the pure work in a bare pool (warmed up first)."""
    with ProcessPoolExecutor(processes) as pool:
        list(
            pool.map(
                _floor_one, [chosen[0].files[0].data] * processes, ["application/pdf"] * processes
            )
        )
        started = time.perf_counter()
        list(
            pool.map(
                _floor_one,
                [p.files[0].data for p in chosen],
                [p.files[0].content_type for p in chosen],
            )
        )
        return len(chosen) / (time.perf_counter() - started)


async def _org_with_key(url: str, files: Path) -> str:
    from app.db import create_engine, session_factory, transaction
    from app.settings import load_settings
    from app.storage import build_storage
    from resolvers import api_keys, orgs
    from resolvers.context import Context

    settings = load_settings(bench_env(url, files))
    engine = create_engine(settings)
    try:
        async with transaction(session_factory(engine)) as session:
            ctx = Context(
                session=session,
                settings=settings,
                storage=build_storage(settings),
                system_actor="bench",
            )
            org = await orgs.create(ctx, name="Bench Ortho")
            return (await api_keys.issue(ctx, org_id=org.id, name="bench")).secret
    finally:
        await engine.dispose()


async def _through_the_service(
    base: str, key: str, chosen: list[Packet]
) -> tuple[float, list[float], dict[str, int]]:
    latencies: list[float] = []
    stages: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=base, headers={"x-api-key": key}, timeout=120) as client:

        async def one(packet: Packet) -> None:
            [file] = packet.files
            started = time.perf_counter()
            created = await client.post(
                "/api/referrals", files={"file": (file.file_name, file.data, file.content_type)}
            )
            created.raise_for_status()
            referral_id = created.json()["id"]
            while True:
                body = (await client.get(f"/api/referrals/{referral_id}")).json()
                if body["job"] and body["job"]["status"] in ("done", "failed"):
                    body = (await client.get(f"/api/referrals/{referral_id}")).json()
                    break
                await asyncio.sleep(0.05)
            latencies.append((time.perf_counter() - started) * 1000)
            stages[body["stage"]] = stages.get(body["stage"], 0) + 1

        await one(chosen[0])  # warm: the pool's processes, the first queries
        latencies.clear()
        stages.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one(p) for p in chosen))
        return len(chosen) / (time.perf_counter() - started), latencies, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--referrals", type=int, default=24)
    args = parser.parse_args()
    processes = os.cpu_count() or 1
    chosen = packets(args.referrals)
    floor_rate = floor(chosen, processes)
    with tempfile.TemporaryDirectory() as folder, bench_database(args.db, Path(folder)) as url:
        files = Path(folder) / "files"
        key = asyncio.run(_org_with_key(url, files))
        env = bench_env(url, files, INTAKEDESK_WORKER_PROCESSES=str(processes))
        with uvicorn_server("app.main:create_app", env, factory=True) as base:
            rate, latencies, stages = asyncio.run(_through_the_service(base, key, chosen))
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"pipeline floor (bare pool of {processes})      {floor_rate:>6.2f} referrals/s")
    print(
        f"service on {args.db:<10} upload → finished   {rate:>6.2f} referrals/s"
        f"   p50 {p50:>6.0f} ms   p99 {p99:>6.0f} ms   (n={len(chosen)}, {stages})"
    )
    print(f"service / floor                           {rate / floor_rate:>6.0%}")


if __name__ == "__main__":
    main()
