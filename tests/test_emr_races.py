"""Concurrent requests on the EMR queues: PostgreSQL's row locks (SQLite runs writers one at a
time, so there the same tests check the outcome of serial order)."""

import asyncio
from typing import Any

from sqlmodel import col, select

from app.db import transaction
from models import Case, EmrChartItem, EmrDocumentItem, Patient, QueueStatus
from tests.case_fixtures import count_rows
from tests.conftest import World
from tests.emr_fixtures import CHART_CALLBACK, DOCUMENT_QUEUE, of_case, poll, queue, triaged_case


async def test_two_success_callbacks_queue_the_documents_once(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    case_id = await triaged_case(app, settings, a.id, documents=3)
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    success = {"results": [{"queueItemId": item_id, "status": "success", "emrChartId": "M42"}]}
    answers = await asyncio.gather(
        *(a.key_client.post(CHART_CALLBACK, json=success) for _ in range(4))
    )
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"] == [{"queueItemId": item_id, "ok": True}]
    assert await count_rows(app, EmrDocumentItem, case_id=case_id) == 4  # 3 sources + summary
    assert await count_rows(app, EmrDocumentItem, case_id=case_id, document_type="summary") == 1
    assert len(of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)) == 4


async def test_leased_pollers_never_share_an_item(app: Any, settings: Any, world: World) -> None:
    a = world.a
    ids = set()
    for n in range(12):
        case_id = await triaged_case(app, settings, a.id, first=f"P{n}", documents=0)
        ids.add((await queue(a.coordinator.client, case_id)).json()["queueItemId"])
    answers = await asyncio.gather(
        *(a.key_client.get("/api/emr/queue", params={"lease": 60, "limit": 4}) for _ in range(5))
    )
    handed: list[str] = []
    for answer in answers:
        assert answer.status_code == 200, answer.text
        handed += [item["queueItemId"] for item in answer.json()["items"]]
    assert len(handed) == len(set(handed)) == 12
    assert set(handed) == ids


async def test_a_callback_racing_a_requeue_leaves_one_consistent_state(
    app: Any, settings: Any, world: World
) -> None:
    a = world.a
    for round_ in range(4):
        case_id = await triaged_case(app, settings, a.id, first=f"R{round_}", documents=2)
        item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
        success = {
            "results": [{"queueItemId": item_id, "status": "success", "emrChartId": f"M{round_}"}]
        }
        callback, requeue = await asyncio.gather(
            a.key_client.post(CHART_CALLBACK, json=success),
            queue(a.coordinator.client, case_id, force=True),
        )
        assert callback.status_code == 200 and requeue.status_code == 200, (
            callback.text,
            requeue.text,
        )
        await check_consistent(app, case_id, documents=2)


async def check_consistent(app: Any, case_id: str, *, documents: int) -> None:
    """The case's EMR fields agree with its items, whichever request went first."""
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, case_id)
        assert case is not None
        items = (
            await session.scalars(
                select(EmrChartItem)
                .where(EmrChartItem.case_id == case_id)
                .order_by(col(EmrChartItem.created_at))
            )
        ).all()
        patient = await session.get(Patient, case.patient_id)
        doc_items = (
            await session.scalars(select(EmrDocumentItem).where(EmrDocumentItem.case_id == case_id))
        ).all()
    active = [i for i in items if i.status in (QueueStatus.pending, QueueStatus.processing)]
    completed = [i for i in items if i.status == QueueStatus.completed]
    assert len(active) <= 1 and len(completed) == 1
    assert patient is not None and patient.mrn == completed[0].emr_chart_id == case.emr_chart_id
    # Documents were queued once, for the one chart created.
    assert len(doc_items) == documents + 1
    assert {d.chart_item_id for d in doc_items} == {completed[0].id}
    if active:
        # The callback went first; the forced re-queue asked for a new chart.
        assert case.emr_status == "queued" and len(items) == 2
    else:
        # The re-queue went first (the same item back to pending), then the success.
        assert case.emr_status == "created" and len(items) == 1
