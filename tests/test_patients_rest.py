"""/api/patients over HTTP: search, read, create, update, delete."""

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from models import Document, Patient
from tests.conftest import World, assert_error
from tests.files import pdf_bytes
from tests.patient_fixtures import (
    add_case,
    add_referral,
    audit_events,
    create_patient,
    document_count,
    get_row,
    patient_body,
    patient_count,
)

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio

# --- create -------------------------------------------------------------------------------


async def test_creating_one_person_at_once_keeps_one_record(app: Any, world: World) -> None:
    # Separate requests racing past the same-person and same-MRN checks.
    same_person = patient_body(firstName="Ona", lastName="Race", dob="1990-02-03")
    same_mrn = [patient_body(mrn="MRN-RACE") for _ in range(6)]
    clients = [world.a.coordinator.client, world.a.admin.client, world.a.key_client]
    bodies = [body for n in range(6) for body in (same_person, same_mrn[n])]

    before = await patient_count(app, world.a.id)
    answers = await asyncio.gather(
        *(clients[n % 3].post("/api/patients", json=body) for n, body in enumerate(bodies))
    )
    statuses = [a.status_code for a in answers]
    assert sorted(statuses[0::2]) == [201] + [409] * 5  # the same person
    assert sorted(statuses[1::2]) == [201] + [409] * 5  # the same MRN
    assert await patient_count(app, world.a.id) == before + 2


