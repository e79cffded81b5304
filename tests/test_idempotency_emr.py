"""Idempotency-Key on EMR queueing and the bridge's callbacks: a retry answers what the first
answered, applies nothing twice, and keeps no more than item ids and ok or error."""

import uuid
from typing import Any

import httpx
from sqlmodel import select

from app.db import transaction
from models import EmrChartItem, EmrDocumentItem, IdempotencyKey
from tests.case_fixtures import count_rows, get_case
from tests.conftest import World, assert_error
from tests.emr_fixtures import (
    CHART_CALLBACK,
    DOCUMENT_CALLBACK,
    DOCUMENT_QUEUE,
    callback,
    of_case,
    poll,
    queue,
    triaged_case,
)

KEY = "Idempotency-Key"
# Patient data a bridge might write into a result's message: never kept with the key.
MESSAGE = "chart refused for Jane Doe, born 1985-03-15"


async def post_twice(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> tuple[httpx.Response, httpx.Response, dict[str, str]]:
    headers = {KEY: str(uuid.uuid4())}
    first = await client.post(path, json=body, headers=headers)
    again = await client.post(path, json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert "idempotent-replayed" not in first.headers
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    return first, again, headers


async def attempts_of(app: Any, model: Any, item_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        item = await session.get(model, item_id)
        assert item is not None
        return int(item.attempts)


async def kept_for(app: Any, key: str) -> IdempotencyKey:
    async with transaction(app.state.sessions) as session:
        query = select(IdempotencyKey).where(IdempotencyKey.key == key)
        return (await session.scalars(query)).one()


async def test_a_retried_emr_queue_answers_the_same_and_queues_once(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    path = f"/api/cases/{case_id}/emr-queue"
    first, _, headers = await post_twice(a.coordinator.client, path, {})
    assert first.json()["case"]["emrStatus"] == "queued"
    assert await count_rows(app, EmrChartItem, case_id=case_id) == 1
    assert len(of_case(await poll(a.key_client), case_id)) == 1
    # The same key with another request (forcing a requeue) is refused and changes nothing.
    other = await a.coordinator.client.post(path, json={"force": True}, headers=headers)
    assert_error(other, 422, "validation_failed")
    assert await count_rows(app, EmrChartItem, case_id=case_id) == 1
    kept = await kept_for(app, headers[KEY])
    assert (kept.resource_type, kept.resource_id) == ("emr_chart_item", first.json()["queueItemId"])
    # Without a key, queueing again is the queue's own rule: already queued.
    assert_error(await queue(a.coordinator.client, case_id), 409, "conflict")


async def test_a_retried_chart_callback_applies_once_and_answers_the_same(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    body = {
        "results": [
            {"queueItemId": item_id, "status": "failed", "message": MESSAGE},
            {"queueItemId": "emrq_unknown", "status": "failed"},
        ]
    }
    first, _, headers = await post_twice(a.key_client, CHART_CALLBACK, body)
    assert first.json()["processed"] == 1
    assert [r["ok"] for r in first.json()["results"]] == [True, False]
    assert "not found" in first.json()["results"][1]["error"]
    # A failure counts one attempt, however often it is retried with its key.
    assert await attempts_of(app, EmrChartItem, item_id) == 1
    # Kept: each item's id and ok or its error; not the message the bridge sent.
    kept = await kept_for(app, headers[KEY])
    assert kept.results == [
        {"id": item_id, "outcome": "ok"},
        {"id": "emrq_unknown", "outcome": first.json()["results"][1]["error"]},
    ]
    assert "Jane" not in str(kept.model_dump())
    # The same key with another batch is refused whole and applies nothing.
    other = {"results": [{"queueItemId": item_id, "status": "error"}]}
    assert_error(
        await a.key_client.post(CHART_CALLBACK, json=other, headers=headers),
        422,
        "validation_failed",
    )
    assert await attempts_of(app, EmrChartItem, item_id) == 1
    # Another org's bridge with the same key has a key of its own.
    theirs = await world.b.key_client.post(CHART_CALLBACK, json=body, headers=headers)
    assert theirs.status_code == 200 and "idempotent-replayed" not in theirs.headers
    assert [r["ok"] for r in theirs.json()["results"]] == [False, False]


async def test_a_retried_document_callback_applies_once_and_answers_the_same(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, documents=1)
    chart = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    success = {"queueItemId": chart, "status": "success", "emrChartId": "MRN-1"}
    await callback(a.key_client, CHART_CALLBACK, success)
    items = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    assert items, "a charted case queues its documents"
    document_item = items[0]["queueItemId"]
    body = {"results": [{"queueItemId": document_item, "status": "failed", "message": MESSAGE}]}
    first, _, headers = await post_twice(a.key_client, DOCUMENT_CALLBACK, body)
    assert first.json() == {
        "processed": 1,
        "results": [{"queueItemId": document_item, "ok": True}],
    }
    assert await attempts_of(app, EmrDocumentItem, document_item) == 1
    done = {"results": [{"queueItemId": document_item, "status": "success"}]}
    assert_error(
        await a.key_client.post(DOCUMENT_CALLBACK, json=done, headers=headers),
        422,
        "validation_failed",
    )
    assert await attempts_of(app, EmrDocumentItem, document_item) == 1
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] != "complete"
