"""p50/p99 of the dashboard reports (backlog, overview stats, metrics, mix), REST and GraphQL.

    .venv/bin/python bench/reporting.py [--db postgresql|sqlite] [--referrals N]
                                        [--requests 60] [--concurrency 1]

Fills a fresh database with one org's referrals over the last two years (100,000 on
PostgreSQL, 20,000 on SQLite by default), each triaged one with its case and patient,
contact attempts, schedulings and closes, and EMR chart items; plus another org's noise
(a fifth as many). The rows are bulk-loaded (COPY on PostgreSQL, executemany on SQLite),
not sent through the API; the columns the write path keeps per contact event are then
computed by its own definition (``contact_rollup.refresh``), and so are the ones it keeps
off the extraction and triage JSON (``referral_facets.facets_of``) and the copies of their
case's columns (``case_facts.refresh``). Then it runs the app under
uvicorn and times each report, both faces, for the default range (the last 30 local days)
and a year. Targets: p99 ≤ 200 ms on PostgreSQL at 100,000 referrals, ≤ 300 ms on SQLite
at 20,000.
"""

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
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

PAYERS = ("Blue Cross", "Aetna", "Cigna", "UnitedHealthcare", "Medicare", "Medicaid", "Humana")
CODES = ("M17.11", "M54.5", "I10", "I48.91", "K21.9", "S82.101A", "E11.9", "R07.9", "Z01.818")
RULES = ("knee", "spine", "cardiac", "fracture", "gi", None)
CLOSE_REASONS = ("seen", "patient declined", "unreachable", "insurance denied")
YEAR_AGO = 365


def _id(prefix: str, rng: random.Random) -> str:
    return prefix + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20))


