"""The documented EMR flow through HTTP: queue, poll, fail, succeed, documents, statuses."""

from typing import Any
from urllib.parse import urlsplit

import pytest

from models import Case, EmrDocumentItem, Patient
from rest_compat.emr import ChartPollOut, DocumentPollOut
from tests.case_fixtures import audit_details, count_rows, get_case
from tests.conftest import World, assert_error
from tests.emr_fixtures import (
    CHART_CALLBACK,
    CHART_QUEUE,
    DOCUMENT_CALLBACK,
    DOCUMENT_QUEUE,
    callback,
    of_case,
    poll,
    queue,
    triaged_case,
)
from tests.files import pdf_bytes
from tests.referral_fixtures import extraction, load_referral, seed_referral, upload


async def download(world: World, url: str) -> bytes:
    parts = urlsplit(url)
    response = await world.anon.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, response.text
    return response.content


async def test_documented_flow_from_queue_to_complete(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, documents=2)
    case = await get_case(a.viewer.client, case_id)
    assert case["emrStatus"] == "not_queued" and case["emrDocumentStatus"] == "none"

    queued = await queue(a.coordinator.client, case_id)
    assert queued.status_code == 200, queued.text
    item_id = queued.json()["queueItemId"]
    assert item_id.startswith("emrq_") and queued.json()["case"]["emrStatus"] == "queued"

    # Two polls answer the same: polling is read-only.
    first, second = await poll(a.key_client), await poll(a.key_client)
    assert first == second
    # The answer is the shape the OpenAPI document declares, key for key.
    assert ChartPollOut.model_validate(first).model_dump(mode="json", by_alias=True) == first
    [item] = of_case(first, case_id)
    assert first["orgId"] == a.id and item["orgId"] == a.id and item["status"] == "pending"
    assert item["queueItemId"] == item_id and item["patientId"] == case["patientId"]
    assert (item["firstName"], item["lastName"], item["dob"], item["sex"]) == (
        "Jane",
        "Doe",
        "1985-03-15",
        "F",
    )
    assert item["address"]["city"] == "Anytown"
    assert item["insurance"] == {
        "provider": "Blue Cross",
        "memberId": "XYZ123",
        "groupNumber": "GRP456",
    }
    assert item["referrer"]["npi"] == "1234567893"
    assert item["referrer"]["practiceName"] == "Valley Family Medicine"
    assert (
        item["triageLevel"] == case["triageLevel"] and item["priorityBand"] == case["priorityBand"]
    )
    for key in ("phone", "email", "locationId", "emrLocationId"):
        assert key in item

    failed = await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "failed", "message": "EMR busy"},
    )
    assert failed == {"processed": 1, "results": [{"queueItemId": item_id, "ok": True}]}
    [again] = of_case(await poll(a.key_client), case_id)
    assert again["status"] == "pending" and again["attempts"] == 1
    assert again["lastMessage"] == "EMR busy"
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "failed"
    assert (await poll(a.key_client, DOCUMENT_QUEUE))["count"] == 0

    ok = await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "MRN12345", "message": None},
    )
    assert ok == {"processed": 1, "results": [{"queueItemId": item_id, "ok": True}]}
    assert of_case(await poll(a.key_client), case_id) == []
    case = await get_case(a.viewer.client, case_id)
    assert case["emrStatus"] == "created" and case["emrChartId"] == "MRN12345"
    assert case["patient"]["mrn"] == "MRN12345"
    assert case["emrDocumentStatus"] == "pending"

    document_poll = await poll(a.key_client, DOCUMENT_QUEUE)
    declared = DocumentPollOut.model_validate(document_poll).model_dump(mode="json", by_alias=True)
    assert declared == document_poll
    documents = of_case(document_poll, case_id)
    assert sorted(d["documentType"] for d in documents) == ["source", "source", "summary"]
    for d in documents:
        assert d["mrn"] == "MRN12345" and d["status"] == "pending" and d["orgId"] == a.id
        assert d["queueItemId"].startswith("emrd_")
        assert d["contentType"] == "application/pdf"
        assert (await download(world, d["downloadUrl"])).startswith(b"%PDF")
    summary = next(d for d in documents if d["documentType"] == "summary")
    assert summary["fileName"] == "Case_Summary.pdf"

    # One delivery fails: only it is polled again, with a fresh URL.
    broken, *rest = documents
    answer = await callback(
        a.key_client,
        DOCUMENT_CALLBACK,
        {
            "queueItemId": broken["queueItemId"],
            "status": "failed",
            "message": "File upload timeout",
        },
        *({"queueItemId": d["queueItemId"], "status": "success"} for d in rest),
    )
    assert answer["processed"] == 3 and all(r["ok"] for r in answer["results"])
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "error"
    [retry] = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    assert retry["queueItemId"] == broken["queueItemId"] and retry["attempts"] == 1
    assert retry["lastMessage"] == "File upload timeout"
    assert await download(world, retry["downloadUrl"]) == await download(
        world, broken["downloadUrl"]
    )

    await callback(
        a.key_client, DOCUMENT_CALLBACK, {"queueItemId": broken["queueItemId"], "status": "success"}
    )
    assert of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id) == []
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "complete"

    # Repeated callbacks change nothing.
    before = await count_rows(app, EmrDocumentItem, case_id=case_id)
    repeat = await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "MRN12345"},
    )
    assert repeat == {"processed": 1, "results": [{"queueItemId": item_id, "ok": True}]}
    await callback(
        a.key_client, DOCUMENT_CALLBACK, {"queueItemId": broken["queueItemId"], "status": "success"}
    )
    assert await count_rows(app, EmrDocumentItem, case_id=case_id) == before == 3
    case = await get_case(a.viewer.client, case_id)
    assert (case["emrStatus"], case["emrDocumentStatus"]) == ("created", "complete")


