import asyncio
import time
from typing import Any

from sqlmodel import select

from app.demo import DEMO_ORG, SAMPLES, load_demo
from models import Case, Document, Referral, ReferralStage
from resolvers.context import Context
from tests.conftest import client_for


async def _processed(app: Any) -> list[Referral]:
    """The demo referrals once the app's worker has run the pipeline on each."""
    deadline = time.monotonic() + 60
    while True:
        async with app.state.sessions() as session:
            rows = list(
                (await session.scalars(select(Referral).where(Referral.org_id == DEMO_ORG))).all()
            )
        if all(r.stage != ReferralStage.processing for r in rows):
            return rows
        assert time.monotonic() < deadline, [r.stage for r in rows]
        await asyncio.sleep(0.1)


async def test_demo_loads_once_and_always_prints_a_working_key_revoking_the_last(
    app: Any, ctx: Context
) -> None:
    lines = await load_demo(ctx)
    again = await load_demo(ctx)
    await ctx.session.commit()
    key = lines[1].rsplit(" ", 1)[1]
    assert key.startswith("desk_") and key != again[1].rsplit(" ", 1)[1]
    assert again[2].startswith("rotated: the previous demo key")

    # The referrals' fields come out of their faxes, through the pipeline.
    referrals = await _processed(app)
    async with app.state.sessions() as session:
        documents = (
            await session.scalars(select(Document).where(Document.org_id == DEMO_ORG))
        ).all()
        cases = (await session.scalars(select(Case).where(Case.org_id == DEMO_ORG))).all()
    assert len(referrals) == len(SAMPLES)
    assert all(d.content_type == "application/pdf" and d.page_count == 1 for d in documents)
    by_name = {r.extraction.patient.last_name: r for r in referrals if r.extraction}
    for sample in SAMPLES:
        referral = by_name[sample["last"]]
        assert referral.stage == sample["expect"], (sample["last"], referral.qa)
        assert referral.extraction is not None and referral.extraction.method == "text"
        assert referral.extraction.patient.dob == sample["dob"]
    assert len(cases) == sum(1 for s in SAMPLES if s["expect"] == "triaged")
    # The restart rotated the key: the latest one works, the earlier one is revoked.
    async with client_for(app, {"x-api-key": again[1].rsplit(" ", 1)[1]}) as client:
        assert (await client.get("/api/auth/me")).json()["orgId"] == DEMO_ORG
    async with client_for(app, {"x-api-key": key}) as client:
        assert (await client.get("/api/auth/me")).status_code == 401
