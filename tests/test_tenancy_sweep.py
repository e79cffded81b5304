"""Every documented path, driven with org A's real ids by org B and by A's viewer.

Org B's user and B's API key must get 404 (a row of another org is a missing row) or
403 (an org they do not belong to) on everything of org A; A's viewer must get 403 on
every change. Nothing of A may change either way. The sweep lists every route: a new
route fails ``test_the_sweep_covers_every_route`` until it is added here.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlmodel import select

from app.settings import Settings
from models import ApiKey, Case, Document, Location, Org, Patient, Practice, Provider, Referral
from rest_compat import all_operations
from tests.case_fixtures import make_location
from tests.conftest import World
from tests.referral_fixtures import extraction, seed_referral

PDF_UPLOAD = {"fileName": "more.pdf", "contentType": "application/pdf"}
AUTH_ROUTES = {
    ("GET", "/api/auth/me"),
    ("POST", "/api/auth/session"),
    ("DELETE", "/api/auth/session"),
}
# Reads that happen to use POST: a viewer may make them.
POST_READS = {("POST", "/api/referral-documents/sign-read")}
# Reads for admins only.
ADMIN_READS = {("GET", "/api/api-keys")}


@dataclass
class OrgA:
    org: str
    referral: str
    case: str
    patient: str
    document: str
    practice: str
    location: str
    key: str


@pytest.fixture
async def org_a(app: Any, settings: Settings, world: World) -> OrgA:
    referral_id = await seed_referral(
        app, settings, world.a.id, extracted=extraction(), triaged=True, referrer=True
    )
    location = await make_location(world.a.admin.client, world.a.id)
    async with app.state.sessions() as session:
        referral = await session.get(Referral, referral_id)
        assert referral is not None and referral.case_id and referral.patient_id
        case = await session.get(Case, referral.case_id)
        document = (
            await session.scalars(select(Document).where(Document.referral_id == referral_id))
        ).first()
        assert case is not None and document is not None and case.practice_id
    return OrgA(
        org=world.a.id,
        referral=referral_id,
        case=case.id,
        patient=referral.patient_id,
        document=document.id,
        practice=case.practice_id,
        location=location["id"],
        key=world.a.api_key_id,
    )


def requests_for(a: OrgA) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, documented path, request options) for every route, aimed at org A."""
    r, c = a.referral, a.case
    return [
        ("GET", "/api/api-keys", {"params": {"orgId": a.org}}),
        ("POST", "/api/api-keys", {"json": {"orgId": a.org, "name": "x"}}),
        ("DELETE", "/api/api-keys", {"json": {"id": a.key}}),
        ("GET", "/api/orgs/:id/config", {"path": a.org}),
        ("PATCH", "/api/orgs/:id/config", {"path": a.org, "json": {"emrAutoQueue": True}}),
        ("GET", "/api/referrals", {"params": {"orgId": a.org}}),
        ("POST", "/api/referrals", {"json": {"orgId": a.org, **PDF_UPLOAD}}),
        (
            "POST",
            "/api/referrals/bulk",
            {"json": {"orgId": a.org, "action": "move_to_triaged", "ids": [r]}},
        ),
        ("GET", "/api/referrals/export", {"params": {"orgId": a.org}}),
        ("GET", "/api/referrals/:id", {"path": r}),
        ("PATCH", "/api/referrals/:id", {"path": r, "json": {"patient": {"firstName": "X"}}}),
        ("POST", "/api/referrals/:id/upload", {"path": r, "json": PDF_UPLOAD}),
        ("POST", "/api/referrals/:id/process", {"path": r}),
        ("POST", "/api/referrals/:id/qa", {"path": r}),
        ("GET", "/api/referrals/:id/triage", {"path": r}),
        ("POST", "/api/referrals/:id/triage", {"path": r, "json": {"level": 1, "reason": "x"}}),
        ("GET", "/api/cases", {"params": {"orgId": a.org}}),
        ("POST", "/api/cases/match-referrer", {"json": {"caseId": c, "practiceId": a.practice}}),
        ("POST", "/api/cases/create-referrer", {"json": {"caseId": c}}),
        ("GET", "/api/cases/:caseId", {"path": c}),
        ("PATCH", "/api/cases/:caseId", {"path": c, "json": {"locationId": a.location}}),
        ("POST", "/api/cases/:caseId/contact", {"path": c, "json": {"type": "note", "note": "x"}}),
        ("GET", "/api/locations", {"params": {"orgId": a.org}}),
        ("POST", "/api/locations", {"json": {"orgId": a.org, "name": "Annex"}}),
        ("GET", "/api/practices", {"params": {"orgId": a.org}}),
        ("GET", "/api/providers", {"params": {"orgId": a.org}}),
        ("GET", "/api/patients", {"params": {"orgId": a.org, "q": "Doe"}}),
        (
            "POST",
            "/api/patients",
            {"json": {"orgId": a.org, "firstName": "Eve", "lastName": "Roe", "dob": "1990-01-02"}},
        ),
        ("PATCH", "/api/patients", {"json": {"id": a.patient, "email": "x@example.test"}}),
        ("DELETE", "/api/patients", {"json": {"id": a.patient}}),
        ("GET", "/api/patients/:id", {"path": a.patient}),
        ("GET", "/api/referral-documents", {"params": {"orgId": a.org, "referralId": r}}),
        ("POST", "/api/referral-documents", {"json": {"referralId": r, **PDF_UPLOAD}}),
        ("POST", "/api/referral-documents/sign-read", {"json": {"documentId": a.document}}),
        (
            "PATCH",
            "/api/referral-documents/update-status",
            {"json": {"documentId": a.document, "status": "processing"}},
        ),
    ]


