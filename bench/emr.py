"""p50/p99 of the EMR bridge's calls: both polls and a 100-result callback, on PostgreSQL.

    .venv/bin/python bench/emr.py [--charts 1000] [--documents 2000] [--requests 60]
                                  [--db postgresql|sqlite]

Seeds a fresh database with ``--charts`` pending chart items (each on a case with its
patient, referrer and location) and ``--documents`` pending document items (local
storage: signed URLs are HMACs), runs the real app under uvicorn, and times, one request
at a time as a bridge sends them:

- ``GET /api/emr/queue`` (every pending chart item, denormalised);
- ``GET /api/emr/document-queue`` (every pending document item, each with a fresh URL);
- ``POST /api/emr/document-queue/callback`` with 100 ``failed`` results (repeatable: the
  items stay pending) and with 100 ``success`` results (each batch new items);
- ``POST /api/emr/queue/callback`` with 100 ``failed`` results, and with 10 ``success``
  results (each renders a Case Summary PDF in the callback's transaction);
- the floor: the chart poll's own SQL, raw through asyncpg, with no HTTP or Python shaping.

Besides wall-clock p50/p99 it prints the CPU each request cost the app's process and the
database's backends (``/proc/<pid>/stat``): on a shared machine, the steadier figure.

Targets (issue #12): chart poll p99 <= 150 ms, document poll p99 <= 300 ms, callback p99
<= 200 ms. It also prints what one ``gs://`` V4 signed URL costs when signed locally with
a service-account key (no network), the per-item price of a document poll on GCS.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    CpuMeter,
    Figures,
    bench_database,
    bench_env,
    pg_backends,
    uvicorn_process,
)

BATCH = 1000


def _rows(org_id: str, charts: int, documents: int) -> dict[str, list[dict[str, Any]]]:
    """Column dicts: patients and cases, one pending chart item per case for ``charts``
    cases, and ``documents`` pending document items on 4-document charted cases."""
    from models import (
        Case,
        EmrChartItem,
        EmrDocumentItem,
        EmrStatus,
        Location,
        Patient,
        Practice,
        Provider,
        QueueStatus,
    )
    from models.values import name_key

    start = datetime(2026, 1, 1, tzinfo=UTC)
    location = Location(org_id=org_id, name="North Clinic", emr_location_id="EMR_LOC_42")
    practice = Practice(org_id=org_id, name="Valley Family Medicine", npi="1234567893")
    provider = Provider(org_id=org_id, practice_id=practice.id, name="John Smith", npi="1234567893")
    rows: dict[str, list[dict[str, Any]]] = {
        "locations": [location.model_dump()],
        "practices": [practice.model_dump()],
        "providers": [provider.model_dump()],
        "patients": [],
        "cases": [],
        "charts": [],
        "documents": [],
    }
    charted = (documents + 3) // 4
    for i in range(charts + charted):
        when = start + timedelta(minutes=i)
        first, last = "Jane", f"Bench{i:05d}"
        patient = Patient(
            org_id=org_id,
            first_name=first,
            last_name=last,
            first_name_key=name_key(first),
            last_name_key=name_key(last),
            dob=date(1950, 1, 1) + timedelta(days=i % 20000),
            sex="F",
            phone=f"+1555{i:07d}",
            email=f"p{i}@example.test",
            address={"line1": "123 Main St", "city": "Anytown", "state": "CA", "zip": "90210"},
            insurance={"provider": "Blue Cross", "memberId": f"XYZ{i}", "groupNumber": "G1"},
            mrn=f"MRN{i:08d}" if i >= charts else None,
            created_at=when,
            updated_at=when,
        )
        case = Case(
            org_id=org_id,
            patient_id=patient.id,
            triage_level=1 + i % 5,
            priority_band=f"P{min(1 + i % 5, 4)}",
            queue="intake",
            location_id=location.id,
            practice_id=practice.id,
            provider_id=provider.id,
            emr_status=EmrStatus.queued if i < charts else EmrStatus.created,
            emr_chart_id=patient.mrn,
            created_at=when,
            updated_at=when,
        )
        chart = EmrChartItem(
            org_id=org_id,
            case_id=case.id,
            status=QueueStatus.pending if i < charts else QueueStatus.completed,
            emr_chart_id=patient.mrn,
            created_at=when,
            updated_at=when,
        )
        rows["patients"].append(patient.model_dump())
        rows["cases"].append(case.model_dump())
        rows["charts"].append(chart.model_dump())
        if i >= charts:
            for n in range(min(4, documents - len(rows["documents"]))):
                item = EmrDocumentItem(
                    org_id=org_id,
                    case_id=case.id,
                    chart_item_id=chart.id,
                    document_type="source",
                    file_name=f"referral_fax_{n}.pdf",
                    content_type="application/pdf",
                    storage_key=f"{org_id}/documents/bench-{i}-{n}",
                    created_at=when,
                    updated_at=when,
                )
                rows["documents"].append(item.model_dump())
    return rows


async def seed(env: dict[str, str], charts: int, documents: int) -> tuple[str, str]:
    from sqlalchemy import insert, text

    from app.db import create_engine, session_factory, transaction
    from app.settings import load_settings
    from app.storage import build_storage
    from models import Case, EmrChartItem, EmrDocumentItem, Location, Patient, Practice, Provider
    from resolvers import api_keys, orgs
    from resolvers.context import Context

    settings = load_settings(env)
    engine = create_engine(settings)
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        ctx = Context(
            session=session, settings=settings, storage=build_storage(settings), system_actor="b"
        )
        org = await orgs.create(ctx, name="Bench Ortho")
        key = await api_keys.issue(ctx, org_id=org.id, name="bench bridge")
    rows = _rows(org.id, charts, documents)
    tables = (
        (Location, "locations"),
        (Practice, "practices"),
        (Provider, "providers"),
        (Patient, "patients"),
        (Case, "cases"),
        (EmrChartItem, "charts"),
        (EmrDocumentItem, "documents"),
    )
    for model, name in tables:
        for offset in range(0, len(rows[name]), BATCH):
            async with transaction(sessions) as session:
                await session.execute(insert(model), rows[name][offset : offset + BATCH])
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    await engine.dispose()
    return org.id, key.secret


@dataclass
class Meters:
    """Whose CPU a timed run charges to each request: the app's process, and the
    PostgreSQL backends of the bench's database (none on SQLite)."""

    app_pid: int
    database_url: str | None = None
    # Known backends (the floor's one connection) instead of the database's current ones.
    backend_pids: list[int] | None = None

    async def start(self) -> tuple[CpuMeter, CpuMeter | None]:
        backends = self.backend_pids
        if backends is None and self.database_url:
            backends = await pg_backends(self.database_url)
        return CpuMeter([self.app_pid]), None if backends is None else CpuMeter(backends)


