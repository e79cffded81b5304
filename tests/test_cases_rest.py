"""GET /api/cases, GET and PATCH /api/cases/:caseId through the front door."""

from typing import Any

from app.db import transaction
from models import Location
from tests.case_fixtures import (
    audit_actions,
    audit_details,
    get_case,
    make_case,
    make_location,
)
from tests.conftest import World, assert_error


async def _inactive_location(app: Any, org_id: str) -> str:
    async with transaction(app.state.sessions) as session:
        location = Location(org_id=org_id, name="Closed Clinic", active=False)
        session.add(location)
        return location.id


# -- list ----------------------------------------------------------------------------------------


async def test_case_list_shows_the_orgs_cases_with_a_patient_summary(
    world: World, app: Any
) -> None:
    mine = await make_case(app, world.a.id, first_name="Ada", last_name="Lovelace")
    await make_case(app, world.b.id)
    response = await world.a.viewer.client.get(f"/api/cases?orgId={world.a.id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "count", "nextCursor"}
    assert [item["id"] for item in body["items"]] == [mine.id]
    assert body["count"] == 1 and body["nextCursor"] is None
    item = body["items"][0]
    assert item["status"] == "open"
    assert item["priorityBand"] == "P2" and item["queue"] == "intake" and item["triageLevel"] == 3
    assert item["patient"] == {
        "id": mine.patient_id,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "dob": "1985-03-15",
    }
    assert item["referrer"]["candidates"][0]["practiceName"] == "Valley Family Medicine"


async def test_case_list_is_audited_naming_every_case_and_patient_shown(
    world: World, app: Any
) -> None:
    made = [await make_case(app, world.a.id) for _ in range(2)]
    response = await world.a.viewer.client.get("/api/cases")  # one org: orgId may be omitted
    assert response.status_code == 200, response.text
    [listed] = await audit_details(app, org_id=world.a.id, action="case.list")
    assert sorted(listed["ids"]) == sorted(m.id for m in made)
    [patients] = await audit_details(app, org_id=world.a.id, action="patient.read")
    assert sorted(patients["ids"]) == sorted(m.patient_id for m in made)


async def test_case_list_filters(world: World, app: Any) -> None:
    admin, coordinator = world.a.admin.client, world.a.coordinator.client
    location = await make_location(admin, world.a.id)
    urgent = await make_case(
        app, world.a.id, triage={"level": 1, "priorityBand": "P1", "queue": "intake"}
    )
    plain = await make_case(app, world.a.id)
    closed = await make_case(app, world.a.id)
    response = await coordinator.patch(
        f"/api/cases/{plain.id}",
        json={"locationId": location["id"], "assigneeId": world.a.coordinator.user_id},
    )
    assert response.status_code == 200, response.text
    response = await coordinator.post(
        f"/api/cases/{closed.id}/contact", json={"type": "close", "reason": "duplicate"}
    )
    assert response.status_code == 201, response.text

    async def ids(query: str) -> set[str]:
        response = await world.a.viewer.client.get(f"/api/cases?orgId={world.a.id}&{query}")
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert await ids("priorityBand=P1") == {urgent.id}
    assert await ids("status=closed") == {closed.id}
    assert await ids("status=open") == {urgent.id, plain.id}
    assert await ids(f"locationId={location['id']}") == {plain.id}
    assert await ids(f"assigneeId={world.a.coordinator.user_id}") == {plain.id}
    assert await ids("queue=intake&status=open&priorityBand=P2") == {plain.id}
    assert await ids("queue=elsewhere") == set()


async def test_case_list_pages_with_an_opaque_cursor(world: World, app: Any) -> None:
    made = [await make_case(app, world.a.id) for _ in range(3)]
    client = world.a.viewer.client
    first = (await client.get("/api/cases?limit=2")).json()
    assert first["count"] == 2 and first["nextCursor"]
    second = (await client.get(f"/api/cases?limit=2&cursor={first['nextCursor']}")).json()
    assert second["count"] == 1 and second["nextCursor"] is None
    seen = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert seen == [m.id for m in reversed(made)]  # newest first, each once


async def test_case_list_refuses_bad_filters_naming_the_field(world: World) -> None:
    client = world.a.viewer.client
    for query, field in [
        ("status=pending", "status"),
        ("priorityBand=P9", "priorityBand"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ]:
        error = assert_error(await client.get(f"/api/cases?{query}"), 422, "validation_failed")
        assert error["details"][0]["field"] == field, (query, error)


async def test_case_list_of_another_org_is_refused(world: World, app: Any) -> None:
    await make_case(app, world.b.id)
    assert_error(await world.a.admin.client.get(f"/api/cases?orgId={world.b.id}"), 403)
    assert_error(await world.a.key_client.get(f"/api/cases?orgId={world.b.id}"), 403)
    assert_error(await world.anon.get(f"/api/cases?orgId={world.a.id}"), 401)


# -- read ----------------------------------------------------------------------------------------


async def test_case_detail_has_patient_referrals_contacts_location_and_referrer(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    coordinator = world.a.coordinator.client
    location = await make_location(world.a.admin.client, world.a.id, emrLocationId="EMR_LOC_42")
    await coordinator.patch(f"/api/cases/{made.id}", json={"locationId": location["id"]})
    await coordinator.post(
        f"/api/cases/{made.id}/contact",
        json={"type": "attempt", "channel": "phone", "outcome": "no_answer"},
    )
    await coordinator.post("/api/cases/create-referrer", json={"caseId": made.id})
    body = await get_case(world.a.viewer.client, made.id)
    assert body["id"] == made.id and body["orgId"] == world.a.id
    assert body["patient"]["id"] == made.patient_id
    assert body["patient"]["insurance"]["memberId"] == "XYZ123"
    assert body["referralIds"] == [made.referral_id]
    assert [e["kind"] for e in body["contactEvents"]] == ["attempt"]
    assert body["location"]["emrLocationId"] == "EMR_LOC_42"
    assert body["practice"]["name"] == "Valley Family Medicine"
    assert body["provider"]["npi"] == "1234567893"
    assert body["referrer"]["practiceId"] == body["practice"]["id"]


async def test_case_detail_read_is_audited(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    await get_case(world.a.key_client, made.id)
    assert "case.read" in await audit_actions(app, org_id=world.a.id, resource_id=made.id)
    assert "patient.read" in await audit_actions(
        app, org_id=world.a.id, resource_id=made.patient_id
    )


async def test_case_of_another_org_is_404_exactly_like_a_missing_one(
    world: World, app: Any
) -> None:
    theirs = await make_case(app, world.b.id)
    foreign = assert_error(await world.a.admin.client.get(f"/api/cases/{theirs.id}"), 404)
    missing = assert_error(await world.a.admin.client.get("/api/cases/case_nope"), 404)
    assert foreign["message"].replace(theirs.id, "X") == missing["message"].replace(
        "case_nope", "X"
    )
    assert_error(await world.a.key_client.get(f"/api/cases/{theirs.id}"), 404)
    assert "case.read" not in await audit_actions(app, org_id=world.b.id, resource_id=theirs.id)


# -- update --------------------------------------------------------------------------------------


async def test_patch_changes_only_the_fields_sent(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    location = await make_location(world.a.admin.client, world.a.id)
    client = world.a.coordinator.client
    response = await client.patch(
        f"/api/cases/{made.id}",
        json={"locationId": location["id"], "assigneeId": world.a.coordinator.user_id},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["locationId"] == location["id"]
    assert body["assigneeId"] == world.a.coordinator.user_id
    assert (body["priorityBand"], body["queue"], body["triageLevel"]) == ("P2", "intake", 3)

    response = await client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P1"})
    body = response.json()
    assert body["priorityBand"] == "P1" and body["locationId"] == location["id"]

    response = await client.patch(
        f"/api/cases/{made.id}", json={"assigneeId": None, "locationId": None}
    )
    body = response.json()
    assert body["assigneeId"] is None and body["locationId"] is None
    assert body["priorityBand"] == "P1"
    [*_, last] = await audit_details(app, org_id=world.a.id, action="case.update")
    assert last["changes"] == {
        "assigneeId": [world.a.coordinator.user_id, None],
        "locationId": [location["id"], None],
    }


async def test_patch_location_must_be_an_active_location_of_the_org(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    theirs = await make_location(world.b.admin.client, world.b.id)
    inactive = await _inactive_location(app, world.a.id)
    client = world.a.coordinator.client
    for location_id in (theirs["id"], "loc_missing", inactive):
        error = assert_error(
            await client.patch(f"/api/cases/{made.id}", json={"locationId": location_id}), 422
        )
        assert error["details"][0]["field"] == "locationId"
    assert (await get_case(client, made.id))["locationId"] is None


async def test_patch_queue_must_be_one_of_the_orgs_queues(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    error = assert_error(await client.patch(f"/api/cases/{made.id}", json={"queue": "spine"}), 422)
    assert error["details"][0]["field"] == "queue"
    response = await world.a.admin.client.patch(
        f"/api/orgs/{world.a.id}/config", json={"queues": ["intake", "spine"]}
    )
    assert response.status_code == 200, response.text
    response = await client.patch(f"/api/cases/{made.id}", json={"queue": "spine"})
    assert response.status_code == 200, response.text
    assert response.json()["queue"] == "spine"
    error = assert_error(await client.patch(f"/api/cases/{made.id}", json={"queue": None}), 422)
    assert error["details"][0]["field"] == "queue"


async def test_patch_assignee_must_be_a_coordinator_or_admin_of_the_org(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    for user_id in (world.b.coordinator.user_id, world.a.viewer.user_id, "usr_missing"):
        error = assert_error(
            await client.patch(f"/api/cases/{made.id}", json={"assigneeId": user_id}), 422
        )
        assert error["details"][0]["field"] == "assigneeId"
    response = await client.patch(
        f"/api/cases/{made.id}", json={"assigneeId": world.a.admin.user_id}
    )
    assert response.json()["assigneeId"] == world.a.admin.user_id


async def test_patch_triage_level_moves_the_band_by_org_config_unless_a_band_is_sent(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    body = (await client.patch(f"/api/cases/{made.id}", json={"triageLevel": 5})).json()
    assert (body["triageLevel"], body["priorityBand"]) == (5, "P4")
    body = (
        await client.patch(f"/api/cases/{made.id}", json={"triageLevel": 1, "priorityBand": "P3"})
    ).json()
    assert (body["triageLevel"], body["priorityBand"]) == (1, "P3")


async def test_patch_names_every_wrong_field_and_changes_nothing(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    before = await get_case(world.a.viewer.client, made.id)
    error = assert_error(
        await world.a.coordinator.client.patch(
            f"/api/cases/{made.id}",
            json={"priorityBand": "P7", "queue": "nope", "triageLevel": 9, "locationId": "loc_x"},
        ),
        422,
        "validation_failed",
    )
    assert {d["field"] for d in error["details"]} == {
        "priorityBand",
        "queue",
        "triageLevel",
        "locationId",
    }
    assert await get_case(world.a.viewer.client, made.id) == before


async def test_patch_refuses_malformed_requests(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    url = f"/api/cases/{made.id}"
    assert_error(
        await client.patch(url, content=b"{nope", headers={"content-type": "application/json"}),
        400,
        "bad_request",
    )
    assert_error(
        await client.patch(url, content=b"queue=x", headers={"content-type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    assert_error(await client.patch(url, json=["queue"]), 400, "bad_request")
    error = assert_error(await client.patch(url, json={"priority": "P1"}), 422)
    assert error["details"][0]["field"] == "priority"
    error = assert_error(await client.patch(url, json={"triageLevel": "2"}), 422)
    assert error["details"][0]["field"] == "triageLevel"
    error = assert_error(await client.patch(url, json={}), 422)
    assert (await get_case(client, made.id))["priorityBand"] == "P2"


async def test_patch_as_viewer_is_403_and_changes_nothing(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    assert_error(
        await world.a.viewer.client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P1"}),
        403,
        "forbidden",
    )
    assert (await get_case(world.a.viewer.client, made.id))["priorityBand"] == "P2"
    assert "case.update" not in await audit_actions(app, org_id=world.a.id, resource_id=made.id)


async def test_patch_another_orgs_case_is_404_and_changes_nothing(world: World, app: Any) -> None:
    theirs = await make_case(app, world.b.id)
    for client in (world.a.admin.client, world.a.key_client):
        assert_error(
            await client.patch(f"/api/cases/{theirs.id}", json={"priorityBand": "P1"}), 404
        )
    assert (await get_case(world.b.viewer.client, theirs.id))["priorityBand"] == "P2"


async def test_patch_a_closed_case_is_409(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    await client.post(f"/api/cases/{made.id}/contact", json={"type": "close", "reason": "moved"})
    assert_error(
        await client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P1"}), 409, "conflict"
    )
    assert (await get_case(client, made.id))["priorityBand"] == "P2"


async def test_api_key_acts_as_admin_of_its_org(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    response = await world.a.key_client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P4"})
    assert response.status_code == 200, response.text
    [event] = await audit_details(app, org_id=world.a.id, action="case.update")
    assert event["changes"] == {"priorityBand": ["P2", "P4"]}
