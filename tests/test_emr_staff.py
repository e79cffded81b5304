"""Beyond the contract: dead items (emr.maxAttempts), leased polls, and the staff views."""

import asyncio
from typing import Any

from tests.case_fixtures import get_case
from tests.conftest import World, assert_error, gql
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

CASE_ITEMS = """
query ($id: ID!) {
  case(id: $id) {
    emrStatus emrDocumentStatus
    emrChartItems { id status attempts lastMessage lastAttemptFailed emrChartId }
    emrDocumentItems { id documentType status attempts lastMessage }
  }
}
"""

HEALTH = """
query ($orgId: ID) {
  emrQueueHealth(orgId: $orgId) {
    orgId
    charts { pending oldestPendingAt oldestPendingAgeSeconds failing dead }
    documents { pending failing dead }
  }
}
"""

QUEUE_CASE = """
mutation ($caseId: ID!, $force: Boolean! = false) {
  queueCaseForEmr(input: {caseId: $caseId, force: $force}) {
    __typename
    ... on QueueCaseForEmrSuccess { item { id status } case { emrStatus } }
    ... on MutationError { code message }
  }
}
"""

REQUEUE = """
mutation ($id: ID!) {
  requeueEmrItem(input: {id: $id}) {
    __typename
    ... on RequeueEmrItemSuccess {
      case { emrStatus emrDocumentStatus }
      chartItem { id status attempts lastMessage }
      documentItem { id status }
    }
    ... on MutationError { code message }
  }
}
"""


async def set_config(world: World, **config: Any) -> None:
    response = await world.a.admin.client.patch(f"/api/orgs/{world.a.id}/config", json=config)
    assert response.status_code == 200, response.text


async def test_item_past_max_attempts_is_dead_visible_and_requeueable(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    await set_config(world, emr={"maxAttempts": 2})
    case_id = await triaged_case(app, settings, a.id)
    queued = await gql(a.coordinator.client, QUEUE_CASE, caseId=case_id)
    item_id = queued["data"]["queueCaseForEmr"]["item"]["id"]
    for message in ("timeout", "patient exists twice"):
        await callback(
            a.key_client,
            CHART_CALLBACK,
            {"queueItemId": item_id, "status": "error", "message": message},
        )
    assert of_case(await poll(a.key_client), case_id) == []

    seen = (await gql(a.viewer.client, CASE_ITEMS, id=case_id))["data"]["case"]
    assert seen["emrStatus"] == "FAILED"
    [item] = seen["emrChartItems"]
    assert (item["status"], item["attempts"], item["lastMessage"]) == (
        "DEAD",
        2,
        "patient exists twice",
    )
    health = (await gql(a.viewer.client, HEALTH))["data"]["emrQueueHealth"]
    assert health["orgId"] == a.id and health["charts"]["dead"] == 1
    assert health["charts"]["pending"] == 0

    refused = await gql(a.viewer.client, REQUEUE, id=item_id)
    assert refused["data"]["requeueEmrItem"]["code"] == "forbidden"
    requeued = (await gql(a.coordinator.client, REQUEUE, id=item_id))["data"]["requeueEmrItem"]
    assert requeued["chartItem"] == {
        "id": item_id,
        "status": "PENDING",
        "attempts": 0,
        "lastMessage": "patient exists twice",
    }
    assert requeued["case"]["emrStatus"] == "QUEUED"
    [back] = of_case(await poll(a.key_client), case_id)
    assert back["queueItemId"] == item_id


async def test_failing_document_goes_dead_and_case_shows_error(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    await set_config(world, emr={"maxAttempts": 1})
    case_id = await triaged_case(app, settings, a.id, documents=1)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "M1"},
    )
    source, summary = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    await callback(
        a.key_client,
        DOCUMENT_CALLBACK,
        {"queueItemId": source["queueItemId"], "status": "failed", "message": "rejected"},
        {"queueItemId": summary["queueItemId"], "status": "success"},
    )
    assert of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id) == []
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "error"
    health = (await gql(a.viewer.client, HEALTH))["data"]["emrQueueHealth"]
    assert health["documents"] == {"pending": 0, "failing": 0, "dead": 1}

    done = (await gql(a.coordinator.client, REQUEUE, id=source["queueItemId"]))["data"]
    assert done["requeueEmrItem"]["documentItem"]["status"] == "PENDING"
    assert done["requeueEmrItem"]["case"]["emrDocumentStatus"] == "ERROR"
    [again] = of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
    await callback(
        a.key_client, DOCUMENT_CALLBACK, {"queueItemId": again["queueItemId"], "status": "success"}
    )
    assert (await get_case(a.viewer.client, case_id))["emrDocumentStatus"] == "complete"
    completed = await gql(a.coordinator.client, REQUEUE, id=again["queueItemId"])
    assert completed["data"]["requeueEmrItem"]["code"] == "conflict"


