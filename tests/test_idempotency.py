"""Idempotent creates: a retried POST with the same Idempotency-Key makes one row."""

import asyncio
import json
import secrets
import uuid
from datetime import timedelta
from typing import Any

import anyio
import pytest
from sqlmodel import col, select, update

from models import (
    ApiKey,
    AuditEvent,
    ContactEvent,
    Document,
    IdempotencyKey,
    Patient,
    Referral,
    Role,
    utcnow,
)
from resolvers import idempotency
from resolvers.context import Context, Principal
from tests.case_fixtures import count_rows, make_case
from tests.conftest import World, assert_error
from tests.files import fixed_pdf
from tests.patient_fixtures import patient_body, system_context

KEY = "Idempotency-Key"


def new_key() -> dict[str, str]:
    return {KEY: str(uuid.uuid4())}


def multipart_referral(notes: str) -> dict[str, Any]:
    return {
        "files": {"file": ("fax.pdf", fixed_pdf(title=notes), "application/pdf")},
        "data": {"notes": notes, "source": "fax"},
    }


def without_upload_signature(body: dict[str, Any]) -> dict[str, Any]:
    """A JSON create answers a signed upload URL; a replay signs it afresh."""
    return {k: v for k, v in body.items() if k != "upload"}


async def kept_record(app: Any, key: str) -> IdempotencyKey:
    async with system_context(app) as ctx:
        query = select(IdempotencyKey).where(IdempotencyKey.key == key)
        return (await ctx.session.scalars(query)).one()


async def audit_actions(app: Any, org_id: str, action: str) -> list[AuditEvent]:
    async with system_context(app) as ctx:
        query = select(AuditEvent).where(AuditEvent.action == action)
        rows = (await ctx.session.scalars(query.order_by(col(AuditEvent.created_at)))).all()
        return [e for e in rows if e.org_id in (org_id, None)]


async def test_a_retried_multipart_referral_makes_one_and_answers_the_same(
    app: Any, world: World
) -> None:
    client, headers = world.a.key_client, new_key()
    # Not processed on arrival: the replay renders the stored row, which must stay as it was.
    config = await world.a.admin.client.patch(
        f"/api/orgs/{world.a.id}/config", json={"autoProcess": False}
    )
    assert config.status_code == 200, config.text
    notes = "retry " + secrets.token_hex(4)
    first = await client.post("/api/referrals", headers=headers, **multipart_referral(notes))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post("/api/referrals", headers=headers, **multipart_referral(notes))
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await count_rows(app, Referral, org_id=world.a.id, notes=notes) == 1
    referral_id = first.json()["id"]
    assert await count_rows(app, Document, referral_id=referral_id) == 1
    [replay] = await audit_actions(app, world.a.id, "idempotency.replay")
    document_id = first.json()["document"]["id"]
    assert (replay.resource_type, replay.resource_id) == ("document", document_id)


