"""Cases, referrers and locations through /graphql: queries, links, node ids and mutations."""

from datetime import UTC, datetime, timedelta
from typing import Any

from models import ContactEvent
from tests.case_fixtures import audit_actions, count_rows, get_case, make_case, make_location
from tests.conftest import SqlCounter, World, gql

CASES = """
query Cases($orgId: ID, $first: Int!, $after: String, $status: CaseStatus,
            $band: PriorityBand, $locationId: ID) {
  cases(orgId: $orgId, first: $first, after: $after, status: $status,
        priorityBand: $band, locationId: $locationId) {
    nodes {
      id status priorityBand
      patient { id firstName }
      referrals { id }
      contactEvents { kind channel outcome }
      location { id emrLocationId }
      practice { id name providers { id } }
      provider { id name practice { id } }
      assignee { id email }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CASE = """
query Case($id: ID!) {
  case(id: $id) { id status auditEvents { action } patient { id } }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Case { status }
    ... on ContactEvent { kind }
    ... on Practice { name }
    ... on Provider { name }
    ... on Location { name }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateCaseInput!) {
  updateCase(input: $input) {
    __typename
    ... on UpdateCaseSuccess { case { id priorityBand queue locationId assigneeId } }
    ... on MutationError { code message field fieldErrors { field message } }
  }
}
"""

LOG = """
mutation Log($input: LogContactInput!) {
  logContact(input: $input) {
    __typename
    ... on LogContactSuccess { case { status scheduledFor closeReason } contactEvent { id kind } }
    ... on MutationError { code message field }
  }
}
"""

MATCH = """
mutation Match($input: MatchReferrerInput!) {
  matchReferrer(input: $input) {
    __typename
    ... on ReferrerLinkSuccess { case { practiceId providerId } aliases { kind key } }
    ... on MutationError { code field }
  }
}
"""

CREATE_REFERRER = """
mutation Create($input: CreateReferrerInput!) {
  createReferrer(input: $input) {
    __typename
    ... on ReferrerLinkSuccess {
      case { practiceId providerId }
      practice { id name npi fax }
      provider { id name npi practice { id } }
      created
    }
    ... on MutationError { code field fieldErrors { field } }
  }
}
"""

CREATE_LOCATION = """
mutation Loc($input: CreateLocationInput!) {
  createLocation(input: $input) {
    __typename
    ... on CreateLocationSuccess { location { id name emrLocationId } }
    ... on MutationError { code field }
  }
}
"""

LISTS = """
query Lists($q: String) {
  practices(q: $q, first: 10) { nodes { name providers { name } } }
  providers(q: $q, first: 10) { nodes { name practice { name } } }
  locations(first: 10) { nodes { name } }
}
"""


def soon(days: int = 2) -> str:
    when = datetime.now(UTC) + timedelta(days=days)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def busy_cases(world: World, app: Any, count: int) -> list[str]:
    """Cases with every link filled: location, assignee, contact, practice and provider."""
    client = world.a.coordinator.client
    location = await make_location(world.a.admin.client, world.a.id, f"Clinic {count}")
    ids = []
    for n in range(count):
        referrer = {"providerName": f"Doc {count} {n}", "practiceName": f"Prac {count} {n}"}
        made = await make_case(app, world.a.id, referrer=referrer)
        await client.patch(
            f"/api/cases/{made.id}",
            json={"locationId": location["id"], "assigneeId": world.a.coordinator.user_id},
        )
        await client.post(
            f"/api/cases/{made.id}/contact",
            json={"type": "attempt", "channel": "sms", "outcome": "message_sent"},
        )
        response = await client.post("/api/cases/create-referrer", json={"caseId": made.id})
        assert response.status_code == 201, response.text
        ids.append(made.id)
    return ids


async def test_cases_connection_links_everything_in_a_constant_number_of_statements(
    world: World, app: Any, sql_counter: SqlCounter
) -> None:
    few = await busy_cases(world, app, 2)
    sql_counter.reset()
    body = await gql(world.a.viewer.client, CASES, orgId=world.a.id, first=50)
    assert "errors" not in body, body
    small = sql_counter.count
    nodes = body["data"]["cases"]["nodes"]
    assert [n["id"] for n in nodes] == list(reversed(few))
    node = nodes[0]
    assert node["patient"]["id"].startswith("pat_")
    assert len(node["referrals"]) == 1
    assert node["contactEvents"] == [
        {"kind": "ATTEMPT", "channel": "sms", "outcome": "message_sent"}
    ]
    assert node["location"]["id"].startswith("loc_")
    assert node["assignee"]["id"] == world.a.coordinator.user_id
    assert node["provider"]["practice"]["id"] == node["practice"]["id"]
    assert node["practice"]["providers"] == [{"id": node["provider"]["id"]}]

    await busy_cases(world, app, 5)
    sql_counter.reset()
    body = await gql(world.a.viewer.client, CASES, orgId=world.a.id, first=50)
    assert len(body["data"]["cases"]["nodes"]) == 7
    assert sql_counter.count == small, sql_counter.statements


async def test_cases_connection_filters_and_pages(world: World, app: Any) -> None:
    urgent = await make_case(
        app, world.a.id, triage={"level": 1, "priorityBand": "P1", "queue": "intake"}
    )
    others = [await make_case(app, world.a.id) for _ in range(2)]
    client = world.a.viewer.client
    body = await gql(client, CASES, first=50, band="P1")
    assert [n["id"] for n in body["data"]["cases"]["nodes"]] == [urgent.id]
    page = (await gql(client, CASES, first=2))["data"]["cases"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await gql(client, CASES, first=2, after=page["pageInfo"]["endCursor"]))["data"]
    assert [n["id"] for n in rest["cases"]["nodes"]] == [urgent.id]
    assert [n["id"] for n in page["nodes"]] == [o.id for o in reversed(others)]
    body = await gql(client, CASES, first=101)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(client, CASES, first=5, status="pending")
    assert "errors" in body and body.get("data") is None
    # Another org's cases: null, not an error.
    body = await gql(client, CASES, orgId=world.b.id, first=5)
    assert body["data"]["cases"] is None and "errors" not in body


async def test_case_and_node_answer_null_for_another_org(world: World, app: Any) -> None:
    theirs = await make_case(app, world.b.id)
    client = world.a.admin.client
    assert await gql(client, CASE, id=theirs.id) == {"data": {"case": None}}
    assert await gql(client, NODE, id=theirs.id) == {"data": {"node": None}}
    assert await gql(client, NODE, id="case_missing") == {"data": {"node": None}}


async def test_node_resolves_every_case_domain_prefix(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    location = await make_location(world.a.admin.client, world.a.id, "West")
    logged = await world.a.coordinator.client.post(
        f"/api/cases/{made.id}/contact", json={"type": "note", "note": "hello"}
    )
    link = await world.a.coordinator.client.post(
        "/api/cases/create-referrer", json={"caseId": made.id}
    )
    expected = {
        made.id: ("Case", "status", "OPEN"),
        logged.json()["contactEvent"]["id"]: ("ContactEvent", "kind", "NOTE"),
        link.json()["practice"]["id"]: ("Practice", "name", "Valley Family Medicine"),
        link.json()["provider"]["id"]: ("Provider", "name", "John Smith"),
        location["id"]: ("Location", "name", "West"),
    }
    for id_, (typename, field, value) in expected.items():
        body = await gql(world.a.viewer.client, NODE, id=id_)
        node = body["data"]["node"]
        assert (node["__typename"], node["id"], node[field]) == (typename, id_, value)
        # The other org sees none of them.
        assert (await gql(world.b.admin.client, NODE, id=id_))["data"]["node"] is None


async def test_audit_events_of_a_case_are_for_admins(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    await world.a.coordinator.client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P1"})
    admin = (await gql(world.a.admin.client, CASE, id=made.id))["data"]["case"]
    assert {"case.create", "case.update"} <= {e["action"] for e in admin["auditEvents"]}
    coordinator = (await gql(world.a.coordinator.client, CASE, id=made.id))["data"]["case"]
    assert coordinator["auditEvents"] is None and coordinator["patient"]["id"] == made.patient_id
    # Reading the case and its patient through the graph is audited too.
    assert "case.read" in await audit_actions(app, org_id=world.a.id)
    assert "patient.read" in await audit_actions(app, org_id=world.a.id)


async def test_update_case_changes_only_what_is_sent(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    location = await make_location(world.a.admin.client, world.a.id)
    client = world.a.coordinator.client
    body = await gql(
        client,
        UPDATE,
        input={"id": made.id, "locationId": location["id"], "priorityBand": "P1"},
    )
    case = body["data"]["updateCase"]["case"]
    assert (case["locationId"], case["priorityBand"], case["queue"]) == (
        location["id"],
        "P1",
        "intake",
    )
    body = await gql(client, UPDATE, input={"id": made.id, "locationId": None})
    assert body["data"]["updateCase"]["case"]["locationId"] is None
    assert body["data"]["updateCase"]["case"]["priorityBand"] == "P1"


async def test_update_case_errors_are_data(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    theirs = await make_case(app, world.b.id)
    loc_b = await make_location(world.b.admin.client, world.b.id)
    result = (
        await gql(
            world.a.coordinator.client, UPDATE, input={"id": made.id, "locationId": loc_b["id"]}
        )
    )["data"]["updateCase"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "MutationError",
        "validation_failed",
        "locationId",
    )
    result = (await gql(world.a.viewer.client, UPDATE, input={"id": made.id, "queue": "intake"}))[
        "data"
    ]["updateCase"]
    assert result["code"] == "forbidden"
    result = (await gql(world.a.admin.client, UPDATE, input={"id": theirs.id, "queue": "intake"}))[
        "data"
    ]["updateCase"]
    assert result["code"] == "not_found"
    assert (await get_case(world.a.viewer.client, made.id))["locationId"] is None


async def test_log_contact_moves_the_case_and_refuses_impossible_moves(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    when = soon()
    result = (
        await gql(client, LOG, input={"caseId": made.id, "kind": "SCHEDULED", "scheduledFor": when})
    )["data"]["logContact"]
    assert result["case"] == {"status": "SCHEDULED", "scheduledFor": when, "closeReason": None}
    result = (await gql(client, LOG, input={"caseId": made.id, "kind": "CLOSE", "reason": "seen"}))[
        "data"
    ]["logContact"]
    assert result["case"]["status"] == "CLOSED" and result["case"]["closeReason"] == "seen"
    result = (
        await gql(
            client,
            LOG,
            input={"caseId": made.id, "kind": "ATTEMPT", "channel": "phone", "outcome": "reached"},
        )
    )["data"]["logContact"]
    assert (result["__typename"], result["code"]) == ("MutationError", "conflict")
    result = (await gql(client, LOG, input={"caseId": made.id, "kind": "NOTE"}))["data"][
        "logContact"
    ]
    assert (result["code"], result["field"]) == ("validation_failed", "note")
    assert await count_rows(app, ContactEvent, case_id=made.id) == 2
    body = await gql(client, LOG, input={"caseId": made.id, "kind": "NOTE", "note": "x"})
    assert body["data"]["logContact"]["contactEvent"]["kind"] == "NOTE"
    viewer = await gql(
        world.a.viewer.client, LOG, input={"caseId": made.id, "kind": "NOTE", "note": "x"}
    )
    assert viewer["data"]["logContact"]["code"] == "forbidden"


async def test_create_and_match_referrer_mutations(world: World, app: Any) -> None:
    first = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    result = (
        await gql(
            client,
            CREATE_REFERRER,
            input={"caseId": first.id, "practice": {"fax": None}, "provider": {}},
        )
    )["data"]["createReferrer"]
    assert result["__typename"] == "ReferrerLinkSuccess", result
    assert result["practice"]["name"] == "Valley Family Medicine"
    assert result["practice"]["fax"] is None
    assert result["provider"]["practice"]["id"] == result["practice"]["id"]
    assert result["case"] == {
        "practiceId": result["practice"]["id"],
        "providerId": result["provider"]["id"],
    }
    bad = (
        await gql(client, CREATE_REFERRER, input={"caseId": first.id, "provider": {"npi": "1"}})
    )["data"]["createReferrer"]
    assert (bad["code"], [f["field"] for f in bad["fieldErrors"]]) == (
        "validation_failed",
        ["provider.npi"],
    )

    second = await make_case(app, world.a.id, referrer={"practiceName": "Valley Fam. Med."})
    result = (
        await gql(
            client,
            MATCH,
            input={"caseId": second.id, "practiceId": result["practice"]["id"]},
        )
    )["data"]["matchReferrer"]
    assert result["case"]["practiceId"] is not None
    assert {"kind": "PRACTICE", "key": "valley fam med"} in result["aliases"]
    theirs = await make_case(app, world.b.id)
    result = (
        await gql(
            client, MATCH, input={"caseId": theirs.id, "practiceId": result["case"]["practiceId"]}
        )
    )["data"]["matchReferrer"]
    assert result["code"] == "not_found"


async def test_create_location_and_lists(world: World, app: Any) -> None:
    result = (
        await gql(
            world.a.admin.client,
            CREATE_LOCATION,
            input={"name": "East Clinic", "emrLocationId": "EMR_9"},
        )
    )["data"]["createLocation"]
    assert result["location"]["emrLocationId"] == "EMR_9"
    result = (await gql(world.a.coordinator.client, CREATE_LOCATION, input={"name": "Nope"}))[
        "data"
    ]["createLocation"]
    assert result["code"] == "forbidden"
    result = (
        await gql(
            world.a.admin.client,
            CREATE_LOCATION,
            input={"name": "Dup", "emrLocationId": "EMR_9"},
        )
    )["data"]["createLocation"]
    assert (result["code"], result["field"]) == ("conflict", "emrLocationId")

    made = await make_case(app, world.a.id)
    await world.a.coordinator.client.post("/api/cases/create-referrer", json={"caseId": made.id})
    data = (await gql(world.a.viewer.client, LISTS, q="smith"))["data"]
    assert data["practices"]["nodes"] == []
    assert data["providers"]["nodes"] == [
        {"name": "John Smith", "practice": {"name": "Valley Family Medicine"}}
    ]
    assert data["locations"]["nodes"] == [{"name": "East Clinic"}]
    data = (await gql(world.a.viewer.client, LISTS, q="valley"))["data"]
    assert data["practices"]["nodes"] == [
        {"name": "Valley Family Medicine", "providers": [{"name": "John Smith"}]}
    ]
    data = (await gql(world.b.viewer.client, LISTS))["data"]
    assert data["practices"]["nodes"] == [] and data["locations"]["nodes"] == []


async def test_anonymous_graph_queries_are_refused(world: World) -> None:
    body = await gql(world.anon, CASES, first=5)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
