"""POST /api/referrals/bulk: each id succeeds or fails on its own, in its own savepoint."""

import asyncio
from typing import Any

import anyio
import pytest
from sqlmodel import func, select

from app.db import transaction
from app.settings import Settings
from models import AuditEvent, Case, CaseStatus, Patient, ReferralStage
from tests.conftest import World, assert_error
from tests.referral_fixtures import extraction, load_referral, person, seed_referral

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio


async def case_count(app: Any, org_id: str) -> int:
    async with transaction(app.state.sessions) as session:
        query = select(func.count()).select_from(Case).where(Case.org_id == org_id)
        return int(await session.scalar(query) or 0)


async def test_move_to_triaged_attaches_cases_and_reports_each_failure(
    app: Any, settings: Settings, world: World
) -> None:
    ann = await seed_referral(app, settings, world.a.id, extracted=person("Ann", "Lee"))
    ann_again = await seed_referral(app, settings, world.a.id, extracted=person("ann", "LEE"))
    bo = await seed_referral(
        app,
        settings,
        world.a.id,
        extracted=extraction(
            patient={"firstName": "Bo", "lastName": "Yu"}, clinical={"urgency": "stat"}
        ),
    )
    nameless = await seed_referral(app, settings, world.a.id, extracted=person("Cy", "Oh", dob=""))
    dup = await seed_referral(
        app, settings, world.a.id, extracted=person("Di", "Ma"), stage=ReferralStage.duplicate
    )
    foreign = await seed_referral(app, settings, world.b.id, extracted=person("Ed", "Fu"))
    ids = [ann, "ref_missing", ann_again, foreign, nameless, dup, bo]

    response = await world.a.coordinator.client.post(
        "/api/referrals/bulk", json={"action": "move_to_triaged", "ids": ids}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["processed"] == len(ids)
    results = {r["id"]: r for r in body["results"]}
    assert [r["id"] for r in body["results"]] == ids
    assert results[ann]["ok"] and results[ann_again]["ok"] and results[bo]["ok"]
    assert results[ann]["caseId"] == results[ann_again]["caseId"] != results[bo]["caseId"]
    assert "error" not in results[ann]
    assert results["ref_missing"] == {
        "id": "ref_missing",
        "ok": False,
        "error": {"code": "not_found", "message": "referral ref_missing not found"},
    }
    assert results[foreign]["error"]["code"] == "not_found"
    assert results[nameless]["error"]["code"] == "validation_failed"
    assert results[dup]["error"]["code"] == "conflict"
    assert "caseId" not in results[dup]

    moved = await load_referral(app, bo)
    assert moved.stage == ReferralStage.triaged and moved.case_id == results[bo]["caseId"]
    assert moved.triage is not None and moved.triage.level == 1
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, results[bo]["caseId"])
        assert case is not None and case.triage_level == 1 and case.priority_band == "P1"
    # The failed ones were rolled back to the savepoint: not even the automatic triage stuck.
    failed = await load_referral(app, nameless)
    assert failed.stage == ReferralStage.received and failed.triage is None
    assert failed.case_id is None
    assert (await load_referral(app, foreign)).stage == ReferralStage.received
    assert await case_count(app, world.a.id) == 2


async def test_move_to_triaged_twice_answers_the_same_case(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=person("Gil", "Ha"))
    body = {"action": "move_to_triaged", "ids": [rid]}
    first = (await world.a.key_client.post("/api/referrals/bulk", json=body)).json()
    second = (await world.a.key_client.post("/api/referrals/bulk", json=body)).json()
    assert first["results"][0]["caseId"] == second["results"][0]["caseId"]
    assert await case_count(app, world.a.id) == 1


async def test_mark_duplicate_points_at_the_original(
    app: Any, settings: Settings, world: World
) -> None:
    original = await seed_referral(app, settings, world.a.id, extracted=person("Ivy", "Jo"))
    copy_one = await seed_referral(app, settings, world.a.id)
    copy_two = await seed_referral(app, settings, world.a.id)
    triaged = await seed_referral(
        app, settings, world.a.id, extracted=person("Kai", "Lu"), triaged=True
    )
    foreign = await seed_referral(app, settings, world.b.id)
    response = await world.a.coordinator.client.post(
        "/api/referrals/bulk",
        json={
            "action": "mark_duplicate",
            "duplicateOf": original,
            "ids": [copy_one, original, triaged, foreign],
        },
    )
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[copy_one] == {"id": copy_one, "ok": True}
    assert results[original]["error"]["code"] == "validation_failed"
    assert results[triaged]["error"]["code"] == "conflict"
    assert results[foreign]["error"]["code"] == "not_found"
    marked = await load_referral(app, copy_one)
    assert marked.stage == ReferralStage.duplicate and marked.duplicate_of_id == original
    assert (await load_referral(app, original)).stage == ReferralStage.received

    # A duplicate of a duplicate points at the root, so no chain forms.
    chained = await world.a.coordinator.client.post(
        "/api/referrals/bulk",
        json={"action": "mark_duplicate", "duplicateOf": copy_one, "ids": [copy_two]},
    )
    assert chained.json()["results"][0]["ok"] is True
    assert (await load_referral(app, copy_two)).duplicate_of_id == original