async def timed(name: str, send: Any, requests: int, meters: Meters, warmup: int = 3) -> Figures:
    for _ in range(warmup):
        await send(-1)
    app, db = await meters.start()
    app_before, db_before = app.total(), db.total() if db else 0.0
    latencies = []
    started = time.perf_counter()
    for n in range(requests):
        begin = time.perf_counter()
        await send(n)
        latencies.append((time.perf_counter() - begin) * 1000)
    seconds = time.perf_counter() - started
    app_ms = (app.total() - app_before) * 1000 / requests
    db_ms = (db.total() - db_before) * 1000 / requests if db else None
    return Figures(name, requests, seconds, latencies, app_cpu_ms=app_ms, db_cpu_ms=db_ms)


async def run(args: argparse.Namespace, url: str, key: str, meters: Meters) -> list[Figures]:
    import httpx

    figures = []
    async with httpx.AsyncClient(base_url=url, headers={"x-api-key": key}, timeout=60) as http:

        async def get(path: str, expected: int) -> list[dict[str, Any]]:
            response = await http.get(path)
            response.raise_for_status()
            body = response.json()
            assert body["count"] == expected, (path, body["count"])
            items: list[dict[str, Any]] = body["items"]
            return items

        async def post(path: str, results: list[dict[str, Any]]) -> None:
            response = await http.post(path, json={"results": results})
            response.raise_for_status()
            assert all(r["ok"] for r in response.json()["results"])

        figures.append(
            await timed(
                f"GET /api/emr/queue ({args.charts} items)",
                lambda _: get("/api/emr/queue", args.charts),
                args.requests,
                meters,
            )
        )
        documents = await get("/api/emr/document-queue", args.documents)
        figures.append(
            await timed(
                f"GET /api/emr/document-queue ({args.documents} items)",
                lambda _: get("/api/emr/document-queue", args.documents),
                args.requests,
                meters,
            )
        )
        ids = [d["queueItemId"] for d in documents]
        failed = [{"queueItemId": i, "status": "failed", "message": "timeout"} for i in ids[:100]]
        figures.append(
            await timed(
                "POST document callback, 100 failed",
                lambda _: post("/api/emr/document-queue/callback", failed),
                args.requests,
                meters,
            )
        )
        batches = [ids[n : n + 100] for n in range(100, len(ids), 100)][: args.requests]

        async def succeed(n: int) -> None:
            if n >= 0:
                results = [{"queueItemId": i, "status": "success"} for i in batches[n]]
                await post("/api/emr/document-queue/callback", results)

        figures.append(
            await timed(
                "POST document callback, 100 success", succeed, len(batches), meters, warmup=0
            )
        )
        charts = await get("/api/emr/queue", args.charts)
        chart_failed = [
            {"queueItemId": c["queueItemId"], "status": "failed", "message": "busy"}
            for c in charts[:100]
        ]
        figures.append(
            await timed(
                "POST chart callback, 100 failed",
                lambda _: post("/api/emr/queue/callback", chart_failed),
                args.requests,
                meters,
            )
        )
        # Each success renders a Case Summary PDF in the callback's transaction.
        chart_batches = [charts[n : n + 10] for n in range(0, len(charts), 10)][: args.requests]

        async def chart_succeed(n: int) -> None:
            if n >= 0:
                results = [
                    {
                        "queueItemId": c["queueItemId"],
                        "status": "success",
                        "emrChartId": f"M{n}-{i}",
                    }
                    for i, c in enumerate(chart_batches[n])
                ]
                await post("/api/emr/queue/callback", results)

        figures.append(
            await timed(
                "POST chart callback, 10 success (10 PDFs)",
                chart_succeed,
                len(chart_batches),
                meters,
                warmup=0,
            )
        )
    return figures


