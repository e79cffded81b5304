"""Restarting ``serve --demo``: the same org, what it really holds, one working demo key."""

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from app.db import transaction
from app.demo import DEMO_ORG, load_demo
from models import ApiKey, Referral
from resolvers import api_keys
from resolvers.context import Context
from tests.conftest import client_for


async def demo_run(app: Any, settings: Any) -> list[str]:
    async with transaction(app.state.sessions) as session:
        ctx = Context(session=session, settings=settings, storage=app.state.storage)
        return await load_demo(ctx)


def key_of(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("demo API key")).rsplit(" ", 1)[1]


async def test_a_restart_reuses_the_org_counts_it_and_rotates_the_key(
    app: Any, settings: Any
) -> None:
    first = await demo_run(app, settings)
    async with transaction(app.state.sessions) as session:
        ctx = Context(session=session, settings=settings, storage=app.state.storage)
        # Someone trying the API added a referral; someone made a key of their own.
        extra = Referral(org_id=DEMO_ORG, stage="received", source="api")
        session.add(extra)
        own = await api_keys.issue(ctx, org_id=DEMO_ORG, name="my script")
    async with transaction(app.state.sessions) as session:
        held = await session.scalar(
            select(func.count()).select_from(Referral).where(Referral.org_id == DEMO_ORG)
        )
    second = await demo_run(app, settings)

    assert "(reused)" in second[0] and f"{DEMO_ORG} (reused): {held} referrals" in second[0]
    assert "1 received" in second[0]
    assert any(line.startswith("rotated: the previous demo key") for line in second)
    old_key, new_key = key_of(first), key_of(second)
    assert old_key[:12] in next(line for line in second if line.startswith("rotated"))
    async with client_for(app) as client:
        old = await client.get("/api/auth/me", headers={"x-api-key": old_key})
        new = await client.get("/api/auth/me", headers={"x-api-key": new_key})
        mine = await client.get("/api/auth/me", headers={"x-api-key": own.secret})
    assert old.status_code == 401
    assert new.json()["orgId"] == DEMO_ORG and mine.status_code == 200

    async with transaction(app.state.sessions) as session:
        active = (
            await session.scalars(
                select(ApiKey).where(
                    ApiKey.org_id == DEMO_ORG, ApiKey.name == "demo", ApiKey.revoked_at.is_(None)
                )
            )
        ).all()
        all_keys = await session.scalar(
            select(func.count()).select_from(ApiKey).where(ApiKey.org_id == DEMO_ORG)
        )
    assert len(active) == 1 and all_keys and all_keys >= 3
    async with transaction(app.state.sessions) as session:
        # The demo org is shared by the session's tests: leave it as the demo made it.
        await session.delete(await session.get(Referral, extra.id))
