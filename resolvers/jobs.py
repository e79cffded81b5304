"""Processing runs: create one, find one. PgQueuer delivers them."""

from sqlmodel import col, select

from models import Job, JobStatus, utcnow
from resolvers.context import Context

ACTIVE = (JobStatus.queued, JobStatus.running)
PROCESS_REFERRAL = "process_referral"


def create(ctx: Context, *, org_id: str, referral_id: str) -> Job:
    """A queued run, in the operation's transaction: it exists only if the operation commits.

    The database refuses a second queued or running run of one referral (an
    IntegrityError at flush, answered 409 by the faces).
    """
    job = Job(
        org_id=org_id,
        kind=PROCESS_REFERRAL,
        referral_id=referral_id,
        created_by=ctx.actor_id,
        updated_at=utcnow(),
    )
    ctx.session.add(job)
    return job


async def latest_for(
    ctx: Context, *, org_id: str, referral_id: str, active_only: bool = False
) -> Job | None:
    """The referral's newest run (only a queued or running one with ``active_only``)."""
    query = select(Job).where(Job.org_id == org_id, Job.referral_id == referral_id)
    if active_only:
        query = query.where(col(Job.status).in_(ACTIVE))
    query = query.order_by(col(Job.created_at).desc(), col(Job.id).desc()).limit(1)
    return (await ctx.session.scalars(query)).first()


async def latest_by_referral(
    ctx: Context, *, org_ids: list[str], referral_ids: list[str]
) -> dict[str, Job]:
    """The newest run of each referral of a page, in one query."""
    if not referral_ids:
        return {}
    query = (
        select(Job)
        .where(col(Job.org_id).in_(org_ids), col(Job.referral_id).in_(referral_ids))
        .order_by(col(Job.created_at), col(Job.id))
    )
    return {job.referral_id: job for job in (await ctx.session.scalars(query)).all()}


async def unfinished(ctx: Context) -> list[Job]:
    """Every queued or running run, across orgs (for re-queueing at start-up)."""
    query = select(Job).where(col(Job.status).in_(ACTIVE)).order_by(col(Job.created_at))
    return list((await ctx.session.scalars(query)).all())
