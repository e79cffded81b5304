"""Shown reads (``resolvers.pagination.shown_records``) and the audit trail's insert: on
PostgreSQL they run on the driver itself (``resolvers.driver_statements``); they answer and
write what SQLAlchemy's own execution does, and the engine's statement events see them as
any other statement."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from app.db import transaction
from app.settings import Settings
from models import AuditEvent, Case, Patient, Referral
from resolvers.errors import BadRequest
from resolvers.pagination import rows_of, shown_records
from resolvers.referrals import DOCUMENT_COUNT, _linked_query
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
        counted = page.add_columns(DOCUMENT_COUNT)
        shown = await shown_records(session, counted)
        assert [(r.id, r.document_count) for r in shown] == [(bare, 2), (full, 1)]
        assert [r._asdict() for r in shown] == [
            dict(r._mapping) for r in (await session.execute(counted)).all()
        ]


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


async def test_audit_events_are_written_whole_and_seen_by_the_statement_events(
    app: Any, settings: Settings, world: World, sql_counter: Any
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    client = world.a.key_client
    await client.get("/api/auth/me")  # the key's lastUsedAt, written on its own, is set
    sql_counter.reset()
    before = datetime.now(UTC)
    response = await client.get("/api/referrals", params={"include": "case"})
    assert response.status_code == 200
    inserts = [s for s in sql_counter.statements if s.startswith("INSERT INTO audit_events")]
    assert len(inserts) == 1  # the request's three events, in one statement
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.request_id == response.headers["x-request-id"])
            )
        ).all()
    assert sorted(e.action for e in events) == ["auth.api_key", "case.read", "referral.list"]
    listed = next(e for e in events if e.action == "referral.list")
    assert listed.details == {"ids": [rid]} and listed.org_id == world.a.id
    assert all(before - timedelta(seconds=5) <= e.created_at <= datetime.now(UTC) for e in events)