class Rows:
    """Column dicts per table, generated for one org."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        self.tables.setdefault(table, []).append(row)
        return row


def generate(rows: Rows, org_id: str, count: int, now: datetime, seed: int) -> None:
    rng = random.Random(seed)
    practices = [
        rows.add(
            "practices",
            id=_id("prac_", rng),
            org_id=org_id,
            name=f"Practice {i}",
            created_at=now - timedelta(days=800),
            updated_at=now,
        )["id"]
        for i in range(50)
    ]
    locations = [
        rows.add(
            "locations",
            id=_id("loc_", rng),
            org_id=org_id,
            name=f"Clinic {i}",
            active=True,
            created_at=now - timedelta(days=800),
        )["id"]
        for i in range(5)
    ]
    span = timedelta(days=730).total_seconds()
    previous_case: dict[str, Any] | None = None
    for i in range(count):
        received = now - timedelta(seconds=rng.random() * span)
        age_days = (now - received).days
        roll = rng.random()
        if age_days < 2 and roll < 0.3:
            stage = rng.choice(("received", "processing"))
        elif roll < 0.05:
            stage = "review"
        elif roll < 0.08:
            stage = "duplicate"
        elif roll < 0.10:
            stage = "failed"
        else:
            stage = "triaged"
        rule = rng.choice(RULES)
        band = rng.choice(("P1", "P2", "P2", "P3", "P3", "P4"))
        referral = rows.add(
            "referrals",
            id=_id("ref_", rng),
            org_id=org_id,
            stage=stage,
            source=rng.choice(("fax", "fax", "upload", "api")),
            case_id=None,
            extraction={
                "patient": {"firstName": "Bench", "lastName": f"P{i}"},
                "insurance": {"provider": rng.choice(PAYERS)},
                "clinical": {"reason": "pain", "diagnosisCodes": [rng.choice(CODES)]},
            },
            triage={"level": 3, "priorityBand": band, "rules": [{"name": rule, "level": 3}]}
            if rule
            else {"level": 3, "priorityBand": band, "rules": []},
            qa=None,
            search_text="",
            needed_review=stage == "review" or rng.random() < 0.15,
            created_at=received,
            updated_at=received,
            processed_at=received + timedelta(minutes=5) if stage != "received" else None,
            triaged_at=None,
        )
        referral.update(_facets(referral))
        if referral["needed_review"]:
            missing = rng.sample(("patient.phone", "insurance.memberId", "patient.dob"), 2)
            referral["qa"] = {
                "passed": False,
                "issues": [
                    {"field": f, "code": "missing", "severity": "error", "message": f}
                    for f in missing
                ],
            }
        if stage != "triaged":
            continue
        triaged = received + timedelta(hours=rng.uniform(0.2, 48))
        referral["triaged_at"] = triaged
        if previous_case is not None and rng.random() < 0.1 and previous_case["status"] != "closed":
            referral["case_id"] = previous_case["id"]
            previous_case["first_received_at"] = min(previous_case["first_received_at"], received)
            continue
        patient = rows.add(
            "patients",
            id=_id("pat_", rng),
            org_id=org_id,
            first_name="Bench",
            last_name=f"P{i}",
            first_name_key="bench",
            last_name_key=f"p{i}",
            created_at=triaged,
            updated_at=triaged,
        )
        case = rows.add(
            "cases",
            id=_id("case_", rng),
            org_id=org_id,
            patient_id=patient["id"],
            status="open",
            priority_band=band,
            queue=rng.choice(("intake", "spine", "cardio")),
            location_id=rng.choice(locations),
            practice_id=rng.choice(practices) if rng.random() < 0.7 else None,
            referrer_candidates=[],
            emr_status="not_queued",
            emr_document_status="none",
            created_at=triaged,
            updated_at=triaged,
            first_received_at=received,
            scheduled_for=None,
            closed_at=None,
            close_reason=None,
        )
        referral["case_id"] = case["id"]
        previous_case = case
        _outreach(rows, rng, case, triaged, now)


def _facets(referral: dict[str, Any]) -> dict[str, Any]:
    """The columns the write path keeps off the JSON, by its own definition."""
    from models.extraction import Extraction, TriageResult
    from resolvers.referral_facets import facets_of

    found = facets_of(
        Extraction.model_validate(referral["extraction"]),
        TriageResult.model_validate(referral["triage"]),
    )
    return {
        "payer": found.payer,
        "reason_category": found.reason_category,
        "code_head": found.code_head,
    }


def _event(
    rows: Rows, rng: random.Random, case: dict[str, Any], kind: str, at: datetime, **values: Any
) -> None:
    rows.add(
        "contact_events",
        id=_id("ctc_", rng),
        org_id=case["org_id"],
        case_id=case["id"],
        kind=kind,
        actor_type="user",
        created_at=at,
        **values,
    )


def _outreach(
    rows: Rows, rng: random.Random, case: dict[str, Any], start: datetime, now: datetime
) -> None:
    """Attempts, then scheduled (60 %), closed (25 %) or still open (leaked)."""
    moment = start
    for _ in range(rng.randint(0, 4)):
        moment += timedelta(hours=rng.uniform(1, 72))
        if moment >= now:
            return
        _event(rows, rng, case, "attempt", moment, channel="phone", outcome="no_answer")
        case["status"] = "contacting"
    fate = rng.random()
    moment += timedelta(hours=rng.uniform(1, 48))
    if moment >= now or fate > 0.85:
        return
    if fate < 0.6:
        _event(rows, rng, case, "scheduled", moment, scheduled_for=moment + timedelta(days=10))
        case.update(status="scheduled", scheduled_for=moment + timedelta(days=10))
        charted = moment + timedelta(hours=2)
        if rng.random() < 0.7 and charted < now:
            failing = rng.random() < 0.05
            done = not failing and rng.random() < 0.9
            rows.add(
                "emr_chart_items",
                id=_id("emrq_", rng),
                org_id=case["org_id"],
                case_id=case["id"],
                status="completed" if done else "pending",
                attempts=1,
                last_attempt_failed=failing,
                created_at=charted,
                updated_at=charted,
                completed_at=charted if done else None,
            )
            case["emr_status"] = "created" if done else "queued"
        closing = moment + timedelta(days=10)
        if closing < now and rng.random() < 0.8:
            _event(rows, rng, case, "close", closing, reason="seen")
            case.update(status="closed", closed_at=closing, close_reason="seen")
        return
    reason = rng.choice(CLOSE_REASONS[1:])
    _event(rows, rng, case, "close", moment, reason=reason)
    case.update(status="closed", closed_at=moment, close_reason=reason)


ORDER = (
    "practices",
    "locations",
    "patients",
    "cases",
    "referrals",
    "contact_events",
    "emr_chart_items",
)


def _uniform(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns, and the rows in the order a live database received them (by creation)."""
    columns = sorted({key for row in rows for key in row})
    return columns, sorted(rows, key=lambda row: row["created_at"])


async def load_postgresql(url: str, rows: Rows) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for table in ORDER:
            columns, data = _uniform(rows.tables.get(table, []))
            records = [tuple(_pg_value(row.get(c)) for c in columns) for row in data]
            await conn.copy_records_to_table(table, records=records, columns=columns)
    finally:
        await conn.close()