async def send(
    client: httpx.AsyncClient, method: str, path: str, options: dict[str, Any]
) -> httpx.Response:
    options = dict(options)
    target = path
    if "path" in options:
        target = "/".join(options.pop("path") if p.startswith(":") else p for p in path.split("/"))
    return await client.request(method, target, **options)


async def snapshot(app: Any, org_id: str) -> str:
    """A digest of every row org A owns, to prove a refused request changed nothing."""
    rows = []
    async with app.state.sessions() as session:
        for model in (Org, ApiKey, Referral, Case, Patient, Document, Practice, Provider, Location):
            column = model.id if model is Org else model.org_id
            for row in (await session.scalars(select(model).where(column == org_id))).all():
                rows.append({c.name: getattr(row, c.name) for c in model.__table__.columns})
    rows.sort(key=lambda r: r["id"])
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def test_the_sweep_covers_every_route() -> None:
    dummy = OrgA(*(["x"] * 8))
    swept = {(method, path) for method, path, _ in requests_for(dummy)}
    routes = {(op.method, op.path) for op in all_operations()} - AUTH_ROUTES
    assert swept == routes


async def test_org_b_gets_404_or_403_on_everything_of_org_a(
    app: Any, world: World, org_a: OrgA
) -> None:
    before = await snapshot(app, world.a.id)
    for client in (world.b.admin.client, world.b.key_client):
        for method, path, options in requests_for(org_a):
            response = await send(client, method, path, options)
            assert response.status_code in (403, 404), (method, path, response.text)
            body = response.json()
            assert set(body) == {"error"}, (method, path, body)
            sent = json.dumps(options)
            unsent = [i for i in (org_a.patient, org_a.case, org_a.document) if i not in sent]
            assert not any(i in response.text for i in unsent), (method, path, response.text)
    assert await snapshot(app, world.a.id) == before


async def test_bulk_from_org_b_reports_a_row_of_org_a_as_not_found(
    world: World, org_a: OrgA
) -> None:
    response = await world.b.admin.client.post(
        "/api/referrals/bulk", json={"action": "move_to_triaged", "ids": [org_a.referral]}
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["ok"] is False and result["error"]["code"] == "not_found"


async def test_a_viewer_cannot_change_anything(app: Any, world: World, org_a: OrgA) -> None:
    before = await snapshot(app, world.a.id)
    for method, path, options in requests_for(org_a):
        if (method == "GET" or (method, path) in POST_READS) and (
            method,
            path,
        ) not in ADMIN_READS:
            response = await send(world.a.viewer.client, method, path, options)
            assert response.status_code == 200, (method, path, response.text)
            continue
        response = await send(world.a.viewer.client, method, path, options)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert await snapshot(app, world.a.id) == before


NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"


async def test_graphql_node_answers_null_for_every_kind_of_org_a_row(
    app: Any, world: World, org_a: OrgA
) -> None:
    from tests.conftest import gql

    ids = [
        org_a.referral,
        org_a.case,
        org_a.patient,
        org_a.document,
        org_a.practice,
        org_a.location,
        org_a.org,
    ]
    for id_ in ids:
        own = await gql(world.a.viewer.client, NODE, id=id_)
        assert own["data"]["node"]["id"] == id_, id_
        for client in (world.b.admin.client, world.b.key_client):
            foreign = await gql(client, NODE, id=id_)
            assert foreign == {"data": {"node": None}}, (id_, foreign)


# Routes that do not touch patient data (config, keys, referrer directories).
NOT_PATIENT_DATA = {
    "/api/api-keys",
    "/api/orgs/:id/config",
    "/api/locations",
    "/api/practices",
    "/api/providers",
    "/api/cases/match-referrer",
    "/api/cases/create-referrer",
}


async def audit_count(app: Any, org_id: str) -> int:
    from sqlalchemy import func

    from models import AuditEvent

    async with app.state.sessions() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.org_id == org_id)
        return int((await session.execute(query)).scalar_one())


async def test_every_read_or_change_of_patient_data_leaves_an_audit_event(
    app: Any, world: World, org_a: OrgA
) -> None:
    # Reads first, then changes, the delete last: each request must add to A's trail.
    plan = sorted(
        (r for r in requests_for(org_a) if r[1] not in NOT_PATIENT_DATA),
        key=lambda r: (r[0] != "GET", r[0] == "DELETE"),
    )
    refused: list[str] = []
    for method, path, options in plan:
        before = await audit_count(app, world.a.id)
        response = await send(world.a.admin.client, method, path, options)
        assert response.status_code < 400 or response.status_code == 409, (
            method,
            path,
            response.text,
        )
        if response.status_code < 400:
            assert await audit_count(app, world.a.id) > before, (method, path)
        else:
            refused.append(path)
    # A triaged referral is not reprocessed; a patient with a case is not deleted.
    assert refused == ["/api/referrals/:id/process", "/api/patients"]
