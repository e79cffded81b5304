"""Delivering processing runs to workers through PgQueuer (DESIGN §2).

On PostgreSQL a run is enqueued on the request's own connection, inside its transaction:
a request that rolls back leaves no job, one that commits always has one. PgQueuer's
dedupe key keeps one active job per referral whatever the races.

On SQLite, ``serve`` runs PgQueuer's in-memory queue in its own process; a run is handed
to it once the transaction that created it has committed. Nothing is lost when the
process stops: the runs table and the referral's stage are the truth, and start-up
queues again every run left unfinished (``app.worker``).
"""

import asyncio
import contextlib
import logging
import weakref
from typing import Any

from pgqueuer import AsyncpgDriver, Queries
from pgqueuer.errors import DuplicateJobError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from models import Job
from resolvers.context import Context
from resolvers.errors import Conflict

ENTRYPOINT = "process_referral"
log = logging.getLogger("intakedesk.queue")

# The in-memory queue of each database this process serves, while its worker runs
# (SQLite only; keyed by the engine, so two apps in one process keep their own).
_local: "weakref.WeakKeyDictionary[Engine, Any]" = weakref.WeakKeyDictionary()
_pending_key = "intakedesk.local_jobs"
_tasks: set[asyncio.Task[bool]] = set()


def dedupe_key(referral_id: str) -> str:
    return f"{ENTRYPOINT}:{referral_id}"


def attach_local(engine: AsyncEngine, queries: Any) -> None:
    """Make ``queries`` (an in-memory PgQueuer queue) where runs on ``engine`` are delivered."""
    _local[engine.sync_engine] = queries


def detach_local(engine: AsyncEngine) -> None:
    _local.pop(engine.sync_engine, None)


async def enqueue(ctx: Context, job: Job) -> None:
    """Deliver ``job`` to a worker once (and only if) the operation's transaction commits."""
    await ctx.session.flush()  # our own one-active-run index speaks first, as a 409
    if ctx.settings.is_sqlite:
        _after_commit(ctx.session, job)
        return
    connection = await ctx.session.connection()
    raw = await connection.get_raw_connection()
    queries = Queries(AsyncpgDriver(raw.driver_connection))
    try:
        await queries.enqueue(ENTRYPOINT, job.id.encode(), dedupe_key=dedupe_key(job.referral_id))
    except DuplicateJobError:
        raise Conflict(f"referral {job.referral_id} is already being processed") from None


async def redeliver(queries: Any, job_id: str, referral_id: str) -> None:
    """Queue a run again (start-up); one already queued or running is left as it is."""
    with contextlib.suppress(DuplicateJobError):  # already on its way
        await queries.enqueue(ENTRYPOINT, job_id.encode(), dedupe_key=dedupe_key(referral_id))


async def _deliver_local(engine: Engine, job_id: str, referral_id: str) -> bool:
    """Hand a run to this process's in-memory queue; False when no worker runs here (the
    next start-up of ``serve`` queues it)."""
    queries = _local.get(engine)
    if queries is None:
        return False
    await redeliver(queries, job_id, referral_id)
    return True


def _after_commit(session: AsyncSession, job: Job) -> None:
    sync = session.sync_session
    pending: list[tuple[str, str]] | None = sync.info.get(_pending_key)
    if pending is None:
        pending = sync.info[_pending_key] = []
        event.listen(sync, "after_commit", _deliver_pending)
        event.listen(sync, "after_rollback", _forget_pending)
    pending.append((job.id, job.referral_id))


def _deliver_pending(sync_session: Any) -> None:
    pending = sync_session.info.get(_pending_key) or []
    sync_session.info[_pending_key] = []
    engine = sync_session.bind
    for job_id, referral_id in pending:
        task = asyncio.get_running_loop().create_task(_deliver_local(engine, job_id, referral_id))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)


def _forget_pending(sync_session: Any) -> None:
    sync_session.info[_pending_key] = []
