from typing import Any

from sqlmodel import select

from app.demo import DEMO_ORG, SAMPLES, load_demo
from models import Case, Document, Referral
from resolvers.context import Context
from tests.conftest import client_for


async def test_demo_loads_once_and_always_prints_a_working_key_revoking_the_last(
    app: Any, ctx: Context
) -> None:
    lines = await load_demo(ctx)
    again = await load_demo(ctx)
    await ctx.session.commit()
    key = lines[1].rsplit(" ", 1)[1]
    assert key.startswith("desk_") and key != again[1].rsplit(" ", 1)[1]
    async with app.state.sessions() as session:
        referrals = (
            await session.scalars(select(Referral).where(Referral.org_id == DEMO_ORG))
        ).all()
        documents = (
            await session.scalars(select(Document).where(Document.org_id == DEMO_ORG))
        ).all()
        cases = (await session.scalars(select(Case).where(Case.org_id == DEMO_ORG))).all()
    assert len(referrals) == len(SAMPLES)
    assert all(d.content_type == "application/pdf" and d.page_count == 1 for d in documents)
    assert len(cases) == sum(1 for s in SAMPLES if s["triaged"])
    # The restart rotated the key: the latest one works, the earlier one is revoked.
    async with client_for(app, {"x-api-key": again[1].rsplit(" ", 1)[1]}) as client:
        assert (await client.get("/api/auth/me")).json()["orgId"] == DEMO_ORG
    async with client_for(app, {"x-api-key": key}) as client:
        assert (await client.get("/api/auth/me")).status_code == 401
