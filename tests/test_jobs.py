"""The job table keeps at most one active job per dedupe key, in the database itself."""

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from app.db import transaction
from models import JobStatus
from resolvers import jobs, orgs
from resolvers.context import Context


def system(app: Any, session: Any) -> Context:
    return Context(
        session=session,
        settings=app.state.settings,
        storage=app.state.storage,
        system_actor="tests",
    )


async def test_a_second_active_job_with_the_same_key_is_refused(app: Any) -> None:
    async with transaction(app.state.sessions) as session:
        org = await orgs.create(system(app, session), name="Jobs Org")
    key = f"process_referral:ref_{org.id}"
    async with transaction(app.state.sessions) as session:
        first = jobs.enqueue(
            system(app, session), org_id=org.id, kind="process_referral", payload={}, dedupe_key=key
        )
    with pytest.raises(IntegrityError):
        async with transaction(app.state.sessions) as session:
            jobs.enqueue(
                system(app, session),
                org_id=org.id,
                kind="process_referral",
                payload={},
                dedupe_key=key,
            )
    # Once the first is finished, the key is free again; keyless jobs never collide.
    async with transaction(app.state.sessions) as session:
        done = await session.get(type(first), first.id)
        assert done is not None
        done.status = JobStatus.done
        session.add(done)
    async with transaction(app.state.sessions) as session:
        ctx = system(app, session)
        jobs.enqueue(ctx, org_id=org.id, kind="process_referral", payload={}, dedupe_key=key)
        jobs.enqueue(ctx, org_id=org.id, kind="other", payload={})
        jobs.enqueue(ctx, org_id=org.id, kind="other", payload={})
