"""Background jobs: queue one, find one. The worker that runs them lives elsewhere."""

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from models import Job, JobStatus, utcnow
from resolvers.context import Context

ACTIVE = (JobStatus.queued, JobStatus.running)


def enqueue(
    ctx: Context,
    *,
    org_id: str,
    kind: str,
    payload: dict[str, Any],
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
) -> Job:
    """Add a queued job to the operation's transaction: it runs only if the operation commits.

    With a ``dedupe_key`` the database refuses a second queued or running job with
    the same key (an IntegrityError at flush, answered 409 by the faces).
    """
    now = utcnow()
    job = Job(
        org_id=org_id,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        run_after=run_after or now,
        created_by=ctx.actor_id,
        updated_at=now,
    )
    ctx.session.add(job)
    return job


async def get(ctx: Context, *, org_id: str, job_id: str) -> Job | None:
    job = await ctx.session.get(Job, job_id)
    return job if job is not None and job.org_id == org_id else None


async def latest_for(
    ctx: Context,
    *,
    org_id: str,
    kind: str,
    key: str,
    value: str,
    active_only: bool = False,
) -> Job | None:
    """The newest job of ``kind`` whose payload has ``key`` = ``value`` (a referral id, …)."""
    query = select(Job).where(
        Job.org_id == org_id,
        Job.kind == kind,
        col(Job.payload)[key].as_string() == value,
    )
    if active_only:
        query = query.where(col(Job.status).in_(ACTIVE))
    query = query.order_by(col(Job.created_at).desc(), col(Job.id).desc()).limit(1)
    return (await ctx.session.scalars(query)).first()


async def latest_by_value(
    ctx: Context, *, org_ids: list[str], kind: str, key: str, values: list[str]
) -> dict[str, Job]:
    """The newest job per payload value, for a page of records in one query."""
    if not values:
        return {}
    keyed = col(Job.payload)[key].as_string()
    query = (
        select(Job)
        .where(col(Job.org_id).in_(org_ids), Job.kind == kind, keyed.in_(values))
        .order_by(col(Job.created_at), col(Job.id))
    )
    newest: dict[str, Job] = {}
    for job in (await ctx.session.scalars(query)).all():
        newest[str(job.payload.get(key))] = job
    return newest
