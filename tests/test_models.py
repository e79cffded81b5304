"""Rules the tables keep themselves: one active job per dedupe key, sane timestamps."""

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


async def test_a_new_row_is_never_updated_before_it_was_created(app: Any) -> None:
    from datetime import timedelta

    from models import Referral, utcnow

    async with transaction(app.state.sessions) as session:
        org = await orgs.create(system(app, session), name="Clock Org")
        referral = Referral(org_id=org.id, updated_at=utcnow() - timedelta(seconds=5))
        session.add(referral)
    async with app.state.sessions() as session:
        stored = await session.get(Referral, referral.id)
        assert stored is not None and stored.updated_at == stored.created_at
