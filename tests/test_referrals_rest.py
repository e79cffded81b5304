"""REST: listing, creating, reading, uploading to and processing referrals."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import col, func, select

from app.db import transaction
from app.main import create_app
from app.settings import Settings
from models import AuditEvent, Document, Job, Referral, ReferralStage
from rest_compat.referrals import ReferralListOut
from tests.conftest import World, assert_error, build_org, make_settings
from tests.files import pdf_bytes, png_bytes
from tests.referral_fixtures import (
    active_run,
    extraction,
    load_referral,
    person,
    seed_referral,
    upload,
)

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio


async def count(app: Any, model: Any, *where: Any) -> int:
    async with transaction(app.state.sessions) as session:
        return int(
            (await session.scalar(select(func.count()).select_from(model).where(*where))) or 0
        )


async def audit_events(app: Any, org_id: str, action: str) -> list[AuditEvent]:
    async with transaction(app.state.sessions) as session:
        query = (
            select(AuditEvent)
            .where(AuditEvent.org_id == org_id, AuditEvent.action == action)
            .order_by(col(AuditEvent.created_at))
        )
        return list((await session.scalars(query)).all())


def put_to(client: httpx.AsyncClient, signed: dict[str, Any], data: bytes) -> Any:
    return client.put(signed["url"], content=data, headers=signed["headers"])


# -- list ---------------------------------------------------------------------------------------


async def test_list_is_newest_first_paginated_and_only_the_orgs_own(
    app: Any, settings: Settings, world: World
) -> None:
    ids = [
        await seed_referral(app, settings, world.a.id, extracted=person("Ann", f"Lee{i}"))
        for i in range(3)
    ]
    await seed_referral(app, settings, world.b.id, extracted=person("Bob", "Other"))

    first = await world.a.viewer.client.get("/api/referrals", params={"limit": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert [i["id"] for i in body["items"]] == ids[::-1][:2]
    assert body["count"] == 2 and body["nextCursor"]
    assert body["items"][0]["documentCount"] == 1 and body["items"][0]["stage"] == "received"
    assert "case" not in body["items"][0]
    second = await world.a.viewer.client.get(
        "/api/referrals", params={"limit": 2, "cursor": body["nextCursor"], "orgId": world.a.id}
    )
    assert [i["id"] for i in second.json()["items"]] == [ids[0]]
    assert second.json()["nextCursor"] is None

    listed = await audit_events(app, world.a.id, "referral.list")
    assert listed[-1].details["ids"] == [ids[0]]
    assert listed[-2].details["ids"] == ids[::-1][:2]


async def test_list_filters_by_stage_q_and_received_dates(
    app: Any, settings: Settings, world: World
) -> None:
    old = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
    jane = await seed_referral(app, settings, world.a.id, extracted=extraction(), created_at=old)
    kim = await seed_referral(
        app,
        settings,
        world.a.id,
        extracted=extraction(
            patient={"firstName": "Kim", "lastName": "Ng", "dob": "1990-07-04"},
            referrer={"providerName": "Ada Park", "practiceName": "Hill Clinic", "npi": None},
        ),
        stage=ReferralStage.review,
        created_at=old + timedelta(days=2),
    )
    client = world.a.viewer.client

    async def ids(**params: str) -> list[str]:
        response = await client.get("/api/referrals", params=params)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert await ids(stage="review") == [kim]
    assert await ids(stage="review,received") == [kim, jane]
    assert await ids(q="doe JANE") == [jane]
    assert await ids(q="03/15/1985") == [jane]
    assert await ids(q="1990-07-04") == [kim]
    assert await ids(q="hill clinic") == [kim]
    assert await ids(q="Valley") == [jane]
    assert await ids(q="nobody") == []
    assert await ids(receivedFrom="2026-01-11", receivedTo="2026-01-31") == [kim]
    assert await ids(receivedTo="2026-01-10") == [jane]
    assert await ids(receivedFrom="2026-01-10T15:00:00Z", receivedTo="2026-01-10T15:00:00Z") == [
        jane
    ]
    assert await ids(receivedFrom="2026-01-10T15:00:01Z", receivedTo="2026-01-12") == [kim]


async def test_list_includes_case_patient_and_documents_on_request(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    response = await world.a.viewer.client.get(
        "/api/referrals", params={"include": "case,patient,documents"}
    )
    item = response.json()["items"][0]
    assert item["id"] == rid and item["stage"] == "triaged"
    assert item["case"]["id"] == item["caseId"] and item["case"]["patientId"] == item["patientId"]
    assert item["patient"]["firstName"] == "Jane" and item["patient"]["dob"] == "1985-03-15"
    assert [d["fileName"] for d in item["documents"]] == ["fax-0.pdf"]
    assert (await audit_events(app, world.a.id, "patient.read"))[-1].details["ids"] == [
        item["patientId"]
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "archived"}, "stage"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"receivedFrom": "last tuesday"}, "receivedFrom"),
        ({"receivedFrom": "2026-02-01", "receivedTo": "2026-01-01"}, "receivedFrom"),
        ({"include": "everything"}, "include"),
    ],
)
async def test_list_refuses_bad_filters(world: World, params: dict[str, str], field: str) -> None:
    error = assert_error(
        await world.a.viewer.client.get("/api/referrals", params=params), 422, "validation_failed"
    )
    assert error["details"][0]["field"] == field


async def test_list_of_another_org_is_forbidden_and_needs_a_credential(world: World) -> None:
    assert_error(
        await world.b.viewer.client.get("/api/referrals", params={"orgId": world.a.id}), 403
    )
    assert_error(await world.b.key_client.get("/api/referrals", params={"orgId": world.a.id}), 403)
    assert_error(await world.anon.get("/api/referrals"), 401, "unauthenticated")
    own = await world.a.key_client.get("/api/referrals")
    assert own.status_code == 200 and own.json()["items"] == []


# -- create -------------------------------------------------------------------------------------


async def test_create_with_json_answers_a_signed_url_and_the_put_completes_it(
    app: Any, world: World
) -> None:
    response = await world.a.coordinator.client.post(
        "/api/referrals",
        json={
            "fileName": "fax 0412.pdf",
            "contentType": "application/pdf",
            "sizeBytes": 2048,
            "notes": "from the front desk",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["stage"] == "received" and body["orgId"] == world.a.id
    assert body["source"] == "upload" and body["notes"] == "from the front desk"
    assert body["upload"]["method"] == "PUT" and body["upload"]["expiresAt"].endswith("Z")
    assert body["upload"]["headers"] == {"Content-Type": "application/pdf"}
    assert body["document"]["uploadComplete"] is False
    assert [d["id"] for d in body["documents"]] == [body["document"]["id"]]
    assert body["likelyDuplicate"] is None

    put = await put_to(world.anon, body["upload"], pdf_bytes(2))
    assert put.status_code == 200, put.text
    detail = (await world.a.viewer.client.get(f"/api/referrals/{body['id']}")).json()
    assert detail["documents"][0]["uploadComplete"] is True
    assert detail["documents"][0]["pageCount"] == 2


async def test_create_with_an_api_key_is_an_api_source(world: World) -> None:
    response = await world.a.key_client.post(
        "/api/referrals", json={"fileName": "a.png", "contentType": "image/png"}
    )
    assert response.status_code == 201 and response.json()["source"] == "api"


async def test_create_multipart_stores_the_file_and_reports_a_likely_duplicate(
    app: Any, world: World
) -> None:
    data = pdf_bytes(3)
    first = await upload(world.a.coordinator.client, data=data, notes="first", documentType="lab")
    assert first.status_code == 201, first.text
    body = first.json()
    doc = body["document"]
    assert body["upload"] is None and body["likelyDuplicate"] is None
    assert doc["uploadComplete"] is True and doc["pageCount"] == 3
    assert doc["documentType"] == "lab" and doc["contentType"] == "application/pdf"
    assert body["notes"] == "first"

    again = await upload(world.a.admin.client, data=data, file_name="same.pdf")
    assert again.status_code == 201
    assert again.json()["likelyDuplicate"] == {"documentId": doc["id"], "referralId": body["id"]}
    assert again.json()["document"]["likelyDuplicateOf"] == doc["id"]

    other_org = await upload(world.b.coordinator.client, data=data)
    assert other_org.json()["likelyDuplicate"] is None


async def test_create_multipart_sniffs_content_not_names(app: Any, world: World) -> None:
    before = await count(app, Referral, Referral.org_id == world.a.id)
    png = await upload(world.a.coordinator.client, data=png_bytes(), file_name="scan.pdf")
    assert png.status_code == 201 and png.json()["document"]["contentType"] == "image/png"
    refused = await upload(world.a.coordinator.client, data=b"MZ\x90\x00 not a pdf")
    assert_error(refused, 415, "unsupported_media_type")
    empty = await upload(world.a.coordinator.client, data=b"")
    assert_error(empty, 422)
    assert await count(app, Referral, Referral.org_id == world.a.id) == before + 1


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"fileName": "a.txt", "contentType": "text/plain"}, 415),
        ({"fileName": "a.pdf", "contentType": "application/pdf", "sizeBytes": 10**12}, 413),
        ({"contentType": "application/pdf"}, 422),
        ({"fileName": "a.pdf", "contentType": "application/pdf", "colour": "red"}, 422),
        ({"fileName": "a.pdf", "contentType": "application/pdf", "documentType": "x"}, 422),
        ({"fileName": "a.pdf", "contentType": "application/pdf", "source": "pigeon"}, 422),
        ({"fileName": "../", "contentType": "application/pdf"}, 422),
    ],
)
async def test_create_refuses_bad_json_and_changes_nothing(
    app: Any, world: World, payload: dict[str, Any], status: int
) -> None:
    before = await count(app, Referral, Referral.org_id == world.a.id)
    assert_error(await world.a.coordinator.client.post("/api/referrals", json=payload), status)
    assert await count(app, Referral, Referral.org_id == world.a.id) == before
    assert await count(app, Document, Document.org_id == world.a.id) == 0


async def test_create_refuses_malformed_bodies(world: World) -> None:
    client = world.a.coordinator.client
    assert_error(
        await client.post(
            "/api/referrals", content=b"{oops", headers={"Content-Type": "application/json"}
        ),
        400,
        "bad_request",
    )
    assert_error(
        await client.post("/api/referrals", content=b"x", headers={"Content-Type": "text/plain"}),
        415,
    )
    no_boundary = await client.post(
        "/api/referrals", content=b"--x\r\n", headers={"Content-Type": "multipart/form-data"}
    )
    assert_error(no_boundary, 400, "bad_request")
    no_file = await client.post("/api/referrals", files={"notes": (None, "hi")})
    assert assert_error(no_file, 422)["details"][0]["field"] == "file"
    stray = await upload(client, colour="red")
    assert_error(stray, 422)


async def test_create_needs_the_coordinator_role(app: Any, world: World) -> None:
    assert_error(
        await world.a.viewer.client.post(
            "/api/referrals", json={"fileName": "a.pdf", "contentType": "application/pdf"}
        ),
        403,
        "forbidden",
    )
    assert_error(await upload(world.a.viewer.client), 403)
    assert_error(await upload(world.b.coordinator.client, orgId=world.a.id), 403)
    assert await count(app, Referral, Referral.org_id == world.a.id) == 0


@pytest.fixture
async def small_world(tmp_path: Path, database_url: str) -> AsyncIterator[Any]:
    """An app whose upload limit is 4 KiB, to test the limit without 50 MB bodies."""
    settings = make_settings(database_url, tmp_path, max_upload_bytes=4096)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        org = await build_org(application, settings, "Small Limits")
        yield application, org
        for client in (org.admin.client, org.coordinator.client, org.viewer.client):
            await client.aclose()
        await org.key_client.aclose()


async def test_uploads_over_the_limit_are_413_before_and_while_reading(small_world: Any) -> None:
    application, org = small_world
    client = org.coordinator.client
    big = b"%PDF-1.4\n" + b"0" * 80_000
    assert_error(await upload(client, data=big), 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        for _ in range(40):
            yield b"0" * 4096
        yield b"\r\n--b--\r\n"

    chunked = await client.post(
        "/api/referrals",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert_error(chunked, 413, "payload_too_large")
    # Just over the file limit but within the multipart envelope: the file check refuses it.
    assert_error(await upload(client, data=b"%PDF-1.4\n" + b"0" * 5000), 413)
    json_big = await client.post(
        "/api/referrals",
        json={"fileName": "a.pdf", "contentType": "application/pdf", "sizeBytes": 4097},
    )
    assert_error(json_big, 413)
    assert await count(application, Referral, Referral.org_id == org.id) == 0


# -- read ---------------------------------------------------------------------------------------


async def test_get_answers_documents_extraction_and_job_and_is_audited(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction(), documents_count=2)
    response = await world.a.viewer.client.get(f"/api/referrals/{rid}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == rid and body["extraction"]["patient"]["lastName"] == "Doe"
    assert [d["fileName"] for d in body["documents"]] == ["fax-0.pdf", "fax-1.pdf"]
    assert body["job"] is None and body["qa"] is None and body["triage"] is None
    assert body["createdAt"].endswith("Z")
    reads = await audit_events(app, world.a.id, "referral.read")
    assert [e.resource_id for e in reads] == [rid]


async def test_get_of_another_org_is_404_exactly_like_a_missing_one(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id)
    foreign = assert_error(await world.b.admin.client.get(f"/api/referrals/{rid}"), 404)
    missing = assert_error(await world.b.admin.client.get("/api/referrals/ref_nope"), 404)
    assert foreign["code"] == missing["code"] == "not_found"
    assert foreign["message"] == f"referral {rid} not found"
    assert_error(await world.b.key_client.get(f"/api/referrals/{rid}"), 404)
    assert await audit_events(app, world.b.id, "referral.read") == []


async def test_a_very_long_unknown_id_is_not_echoed_in_full(world: World) -> None:
    long_id = "ref_" + "x" * 5000
    error = assert_error(await world.a.admin.client.get(f"/api/referrals/{long_id}"), 404)
    assert error["message"] == f"referral {long_id[:64]}… not found"


# -- upload to a referral -----------------------------------------------------------------------


async def test_upload_adds_documents_by_url_and_by_multipart(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id)
    signed = await world.a.coordinator.client.post(
        f"/api/referrals/{rid}/upload",
        json={"fileName": "labs.png", "contentType": "image/png", "documentType": "lab"},
    )
    assert signed.status_code == 201, signed.text
    assert signed.json()["id"] == rid and signed.json()["upload"]["method"] == "PUT"
    assert (await put_to(world.anon, signed.json()["upload"], png_bytes())).status_code == 200
    stored = await upload(
        world.a.key_client, f"/api/referrals/{rid}/upload", data=pdf_bytes(), documentType="imaging"
    )
    assert stored.status_code == 201, stored.text
    docs = stored.json()["documents"]
    assert [d["documentType"] for d in docs] == ["referral", "lab", "imaging"]
    assert all(d["uploadComplete"] for d in docs)


async def test_upload_to_a_referral_is_refused_cleanly(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id)
    dup = await seed_referral(app, settings, world.a.id, stage=ReferralStage.duplicate)
    body = {"fileName": "a.pdf", "contentType": "application/pdf"}
    assert_error(await world.b.admin.client.post(f"/api/referrals/{rid}/upload", json=body), 404)
    assert_error(await upload(world.b.admin.client, f"/api/referrals/{rid}/upload"), 404)
    assert_error(await world.a.viewer.client.post(f"/api/referrals/{rid}/upload", json=body), 403)
    assert_error(await world.a.admin.client.post(f"/api/referrals/{dup}/upload", json=body), 409)
    bad_type = {"fileName": "a.exe", "contentType": "application/x-msdownload"}
    assert_error(
        await world.a.admin.client.post(f"/api/referrals/{rid}/upload", json=bad_type), 415
    )
    assert_error(
        await upload(world.a.admin.client, f"/api/referrals/{rid}/upload", data=b"plain text"), 415
    )
    assert await count(app, Document, Document.referral_id == rid) == 1


# -- process ------------------------------------------------------------------------------------


async def test_process_queues_one_job_and_refuses_a_second(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id)
    response = await world.a.coordinator.client.post(f"/api/referrals/{rid}/process")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["job"]["status"] == "queued" and body["job"]["kind"] == "process_referral"
    assert body["referral"]["stage"] == "processing"

    assert await count(app, Job, Job.org_id == world.a.id) == 1
    detail = (await world.a.viewer.client.get(f"/api/referrals/{rid}")).json()
    assert detail["job"]["id"] == body["job"]["id"]

    # While a run is queued or running, a second is refused (the worker may have finished
    # the first by now, so the refusal is shown on a run that no worker was given).
    busy = await seed_referral(app, settings, world.a.id)
    active = await active_run(app, settings, busy)
    again = assert_error(
        await world.a.key_client.post(f"/api/referrals/{busy}/process"), 409, "conflict"
    )
    assert again["details"] == {"jobId": active}


async def test_process_waits_for_every_upload_and_refuses_settled_referrals(
    app: Any, settings: Settings, world: World
) -> None:
    created = await world.a.coordinator.client.post(
        "/api/referrals", json={"fileName": "a.pdf", "contentType": "application/pdf"}
    )
    pending = created.json()
    waiting = assert_error(
        await world.a.coordinator.client.post(f"/api/referrals/{pending['id']}/process"), 409
    )
    assert waiting["details"] == {"documentIds": [pending["document"]["id"]]}
    triaged = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    assert_error(await world.a.coordinator.client.post(f"/api/referrals/{triaged}/process"), 409)
    bare = await seed_referral(app, settings, world.a.id, documents_count=0)
    assert_error(await world.a.coordinator.client.post(f"/api/referrals/{bare}/process"), 409)
    assert_error(await world.a.viewer.client.post(f"/api/referrals/{bare}/process"), 403)
    assert_error(await world.b.admin.client.post(f"/api/referrals/{bare}/process"), 404)
    assert await count(app, Job, Job.org_id == world.a.id) == 0
    assert (await load_referral(app, pending["id"])).stage == ReferralStage.received


# -- export -------------------------------------------------------------------------------------


async def test_export_streams_csv_with_neutralised_cells(
    app: Any, settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resolvers import referral_export

    monkeypatch.setattr(referral_export, "EXPORT_PAGE", 2)
    evil = extraction(
        patient={"firstName": '=HYPERLINK("http://x")', "lastName": "+Doe", "phone": "-1"},
        referrer={"practiceName": "@SUM(A1)", "providerName": "\tTab"},
        clinical={"reason": 'knee, "bad"\nline two', "diagnosisCodes": ["M17.11", "S83.2"]},
    )
    ids = [await seed_referral(app, settings, world.a.id, extracted=evil)]
    ids += [await seed_referral(app, settings, world.a.id) for _ in range(3)]
    review = await seed_referral(app, settings, world.a.id, stage=ReferralStage.review)
    await seed_referral(app, settings, world.b.id)

    response = await world.a.viewer.client.get("/api/referrals/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    header = rows[0]
    assert header[:4] == ["id", "stage", "source", "receivedAt"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {*ids, review}
    cells = by_id[ids[0]]
    assert cells["patientFirstName"] == '\'=HYPERLINK("http://x")'
    assert cells["patientLastName"] == "'+Doe" and cells["patientPhone"] == "'-1"
    assert cells["referrerPractice"] == "'@SUM(A1)" and cells["referrerProvider"] == "'\tTab"
    assert cells["reason"] == 'knee, "bad"\nline two'
    assert cells["diagnosisCodes"] == "M17.11;S83.2"

    only_review = await world.a.viewer.client.get(
        "/api/referrals/export", params={"orgId": world.a.id, "stage": "review"}
    )
    assert [r[0] for r in csv.reader(io.StringIO(only_review.text))][1:] == [review]
    pages = await audit_events(app, world.a.id, "referral.export")
    assert sum(len(e.details["ids"]) for e in pages) == 6 and len(pages) == 4


async def test_export_refusals(world: World) -> None:
    assert_error(
        await world.b.viewer.client.get("/api/referrals/export", params={"orgId": world.a.id}),
        403,
    )
    assert_error(
        await world.a.viewer.client.get("/api/referrals/export", params={"stage": "nope"}), 422
    )
    assert_error(await world.anon.get("/api/referrals/export"), 401)
    empty = await world.a.viewer.client.get("/api/referrals/export")
    assert empty.text.splitlines()[0].startswith("id,stage,")
    assert len(empty.text.splitlines()) == 1


async def test_openapi_lists_the_referral_paths(world: World) -> None:
    spec = (await world.anon.get("/api/openapi.json")).json()
    for path in (
        "/api/referrals",
        "/api/referrals/{id}",
        "/api/referrals/{id}/upload",
        "/api/referrals/{id}/process",
        "/api/referrals/{id}/qa",
        "/api/referrals/{id}/triage",
        "/api/referrals/bulk",
        "/api/referrals/export",
    ):
        assert path in spec["paths"], path


async def test_a_declared_size_below_one_byte_is_refused(world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/referrals",
        json={"fileName": "fax.pdf", "contentType": "application/pdf", "sizeBytes": 0},
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == "sizeBytes"


async def test_list_shows_extraction_qa_and_triage_as_a_single_read_does(
    app: Any, settings: Settings, world: World
) -> None:
    # The list reads these typed JSON columns as text (rows_of); one referral read alone
    # goes through the ORM. Both answer the same, for stored values and for none.
    bare = await seed_referral(app, settings, world.a.id)
    full = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    client = world.a.viewer.client
    listed = {i["id"]: i for i in (await client.get("/api/referrals")).json()["items"]}
    for rid in (bare, full):
        alone = (await client.get(f"/api/referrals/{rid}")).json()
        for part in ("extraction", "qa", "triage"):
            assert listed[rid][part] == alone[part], part
    assert listed[bare]["extraction"] is None and listed[full]["triage"]["level"] >= 1
    assert listed[full]["extraction"]["patient"]["firstName"] == "Jane"


async def test_list_answers_what_its_response_model_would_byte_for_byte(
    app: Any, settings: Settings, world: World
) -> None:
    # The page is serialised from dicts of its fields (rest_compat.dumping), not from
    # ReferralListOut: the same bytes, its fields in the model's order, only those set.
    # The patient's address and insurance are stored dicts (in the database's key order).
    # A stored extraction written before some of its fields were: they are left out.
    partial = await seed_referral(app, settings, world.a.id)
    await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    async with transaction(app.state.sessions) as session:
        jsonb = session.bind is not None and session.bind.dialect.name == "postgresql"
        await session.execute(
            text(
                "UPDATE referrals SET extraction = "
                + ("CAST(:doc AS JSONB)" if jsonb else ":doc")
                + " WHERE id = :id"
            ),
            {"doc": '{"patient": {"firstName": "Jo"}}', "id": partial},
        )
    client = world.a.viewer.client
    for params in ({}, {"include": "documents,patient,case", "total": "true"}):
        response = await client.get("/api/referrals", params=params)
        assert response.status_code == 200, response.text
        model = ReferralListOut.model_validate(response.json())
        assert response.content == model.model_dump_json(by_alias=True, exclude_unset=True).encode()
    full, bare = response.json()["items"]
    assert full["patient"]["address"]["line1"] and full["documents"] and response.json()["total"]
    assert bare["extraction"] == {"patient": {"firstName": "Jo"}}