async def test_health_counts_pending_and_failing(app: Any, settings: Any, world: World) -> None:
    a = world.a
    first = await triaged_case(app, settings, a.id, first="Ann")
    second = await triaged_case(app, settings, a.id, first="Bo")
    one = (await queue(a.coordinator.client, first)).json()["queueItemId"]
    await queue(a.coordinator.client, second)
    await callback(a.key_client, CHART_CALLBACK, {"queueItemId": one, "status": "failed"})
    charts = (await gql(a.viewer.client, HEALTH))["data"]["emrQueueHealth"]["charts"]
    assert (charts["pending"], charts["failing"], charts["dead"]) == (2, 1, 0)
    assert charts["oldestPendingAt"] and charts["oldestPendingAgeSeconds"] >= 0
    # Another org's health is null; so is a case of another org.
    assert (await gql(world.b.admin.client, HEALTH, orgId=a.id))["data"] == {"emrQueueHealth": None}
    assert (await gql(world.b.admin.client, CASE_ITEMS, id=first))["data"] == {"case": None}


async def test_graphql_queue_needs_a_user_and_answers_conflict(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    by_key = await gql(a.key_client, QUEUE_CASE, caseId=case_id)
    assert by_key["data"]["queueCaseForEmr"]["code"] == "forbidden"
    other = await gql(world.b.coordinator.client, QUEUE_CASE, caseId=case_id)
    assert other["data"]["queueCaseForEmr"]["code"] == "not_found"
    ok = await gql(a.coordinator.client, QUEUE_CASE, caseId=case_id)
    assert ok["data"]["queueCaseForEmr"]["case"]["emrStatus"] == "QUEUED"
    again = await gql(a.coordinator.client, QUEUE_CASE, caseId=case_id)
    assert again["data"]["queueCaseForEmr"]["code"] == "conflict"


async def test_leased_items_go_to_one_poller_until_the_lease_ends(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]

    [leased] = of_case(await poll(a.key_client, lease=1), case_id)
    assert leased["status"] == "processing"
    assert of_case(await poll(a.key_client, lease=60), case_id) == []
    # A plain poll still shows every unfinished item, leased ones as processing.
    [plain] = of_case(await poll(a.key_client), case_id)
    assert plain["status"] == "processing"

    await asyncio.sleep(1.1)
    [expired] = of_case(await poll(a.key_client, lease=60), case_id)
    assert expired["queueItemId"] == item_id

    # A failure ends the lease: the item is pending and free again.
    await callback(a.key_client, CHART_CALLBACK, {"queueItemId": item_id, "status": "failed"})
    [free] = of_case(await poll(a.key_client, lease=60), case_id)
    assert free["attempts"] == 1 and free["status"] == "processing"


async def test_lease_and_limit_are_checked(world: World) -> None:
    for params in ({"lease": 0}, {"lease": 3601}, {"limit": 0}, {"limit": 501}, {"lease": "x"}):
        assert_error(await world.a.key_client.get(CHART_QUEUE, params=params), 422)
        assert_error(await world.a.key_client.get(DOCUMENT_QUEUE, params=params), 422)