async def test_marking_an_original_a_duplicate_moves_its_copies_to_the_new_root(
    app: Any, settings: Settings, world: World
) -> None:
    original = await seed_referral(app, settings, world.a.id)
    copies = [await seed_referral(app, settings, world.a.id) for _ in range(2)]
    root = await seed_referral(app, settings, world.a.id)
    bulk = "/api/referrals/bulk"
    client = world.a.coordinator.client
    body = {"action": "mark_duplicate", "duplicateOf": original, "ids": copies}
    assert all(r["ok"] for r in (await client.post(bulk, json=body)).json()["results"])

    body = {"action": "mark_duplicate", "duplicateOf": root, "ids": [original]}
    assert (await client.post(bulk, json=body)).json()["results"][0]["ok"] is True
    for rid in [original, *copies]:
        assert (await load_referral(app, rid)).duplicate_of_id == root
    async with transaction(app.state.sessions) as session:
        query = select(AuditEvent).where(
            AuditEvent.action == "referral.mark_duplicate", AuditEvent.resource_id == original
        )
        [event] = (await session.scalars(query)).all()
    assert event.details == {"duplicateOf": root, "repointed": sorted(copies)}
    # The root's copies are never marked twice over: the old original is a copy like them.
    body = {"action": "mark_duplicate", "duplicateOf": copies[0], "ids": [root]}
    refused = (await client.post(bulk, json=body)).json()["results"][0]
    assert refused["error"]["code"] == "validation_failed"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"action": "archive", "ids": ["ref_x"]}, 422, "action"),
        ({"action": "move_to_triaged", "ids": []}, 422, "ids"),
        ({"action": "move_to_triaged", "ids": [f"ref_{i}" for i in range(501)]}, 422, "ids"),
        ({"action": "move_to_triaged"}, 422, "ids"),
        ({"action": "mark_duplicate", "ids": ["ref_x"]}, 422, "duplicateOf"),
        ({"action": "mark_duplicate", "ids": ["ref_x"], "duplicateOf": "ref_gone"}, 404, None),
    ],
)
async def test_bad_bulk_requests_change_nothing(
    app: Any,
    settings: Settings,
    world: World,
    payload: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    error = assert_error(
        await world.a.coordinator.client.post("/api/referrals/bulk", json=payload), status
    )
    if field:
        assert error["details"][0]["field"] == field


async def test_bulk_refusals_change_nothing(app: Any, settings: Settings, world: World) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=person("Mo", "No"))
    foreign_original = await seed_referral(app, settings, world.b.id)
    move = {"action": "move_to_triaged", "ids": [rid]}
    assert_error(await world.a.viewer.client.post("/api/referrals/bulk", json=move), 403)
    assert_error(
        await world.b.admin.client.post("/api/referrals/bulk", json={**move, "orgId": world.a.id}),
        403,
    )
    assert_error(
        await world.a.admin.client.post(
            "/api/referrals/bulk",
            json={"action": "mark_duplicate", "ids": [rid], "duplicateOf": foreign_original},
        ),
        404,
    )
    assert_error(
        await world.a.admin.client.post(
            "/api/referrals/bulk", content=b"ids=1", headers={"content-type": "text/plain"}
        ),
        415,
    )
    assert (await load_referral(app, rid)).stage == ReferralStage.received
    async with transaction(app.state.sessions) as session:
        patients = await session.scalar(
            select(func.count()).select_from(Patient).where(Patient.org_id == world.a.id)
        )
    assert patients == 0 and await case_count(app, world.a.id) == 0


async def test_triaging_one_patients_referrals_at_once_makes_one_patient_and_one_case(
    app: Any, settings: Settings, world: World
) -> None:
    # Separate requests racing to match the same new patient and open their case.
    ids = [
        await seed_referral(app, settings, world.a.id, extracted=person("Nia", "Ro"))
        for _ in range(8)
    ]
    clients = [world.a.coordinator.client, world.a.admin.client, world.a.key_client]
    answers = await asyncio.gather(
        *(
            clients[n % 3].post(
                "/api/referrals/bulk", json={"action": "move_to_triaged", "ids": [rid]}
            )
            for n, rid in enumerate(ids)
        )
    )
    assert all(a.status_code == 200 and a.json()["results"][0]["ok"] for a in answers)
    assert len({a.json()["results"][0]["caseId"] for a in answers}) == 1
    assert await case_count(app, world.a.id) == 1
    async with transaction(app.state.sessions) as session:
        query = select(func.count()).select_from(Patient).where(Patient.org_id == world.a.id)
        assert await session.scalar(query) == 1


async def test_a_referral_never_joins_a_case_being_closed_at_that_moment(
    app: Any, settings: Settings, world: World
) -> None:
    first = await seed_referral(
        app, settings, world.a.id, extracted=person("Ola", "Shut"), triaged=True
    )
    closing_id = (await load_referral(app, first)).case_id
    second = await seed_referral(app, settings, world.a.id, extracted=person("Ola", "Shut"))
    answers: list[Any] = []

    async def triage() -> None:
        body = {"action": "move_to_triaged", "ids": [second]}
        answers.append(await world.a.coordinator.client.post("/api/referrals/bulk", json=body))

    async with app.state.sessions() as closer:
        case = await closer.get(Case, closing_id)
        assert case is not None
        case.status = CaseStatus.closed
        closer.add(case)
        await closer.flush()  # the row (PostgreSQL) or the database (SQLite) is now locked
        async with anyio.create_task_group() as group:
            group.start_soon(triage)
            await anyio.sleep(0.5)  # the triage is now waiting for the close
            await closer.commit()
    [result] = answers[0].json()["results"]
    assert result["ok"] is True and result["caseId"] != closing_id
    moved = await load_referral(app, second)
    assert moved.case_id == result["caseId"]
