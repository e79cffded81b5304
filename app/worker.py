"""The worker: PgQueuer delivers processing runs, ``resolvers.pipeline`` runs them (DESIGN §2).

- PostgreSQL: PgQueuer's tables (installed by the migrations), one LISTEN connection
  per worker. ``intakedesk worker`` runs one as its own process, on any number of
  machines; ``serve`` runs one too unless ``INTAKEDESK_SERVE_WORKER=false``. A worker
  that dies mid-run stops its heartbeat, and after ``INTAKEDESK_WORKER_HEARTBEAT_SECONDS``
  another worker picks the job up.
- SQLite: PgQueuer's in-memory queue inside ``serve``. The runs table is the truth: at
  start-up every run left queued or running is queued again.
- With a gs:// bucket, a PgQueuer schedule looks for signed-URL uploads that went straight
  to the bucket once a minute (``resolvers.arrivals``).
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
from pgqueuer import PgQueuer
from pgqueuer.errors import RetryRequested
from pgqueuer.models import Job as QueuedJob
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app import queue
from app.cpu_pool import CpuPool, pool_size
from app.db import transaction
from app.settings import Settings
from app.storage import Storage
from resolvers import arrivals, jobs, pipeline
from resolvers.context import Context

log = logging.getLogger("intakedesk.worker")
# How long an idle worker waits before looking at the queue again. A new job's NOTIFY
# wakes it sooner, but a job put back for a retry sends none: the wait is also the most
# a retry is late by, so it follows the first backoff, within these bounds.
IDLE_POLL_SECONDS = (0.5, 5.0)
STOP_GRACE_SECONDS = 10
# Signed-URL uploads to a gs:// bucket are looked for this often (``resolvers.arrivals``).
ARRIVALS_SCHEDULE = "intakedesk.bucket_uploads"
ARRIVALS_EVERY = "* * * * *"


def postgres_dsn(database_url: str) -> str:
    """asyncpg's own DSN for the SQLAlchemy URL (``postgresql+asyncpg://`` → ``postgresql://``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Worker:
    """One PgQueuer consumer with its process pool."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        storage: Storage,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.pool = CpuPool(pool_size(settings.worker_processes))
        self.runner = pipeline.Runner(
            sessions=sessions, settings=settings, storage=storage, pool=self.pool
        )
        self._pgq: PgQueuer | None = None
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Run jobs until ``stop()``."""
        connection: Any = None
        if self.settings.is_sqlite:
            pgq = PgQueuer.in_memory()
            queue.attach_local(self.engine, pgq.queries)
        else:
            connection = await asyncpg.connect(postgres_dsn(self.settings.database_url))
            pgq = PgQueuer.from_asyncpg_connection(connection)
        self.register(pgq)
        self._pgq = pgq
        if self._stopping.is_set():
            pgq.shutdown.set()
        warming = asyncio.create_task(self._warm())
        try:
            await self._requeue_unfinished(pgq)
            concurrent = max(2, self.pool.processes)
            await pgq.run(
                dequeue_timeout=self._idle_poll(),
                batch_size=1,
                max_concurrent_tasks=concurrent,
                heartbeat_timeout=timedelta(seconds=self.settings.worker_heartbeat_seconds),
            )
        finally:
            warming.cancel()
            if self.settings.is_sqlite:
                queue.detach_local(self.engine)
            self.pool.close()
            if connection is not None:
                await connection.close()

    def register(self, pgq: PgQueuer) -> None:
        """What this worker does: processing runs, and with a gs:// bucket a sweep a minute."""
        pgq.entrypoint(queue.ENTRYPOINT)(self._handle)
        if self.settings.storage_url.startswith("gs://"):
            # uploads straight to the bucket pass no request of ours: look for them
            pgq.schedule(ARRIVALS_SCHEDULE, ARRIVALS_EVERY)(self._sweep_arrivals)

    async def _warm(self) -> None:
        try:
            await self.pool.warm()
        except Exception:
            log.warning("the reader processes did not start ahead of work", exc_info=True)

    def _idle_poll(self) -> timedelta:
        low, high = IDLE_POLL_SECONDS
        return timedelta(seconds=min(high, max(low, self.settings.job_retry_seconds)))

    def stop(self) -> None:
        self._stopping.set()
        if self._pgq is not None:
            self._pgq.shutdown.set()

    async def _handle(self, job: QueuedJob) -> None:
        job_id = (job.payload or b"").decode()
        try:
            await pipeline.run(self.runner, job_id=job_id)
        except pipeline.RetryLater as later:
            log.info("run %s will be retried in %.1f s: %s", job_id, later.delay, later.reason)
            raise RetryRequested(
                delay=timedelta(seconds=later.delay), reason=later.reason
            ) from None
        except Exception:
            # The run could not even record its outcome (the database went away): PgQueuer
            # keeps the job and tries again; the run's attempts bound how often.
            log.exception("run %s could not record its outcome", job_id)
            delay = timedelta(seconds=max(1.0, self.settings.job_retry_seconds))
            raise RetryRequested(delay=delay, reason="could not record the outcome") from None

    async def _sweep_arrivals(self, schedule: Any) -> None:
        try:
            await arrivals.sweep(self.runner.sessions, self.settings, self.runner.storage)
        except Exception:
            log.exception("looking for uploads in the bucket failed; the next sweep tries again")

    async def _requeue_unfinished(self, pgq: PgQueuer) -> None:
        """Queue again every run a stopped process left queued or running (the truth is ours)."""
        async with transaction(self.runner.sessions) as session:
            ctx = Context(
                session=session,
                settings=self.settings,
                storage=self.runner.storage,
                system_actor="worker",
            )
            unfinished = await jobs.unfinished(ctx)
        for run in unfinished:
            await queue.redeliver(pgq.queries, run.id, run.referral_id)
        if unfinished:
            log.info("queued %d unfinished run(s) again", len(unfinished))


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[Worker]:
    """Run ``worker`` in the background for the length of the block (``serve``'s lifespan)."""
    task = asyncio.create_task(worker.run(), name="intakedesk-worker")
    task.add_done_callback(_report_stop)
    try:
        yield worker
    finally:
        worker.stop()
        try:
            await asyncio.wait_for(task, STOP_GRACE_SECONDS)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:
            pass  # reported as it stopped


def _report_stop(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the worker stopped: no background jobs run", exc_info=task.exception())


async def run_forever(settings: Settings) -> None:
    """``intakedesk worker``: run jobs until interrupted."""
    import signal

    from app.db import create_engine, session_factory
    from app.storage import build_storage

    engine = create_engine(settings)
    worker = Worker(
        settings, engine=engine, sessions=session_factory(engine), storage=build_storage(settings)
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, worker.stop)
    try:
        await worker.run()
    finally:
        await engine.dispose()
