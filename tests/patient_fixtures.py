"""Building patients, documents and the records that refer to them, for the patient and
document tests. Patients go through the REST face; referrals and cases, whose own
routes belong to other domains, are plain rows written through a system context."""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from app.db import transaction
from models import AuditEvent, Case, Document, Patient, Referral, utcnow
from resolvers.context import Context


def patient_body(**overrides: Any) -> dict[str, Any]:
    """A complete, valid patient; the first name is unique so no two collide."""
    body: dict[str, Any] = {
        "firstName": "Jane" + secrets.token_hex(2),
        "lastName": "Doe",
        "dob": "1985-03-15",
        "sex": "F",
        "phone": "(555) 234-5678",
        "email": "jane@Example.COM",
        "address": {
            "line1": "123 Main St",
            "line2": None,
            "city": "Anytown",
            "state": "ca",
            "zip": "90210",
        },
        "insurance": {"provider": "Blue Cross", "memberId": "XYZ123", "groupNumber": "GRP456"},
    }
    body.update(overrides)
    return body


async def create_patient(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/patients", json=patient_body(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@asynccontextmanager
async def system_context(app: Any) -> AsyncIterator[Context]:
    """A committed transaction acting as the system (for rows other domains own)."""
    async with transaction(app.state.sessions) as session:
        yield Context(
            session=session,
            settings=app.state.settings,
            storage=app.state.storage,
            system_actor="tests",
        )


async def add_referral(app: Any, org_id: str, *, patient_id: str | None = None) -> str:
    async with system_context(app) as ctx:
        referral = Referral(org_id=org_id, patient_id=patient_id, updated_at=utcnow())
        ctx.session.add(referral)
        return referral.id


async def add_case(app: Any, org_id: str, *, patient_id: str) -> str:
    async with system_context(app) as ctx:
        case = Case(org_id=org_id, patient_id=patient_id, updated_at=utcnow())
        ctx.session.add(case)
        return case.id


async def get_row(app: Any, model: Any, id_: str) -> Any:
    async with system_context(app) as ctx:
        return await ctx.session.get(model, id_)


async def count_rows(app: Any, model: Any, **equal: Any) -> int:
    async with system_context(app) as ctx:
        query = select(func.count()).select_from(model)
        for name, value in equal.items():
            query = query.where(getattr(model, name) == value)
        return int((await ctx.session.scalars(query)).one())


async def patient_count(app: Any, org_id: str) -> int:
    return await count_rows(app, Patient, org_id=org_id)


async def document_count(app: Any, org_id: str) -> int:
    return await count_rows(app, Document, org_id=org_id)


async def audit_events(
    app: Any, org_id: str, *, action: str | None = None, resource_id: str | None = None
) -> list[AuditEvent]:
    async with system_context(app) as ctx:
        query = select(AuditEvent).where(AuditEvent.org_id == org_id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        if resource_id is not None:
            query = query.where(AuditEvent.resource_id == resource_id)
        query = query.order_by(col(AuditEvent.created_at), col(AuditEvent.id))
        return list((await ctx.session.scalars(query)).all())
