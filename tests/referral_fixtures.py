"""Building referrals for tests: files, extractions, and referrals seeded through the resolvers.

Referrals reach ``review`` or ``triaged`` only through the pipeline (a later
piece), so ``seed_referral`` plays the pipeline's part with the same resolvers
it will use: ``referrals.new_referral``, ``documents.store``,
``referrals.set_extraction`` and ``matching.attach_referral``.
"""

import copy
from datetime import datetime
from typing import Any

import httpx

from app.db import transaction
from app.settings import Settings
from models import Practice, Provider, Referral, ReferralStage, utcnow
from models.extraction import Extraction
from resolvers import documents, jobs, matching, referrals, triage
from resolvers.context import Context
from tests.conftest import World
from tests.files import pdf_bytes

EXTRACTION: dict[str, Any] = {
    "patient": {
        "firstName": "Jane",
        "lastName": "Doe",
        "dob": "1985-03-15",
        "sex": "F",
        "phone": "+15551234567",
        "email": None,
        "address": {
            "line1": "123 Main St",
            "line2": None,
            "city": "Anytown",
            "state": "CA",
            "zip": "90210",
        },
    },
    "insurance": {"provider": "Blue Cross", "memberId": "XYZ123", "groupNumber": "GRP456"},
    "referrer": {
        "providerName": "John Smith",
        "npi": "1234567893",
        "practiceName": "Valley Family Medicine",
        "phone": "+15550001111",
        "fax": "+15550002222",
    },
    "clinical": {
        "reason": "Right knee pain after a fall, suspected meniscus tear",
        "diagnosisCodes": ["M17.11"],
        "urgency": "routine",
    },
    "confidence": {
        "patient.firstName": 0.98,
        "patient.lastName": 0.97,
        "patient.dob": 0.95,
        "patient.phone": 0.9,
        "insurance.memberId": 0.92,
        "clinical.reason": 0.9,
    },
    "method": "text",
}


# Two queues' triage rules: a keyword, a diagnosis-code prefix, and the referral's urgency.
TRIAGE_RULES: dict[str, Any] = {
    "queues": ["intake", "trauma", "joints"],
    "triageRules": [
        {"name": "Fracture", "level": 1, "keywords": ["fracture"], "queue": "trauma"},
        {"name": "Knee OA", "level": 3, "diagnosisCodePrefixes": ["M17"], "queue": "joints"},
        {"name": "Flagged urgent", "level": 2, "urgency": ["urgent"]},
    ],
}


async def configure(world: World, **config: Any) -> None:
    """Patch org A's config as its admin (``configure(world, **TRIAGE_RULES)``)."""
    response = await world.a.admin.client.patch(f"/api/orgs/{world.a.id}/config", json=config)
    assert response.status_code == 200, response.text


def extraction(**sections: dict[str, Any]) -> dict[str, Any]:
    """The sample extraction with some fields replaced: ``extraction(patient={"dob": None})``."""
    result = copy.deepcopy(EXTRACTION)
    for section, values in sections.items():
        if isinstance(result.get(section), dict):
            result[section].update(values)
        else:
            result[section] = values
    return result


def person(first: str, last: str, dob: str = "1985-03-15") -> dict[str, Any]:
    return extraction(patient={"firstName": first, "lastName": last, "dob": dob})


async def seed_referral(
    app: Any,
    settings: Settings,
    org_id: str,
    *,
    extracted: dict[str, Any] | None = None,
    documents_count: int = 1,
    stage: ReferralStage | None = None,
    triaged: bool = False,
    referrer: bool = False,
    created_at: datetime | None = None,
    data: bytes | None = None,
) -> str:
    """A referral as the pipeline leaves it; ``triaged`` also attaches it to a case."""
    async with transaction(app.state.sessions) as session:
        ctx = Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )
        referral = referrals.new_referral(ctx, org_id=org_id, source="fax")
        if created_at is not None:
            referral.created_at = created_at
        await session.flush()
        for i in range(documents_count):
            await documents.store(
                ctx,
                org_id=org_id,
                file_name=f"fax-{i}.pdf",
                data=data if data is not None and i == 0 else pdf_bytes(),
                referral_id=referral.id,
            )
        if extracted is not None:
            referrals.set_extraction(ctx, referral, Extraction.model_validate(extracted))
        if stage is not None:
            referral.stage = stage
        if triaged:
            config = await referrals.config_for(ctx, org_id)
            await triage.apply(
                ctx, referral, triage.automatic(referral.extraction, config, set_by=None)
            )
            case = await matching.attach_referral(ctx, referral)
            if referrer:
                practice = Practice(
                    org_id=org_id, name="Valley Family Medicine", updated_at=utcnow()
                )
                provider = Provider(
                    org_id=org_id,
                    practice_id=practice.id,
                    name="John Smith",
                    npi="1234567893",
                    updated_at=utcnow(),
                )
                session.add_all([practice, provider])
                await session.flush()
                case.practice_id, case.provider_id = practice.id, provider.id
                session.add(case)
        return referral.id


async def active_run(app: Any, settings: Settings, referral_id: str) -> str:
    """A queued run of the referral that no worker was given: it stays active."""
    async with transaction(app.state.sessions) as session:
        ctx = Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )
        referral = await session.get(Referral, referral_id)
        assert referral is not None
        referral.stage = ReferralStage.processing
        session.add(referral)
        return jobs.create(ctx, org_id=referral.org_id, referral_id=referral_id).id


async def load_referral(app: Any, referral_id: str) -> Referral:
    async with transaction(app.state.sessions) as session:
        row = await session.get(Referral, referral_id)
        assert row is not None
        return row


async def upload(
    client: httpx.AsyncClient,
    path: str = "/api/referrals",
    *,
    data: bytes | None = None,
    file_name: str = "referral.pdf",
    **fields: str,
) -> httpx.Response:
    """A multipart upload, as a browser form or curl -F sends it."""
    files = {"file": (file_name, data if data is not None else pdf_bytes(), "application/pdf")}
    return await client.post(path, files=files, data=fields)
