"""Building cases for tests the way the product does: a referral attached by ``attach_referral``."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from app.db import transaction
from models import AuditEvent, Referral, utcnow
from models.extraction import Extraction, TriageResult
from resolvers import matching
from resolvers.context import Context

REFERRER = {
    "providerName": "Dr. John Smith, MD",
    "npi": "1234567893",
    "practiceName": "Valley Family Medicine",
    "phone": "(555) 200-1111",
    "fax": "+15552002222",
}


@dataclass
class MadeCase:
    id: str
    patient_id: str
    referral_id: str


async def make_case(
    app: Any,
    org_id: str,
    *,
    first_name: str | None = None,
    last_name: str = "Doe",
    dob: str = "1985-03-15",
    referrer: dict[str, Any] | None = None,
    triage: dict[str, Any] | None = None,
    received_at: datetime | None = None,
) -> MadeCase:
    """A triaged referral for a new patient (or the open case of the same patient), attached
    by ``attach_referral`` (committed); ``received_at`` backdates its receipt."""
    first_name = first_name or "Jane" + secrets.token_hex(3)
    extraction = {
        "patient": {"firstName": first_name, "lastName": last_name, "dob": dob, "sex": "F"},
        "insurance": {"provider": "Blue Cross", "memberId": "XYZ123", "groupNumber": "G1"},
        "referrer": REFERRER if referrer is None else referrer,
        "clinical": {"reason": "knee pain", "diagnosisCodes": ["M17.11"], "urgency": "routine"},
    }
    async with transaction(app.state.sessions) as session:
        ctx = system_context(app, session)
        referral = Referral(
            org_id=org_id,
            extraction=Extraction.model_validate(extraction),
            triage=TriageResult.model_validate(
                triage or {"level": 3, "priorityBand": "P2", "queue": "intake"}
            ),
            updated_at=utcnow(),
        )
        if received_at is not None:
            referral.created_at = received_at
        session.add(referral)
        case = await matching.attach_referral(ctx, referral)
        made = MadeCase(id=case.id, patient_id=str(case.patient_id), referral_id=referral.id)
    return made


async def make_location(
    client: httpx.AsyncClient, org_id: str, name: str = "North Clinic", **extra: Any
) -> dict[str, Any]:
    response = await client.post("/api/locations", json={"orgId": org_id, "name": name, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def get_case(client: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/cases/{case_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def audit_actions(app: Any, *, org_id: str, resource_id: str | None = None) -> list[str]:
    """The audit actions recorded in an org (about one record), oldest first."""
    query = select(AuditEvent).where(AuditEvent.org_id == org_id)
    if resource_id is not None:
        query = query.where(AuditEvent.resource_id == resource_id)
    async with transaction(app.state.sessions) as session:
        rows = (await session.scalars(query.order_by(col(AuditEvent.created_at)))).all()
        return [row.action for row in rows]


async def audit_details(app: Any, *, org_id: str, action: str) -> list[dict[str, Any]]:
    query = select(AuditEvent).where(AuditEvent.org_id == org_id, AuditEvent.action == action)
    async with transaction(app.state.sessions) as session:
        rows = (await session.scalars(query.order_by(col(AuditEvent.created_at)))).all()
        return [dict(row.details) for row in rows]


async def count_rows(app: Any, model: Any, **where: Any) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    async with transaction(app.state.sessions) as session:
        return int((await session.execute(query)).scalar_one())


def system_context(app: Any, session: Any) -> Context:
    return Context(
        session=session,
        settings=app.state.settings,
        storage=app.state.storage,
        system_actor="tests",
    )