async def floor(env: dict[str, str], org_id: str, requests: int) -> Figures:
    """The chart poll's own query (``emr_polls.chart_query``), raw through asyncpg: the
    database's share and the driver's, with no SQLAlchemy, HTTP or Python shaping."""
    import asyncpg
    from sqlalchemy.dialects import postgresql

    from resolvers.emr_polls import chart_query

    dsn = env["INTAKEDESK_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    compiled = chart_query(org_id).compile(
        dialect=postgresql.asyncpg.dialect(paramstyle="numeric_dollar"),
        compile_kwargs={"render_postcompile": True},
    )
    sql = str(compiled)
    values = [compiled.params[name] for name in compiled.positiontup or []]
    connection = await asyncpg.connect(dsn)
    try:
        # The floor's "app" is this process (asyncpg alone), its database one backend.
        backend = await connection.fetchval("SELECT pg_backend_pid()")
        return await timed(
            "floor: chart poll SQL via asyncpg",
            lambda _: connection.fetch(sql, *values),
            requests,
            Meters(os.getpid(), backend_pids=[backend]),
        )
    finally:
        await connection.close()


async def gcs_signing(count: int, folder: Path) -> float:
    """Milliseconds per V4 download URL signed locally with a service-account key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage
    from google.oauth2 import service_account

    from app.storage.gcs import GcsStorage

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "bench",
        "private_key_id": "bench",
        "private_key": pem,
        "client_email": "bench@bench.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    (folder / "sa.json").write_text(json.dumps(info))
    signer = service_account.Credentials.from_service_account_info(info)
    client = storage.Client(project="bench", credentials=AnonymousCredentials())
    gcs = GcsStorage(client.bucket("bench-bucket"), signer=signer)
    await gcs.download_url("org/documents/x", 900, file_name="warm.pdf")
    started = time.perf_counter()
    for n in range(count):
        await gcs.download_url(f"org/documents/doc{n}", 900, file_name=f"referral_{n}.pdf")
    return (time.perf_counter() - started) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--charts", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    if not 100 <= args.charts <= 100_000 or not 200 <= args.documents <= 100_000:
        parser.error("--charts must be 100..100000 and --documents 200..100000")
    if not 5 <= args.requests <= 10_000:
        parser.error("--requests must be 5..10000")
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        env = bench_env(database_url, files / "files")
        org_id, key = asyncio.run(seed(env, args.charts, args.documents))
        url, pid = stack.enter_context(uvicorn_process("app.main:create_app", env, factory=True))
        meters = Meters(pid, database_url if args.db == "postgresql" else None)
        print(
            f"database: {args.db}; {args.charts} pending chart items, {args.documents} pending "
            f"document items (local signed URLs); {args.requests} requests each, one at a time, "
            "one uvicorn worker"
        )
        for figures in asyncio.run(run(args, url, key, meters)):
            print(figures.line())
        if args.db == "postgresql":
            print(asyncio.run(floor(env, org_id, args.requests)).line())
        per_url = asyncio.run(gcs_signing(500, files))
        print(
            f"gs:// V4 download URL signed with a service-account key: {per_url:.2f} ms each "
            f"(a {args.documents}-item document poll adds ~{per_url * args.documents:.0f} ms)"
        )


if __name__ == "__main__":
    main()