async def test_poll_is_audited_naming_the_items(app: Any, settings: Any, world: World) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await poll(a.key_client)
    [details] = await audit_details(app, org_id=a.id, action="emr.queue_poll")
    assert details["ids"] == [item_id]


async def test_queue_twice_is_409_unless_forced(app: Any, settings: Any, world: World) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    first = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    assert_error(await queue(a.coordinator.client, case_id), 409, "conflict")
    forced = await queue(a.coordinator.client, case_id, force=True)
    assert forced.status_code == 200 and forced.json()["queueItemId"] == first
    assert len(of_case(await poll(a.key_client), case_id)) == 1

    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": first, "status": "success", "emrChartId": "M1"},
    )
    assert_error(await queue(a.coordinator.client, case_id), 409, "conflict")
    again = await queue(a.coordinator.client, case_id, force=True)
    assert again.status_code == 200 and again.json()["queueItemId"] != first
    assert [i["queueItemId"] for i in of_case(await poll(a.key_client), case_id)] == [
        again.json()["queueItemId"]
    ]


async def test_queue_roles_and_tenancy(app: Any, settings: Any, world: World) -> None:
    a, b = world.a, world.b
    case_id = await triaged_case(app, settings, a.id)
    assert_error(await queue(a.key_client, case_id), 403, "forbidden")
    assert_error(await queue(a.viewer.client, case_id), 403, "forbidden")
    assert_error(await queue(b.coordinator.client, case_id), 404, "not_found")
    assert_error(await queue(a.coordinator.client, "case_missing"), 404, "not_found")
    assert_error(await world.anon.post(f"/api/cases/{case_id}/emr-queue", json={}), 401)
    bad = await a.coordinator.client.post(f"/api/cases/{case_id}/emr-queue", json={"forse": True})
    assert_error(bad, 422, "validation_failed")
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "not_queued"