async def test_create_normalises_and_answers_the_patient(app: Any, world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/patients",
        json=patient_body(
            firstName="  José ",
            lastName="O'Brien-Smith",
            dob="03/15/1985",
            sex="f",
            phone="1 (555) 234-5678 ext. 12",
            email="Jose@Example.COM",
            address={"line1": "1 Elm", "city": "Reno", "state": "nv", "zip": "895011234"},
            mrn="MRN-1",
        ),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("pat_")
    assert body["orgId"] == world.a.id
    assert (body["firstName"], body["lastName"]) == ("José", "O'Brien-Smith")
    assert body["dob"] == "1985-03-15"
    assert body["sex"] == "F"
    assert body["phone"] == "+15552345678"
    assert body["email"] == "Jose@example.com"
    assert body["address"] == {
        "line1": "1 Elm",
        "line2": None,
        "city": "Reno",
        "state": "NV",
        "zip": "89501-1234",
    }
    assert body["insurance"] == {
        "provider": "Blue Cross",
        "memberId": "XYZ123",
        "groupNumber": "GRP456",
    }
    assert body["mrn"] == "MRN-1"
    assert body["createdAt"].endswith("Z")
    row = await get_row(app, Patient, body["id"])
    assert (row.first_name_key, row.last_name_key) == ("jose", "obrien smith")
    events = await audit_events(app, world.a.id, action="patient.create")
    assert [e.resource_id for e in events] == [body["id"]]


async def test_an_api_key_creates_in_its_own_org(world: World) -> None:
    created = await create_patient(world.a.key_client)
    assert created["orgId"] == world.a.id
    response = await world.a.key_client.post("/api/patients", json=patient_body(orgId=world.b.id))
    assert_error(response, 403, "forbidden")


async def test_a_viewer_cannot_create(app: Any, world: World) -> None:
    before = await patient_count(app, world.a.id)
    response = await world.a.viewer.client.post("/api/patients", json=patient_body())
    assert_error(response, 403, "forbidden")
    assert await patient_count(app, world.a.id) == before


async def test_creating_in_another_org_is_refused(app: Any, world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/patients", json=patient_body(orgId=world.b.id)
    )
    assert_error(response, 403, "forbidden")
    assert await patient_count(app, world.b.id) == 0


@pytest.mark.parametrize(
    ("dob", "message"),
    [
        ("1985-13-01", "readable"),
        ("1985-02-30", "readable"),
        ("15/03/1985", "readable"),
        ("yesterday", "readable"),
        ("03/15/85", "four digits"),
        ("1985-03-15T00:00:00Z", "timestamp"),
        ("1985-03-14T23:00:00-05:00", "timestamp"),
        ((date.today() + timedelta(days=3)).isoformat(), "future"),
        ("1850-01-01", "130 years"),
    ],
)
async def test_a_wrong_dob_is_422_naming_dob_and_creates_nothing(
    app: Any, world: World, dob: str, message: str
) -> None:
    before = await patient_count(app, world.a.id)
    response = await world.a.coordinator.client.post("/api/patients", json=patient_body(dob=dob))
    error = assert_error(response, 422, "validation_failed")
    assert [d["field"] for d in error["details"]] == ["dob"]
    assert message in error["details"][0]["message"]
    assert await patient_count(app, world.a.id) == before


@pytest.mark.parametrize(
    "written", ["1985-03-15", "03/15/1985", "3/15/1985", "03-15-1985", "March 15, 1985"]
)
async def test_a_dob_is_stored_exactly_as_written(world: World, written: str) -> None:
    created = await create_patient(world.a.coordinator.client, dob=written)
    assert created["dob"] == "1985-03-15"
    again = await world.a.viewer.client.get(f"/api/patients/{created['id']}")
    assert again.json()["dob"] == "1985-03-15"


async def test_a_dob_of_today_is_accepted(world: World) -> None:
    today = date.today().isoformat()
    created = await create_patient(world.a.coordinator.client, dob=today)
    assert created["dob"] == today


async def test_a_number_for_a_dob_is_never_read_as_a_timestamp(world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/patients", json=patient_body(dob=479692800)
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == "dob"


async def test_every_invalid_field_is_named_at_once(world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/patients",
        json={
            "lastName": "  ",
            "sex": "female",
            "phone": "555-CALL-NOW",
            "email": "not-an-email",
            "address": {"state": "California", "zip": "9021"},
        },
    )
    error = assert_error(response, 422, "validation_failed")
    fields = sorted(d["field"] for d in error["details"])
    assert fields == sorted(
        ["firstName", "lastName", "sex", "phone", "email", "address.state", "address.zip"]
    )


async def test_unknown_fields_are_refused(world: World) -> None:
    response = await world.a.coordinator.client.post(
        "/api/patients", json=patient_body(middleName="Q")
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == "middleName"


async def test_malformed_json_and_wrong_content_type(app: Any, world: World) -> None:
    client = world.a.coordinator.client
    before = await patient_count(app, world.a.id)
    bad = await client.post(
        "/api/patients", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(bad, 400, "bad_request")
    wrong = await client.post(
        "/api/patients", content=b"firstName=Jane", headers={"content-type": "text/plain"}
    )
    assert_error(wrong, 415, "unsupported_media_type")
    array = await client.post("/api/patients", json=[patient_body()])
    assert_error(array, 400, "bad_request")
    assert await patient_count(app, world.a.id) == before


async def test_the_same_person_twice_is_a_conflict(world: World) -> None:
    first = await create_patient(world.a.coordinator.client, firstName="Renée", dob="1970-01-02")
    response = await world.a.coordinator.client.post(
        "/api/patients", json=patient_body(firstName="RENEE", dob="01/02/1970")
    )
    error = assert_error(response, 409, "conflict")
    assert error["details"]["existingPatientId"] == first["id"]
    # Another org may hold the same person.
    await create_patient(world.b.coordinator.client, firstName="Renée", dob="1970-01-02")


async def test_an_mrn_names_one_patient_per_org(world: World) -> None:
    await create_patient(world.a.coordinator.client, mrn="MRN777")
    response = await world.a.coordinator.client.post(
        "/api/patients", json=patient_body(mrn="MRN777")
    )
    assert_error(response, 409, "conflict")


async def test_no_credential_is_401(world: World) -> None:
    assert_error(await world.anon.post("/api/patients", json=patient_body()), 401)
    assert_error(await world.anon.get("/api/patients"), 401)


# --- read ---------------------------------------------------------------------------------


async def test_get_by_id_and_other_org_is_404_like_a_missing_one(app: Any, world: World) -> None:
    created = await create_patient(world.a.coordinator.client)
    ok = await world.a.viewer.client.get(f"/api/patients/{created['id']}")
    assert ok.status_code == 200
    assert ok.json() == created
    events = await audit_events(app, world.a.id, resource_id=created["id"])
    assert "patient.read" in [e.action for e in events]
    foreign = await world.b.admin.client.get(f"/api/patients/{created['id']}")
    missing = await world.b.admin.client.get("/api/patients/pat_doesnotexist")
    assert assert_error(foreign, 404, "not_found")["message"].replace(
        created["id"], "X"
    ) == assert_error(missing, 404, "not_found")["message"].replace("pat_doesnotexist", "X")
    assert_error(await world.b.key_client.get(f"/api/patients/{created['id']}"), 404)
    wrong_org = await world.a.viewer.client.get(
        f"/api/patients/{created['id']}", params={"orgId": world.b.id}
    )
    assert_error(wrong_org, 404)


# --- search -------------------------------------------------------------------------------


async def _search(client: Any, q: str, **params: Any) -> list[str]:
    response = await client.get("/api/patients", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["items"])
    return [item["id"] for item in body["items"]]


async def test_search_by_name_in_any_order_case_and_prefix(world: World) -> None:
    client = world.a.coordinator.client
    jane = await create_patient(client, firstName="Jane", lastName="Doe", dob="1985-03-15")
    john = await create_patient(client, firstName="John", lastName="Doe", dob="1990-01-01")
    mary = await create_patient(
        client, firstName="Mary Ann", lastName="Garcia López", dob="1977-07-07"
    )
    viewer = world.a.viewer.client
    for q in ["jane doe", "doe jane", "JANE DOE", "Doe, Jane", "jan do", "do ja", " jane  "]:
        assert await _search(viewer, q) == [jane["id"]], q
    assert set(await _search(viewer, "doe")) == {jane["id"], john["id"]}
    for q in ["mary garcia", "lopez mary ann", "Ann Garcia", "garcía-lópez", "maria"]:
        expected = [] if q == "maria" else [mary["id"]]
        assert await _search(viewer, q) == expected, q
    assert await _search(viewer, "jane smith") == []


async def test_search_by_dob_phone_mrn_and_id(world: World) -> None:
    client = world.a.coordinator.client
    jane = await create_patient(client, dob="1985-03-15", phone="+1 555 876 5432", mrn="MRN12345")
    other = await create_patient(client, dob="1960-12-01", phone="555-222-3333")
    viewer = world.a.viewer.client
    for q in ["1985-03-15", "03/15/1985", "3/15/1985", "March 15, 1985"]:
        assert await _search(viewer, q) == [jane["id"]], q
    for q in ["(555) 876-5432", "555.876.5432", "5558765432", "+15558765432", "1-555-876-5432"]:
        assert await _search(viewer, q) == [jane["id"]], q
    assert await _search(viewer, "MRN12345") == [jane["id"]]
    assert await _search(viewer, "mrn12345") == [jane["id"]]
    assert await _search(viewer, jane["id"]) == [jane["id"]]
    assert await _search(viewer, other["id"]) == [other["id"]]


async def test_search_never_shows_another_orgs_patients(world: World) -> None:
    theirs = await create_patient(
        world.b.coordinator.client, firstName="Zed", lastName="Unique", mrn="MRN-B"
    )
    viewer = world.a.viewer.client
    for q in ["zed unique", theirs["id"], "MRN-B", "(555) 234-5678", "1985-03-15", ""]:
        assert theirs["id"] not in await _search(viewer, q), q
    response = await viewer.get("/api/patients", params={"orgId": world.b.id, "q": "zed"})
    assert_error(response, 403, "forbidden")


async def test_search_pages_with_a_cursor_and_audits_each_page(app: Any, world: World) -> None:
    client = world.a.coordinator.client
    made = [await create_patient(client, lastName="Pager") for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"q": "pager", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await world.a.viewer.client.get("/api/patients", params=params)
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["nextCursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [p["id"] for p in reversed(made)]
    events = await audit_events(app, world.a.id, action="patient.search")
    shown = [i for e in events for i in e.details["ids"]]
    assert sorted(shown) == sorted(seen)
    bad = await world.a.viewer.client.get("/api/patients", params={"cursor": "garbage!"})
    assert_error(bad, 422, "validation_failed")
    too_many = await world.a.viewer.client.get("/api/patients", params={"limit": 501})
    assert_error(too_many, 422, "validation_failed")


async def test_search_reads_only_the_orgs_index(world: World, sql_counter: Any) -> None:
    await create_patient(world.a.coordinator.client, firstName="Indexa", lastName="Plan")
    sql_counter.reset()
    assert await _search(world.a.viewer.client, "plan indexa")
    statement = next(s for s in sql_counter.statements if "FROM patients" in s)
    assert "patients.org_id =" in statement
    assert "last_name_key LIKE" in statement and "first_name_key LIKE" in statement


# --- update -------------------------------------------------------------------------------


async def test_update_changes_only_the_fields_sent(app: Any, world: World) -> None:
    created = await create_patient(world.a.coordinator.client, mrn="M-1")
    response = await world.a.coordinator.client.patch(
        "/api/patients",
        json={"id": created["id"], "lastName": "Smith", "phone": "555 345 6789", "email": None},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lastName"] == "Smith"
    assert body["phone"] == "+15553456789"
    assert body["email"] is None
    for unchanged in ("firstName", "dob", "sex", "address", "insurance", "mrn", "createdAt"):
        assert body[unchanged] == created[unchanged], unchanged
    assert body["updatedAt"] >= created["updatedAt"]
    found = await _search(world.a.viewer.client, f"{created['firstName']} smith")
    assert found == [created["id"]]
    events = await audit_events(app, world.a.id, action="patient.update")
    assert events[-1].details["fields"] == ["email", "lastName", "phone"]


async def test_null_clears_optional_fields_but_not_names(world: World) -> None:
    created = await create_patient(world.a.coordinator.client)
    client = world.a.coordinator.client
    cleared = await client.patch(
        "/api/patients",
        json={"id": created["id"], "dob": None, "address": None, "insurance": None, "sex": None},
    )
    assert cleared.status_code == 200, cleared.text
    body = cleared.json()
    assert (body["dob"], body["address"], body["insurance"], body["sex"]) == (None,) * 4
    refused = await client.patch("/api/patients", json={"id": created["id"], "firstName": None})
    error = assert_error(refused, 422, "validation_failed")
    assert error["details"][0]["field"] == "firstName"


async def test_an_address_sent_replaces_the_whole_address(world: World) -> None:
    created = await create_patient(world.a.coordinator.client)
    response = await world.a.coordinator.client.patch(
        "/api/patients", json={"id": created["id"], "address": {"city": "Boise", "state": "ID"}}
    )
    assert response.json()["address"] == {
        "line1": None,
        "line2": None,
        "city": "Boise",
        "state": "ID",
        "zip": None,
    }


async def test_a_bad_update_changes_nothing(world: World) -> None:
    created = await create_patient(world.a.coordinator.client)
    client = world.a.coordinator.client
    for bad in [
        {"id": created["id"], "lastName": "Changed", "dob": "2999-01-01"},
        {"id": created["id"], "lastName": "Changed", "phone": "12"},
        {"id": created["id"], "lastName": "Changed", "zip": "12345"},
    ]:
        assert_error(await client.patch("/api/patients", json=bad), 422)
    assert_error(await client.patch("/api/patients", json={"id": created["id"]}), 422)
    viewer = await world.a.viewer.client.patch(
        "/api/patients", json={"id": created["id"], "lastName": "Changed"}
    )
    assert_error(viewer, 403, "forbidden")
    now = await world.a.viewer.client.get(f"/api/patients/{created['id']}")
    assert now.json() == created


async def test_updating_into_a_duplicate_is_a_conflict(world: World) -> None:
    first = await create_patient(world.a.coordinator.client, dob="1950-05-05")
    second = await create_patient(world.a.coordinator.client, dob="1950-05-05")
    response = await world.a.coordinator.client.patch(
        "/api/patients", json={"id": second["id"], "firstName": first["firstName"].upper()}
    )
    assert_error(response, 409, "conflict")
    again = await world.a.viewer.client.get(f"/api/patients/{second['id']}")
    assert again.json()["firstName"] == second["firstName"]


async def test_update_of_another_orgs_patient_is_404(world: World) -> None:
    theirs = await create_patient(world.b.coordinator.client)
    for client in (world.a.admin.client, world.a.key_client):
        response = await client.patch(
            "/api/patients", json={"id": theirs["id"], "lastName": "Hacked"}
        )
        assert_error(response, 404, "not_found")
    mine = await create_patient(world.a.coordinator.client)
    response = await world.a.coordinator.client.patch(
        "/api/patients", json={"id": mine["id"], "orgId": world.b.id, "lastName": "X"}
    )
    assert_error(response, 404, "not_found")
    still = await world.b.viewer.client.get(f"/api/patients/{theirs['id']}")
    assert still.json()["lastName"] == theirs["lastName"]


async def test_update_needs_an_id(world: World) -> None:
    response = await world.a.coordinator.client.patch("/api/patients", json={"lastName": "X"})
    error = assert_error(response, 422, "validation_failed")
    assert error["details"][0]["field"] == "id"


# --- delete -------------------------------------------------------------------------------


async def test_delete_by_body_or_query(app: Any, world: World) -> None:
    one = await create_patient(world.a.coordinator.client)
    two = await create_patient(world.a.coordinator.client)
    by_body = await world.a.coordinator.client.request(
        "DELETE", "/api/patients", json={"id": one["id"]}
    )
    assert by_body.status_code == 200, by_body.text
    assert by_body.json() == {
        "ok": True,
        "id": one["id"],
        "deletedDocumentIds": [],
        "detachedDocumentIds": [],
    }
    by_query = await world.a.key_client.delete("/api/patients", params={"id": two["id"]})
    assert by_query.status_code == 200, by_query.text
    assert await get_row(app, Patient, one["id"]) is None
    assert await get_row(app, Patient, two["id"]) is None
    assert_error(await world.a.viewer.client.get(f"/api/patients/{one['id']}"), 404)
    events = await audit_events(app, world.a.id, action="patient.delete")
    assert {e.resource_id for e in events} == {one["id"], two["id"]}


async def test_delete_is_refused_while_a_case_or_referral_names_the_patient(
    app: Any,
    world: World,
) -> None:
    with_case = await create_patient(world.a.coordinator.client)
    await add_case(app, world.a.id, patient_id=with_case["id"])
    with_referral = await create_patient(world.a.coordinator.client)
    await add_referral(app, world.a.id, patient_id=with_referral["id"])
    for patient, counts in [(with_case, (1, 0)), (with_referral, (0, 1))]:
        response = await world.a.coordinator.client.delete(
            "/api/patients", params={"id": patient["id"]}
        )
        error = assert_error(response, 409, "conflict")
        assert (error["details"]["caseCount"], error["details"]["referralCount"]) == counts
        assert await get_row(app, Patient, patient["id"]) is not None


async def test_delete_takes_the_patients_own_documents_and_detaches_shared_ones(
    app: Any,
    world: World,
) -> None:
    client = world.a.coordinator.client
    patient = await create_patient(client)
    referral_id = await add_referral(app, world.a.id)
    own = await client.post(
        "/api/referral-documents",
        files={"file": ("lab.pdf", pdf_bytes(), "application/pdf")},
        data={"patientId": patient["id"], "documentType": "lab"},
    )
    shared = await client.post(
        "/api/referral-documents",
        files={"file": ("fax.pdf", pdf_bytes(), "application/pdf")},
        data={"patientId": patient["id"], "referralId": referral_id},
    )
    pending = await client.post(
        "/api/referral-documents",
        json={"patientId": patient["id"], "fileName": "x.pdf", "contentType": "application/pdf"},
    )
    assert {own.status_code, shared.status_code, pending.status_code} == {201}
    own_doc = await get_row(app, Document, own.json()["id"])
    stored = app.state.storage
    assert await stored.exists(own_doc.storage_key)

    response = await client.delete("/api/patients", params={"id": patient["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["deletedDocumentIds"]) == sorted([own.json()["id"], pending.json()["id"]])
    assert body["detachedDocumentIds"] == [shared.json()["id"]]
    assert await get_row(app, Document, own.json()["id"]) is None
    assert not await stored.exists(own_doc.storage_key)
    kept = await get_row(app, Document, shared.json()["id"])
    assert (kept.referral_id, kept.patient_id) == (referral_id, None)
    assert await document_count(app, world.a.id) == 1


async def test_delete_refusals_change_nothing(app: Any, world: World) -> None:
    mine = await create_patient(world.a.coordinator.client)
    viewer = await world.a.viewer.client.delete("/api/patients", params={"id": mine["id"]})
    assert_error(viewer, 403, "forbidden")
    other_org = await world.b.admin.client.delete("/api/patients", params={"id": mine["id"]})
    assert_error(other_org, 404, "not_found")
    no_id = await world.a.coordinator.client.request("DELETE", "/api/patients", json={})
    assert assert_error(no_id, 422, "validation_failed")["details"][0]["field"] == "id"
    unknown = await world.a.coordinator.client.request(
        "DELETE", "/api/patients", json={"patientId": mine["id"]}
    )
    assert_error(unknown, 422, "validation_failed")
    assert await get_row(app, Patient, mine["id"]) is not None