async def settle_postgresql(url: str) -> None:
    """What autovacuum does to a live database: planner statistics and the visibility map."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _pg_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def load_sqlite(url: str, rows: Rows) -> None:
    conn = sqlite3.connect(url.split(":///", 1)[1])
    try:
        for table in ORDER:
            columns, data = _uniform(rows.tables.get(table, []))
            if not data:
                continue
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            conn.executemany(
                sql, [tuple(_sqlite_value(row.get(c)) for c in columns) for row in data]
            )
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


async def make_orgs(env: dict[str, str]) -> tuple[str, str, str]:
    """Two orgs (the measured one and the noise) and an API key of the first."""
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
        other = await orgs.create(ctx, name="Noise Cardio")
        key = await api_keys.issue(ctx, org_id=org.id, name="bench")
    await engine.dispose()
    return org.id, other.id, key.secret


async def refresh_rollups(env: dict[str, str], org_ids: list[str]) -> None:
    """What the write path keeps per contact event and copies off each referral's case, for
    the bulk-loaded rows (its own SQL)."""
    from app.db import create_engine, session_factory, transaction
    from app.settings import load_settings
    from resolvers import case_facts, contact_rollup

    engine = create_engine(load_settings(env))
    async with transaction(session_factory(engine)) as session:
        for org_id in org_ids:
            await contact_rollup.refresh(session, org_id, None)
            await case_facts.refresh(session, org_id, None)
    await engine.dispose()


OVERVIEW = """query ($from: Date) { overviewStats(from: $from) {
  referrals { received processed inReview triaged duplicates failed neededReview }
  cases { opened scheduled closed closedByReason { reason count } }
  timing { toTriage { count medianHours p90Hours } toFirstAttempt { medianHours p90Hours }
           toScheduled { medianHours p90Hours } }
  attemptsPerScheduledCase emrChartsCreated emr { pending failing }
  conversion { rate byPractice { key rate } byPayer { key rate } byPriorityBand { key rate }
               leaked leakedReferrals { referralId source } reviewRate
               missingFields { field count } } } }"""
METRICS = """query ($from: Date) { metrics(from: $from) { points { date
  referrals { received triaged } cases { opened scheduled closed }
  timing { toTriage { medianHours p90Hours } } attemptsPerScheduledCase emrChartsCreated } } }"""
MIX = """query ($from: Date) { mix(from: $from) { referrals
  byReasonCategory { key count share } byIcd10Chapter { key count share }
  byPractice { key count } byPayer { key count } byPriorityBand { key count }
  byLocation { key count } } }"""
BACKLOG = """{ backlog { openCases byStatus { key count } byPriorityBand { key count }
  byQueue { key count } byLocation { key count } aging { key count }
  oldestCases { caseId ageDays firstName lastName } waiting { stage count }
  oldestWaiting { referralId ageHours } } }"""


async def run(args: argparse.Namespace, url: str, key: str, today: datetime) -> None:
    headers = {"x-api-key": key}
    opts = {"requests": args.requests, "concurrency": args.concurrency, "warmup": 5}
    year = year_query(today)
    cases: list[tuple[str, str, dict[str, Any] | None]] = [
        ("floor: REST /api/auth/me (same key)", "/api/auth/me", None),
        ("REST /api/backlog", "/api/backlog", None),
        ("REST overview-stats (30 days)", "/api/dashboard/overview-stats", None),
        ("REST overview-stats (365 days)", f"/api/dashboard/overview-stats?{year}", None),
        ("REST /api/metrics (30 days, daily)", "/api/metrics", None),
        ("REST /api/metrics (365 days, weekly)", f"/api/metrics?{year}&interval=week", None),
        ("REST /api/metrics?format=csv (30 days)", "/api/metrics?format=csv", None),
        ("REST /api/mix (30 days)", "/api/mix", None),
        ("REST /api/mix (365 days)", f"/api/mix?{year}", None),
        ("GraphQL backlog", "/graphql", {"query": BACKLOG}),
        ("GraphQL overviewStats (30 days)", "/graphql", {"query": OVERVIEW}),
        ("GraphQL metrics (30 days, daily)", "/graphql", {"query": METRICS}),
        ("GraphQL mix (30 days)", "/graphql", {"query": MIX}),
    ]
    for name, path, body in cases:
        figures = await load(
            name,
            url + path,
            method="POST" if body else "GET",
            headers=headers,
            json=body,
            **opts,  # type: ignore[arg-type]
        )
        print(figures.line(), flush=True)


EXPLAINED = (
    "/api/backlog",
    "/api/dashboard/overview-stats",
    "/api/metrics",
    "/api/mix",
)


def year_query(today: datetime) -> str:
    """The query string of the year's range (``from`` alone means 30 days from it)."""
    return f"from={(today - timedelta(days=YEAR_AGO - 1)).date()}&to={today.date()}"


