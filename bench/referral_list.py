"""p50/p99 of the referral list (50 a page, with case and patient) over GraphQL and REST.

    .venv/bin/python bench/referral_list.py [--referrals 10000] [--requests 300]
                                            [--concurrency 4] [--db postgresql|sqlite]

Seeds a fresh database with referrals, each on a case with its patient (bulk
inserts), runs the real app under uvicorn, and times the first page both ways.
The SQL statements one request costs are counted in-process (an engine event
listener, the app driven through httpx's ASGI transport). The database is
dropped at the end.
"""

import argparse
import asyncio
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_database,
    bench_env,
    in_process_client,
    load,
    uvicorn_server,
)

GRAPHQL_PAGE = """
query Page($first: Int!) {
  referrals(first: $first) {
    nodes {
      id stage createdAt
      extraction {
        patient { firstName lastName dob }
        referrer { providerName practiceName }
        clinical { reason diagnosisCodes urgency }
      }
      triage { level priorityBand queue }
      case { id status triageLevel priorityBand queue }
      patient { id firstName lastName dob phone }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""
REST_PAGE = "/api/referrals?limit=50&include=case,patient"
FIRST_NAMES = ("Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu")
BATCH = 1000


def _rows(org_id: str, count: int) -> tuple[list[dict[str, Any]], ...]:
    """Patients, cases and referrals as column dicts, one of each per referral."""
    from models import Case, Patient, Referral, ReferralStage
    from models.extraction import Extraction, TriageResult
    from models.values import name_key
    from resolvers.referrals import search_text_of

    start = datetime(2026, 1, 1, tzinfo=UTC)
    patients, cases, referrals = [], [], []
    for i in range(count):
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], f"Bench{i:05d}"
        dob = date(1940, 1, 1) + timedelta(days=(i * 37) % 25000)
        when = start + timedelta(minutes=i)
        level = 1 + i % 5
        patient = Patient(
            org_id=org_id,
            first_name=first,
            last_name=last,
            first_name_key=name_key(first),
            last_name_key=name_key(last),
            dob=dob,
            sex="FMXU"[i % 4],
            phone=f"+1555{i:07d}",
            created_at=when,
            updated_at=when,
        )
        case = Case(
            org_id=org_id,
            patient_id=patient.id,
            triage_level=level,
            priority_band=f"P{min(level, 4)}",
            queue="intake",
            reason="Knee pain",
            created_at=when,
            updated_at=when,
        )
        extraction = Extraction.model_validate(
            {
                "patient": {"firstName": first, "lastName": last, "dob": dob.isoformat()},
                "referrer": {
                    "providerName": "John Smith",
                    "practiceName": "Valley Family Medicine",
                },
                "clinical": {
                    "reason": "Knee pain",
                    "diagnosisCodes": ["M17.11"],
                    "urgency": "routine",
                },
            }
        )
        referral = Referral(
            org_id=org_id,
            stage=ReferralStage.triaged,
            source="fax",
            case_id=case.id,
            patient_id=patient.id,
            extraction=extraction,
            triage=TriageResult.model_validate(
                {"level": level, "priorityBand": case.priority_band, "queue": "intake"}
            ),
            search_text=search_text_of(extraction),
            created_at=when,
            updated_at=when,
        )
        patients.append(patient.model_dump())
        cases.append(case.model_dump())
        referrals.append(referral.model_dump())
    return patients, cases, referrals


async def seed(env: dict[str, str], count: int) -> str:
    """An org, its API key, and ``count`` referrals with cases and patients."""
    from sqlalchemy import insert, text

    from app.db import create_engine, session_factory, transaction
    from app.settings import load_settings
    from app.storage import build_storage
    from models import Case, Patient, Referral
    from resolvers import api_keys, orgs
    from resolvers.context import Context

    settings = load_settings(env)
    engine = create_engine(settings)
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        ctx = Context(
            session=session,
            settings=settings,
            storage=build_storage(settings),
            system_actor="bench",
        )
        org = await orgs.create(ctx, name="Bench Ortho")
        key = await api_keys.issue(ctx, org_id=org.id, name="bench")
    for model, rows in zip((Patient, Case, Referral), _rows(org.id, count), strict=True):
        for offset in range(0, len(rows), BATCH):
            async with transaction(sessions) as session:
                await session.execute(insert(model), rows[offset : offset + BATCH])
    # Planner statistics, as a live database would have them (autovacuum lags a bulk load).
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    await engine.dispose()
    return key.secret


async def statements_per_request(env: dict[str, str], key: str) -> dict[str, int]:
    """SQL statements one request sends, counted in-process through the ASGI transport."""
    from sqlalchemy import event

    from app.main import create_app
    from app.settings import load_settings

    app = create_app(load_settings(env))
    counts: dict[str, int] = {}
    async with in_process_client(app, key) as client:
        seen = 0

        def count(*_: Any) -> None:
            nonlocal seen
            seen += 1

        event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
        requests = {
            "REST": lambda: client.get(REST_PAGE),
            "GraphQL": lambda: client.post(
                "/graphql", json={"query": GRAPHQL_PAGE, "variables": {"first": 50}}
            ),
        }
        for name, send in requests.items():
            (await send()).raise_for_status()  # warm: connection and caches
            seen = 0
            response = await send()
            response.raise_for_status()
            counts[name] = seen
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)
    return counts


async def run(args: argparse.Namespace, url: str, key: str, counts: dict[str, int]) -> None:
    headers = {"x-api-key": key}
    opts = {"requests": args.requests, "concurrency": args.concurrency}
    graphql = await load(
        "GraphQL referrals(first: 50) + case, patient",
        f"{url}/graphql",
        method="POST",
        headers=headers,
        json={"query": GRAPHQL_PAGE, "variables": {"first": 50}},
        **opts,
    )
    rest = await load(
        "REST /api/referrals?limit=50&include=…", f"{url}{REST_PAGE}", headers=headers, **opts
    )
    for figures, name in ((graphql, "GraphQL"), (rest, "REST")):
        print(f"{figures.line()}   {counts[name]} SQL statements/request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 64:
        parser.error("--requests must be 1..100000 and --concurrency 1..64")
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        env = bench_env(database_url, files / "files")
        key = asyncio.run(seed(env, args.referrals))
        counts = asyncio.run(statements_per_request(env, key))
        url = stack.enter_context(uvicorn_server("app.main:create_app", env, factory=True))
        print(
            f"database: {args.db}; {args.referrals} referrals with cases and patients; "
            f"{args.requests} requests per face, {args.concurrency} concurrent, one uvicorn worker"
        )
        asyncio.run(run(args, url, key, counts))


if __name__ == "__main__":
    main()
