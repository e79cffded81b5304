"""Patients in GraphQL: search connection, patient(id), node, links and mutations."""

from typing import Any

from models import Patient
from tests.conftest import World, gql
from tests.files import pdf_bytes
from tests.patient_fixtures import add_case, add_referral, create_patient, get_row, patient_count

SEARCH = """
query ($orgId: ID, $q: String, $first: Int!, $after: String) {
  patients(orgId: $orgId, q: $q, first: $first, after: $after) {
    nodes { id firstName lastName dob phone address { state zip } insurance { memberId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PATIENT = """
query ($id: ID!) {
  patient(id: $id) {
    id firstName dob
    cases { id patientId }
    referrals { id }
    documents { id fileName }
    auditEvents { action resourceId }
  }
}
"""

NODE = """
query ($id: ID!) { node(id: $id) { id ... on Patient { lastName } } }
"""

CREATE = """
mutation ($input: CreatePatientInput!) {
  createPatient(input: $input) {
    __typename
    ... on CreatePatientSuccess { patient { id orgId firstName dob sex phone address { state } } }
    ... on MutationError { code message field fieldErrors { field message } }
  }
}
"""

UPDATE = """
mutation ($input: UpdatePatientInput!) {
  updatePatient(input: $input) {
    __typename
    ... on UpdatePatientSuccess { patient { id firstName lastName email phone dob } }
    ... on MutationError { code field }
  }
}
"""

DELETE = """
mutation ($id: ID!) {
  deletePatient(id: $id) {
    __typename
    ... on DeletePatientSuccess { deletedId deletedDocumentIds detachedDocumentIds }
    ... on MutationError { code message }
  }
}
"""

PAGE_WITH_LINKS = """
query ($q: String) {
  patients(q: $q, first: 20) {
    nodes { id cases { id } referrals { id } documents { id } }
  }
}
"""


async def test_search_answers_a_connection_of_the_orgs_patients(world: World) -> None:
    jane = await create_patient(world.a.coordinator.client, firstName="Jane", lastName="Doe")
    await create_patient(world.b.coordinator.client, firstName="Jane", lastName="Doe")
    body = await gql(world.a.viewer.client, SEARCH, q="Doe, Jane", first=10)
    assert "errors" not in body, body
    page = body["data"]["patients"]
    assert [n["id"] for n in page["nodes"]] == [jane["id"]]
    node = page["nodes"][0]
    assert node["dob"] == "1985-03-15"
    assert node["address"] == {"state": "CA", "zip": "90210"}
    assert node["insurance"] == {"memberId": "XYZ123"}
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_search_pages_and_limits_first(world: World) -> None:
    made = [await create_patient(world.a.coordinator.client, lastName="Gqlpage") for _ in range(3)]
    first = await gql(world.a.viewer.client, SEARCH, q="gqlpage", first=2)
    page = first["data"]["patients"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        world.a.viewer.client, SEARCH, q="gqlpage", first=2, after=page["pageInfo"]["endCursor"]
    )
    ids = [n["id"] for n in page["nodes"] + rest["data"]["patients"]["nodes"]]
    assert ids == [p["id"] for p in reversed(made)]
    too_many = await gql(world.a.viewer.client, SEARCH, first=101)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_search_of_another_org_is_null(world: World) -> None:
    body = await gql(world.a.viewer.client, SEARCH, orgId=world.b.id, first=5)
    assert body["data"]["patients"] is None
    anon = await gql(world.anon, SEARCH, first=5)
    assert anon["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_patient_by_id_and_node_answer_null_for_another_org(world: World) -> None:
    mine = await create_patient(world.a.coordinator.client)
    ok = await gql(world.a.viewer.client, PATIENT, id=mine["id"])
    assert ok["data"]["patient"]["firstName"] == mine["firstName"]
    node = await gql(world.a.key_client, NODE, id=mine["id"])
    assert node["data"]["node"] == {"id": mine["id"], "lastName": "Doe"}
    for client in (world.b.admin.client, world.b.key_client):
        assert (await gql(client, PATIENT, id=mine["id"]))["data"]["patient"] is None
        assert (await gql(client, NODE, id=mine["id"]))["data"]["node"] is None
    assert (await gql(world.a.viewer.client, PATIENT, id="pat_missing"))["data"]["patient"] is None


async def test_patient_links_cases_referrals_documents_and_audit(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client)
    case_id = await add_case(app, world.a.id, patient_id=patient["id"])
    referral_id = await add_referral(app, world.a.id, patient_id=patient["id"])
    upload = await world.a.coordinator.client.post(
        "/api/referral-documents",
        files={"file": ("lab.pdf", pdf_bytes(), "application/pdf")},
        data={"patientId": patient["id"]},
    )
    assert upload.status_code == 201, upload.text
    admin = await gql(world.a.admin.client, PATIENT, id=patient["id"])
    assert "errors" not in admin, admin
    linked = admin["data"]["patient"]
    assert linked["cases"] == [{"id": case_id, "patientId": patient["id"]}]
    assert linked["referrals"] == [{"id": referral_id}]
    assert linked["documents"] == [{"id": upload.json()["id"], "fileName": "lab.pdf"}]
    actions = {e["action"] for e in linked["auditEvents"]}
    assert {"patient.create", "patient.read"} <= actions
    assert {e["resourceId"] for e in linked["auditEvents"]} == {patient["id"]}
    viewer = await gql(world.a.viewer.client, PATIENT, id=patient["id"])
    assert viewer["data"]["patient"]["auditEvents"] is None
    assert viewer["data"]["patient"]["cases"] == linked["cases"]


async def test_a_page_with_links_costs_the_same_statements_for_more_patients(
    app: Any, world: World, sql_counter: Any
) -> None:
    async def page_cost(last_name: str, size: int) -> int:
        for _ in range(size):
            patient = await create_patient(world.a.coordinator.client, lastName=last_name)
            await add_case(app, world.a.id, patient_id=patient["id"])
            await add_referral(app, world.a.id, patient_id=patient["id"])
        sql_counter.reset()
        body = await gql(world.a.viewer.client, PAGE_WITH_LINKS, q=last_name)
        assert len(body["data"]["patients"]["nodes"]) == size
        assert all(len(n["cases"]) == 1 for n in body["data"]["patients"]["nodes"])
        return int(sql_counter.count)

    assert await page_cost("Fewlinks", 2) == await page_cost("Manylinks", 7)


async def test_create_patient_and_its_errors_as_data(app: Any, world: World) -> None:
    made = await gql(
        world.a.coordinator.client,
        CREATE,
        input={
            "firstName": "Ana",
            "lastName": "Lima",
            "dob": "02/29/2000",
            "sex": "X",
            "phone": "555.234.9876",
            "address": {"state": "tx", "zip": "75001"},
        },
    )
    result = made["data"]["createPatient"]
    assert result["__typename"] == "CreatePatientSuccess", result
    patient = result["patient"]
    assert (patient["orgId"], patient["dob"], patient["sex"]) == (world.a.id, "2000-02-29", "X")
    assert (patient["phone"], patient["address"]) == ("+15552349876", {"state": "TX"})

    before = await patient_count(app, world.a.id)
    bad = await gql(
        world.a.coordinator.client,
        CREATE,
        input={"firstName": "Ana", "lastName": "Lima", "dob": "2001-02-29"},
    )
    error = bad["data"]["createPatient"]
    assert (error["__typename"], error["code"], error["field"]) == (
        "MutationError",
        "validation_failed",
        "dob",
    )
    viewer = await gql(world.a.viewer.client, CREATE, input={"firstName": "V", "lastName": "Iewer"})
    assert viewer["data"]["createPatient"]["code"] == "forbidden"
    foreign = await gql(
        world.a.key_client, CREATE, input={"firstName": "K", "lastName": "Ey", "orgId": world.b.id}
    )
    assert foreign["data"]["createPatient"]["code"] == "forbidden"
    assert await patient_count(app, world.a.id) == before


async def test_update_patient_changes_only_what_is_sent(app: Any, world: World) -> None:
    created = await create_patient(world.a.coordinator.client)
    body = await gql(
        world.a.coordinator.client,
        UPDATE,
        input={"id": created["id"], "lastName": "Díaz", "email": None},
    )
    patient = body["data"]["updatePatient"]["patient"]
    assert (patient["lastName"], patient["email"]) == ("Díaz", None)
    assert (patient["firstName"], patient["phone"], patient["dob"]) == (
        created["firstName"],
        created["phone"],
        created["dob"],
    )
    row = await get_row(app, Patient, created["id"])
    assert row.last_name_key == "diaz"
    refused = await gql(
        world.a.viewer.client, UPDATE, input={"id": created["id"], "lastName": "Nope"}
    )
    assert refused["data"]["updatePatient"]["code"] == "forbidden"
    foreign = await gql(
        world.b.admin.client, UPDATE, input={"id": created["id"], "lastName": "Nope"}
    )
    assert foreign["data"]["updatePatient"]["code"] == "not_found"
    future = await gql(
        world.a.coordinator.client, UPDATE, input={"id": created["id"], "dob": "2999-01-01"}
    )
    assert future["data"]["updatePatient"] == {
        "__typename": "MutationError",
        "code": "validation_failed",
        "field": "dob",
    }
    assert (await get_row(app, Patient, created["id"])).last_name == "Díaz"


async def test_delete_patient_conflicts_while_a_case_refers_to_it(app: Any, world: World) -> None:
    kept = await create_patient(world.a.coordinator.client)
    await add_case(app, world.a.id, patient_id=kept["id"])
    conflict = await gql(world.a.coordinator.client, DELETE, id=kept["id"])
    assert conflict["data"]["deletePatient"]["code"] == "conflict"
    assert await get_row(app, Patient, kept["id"]) is not None

    gone = await create_patient(world.a.coordinator.client)
    assert (await gql(world.a.viewer.client, DELETE, id=gone["id"]))["data"]["deletePatient"][
        "code"
    ] == "forbidden"
    assert (await gql(world.b.admin.client, DELETE, id=gone["id"]))["data"]["deletePatient"][
        "code"
    ] == "not_found"
    done = await gql(world.a.coordinator.client, DELETE, id=gone["id"])
    assert done["data"]["deletePatient"] == {
        "__typename": "DeletePatientSuccess",
        "deletedId": gone["id"],
        "deletedDocumentIds": [],
        "detachedDocumentIds": [],
    }
    assert await get_row(app, Patient, gone["id"]) is None