async def test_a_retried_json_referral_answers_the_same_with_a_fresh_upload_url(
    app: Any, world: World
) -> None:
    body = {"fileName": "fax.pdf", "contentType": "application/pdf", "notes": secrets.token_hex(4)}
    headers = new_key()
    first = await world.a.coordinator.client.post("/api/referrals", json=body, headers=headers)
    assert first.status_code == 201, first.text
    # Same request, spelt differently: other key order and spacing.
    respelt = {k: body[k] for k in reversed(body)}
    again = await world.a.coordinator.client.post("/api/referrals", json=respelt, headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert without_upload_signature(again.json()) == without_upload_signature(first.json())
    assert again.json()["upload"]["method"] == "PUT"
    assert await count_rows(app, Referral, org_id=world.a.id, notes=body["notes"]) == 1


async def test_a_key_reused_for_another_request_is_422_and_audited(app: Any, world: World) -> None:
    headers = new_key()
    created = await world.a.key_client.post("/api/patients", json=patient_body(), headers=headers)
    assert created.status_code == 201
    other = patient_body()
    response = await world.a.key_client.post("/api/patients", json=other, headers=headers)
    error = assert_error(response, 422, "validation_failed")
    assert KEY in error["message"]
    assert await count_rows(app, Patient, org_id=world.a.id, first_name=other["firstName"]) == 0
    refusals = await audit_actions(app, world.a.id, "idempotency.refuse")
    assert [e.details["reason"] for e in refusals] == ["reused"]


async def test_a_key_is_the_credentials_own(app: Any, world: World) -> None:
    """Another credential with the same key makes its own row."""
    headers, body = new_key(), patient_body()
    first = await world.a.key_client.post("/api/patients", json=body, headers=headers)
    second = await world.a.coordinator.client.post("/api/patients", json=body, headers=headers)
    assert first.status_code == 201
    # The same patient again is the patients' own rule (409), not a replay of another's create.
    assert_error(second, 409, "conflict")
    assert "idempotent-replayed" not in second.headers


async def test_a_failed_first_try_keeps_no_key(app: Any, world: World) -> None:
    headers = new_key()
    bad = patient_body(dob="1985-02-30")
    assert_error(await world.a.key_client.post("/api/patients", json=bad, headers=headers), 422)
    fixed = patient_body()
    response = await world.a.key_client.post("/api/patients", json=fixed, headers=headers)
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers


async def test_a_retried_contact_log_makes_one_event(app: Any, world: World) -> None:
    case = await make_case(app, world.a.id)
    body, headers = {"type": "note", "note": "left a message"}, new_key()
    path = f"/api/cases/{case.id}/contact"
    first = await world.a.coordinator.client.post(path, json=body, headers=headers)
    again = await world.a.coordinator.client.post(path, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await count_rows(app, ContactEvent, case_id=case.id) == 1
    # The same key on another case is another request.
    other = await make_case(app, world.a.id)
    response = await world.a.coordinator.client.post(
        f"/api/cases/{other.id}/contact", json=body, headers=headers
    )
    assert_error(response, 422, "validation_failed")


async def test_an_api_keys_secret_is_never_shown_twice(app: Any, world: World) -> None:
    body, headers = {"name": "bridge " + secrets.token_hex(3)}, new_key()
    first = await world.a.admin.client.post("/api/api-keys", json=body, headers=headers)
    assert first.status_code == 201
    again = await world.a.admin.client.post("/api/api-keys", json=body, headers=headers)
    error = assert_error(again, 409, "conflict")
    assert first.json()["id"] in error["message"] and "shown once" in error["message"]
    assert first.json()["key"] not in again.text
    assert await count_rows(app, ApiKey, org_id=world.a.id, name=body["name"]) == 1


async def test_a_malformed_key_is_refused(world: World) -> None:
    response = await world.a.key_client.post(
        "/api/patients", json=patient_body(), headers={KEY: "x" * 256}
    )
    assert_error(response, 422, "validation_failed")


async def test_an_expired_key_is_new_again(app: Any, world: World) -> None:
    headers = new_key()
    first = await world.a.key_client.post("/api/patients", json=patient_body(), headers=headers)
    assert first.status_code == 201, first.text
    async with system_context(app) as ctx:
        await ctx.session.execute(
            update(IdempotencyKey)
            .where(col(IdempotencyKey.key) == headers[KEY])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    other = patient_body()
    response = await world.a.key_client.post("/api/patients", json=other, headers=headers)
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    assert await count_rows(app, Patient, org_id=world.a.id, first_name=other["firstName"]) == 1
    assert await count_rows(app, IdempotencyKey, key=headers[KEY]) == 1


async def test_a_key_with_a_named_org_the_database_cannot_store_is_400(
    app: Any, world: World
) -> None:
    """The key's claim is the request's first write: the check of every bound value
    refuses a NUL there (here in the org a user's request names), and nothing is kept."""
    headers = new_key()
    body = {"fileName": "fax.pdf", "contentType": "application/pdf", "orgId": "org_\u0000"}
    response = await world.a.coordinator.client.post(
        "/api/referrals",
        content=json.dumps(body),
        headers={**headers, "content-type": "application/json"},
    )
    assert_error(response, 400, "bad_request")
    assert await count_rows(app, IdempotencyKey, key=headers[KEY]) == 0


async def test_identical_requests_at_once_make_one_row(app: Any, world: World) -> None:
    """On PostgreSQL the twins overlap: one creates, the others are told to retry (409) or
    answered again; on SQLite they queue for the one writer and are answered again."""
    headers, body = new_key(), patient_body()
    responses = await asyncio.gather(
        *(world.a.key_client.post("/api/patients", json=body, headers=headers) for _ in range(6))
    )
    statuses = [r.status_code for r in responses]
    answers = [r.json() for r in responses if r.status_code == 201]
    assert set(statuses) <= {201, 409}, statuses
    assert statuses.count(201) >= 1
    assert all(answer == answers[0] for answer in answers)
    assert await count_rows(app, Patient, org_id=world.a.id, first_name=body["firstName"]) == 1


async def test_a_twin_still_running_is_told_to_retry_at_once(
    app: Any, world: World, db_kind: str
) -> None:
    """PostgreSQL: while a first request holds the key (its transaction open), a twin is a
    409 without waiting for it; once the first is gone (rolled back), the key is free."""
    if db_kind != "postgresql":
        pytest.skip("SQLite runs one writer at a time: a twin queues behind the first")
    headers, body = new_key(), patient_body()
    async with app.state.sessions() as session:
        api_key = await session.get(ApiKey, world.a.api_key_id)
        assert api_key is not None
        first = Context(
            session=session,
            settings=app.state.settings,
            storage=app.state.storage,
            principal=Principal(kind="api_key", api_key=api_key, roles={world.a.id: Role.admin}),
        )
        held = await idempotency.claim(
            first,
            key=headers[KEY],
            operation="POST /api/patients",
            fingerprint="0" * 64,
            org_id=world.a.id,
            resource_type="patient",
            resource_id="",
            status_code=201,
        )
        assert isinstance(held, idempotency.Claim)
        with anyio.fail_after(5):
            twin = await world.a.key_client.post("/api/patients", json=body, headers=headers)
        assert "still being processed" in assert_error(twin, 409, "conflict")["message"]
        await session.rollback()
    again = await world.a.key_client.post("/api/patients", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert "idempotent-replayed" not in again.headers
    refusals = await audit_actions(app, world.a.id, "idempotency.refuse")
    assert [e.details["reason"] for e in refusals] == ["in_progress"]


async def test_a_second_create_with_the_same_external_id_answers_the_first(
    app: Any, world: World
) -> None:
    external = "EHR-" + secrets.token_hex(4)
    body = {"fileName": "a.pdf", "contentType": "application/pdf", "externalId": external}
    first = await world.a.key_client.post("/api/referrals", json=body, headers=new_key())
    assert first.status_code == 201, first.text
    assert first.json()["externalId"] == external
    again = await world.a.key_client.post("/api/referrals", json=body)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["document"]["id"] == first.json()["document"]["id"]
    assert await count_rows(app, Referral, org_id=world.a.id, external_id=external) == 1
    # Another source, or another org, is another referral.
    fax = await world.a.key_client.post("/api/referrals", json={**body, "source": "fax"})
    assert fax.status_code == 201 and fax.json()["id"] != first.json()["id"]
    theirs = await world.b.key_client.post("/api/referrals", json=body)
    assert theirs.status_code == 201


async def test_external_ids_sent_at_once_make_one_referral(app: Any, world: World) -> None:
    external = "EHR-" + secrets.token_hex(4)
    responses = await asyncio.gather(
        *(
            world.a.key_client.post(
                "/api/referrals",
                files={"file": ("a.pdf", fixed_pdf(), "application/pdf")},
                data={"externalId": external},
            )
            for _ in range(4)
        )
    )
    statuses = [r.status_code for r in responses]
    assert sorted(statuses)[0] in (200, 201) and set(statuses) <= {200, 201, 409}, statuses
    assert await count_rows(app, Referral, org_id=world.a.id, external_id=external) == 1


# Every POST that creates something, or settles the EMR queue (issue #14's list).
CREATING_POSTS = [
    "/api/referrals",
    "/api/referrals/{id}/upload",
    "/api/referral-documents",
    "/api/patients",
    "/api/cases/{caseId}/contact",
    "/api/cases/{caseId}/emr-queue",
    "/api/emr/queue/callback",
    "/api/emr/document-queue/callback",
    "/api/api-keys",
    "/api/locations",
]


@pytest.mark.parametrize("path", CREATING_POSTS)
async def test_the_openapi_document_declares_the_key(world: World, path: str) -> None:
    doc = (await world.anon.get("/api/openapi.json")).json()
    operation = doc["paths"][path]["post"]
    names = [p.get("$ref", p.get("name")) for p in operation["parameters"]]
    assert "#/components/parameters/IdempotencyKey" in names
    responses = operation["responses"]
    assert "409" in responses and "422" in responses
    assert "Retry-After" in responses["429"]["headers"]
    ok = next(answer for status, answer in responses.items() if status.startswith("2"))
    assert "Idempotent-Replayed" in ok["headers"]


async def test_a_new_key_costs_one_statement_on_the_creates_transaction(
    app: Any, world: World, sql_counter: Any
) -> None:
    """The key is claimed naming the document the create then makes, in one insert: no
    transaction of its own, no read, no second write (bench/safety.py measures its cost)."""
    body = {"fileName": "fax.pdf", "contentType": "application/pdf", "source": "api"}
    client = world.a.key_client
    assert (await client.post("/api/referrals", json=body)).status_code == 201  # warm
    counts: dict[str, int] = {}
    for label, headers in (("without", {}), ("with", new_key())):
        sql_counter.count = 0
        sql_counter.statements.clear()
        response = await client.post("/api/referrals", json=body, headers=headers)
        assert response.status_code == 201, response.text
        counts[label] = sql_counter.count
        statements = [" ".join(s.split()).lower() for s in sql_counter.statements]
    assert counts["with"] == counts["without"] + 1, counts
    touching = [s for s in statements if "idempotency_keys" in s]
    assert [s.split()[0] for s in touching] == ["insert"]
    # The record names what was made, and a retry answers it again.
    kept = await kept_record(app, headers[KEY])
    assert (kept.resource_type, kept.resource_id) == ("document", response.json()["document"]["id"])
    again = await client.post("/api/referrals", json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["document"]["id"] == response.json()["document"]["id"]


async def test_a_create_that_answers_otherwise_than_claimed_is_remembered_as_it_answered(
    app: Any, world: World
) -> None:
    """A conditional create that finds its referral answers 200 with the first's document,
    not the document claimed up front: the key's record is corrected to what was answered."""
    external = "EHR-" + secrets.token_hex(4)
    body = {"fileName": "a.pdf", "contentType": "application/pdf", "externalId": external}
    first = await world.a.key_client.post("/api/referrals", json=body)
    assert first.status_code == 201, first.text
    headers = new_key()
    found = await world.a.key_client.post("/api/referrals", json=body, headers=headers)
    assert found.status_code == 200, found.text
    kept = await kept_record(app, headers[KEY])
    assert (kept.resource_id, kept.status_code) == (first.json()["document"]["id"], 200)
    again = await world.a.key_client.post("/api/referrals", json=body, headers=headers)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["document"]["id"] == first.json()["document"]["id"]