@pytest.mark.parametrize("path", [CHART_QUEUE, DOCUMENT_QUEUE])
async def test_polls_need_an_api_key(world: World, path: str) -> None:
    assert_error(await world.a.admin.client.get(path), 403, "forbidden")
    assert_error(await world.anon.get(path), 401)
    assert_error(await world.a.key_client.get(path, params={"orgId": world.b.id}), 403)


@pytest.mark.parametrize("path", [CHART_CALLBACK, DOCUMENT_CALLBACK])
async def test_callbacks_need_an_api_key(world: World, path: str) -> None:
    body = {"results": []}
    assert_error(await world.a.admin.client.post(path, json=body), 403, "forbidden")
    assert_error(await world.anon.post(path, json=body), 401)


async def test_unknown_and_other_org_items_fail_alone(
    app: Any, settings: Any, world: World
) -> None:
    a, b = world.a, world.b
    mine = await triaged_case(app, settings, a.id)
    theirs = await triaged_case(app, settings, b.id)
    my_item = (await queue(a.coordinator.client, mine)).json()["queueItemId"]
    their_item = (await queue(b.coordinator.client, theirs)).json()["queueItemId"]

    answer = await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": their_item, "status": "success", "emrChartId": "STOLEN"},
        {"queueItemId": "emrq_unknown", "status": "failed"},
        {"queueItemId": my_item, "status": "success", "emrChartId": "MINE1"},
    )
    assert answer["processed"] == 1
    assert [r["ok"] for r in answer["results"]] == [False, False, True]
    assert all(r["error"] for r in answer["results"][:2])
    assert "error" not in answer["results"][2]
    # Nothing changed in the other org.
    [still] = of_case(await poll(b.key_client), theirs)
    assert still["status"] == "pending" and still["attempts"] == 0
    their_case = await get_case(b.viewer.client, theirs)
    assert their_case["emrStatus"] == "queued" and their_case["patient"]["mrn"] is None
    assert (await poll(b.key_client, DOCUMENT_QUEUE))["count"] == 0


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b'{"results": [{"queueItemId": "x", "status": "done"}]}', 422),
        (b'{"results": [{"status": "failed"}]}', 422),
        (b'{"results": [{"queueItemId": "", "status": "failed"}]}', 422),
        (b'{"results": [{"queueItemId": "x", "status": "success"}]}', 422),
        (b'{"results": "all good"}', 422),
        (b"{}", 422),
        (b"[]", 400),
    ],
)
async def test_malformed_chart_batch_changes_nothing(
    app: Any, settings: Any, world: World, content: bytes, status: int
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    # A good entry beside the bad one: the whole batch is refused.
    if content.startswith(b'{"results": [{'):
        good = (
            b'{"queueItemId": "%s", "status": "success", "emrChartId": "M1"}, ' % item_id.encode()
        )
        content = content.replace(b'{"results": [', b'{"results": [' + good)
    response = await a.key_client.post(
        CHART_CALLBACK, content=content, headers={"content-type": "application/json"}
    )
    assert_error(response, status)
    [item] = of_case(await poll(a.key_client), case_id)
    assert item["status"] == "pending" and item["attempts"] == 0
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "queued"


async def test_more_than_500_results_is_refused(app: Any, settings: Any, world: World) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    results = [{"queueItemId": item_id, "status": "failed"}] * 501
    response = await a.key_client.post(CHART_CALLBACK, json={"results": results})
    assert_error(response, 422, "validation_failed")
    [item] = of_case(await poll(a.key_client), case_id)
    assert item["attempts"] == 0


async def test_referral_joining_a_charted_case_queues_its_documents(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, first="Ann", last="Lee", documents=1)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "MRN7"},
    )
    docs = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    await callback(
        a.key_client,
        DOCUMENT_CALLBACK,
        *({"queueItemId": d["queueItemId"], "status": "success"} for d in docs),
    )
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "complete"

    await seed_referral(
        app,
        settings,
        a.id,
        extracted=extraction(patient={"firstName": "Ann", "lastName": "Lee"}),
        documents_count=2,
        triaged=True,
    )
    late = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    assert [d["documentType"] for d in late] == ["source", "source"]
    assert all(d["mrn"] == "MRN7" for d in late)
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "pending"


