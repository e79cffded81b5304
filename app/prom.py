"""Prometheus metrics (``prometheus-client``) on a port of their own.

Off unless ``INTAKEDESK_METRICS_PORT`` is set; then ``GET /metrics`` answers on
``INTAKEDESK_METRICS_HOST`` (127.0.0.1 by default) at that port. Never on the API's
port: it cannot collide with ``/api/metrics`` nor be reached by the public through the
API's load balancer.

What is counted where:

- requests (count and latency by method, route template and status):
  ``app.observability.RequestLog``, for every request;
- the database pool: read from the engine at each scrape;
- job queue and EMR queues (depth, age of the oldest waiting item): counted in the
  ``jobs``, ``emr_chart_items`` and ``emr_document_items`` tables at each scrape, so
  they hold across processes: any instance reports the whole queue;
- rate-limit refusals: ``count_rate_limit_refusal(limit)``, called by whoever refuses.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from app.settings import Settings
from models import EmrChartItem, EmrDocumentItem, Job, JobStatus, QueueStatus, utcnow

log = logging.getLogger("intakedesk.metrics")

# One registry for the process: the API's app and a worker in it report together.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "intakedesk_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "intakedesk_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
RATE_LIMIT_REFUSALS = Counter(
    "intakedesk_rate_limit_refusals",
    "Requests refused by a rate limit (429), by the limit's name",
    ["limit"],
    registry=REGISTRY,
)
JOBS_QUEUED = Gauge(
    "intakedesk_jobs_queued",
    "Background jobs waiting to run (status queued), by kind",
    ["kind"],
    registry=REGISTRY,
)
JOBS_RUNNING = Gauge(
    "intakedesk_jobs_running",
    "Background jobs being run now",
    ["kind"],
    registry=REGISTRY,
)
JOBS_OLDEST_AGE = Gauge(
    "intakedesk_jobs_oldest_queued_age_seconds",
    "Age of the oldest queued job (0 when none waits), by kind",
    ["kind"],
    registry=REGISTRY,
)
EMR_PENDING = Gauge(
    "intakedesk_emr_queue_pending",
    "EMR queue items not yet completed (pending or processing), by queue",
    ["queue"],
    registry=REGISTRY,
)
EMR_OLDEST_AGE = Gauge(
    "intakedesk_emr_queue_oldest_pending_age_seconds",
    "Age of the oldest item not yet completed (0 when none), by queue",
    ["queue"],
    registry=REGISTRY,
)
SCRAPE_ERRORS = Counter(
    "intakedesk_metrics_query_errors",
    "Scrapes whose queue counts could not be read from the database",
    registry=REGISTRY,
)


def count_rate_limit_refusal(limit: str) -> None:
    """Hook for rate limiting: call once per refused request (``limit`` names the rule)."""
    RATE_LIMIT_REFUSALS.labels(limit=limit).inc()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    labels = {"method": method, "route": route, "status": str(status)}
    REQUESTS.labels(**labels).inc()
    REQUEST_SECONDS.labels(**labels).observe(seconds)


class PoolCollector(Collector):
    """The engine's connection pool, read when scraped (nothing to keep up to date)."""

    def __init__(self) -> None:
        self.engine: AsyncEngine | None = None

    def collect(self) -> Iterable[Metric]:
        if self.engine is None:
            return
        pool = self.engine.sync_engine.pool
        family = GaugeMetricFamily(
            "intakedesk_db_pool_connections",
            "Database connections: in use (checked_out), idle in the pool, pool size",
            labels=["state"],
        )
        for state, reader in (
            ("checked_out", "checkedout"),
            ("idle", "checkedin"),
            ("size", "size"),
        ):
            value = getattr(pool, reader, None)
            if callable(value):
                family.add_metric([state], float(value()))
        yield family


POOL = PoolCollector()
REGISTRY.register(POOL)


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())


async def refresh_queue_gauges(engine: AsyncEngine) -> None:
    """Count the job and EMR queues now (each scrape), across every org."""
    now = utcnow()
    async with engine.connect() as connection:
        jobs = (
            await connection.execute(
                select(Job.kind, Job.status, func.count(), func.min(col(Job.created_at)))
                .where(col(Job.status).in_([JobStatus.queued, JobStatus.running]))
                .group_by(col(Job.kind), col(Job.status))
            )
        ).all()
        emr = {}
        for queue, model in (("chart", EmrChartItem), ("document", EmrDocumentItem)):
            row = (
                await connection.execute(
                    select(func.count(), func.min(col(model.created_at))).where(
                        col(model.status) != QueueStatus.completed
                    )
                )
            ).one()
            emr[queue] = row
    for gauge in (JOBS_QUEUED, JOBS_RUNNING, JOBS_OLDEST_AGE):
        gauge.clear()
    for kind, status, count, oldest in jobs:
        if status == JobStatus.queued:
            JOBS_QUEUED.labels(kind=kind).set(count)
            JOBS_OLDEST_AGE.labels(kind=kind).set(_age(oldest, now))
        else:
            JOBS_RUNNING.labels(kind=kind).set(count)
    for queue, (count, oldest) in emr.items():
        EMR_PENDING.labels(queue=queue).set(count)
        EMR_OLDEST_AGE.labels(queue=queue).set(_age(oldest, now))


async def exposition(engine: AsyncEngine) -> bytes:
    try:
        await asyncio.wait_for(refresh_queue_gauges(engine), 5)
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        SCRAPE_ERRORS.inc()
        log.warning("metrics: queue counts unavailable: %s", exc)
    return generate_latest(REGISTRY)


# -- the metrics port ----------------------------------------------------------------------------

_MAX_REQUEST_HEAD = 8192


async def _answer(
    engine: AsyncEngine, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """One HTTP/1.x request per connection: ``GET /metrics`` or 404. Nothing else here."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        request_line = head[: min(len(head), _MAX_REQUEST_HEAD)].split(b"\r\n", 1)[0]
        method, _, rest = request_line.partition(b" ")
        target = rest.split(b" ", 1)[0].split(b"?", 1)[0]
        if method in (b"GET", b"HEAD") and target == b"/metrics":
            status, content_type = b"200 OK", CONTENT_TYPE_LATEST.encode()
            body = await exposition(engine)
        else:
            status, content_type, body = (
                b"404 Not Found",
                b"text/plain",
                b"not found: GET /metrics\n",
            )
        writer.write(
            b"HTTP/1.1 "
            + status
            + b"\r\nContent-Type: "
            + content_type
            + b"\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + (body if method != b"HEAD" else b"")
        )
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


@contextlib.asynccontextmanager
async def serving_metrics(settings: Settings, engine: AsyncEngine) -> AsyncIterator[None]:
    """``metrics_server`` when ``INTAKEDESK_METRICS_PORT`` is set, else nothing."""
    if not settings.metrics_port:
        yield
        return
    async with metrics_server(settings.metrics_host, settings.metrics_port, engine):
        yield


@contextlib.asynccontextmanager
async def metrics_server(host: str, port: int, engine: AsyncEngine) -> AsyncIterator[None]:
    """Serve ``/metrics`` on ``host:port`` while the block runs (the app's lifespan, or a
    worker's run)."""
    POOL.engine = engine
    server = await asyncio.start_server(
        lambda r, w: _answer(engine, r, w), host, port, limit=_MAX_REQUEST_HEAD
    )
    log.info("metrics on http://%s:%d/metrics", host, port)
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()
