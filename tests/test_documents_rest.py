"""/api/referral-documents over HTTP: list, attach (signed URL or multipart), read URL, status."""

import hashlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from models import Document
from tests.conftest import World, assert_error
from tests.files import pdf_bytes, png_bytes
from tests.patient_fixtures import (
    add_referral,
    audit_events,
    create_patient,
    document_count,
    get_row,
)

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio

PATH = "/api/referral-documents"


def declared(**fields: Any) -> dict[str, Any]:
    return {"fileName": "lab.pdf", "contentType": "application/pdf", **fields}


async def attach_file(
    client: httpx.AsyncClient, data: bytes | None = None, name: str = "fax.pdf", **fields: str
) -> httpx.Response:
    files = {"file": (name, data if data is not None else pdf_bytes(), "application/pdf")}
    return await client.post(PATH, files=files, data=fields)


async def signed_read(client: httpx.AsyncClient, document_id: str) -> httpx.Response:
    return await client.post(f"{PATH}/sign-read", json={"documentId": document_id})


# --- attach through a signed upload URL ---------------------------------------------------


async def test_json_attach_answers_an_upload_url_that_completes_the_document(
    app: Any, world: World
) -> None:
    referral_id = await add_referral(app, world.a.id)
    response = await world.a.coordinator.client.post(
        PATH, json=declared(referralId=referral_id, documentType="lab", sizeBytes=900)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("doc_")
    assert (body["referralId"], body["patientId"]) == (referral_id, None)
    assert (body["documentType"], body["status"], body["uploadComplete"]) == (
        "lab",
        "uploaded",
        False,
    )
    upload = body["upload"]
    assert upload["method"] == "PUT"
    assert upload["headers"] == {"Content-Type": "application/pdf"}
    assert upload["expiresAt"].endswith("Z")

    data = pdf_bytes(pages=2)
    put = await world.anon.put(upload["url"], content=data, headers=upload["headers"])
    assert put.status_code == 200, put.text
    listed = await world.a.viewer.client.get(PATH, params={"referralId": referral_id})
    item = listed.json()["items"][0]
    assert item["uploadComplete"] is True
    assert (item["sizeBytes"], item["pageCount"]) == (len(data), 2)
    assert item["sha256"] == hashlib.sha256(data).hexdigest()


async def test_json_attach_to_a_patient_and_to_both(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client)
    referral_id = await add_referral(app, world.a.id, patient_id=patient["id"])
    to_patient = await world.a.key_client.post(PATH, json=declared(patientId=patient["id"]))
    assert to_patient.status_code == 201, to_patient.text
    assert to_patient.json()["patientId"] == patient["id"]
    both = await world.a.coordinator.client.post(
        PATH, json=declared(patientId=patient["id"], referralId=referral_id, orgId=world.a.id)
    )
    assert both.status_code == 201, both.text
    assert (both.json()["referralId"], both.json()["patientId"]) == (referral_id, patient["id"])


async def test_a_referral_about_another_patient_is_refused(app: Any, world: World) -> None:
    jane = await create_patient(world.a.coordinator.client)
    john = await create_patient(world.a.coordinator.client)
    referral_id = await add_referral(app, world.a.id, patient_id=jane["id"])
    response = await world.a.coordinator.client.post(
        PATH, json=declared(patientId=john["id"], referralId=referral_id)
    )
    assert assert_error(response, 422, "validation_failed")["details"][0]["field"] == "patientId"


async def test_attach_needs_a_referral_or_a_patient(app: Any, world: World) -> None:
    before = await document_count(app, world.a.id)
    response = await world.a.coordinator.client.post(PATH, json=declared())
    assert assert_error(response, 422, "validation_failed")["details"][0]["field"] == "referralId"
    assert await document_count(app, world.a.id) == before


async def test_another_orgs_referral_or_patient_is_404_like_a_missing_one(
    app: Any, world: World
) -> None:
    their_referral = await add_referral(app, world.b.id)
    their_patient = await create_patient(world.b.coordinator.client)
    my_referral = await add_referral(app, world.a.id)
    client = world.a.admin.client
    cases = [
        declared(referralId=their_referral),
        declared(patientId=their_patient["id"]),
        declared(referralId=my_referral, patientId=their_patient["id"]),
        declared(referralId="ref_missing00000000000"),
    ]
    for body in cases:
        assert_error(await client.post(PATH, json=body), 404, "not_found")
    assert_error(await world.a.key_client.post(PATH, json=cases[0]), 404, "not_found")
    # The org named must be the referral's own.
    mine_elsewhere = await client.post(
        PATH, json=declared(referralId=my_referral, orgId=world.b.id)
    )
    assert_error(mine_elsewhere, 403, "forbidden")
    multipart = await attach_file(client, referralId=their_referral)
    assert_error(multipart, 404, "not_found")
    assert await document_count(app, world.b.id) == 0


async def test_a_viewer_cannot_attach(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    before = await document_count(app, world.a.id)
    assert_error(await world.a.viewer.client.post(PATH, json=declared(referralId=referral_id)), 403)
    assert_error(await attach_file(world.a.viewer.client, referralId=referral_id), 403)
    assert await document_count(app, world.a.id) == before


async def test_declared_type_and_size_are_checked(app: Any, world: World, settings: Any) -> None:
    referral_id = await add_referral(app, world.a.id)
    client = world.a.coordinator.client
    before = await document_count(app, world.a.id)
    wrong_type = await client.post(
        PATH, json=declared(referralId=referral_id, contentType="text/html")
    )
    assert_error(wrong_type, 415, "unsupported_media_type")
    too_big = await client.post(
        PATH, json=declared(referralId=referral_id, sizeBytes=settings.max_upload_bytes + 1)
    )
    assert_error(too_big, 413, "payload_too_large")
    bad_kind = await client.post(PATH, json=declared(referralId=referral_id, documentType="xray"))
    assert assert_error(bad_kind, 422)["details"][0]["field"] == "documentType"
    no_name = await client.post(PATH, json={"referralId": referral_id, "contentType": "image/png"})
    assert assert_error(no_name, 422)["details"][0]["field"] == "fileName"
    assert await document_count(app, world.a.id) == before


async def test_malformed_bodies(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    client = world.a.coordinator.client
    before = await document_count(app, world.a.id)
    bad_json = await client.post(
        PATH, content=b'{"referralId": ', headers={"content-type": "application/json"}
    )
    assert_error(bad_json, 400, "bad_request")
    text = await client.post(PATH, content=b"hello", headers={"content-type": "text/plain"})
    assert_error(text, 415, "unsupported_media_type")
    unknown = await client.post(PATH, json=declared(referralId=referral_id, color="red"))
    assert_error(unknown, 422, "validation_failed")
    no_boundary = await client.post(
        PATH, content=b"--x\r\n", headers={"content-type": "multipart/form-data"}
    )
    assert_error(no_boundary, 400, "bad_request")
    assert await document_count(app, world.a.id) == before


# --- attach with the file in the request --------------------------------------------------


async def test_multipart_stores_the_file_and_reports_duplicates(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client)
    data = png_bytes()
    first = await attach_file(
        world.a.coordinator.client,
        data,
        "scan.pdf",
        patientId=patient["id"],
        documentType="imaging",
    )
    assert first.status_code == 201, first.text
    body = first.json()
    # The type comes from the bytes, not from the name.
    assert (body["contentType"], body["fileName"], body["documentType"]) == (
        "image/png",
        "scan.pdf",
        "imaging",
    )
    assert body["uploadComplete"] is True and body["upload"] is None
    assert body["likelyDuplicateOf"] is None
    again = await attach_file(
        world.a.key_client, data, "again.png", patientId=patient["id"], fileName="renamed.png"
    )
    assert again.status_code == 201, again.text
    assert again.json()["likelyDuplicateOf"] == body["id"]
    assert again.json()["fileName"] == "renamed.png"
    # Another org's identical bytes are not its duplicate.
    theirs = await create_patient(world.b.coordinator.client)
    other = await attach_file(world.b.coordinator.client, data, patientId=theirs["id"])
    assert other.json()["likelyDuplicateOf"] is None


async def test_multipart_content_is_sniffed(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    before = await document_count(app, world.a.id)
    html = await attach_file(
        world.a.coordinator.client, b"<html>not a pdf</html>", "fax.pdf", referralId=referral_id
    )
    assert_error(html, 415, "unsupported_media_type")
    empty = await attach_file(world.a.coordinator.client, b"", referralId=referral_id)
    assert_error(empty, 422, "validation_failed")
    assert await document_count(app, world.a.id) == before


async def test_multipart_form_fields_are_checked(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    client = world.a.coordinator.client
    unknown = await attach_file(client, referralId=referral_id, colour="red")
    assert assert_error(unknown, 422)["details"][0]["field"] == "colour"
    no_file = await client.post(
        PATH, files={"other": ("x", b"1")}, data={"referralId": referral_id}
    )
    assert assert_error(no_file, 422)["details"][0]["field"] == "file"
    neither = await attach_file(client)
    assert_error(neither, 422, "validation_failed")


async def test_an_oversized_upload_is_refused_before_it_is_read(
    app: Any, world: World, settings: Any
) -> None:
    referral_id = await add_referral(app, world.a.id)
    sent: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        for _ in range(4):
            chunk = b"x" * 1024
            sent.append(chunk)
            yield chunk

    response = await world.a.coordinator.client.post(
        PATH,
        params={"referralId": referral_id},
        content=body(),
        headers={
            "content-type": "multipart/form-data; boundary=abc",
            "content-length": str(settings.max_upload_bytes * 2),
        },
    )
    assert_error(response, 413, "payload_too_large")
    assert sent == []
    assert await document_count(app, world.a.id) == 0


# --- list ---------------------------------------------------------------------------------


async def test_list_by_referral_or_patient(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client)
    referral_id = await add_referral(app, world.a.id)
    client = world.a.coordinator.client
    on_referral = (await attach_file(client, referralId=referral_id)).json()
    on_both = (await attach_file(client, referralId=referral_id, patientId=patient["id"])).json()
    on_patient = (await client.post(PATH, json=declared(patientId=patient["id"]))).json()

    async def ids(**params: str) -> list[str]:
        response = await world.a.viewer.client.get(PATH, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["count"] == len(body["items"]) and body["nextCursor"] is None
        return [d["id"] for d in body["items"]]

    assert await ids(referralId=referral_id) == [on_both["id"], on_referral["id"]]
    assert await ids(patientId=patient["id"], orgId=world.a.id) == [
        on_patient["id"],
        on_both["id"],
    ]
    assert await ids(referralId=referral_id, patientId=patient["id"]) == [on_both["id"]]
    events = await audit_events(app, world.a.id, action="document.list")
    assert on_patient["id"] in events[-2].details["ids"]


async def test_list_pages_with_a_cursor(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    made = [
        (await world.a.coordinator.client.post(PATH, json=declared(referralId=referral_id))).json()
        for _ in range(3)
    ]
    first = await world.a.viewer.client.get(PATH, params={"referralId": referral_id, "limit": 2})
    page = first.json()
    assert len(page["items"]) == 2 and page["nextCursor"]
    rest = await world.a.viewer.client.get(
        PATH, params={"referralId": referral_id, "limit": 2, "cursor": page["nextCursor"]}
    )
    seen = [d["id"] for d in page["items"] + rest.json()["items"]]
    assert seen == [d["id"] for d in reversed(made)]


async def test_list_refusals(app: Any, world: World) -> None:
    their_referral = await add_referral(app, world.b.id)
    neither = await world.a.viewer.client.get(PATH, params={"orgId": world.a.id})
    assert assert_error(neither, 422, "validation_failed")["details"][0]["field"] == "referralId"
    foreign = await world.a.viewer.client.get(PATH, params={"referralId": their_referral})
    missing = await world.a.viewer.client.get(PATH, params={"referralId": "ref_nope"})
    assert_error(foreign, 404, "not_found")
    assert_error(missing, 404, "not_found")
    assert_error(await world.anon.get(PATH, params={"referralId": their_referral}), 401)


# --- signed read URLs ---------------------------------------------------------------------


async def test_sign_read_gives_a_short_lived_url_to_the_same_bytes(
    app: Any, world: World, settings: Any
) -> None:
    referral_id = await add_referral(app, world.a.id)
    data = pdf_bytes()
    document = (await attach_file(world.a.coordinator.client, data, referralId=referral_id)).json()
    before = time.time()
    response = await signed_read(world.a.viewer.client, document["id"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"url", "expiresAt"}
    expires = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    assert expires.tzinfo == UTC
    assert before < expires.timestamp() <= time.time() + settings.signed_url_ttl_seconds + 1
    download = await world.anon.get(body["url"])
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == "application/pdf"
    assert 'filename="fax.pdf"' in download.headers["content-disposition"]
    events = await audit_events(app, world.a.id, action="document.read")
    assert [e.resource_id for e in events] == [document["id"]]
    assert events[0].actor_id == world.a.viewer.user_id


async def test_a_tampered_read_url_is_403(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    mine = (await attach_file(world.a.coordinator.client, referralId=referral_id)).json()
    other = (await attach_file(world.a.coordinator.client, referralId=referral_id)).json()
    url = (await signed_read(world.a.viewer.client, mine["id"])).json()["url"]
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    other_key = (await get_row(app, Document, other["id"])).storage_key
    tampered = [
        {**query, "sig": ("0" if query["sig"][0] != "0" else "1") + query["sig"][1:]},
        {**query, "expires": str(int(query["expires"]) + 3600)},
        {**query, "fileName": "other.pdf"},
        {**query, "method": "PUT"},
    ]
    for changed in tampered:
        response = await world.anon.get(f"{parts.path}?{urlencode(changed)}")
        assert_error(response, 403, "forbidden")
    swapped = await world.anon.get(f"/files/{other_key}?{parts.query}")
    assert_error(swapped, 403, "forbidden")
    upload = await world.anon.put(url, content=pdf_bytes())
    assert upload.status_code in (403, 405)


async def test_sign_read_refusals(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    pending = (
        await world.a.coordinator.client.post(PATH, json=declared(referralId=referral_id))
    ).json()
    never_arrived = await signed_read(world.a.viewer.client, pending["id"])
    assert_error(never_arrived, 409, "conflict")
    stored = (await attach_file(world.a.coordinator.client, referralId=referral_id)).json()
    assert_error(await signed_read(world.b.admin.client, stored["id"]), 404, "not_found")
    assert_error(await signed_read(world.b.key_client, stored["id"]), 404, "not_found")
    assert_error(await signed_read(world.a.viewer.client, "doc_missing"), 404, "not_found")
    wrong_org = await world.a.viewer.client.post(
        f"{PATH}/sign-read", json={"documentId": stored["id"], "orgId": world.b.id}
    )
    assert_error(wrong_org, 404, "not_found")
    no_id = await world.a.viewer.client.post(f"{PATH}/sign-read", json={})
    assert assert_error(no_id, 422)["details"][0]["field"] == "documentId"
    assert await audit_events(app, world.a.id, action="document.read") == []


# --- status -------------------------------------------------------------------------------


async def set_status(client: httpx.AsyncClient, document_id: str, **body: Any) -> httpx.Response:
    return await client.patch(f"{PATH}/update-status", json={"documentId": document_id, **body})


async def test_status_moves_forward_and_back_to_processing_only(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    doc = (await attach_file(world.a.coordinator.client, referralId=referral_id)).json()
    client = world.a.coordinator.client
    steps = [
        ("processing", None, 200),
        ("failed", "OCR timed out", 200),
        ("processing", None, 200),
        ("processed", None, 200),
        ("processed", None, 200),
        ("uploaded", None, 409),
        ("failed", "late failure", 409),
        ("processing", None, 200),
    ]
    for status, error, expected in steps:
        body = {"status": status} if error is None else {"status": status, "error": error}
        response = await set_status(client, doc["id"], **body)
        assert response.status_code == expected, (status, response.text)
        if expected == 200:
            assert response.json()["status"] == status
            assert response.json()["error"] == error
    row = await get_row(app, Document, doc["id"])
    assert row.status == "processing"
    events = await audit_events(app, world.a.id, action="document.status")
    moves = [(e.details["from"], e.details["to"]) for e in events if e.resource_id == doc["id"]]
    assert moves == [
        ("uploaded", "processing"),
        ("processing", "failed"),
        ("failed", "processing"),
        ("processing", "processed"),
        ("processed", "processing"),
    ]


async def test_status_refusals_change_nothing(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    doc = (await attach_file(world.a.coordinator.client, referralId=referral_id)).json()
    pending = (
        await world.a.coordinator.client.post(PATH, json=declared(referralId=referral_id))
    ).json()
    client = world.a.coordinator.client
    unknown = await set_status(client, doc["id"], status="done")
    assert assert_error(unknown, 422, "validation_failed")["details"][0]["field"] == "status"
    stray_error = await set_status(client, doc["id"], status="processed", error="why")
    assert assert_error(stray_error, 422)["details"][0]["field"] == "error"
    assert_error(await set_status(world.a.viewer.client, doc["id"], status="processing"), 403)
    assert_error(await set_status(world.b.admin.client, doc["id"], status="processing"), 404)
    assert_error(await set_status(client, pending["id"], status="processing"), 409, "conflict")
    missing_status = await client.patch(f"{PATH}/update-status", json={"documentId": doc["id"]})
    assert_error(missing_status, 422)
    row = await get_row(app, Document, doc["id"])
    assert (row.status, row.error) == ("uploaded", None)
    ok = await set_status(world.a.key_client, doc["id"], status="processing")
    assert ok.status_code == 200