async def explain(env: dict[str, str], key: str, slower_than_ms: float, today: datetime) -> None:
    """Each report once, in-process, for 30 days and for a year: its SQL statements slower
    than the bound, with plans."""
    import time

    from sqlalchemy import event

    from app.main import create_app
    from app.settings import load_settings

    app = create_app(load_settings(env))
    seen: list[tuple[str, Any, float]] = []
    started: dict[int, float] = {}

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        elapsed = (time.perf_counter() - started.pop(id(cursor), time.perf_counter())) * 1000
        seen.append((statement, params, elapsed))

    async with in_process_client(app, key, timeout=60) as client:
        engine = app.state.engine
        dialect = engine.dialect.name
        year = year_query(today)
        paths = [*EXPLAINED, *(f"{p}?{year}" for p in EXPLAINED if p != "/api/backlog")]
        for path in paths:
            (await client.get(path)).raise_for_status()
            seen.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", before)
            event.listen(engine.sync_engine, "after_cursor_execute", after)
            began = time.perf_counter()
            (await client.get(path)).raise_for_status()
            total = (time.perf_counter() - began) * 1000
            event.remove(engine.sync_engine, "before_cursor_execute", before)
            event.remove(engine.sync_engine, "after_cursor_execute", after)
            print(
                f"== {path}: {total:.1f} ms, {len(seen)} statements, "
                f"{sum(e for _, _, e in seen):.1f} ms in SQL"
            )
            for statement, _, elapsed in seen:
                print(f"   {elapsed:7.1f} ms  {' '.join(statement.split())[:110]}")
            for statement, params, elapsed in seen:
                if elapsed < slower_than_ms or not statement.lstrip().startswith(
                    ("SELECT", "WITH")
                ):
                    continue
                print(f"-- {elapsed:.1f} ms\n{statement}")
                prefix = (
                    "EXPLAIN (ANALYZE, BUFFERS) "
                    if dialect == "postgresql"
                    else "EXPLAIN QUERY PLAN "
                )
                async with engine.connect() as connection:
                    # The planner settings the request's transaction ran with (scope_for).
                    for earlier, earlier_params, _ in seen:
                        if earlier.lstrip().startswith("SELECT set_config"):
                            await connection.exec_driver_sql(earlier, earlier_params)
                    plan = await connection.exec_driver_sql(prefix + statement, params)
                    for row in plan.all():
                        print("   ", " ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--referrals", type=int, default=None)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument(
        "--explain",
        type=float,
        default=None,
        metavar="MS",
        help="instead of timing, print each report's SQL slower than MS with its plan",
    )
    args = parser.parse_args()
    count = args.referrals or (100_000 if args.db == "postgresql" else 20_000)
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database_url = stack.enter_context(bench_database(args.db, files))
        env = bench_env(database_url, files / "files")
        org_id, other_id, key = asyncio.run(make_orgs(env))
        now = datetime.now(UTC)
        rows = Rows()
        generate(rows, org_id, count, now, seed=1)
        generate(rows, other_id, count // 5, now, seed=2)
        sizes = ", ".join(f"{len(v)} {k}" for k, v in rows.tables.items())
        if args.db == "postgresql":
            asyncio.run(load_postgresql(database_url, rows))
        else:
            load_sqlite(database_url, rows)
        del rows
        if args.db == "postgresql":
            asyncio.run(settle_postgresql(database_url))  # statistics, for the refresh's plans
        asyncio.run(refresh_rollups(env, [org_id, other_id]))
        if args.db == "postgresql":
            asyncio.run(settle_postgresql(database_url))
        if args.explain is not None:
            asyncio.run(explain(env, key, args.explain, now))
            return
        url = stack.enter_context(uvicorn_server("app.main:create_app", env, factory=True))
        print(
            f"database: {args.db}; {count} referrals of one org over two years plus "
            f"{count // 5} of another ({sizes}); {args.requests} requests per line, "
            f"{args.concurrency} at a time, one uvicorn worker"
        )
        asyncio.run(run(args, url, key, now))


if __name__ == "__main__":
    main()