async def test_auto_queue_on_triaged(app: Any, settings: Any, world: World) -> None:
    a = world.a
    response = await a.admin.client.patch(f"/api/orgs/{a.id}/config", json={"emrAutoQueue": True})
    assert response.status_code == 200, response.text
    case_id = await triaged_case(app, settings, a.id)
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "queued"
    assert len(of_case(await poll(a.key_client), case_id)) == 1


async def test_auto_queue_on_scheduled(app: Any, settings: Any, world: World) -> None:
    a = world.a
    config = {"emrAutoQueue": True, "emr": {"autoQueueOn": "scheduled"}}
    assert (await a.admin.client.patch(f"/api/orgs/{a.id}/config", json=config)).status_code == 200
    case_id = await triaged_case(app, settings, a.id)
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "not_queued"
    logged = await a.coordinator.client.post(
        f"/api/cases/{case_id}/contact",
        json={"type": "scheduled", "scheduledFor": "2099-01-05T09:00:00Z"},
    )
    assert logged.status_code == 201, logged.text
    assert (await get_case(a.viewer.client, case_id))["emrStatus"] == "queued"


async def test_chart_success_sets_patient_mrn_in_one_transaction(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, documents=0)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "X9"},
    )
    docs = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    assert [d["documentType"] for d in docs] == ["summary"]
    assert await count_rows(app, Patient, mrn="X9") == 1
    assert await count_rows(app, Case, id=case_id, emr_chart_id="X9") == 1


async def test_unmatched_referrer_is_sent_as_the_referral_wrote_it(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, referrer=False)
    await queue(a.coordinator.client, case_id)
    [item] = of_case(await poll(a.key_client), case_id)
    assert item["referrer"] == {
        "practiceId": None,
        "practiceName": "Valley Family Medicine",
        "providerId": None,
        "providerName": "John Smith",
        "npi": "1234567893",
        "phone": "+15550001111",
        "fax": "+15550002222",
    }


async def test_callbacks_leave_one_audit_event_per_case(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "failed", "message": "busy"},
        {"queueItemId": item_id, "status": "success", "emrChartId": "M5"},
    )
    [details] = await audit_details(app, org_id=a.id, action="emr.queue_callback")
    assert details["results"] == [
        {"queueItemId": item_id, "status": "failed", "now": "completed"},
        {"queueItemId": item_id, "status": "success", "now": "completed"},
    ]


async def test_files_added_to_a_charted_case_go_to_its_chart(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    referral_id = await seed_referral(
        app, settings, a.id, extracted=extraction(), documents_count=1, triaged=True
    )
    case_id = (await load_referral(app, referral_id)).case_id
    assert case_id is not None
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "M77"},
    )
    before = {d["queueItemId"] for d in of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)}

    added = await upload(
        a.coordinator.client, f"/api/referrals/{referral_id}/upload", file_name="labs.pdf"
    )
    assert added.status_code in (200, 201), added.text
    signed = await a.coordinator.client.post(
        f"/api/referrals/{referral_id}/upload",
        json={"fileName": "imaging.pdf", "contentType": "application/pdf"},
    )
    assert signed.status_code in (200, 201), signed.text
    target = signed.json()["upload"]
    parts = urlsplit(target["url"])
    put = await world.anon.put(
        f"{parts.path}?{parts.query}", content=pdf_bytes(), headers=target["headers"]
    )
    assert put.status_code == 200, put.text

    after = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    new = sorted(d["fileName"] for d in after if d["queueItemId"] not in before)
    assert new == ["imaging.pdf", "labs.pdf"]
    assert all(d["mrn"] == "M77" for d in after)
