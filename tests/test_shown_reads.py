"""Shown reads (``resolvers.pagination.shown_records``): on PostgreSQL they run on the driver
itself (``resolvers.driver_reads``); they answer what SQLAlchemy's own execution answers,
and the engine's statement events see them as any other statement."""

from typing import Any

import pytest
from sqlmodel import col

from app.db import transaction
from app.settings import Settings
from models import Case, Patient, Referral
from resolvers.errors import BadRequest
from resolvers.pagination import rows_of, shown_records, shown_rows
from resolvers.referrals import _DOCUMENT_COUNTS, _linked_query
from tests.conftest import World
from tests.referral_fixtures import extraction, seed_referral

pytestmark = pytest.mark.anyio


async def test_shown_reads_answer_what_sqlalchemy_answers(
    app: Any, settings: Settings, world: World
) -> None:
    full = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    bare = await seed_referral(app, settings, world.a.id, documents_count=2)
    page = (
        rows_of(Referral)
        .where(col(Referral.org_id) == world.a.id)
        .order_by(col(Referral.created_at).desc(), col(Referral.id).desc())
        .limit(10)
    )
    async with transaction(app.state.sessions) as session:
        shown = await shown_records(session, page)
        assert [r.id for r in shown] == [bare, full]
        assert [r._asdict() for r in shown] == [
            dict(r._mapping) for r in (await session.execute(page)).all()
        ]
        ref = shown[1]
        assert ref.extraction is not None and ref.triage is not None and ref.qa is None
        ids = {"org_ids": [world.a.id]}
        for model, key in ((Case, ref.case_id), (Patient, ref.patient_id)):
            linked = _linked_query(model).on(session)
            params = {**ids, "ids": [key]}
            rows = await shown_records(session, linked, params)
            assert [r.id for r in rows] == [key]
            expected = (await session.execute(linked, params)).all()
            assert [r._asdict() for r in rows] == [dict(r._mapping) for r in expected]
        counts = _DOCUMENT_COUNTS.on(session)
        params = {**ids, "referral_ids": [bare, full]}
        assert dict(await shown_rows(session, counts, params)) == {bare: 2, full: 1}


async def test_shown_reads_are_seen_by_the_statement_events(
    app: Any, world: World, sql_counter: Any
) -> None:
    page = rows_of(Referral).where(col(Referral.org_id) == world.a.id)
    async with transaction(app.state.sessions) as session:
        sql_counter.reset()
        await shown_records(session, page)
        assert len([s for s in sql_counter.statements if "FROM referrals" in s]) == 1
        # The refusal of text no database can store listens to the same event.
        with pytest.raises(BadRequest):
            await shown_records(session, rows_of(Referral).where(col(Referral.id) == "ref_\x00"))
