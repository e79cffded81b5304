"""GraphQL: referrals connection, referral(id) and node, the linked graph, and mutations."""

import gc
from typing import Any

import pytest

from app.settings import Settings
from models import ReferralStage
from tests.conftest import World, gql
from tests.files import pdf_bytes
from tests.referral_fixtures import (
    active_run,
    extraction,
    load_referral,
    person,
    seed_referral,
)

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio

LIST = """
query ($orgId: ID, $first: Int!, $after: String, $stage: [ReferralStage!], $q: String,
       $receivedFrom: DateOrDateTime, $receivedTo: DateOrDateTime) {
  referrals(orgId: $orgId, first: $first, after: $after, stage: $stage, q: $q,
            receivedFrom: $receivedFrom, receivedTo: $receivedTo) {
    nodes { id stage }
    pageInfo { hasNextPage endCursor }
  }
}"""

PAGE_WITH_LINKS = """
query ($first: Int!) {
  referrals(first: $first) {
    nodes {
      id stage
      case { id status triageLevel priorityBand }
      patient { id firstName lastName dob }
      documents { id fileName pageCount }
      referrer { practice { id name } provider { id name npi } extracted { providerName npi } }
    }
  }
}"""

ONE = """
query ($id: ID!) {
  referral(id: $id) {
    id stage extraction { method patient { firstName dob sex } clinical { urgency } }
    qa { passed issues { field code severity } checkedAt }
    triage { level priorityBand queue source rules { name level matched { cue value } } setBy }
    case { id } patient { firstName } documents { fileName uploadComplete }
    duplicateOfReferral { id }
    job { id status kind }
    auditEvents { action actorId }
  }
}"""

NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on Referral { stage } } }"

CREATE = """
mutation ($input: CreateReferralInput!) {
  createReferral(input: $input) {
    __typename
    ... on CreateReferralSuccess {
      referral { id stage source documents { id uploadComplete } }
      document { id fileName }
      upload { url method headers expiresAt }
    }
    ... on MutationError { code message field }
  }
}"""

ADD_DOCUMENT = """
mutation ($input: AddReferralDocumentInput!) {
  addReferralDocument(input: $input) {
    __typename
    ... on AddReferralDocumentSuccess { referral { documents { fileName } } upload { method } }
    ... on MutationError { code message field }
  }
}"""

PROCESS = """
mutation ($id: ID!) {
  processReferral(id: $id) {
    __typename
    ... on ProcessReferralSuccess { referral { stage } job { id status kind } }
    ... on MutationError { code message }
  }
}"""

QA = """
mutation ($id: ID!) {
  runReferralQa(id: $id) {
    __typename
    ... on RunReferralQaSuccess { referral { stage } qa { passed issues { field code } } }
    ... on MutationError { code message }
  }
}"""

SET_TRIAGE = """
mutation ($input: SetTriageInput!) {
  setTriage(input: $input) {
    __typename
    ... on SetTriageSuccess {
      triage { level priorityBand queue source reason automatic { level source } }
    }
    ... on MutationError { code message field }
  }
}"""

AUTO_TRIAGE = """
mutation ($id: ID!) {
  runAutomaticTriage(referralId: $id) {
    __typename
    ... on SetTriageSuccess { triage { level source rules { name } } }
    ... on MutationError { code message }
  }
}"""

MARK_DUPLICATE = """
mutation ($id: ID!, $of: ID!) {
  markReferralDuplicate(id: $id, duplicateOf: $of) {
    __typename
    ... on MarkReferralDuplicateSuccess { referral { stage duplicateOfReferral { id } } }
    ... on MutationError { code message field }
  }
}"""

BULK = """
mutation ($input: BulkReferralActionInput!) {
  bulkReferralAction(input: $input) {
    __typename
    ... on BulkReferralActionSuccess { processed results { id ok caseId error { code } } }
    ... on MutationError { code message field }
  }
}"""


async def test_referrals_connection_pages_and_filters(
    app: Any, settings: Settings, world: World
) -> None:
    ids = [
        await seed_referral(app, settings, world.a.id, extracted=person("Ann", f"Lee{i}"))
        for i in range(3)
    ]
    review = await seed_referral(app, settings, world.a.id, stage=ReferralStage.review)
    await seed_referral(app, settings, world.b.id)
    client = world.a.viewer.client
    first = (await gql(client, LIST, first=2))["data"]["referrals"]
    assert [n["id"] for n in first["nodes"]] == [review, ids[2]]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gql(client, LIST, first=10, after=first["pageInfo"]["endCursor"]))["data"]
    assert [n["id"] for n in rest["referrals"]["nodes"]] == [ids[1], ids[0]]
    only_review = (await gql(client, LIST, first=10, stage=["REVIEW"]))["data"]["referrals"]
    assert [n["id"] for n in only_review["nodes"]] == [review]
    by_name = (await gql(client, LIST, first=10, q="ann lee1"))["data"]["referrals"]
    assert [n["id"] for n in by_name["nodes"]] == [ids[1]]


async def test_referrals_connection_limits_and_other_orgs(world: World) -> None:
    foreign = await gql(world.b.viewer.client, LIST, first=10, orgId=world.a.id)
    assert foreign["data"]["referrals"] is None and "errors" not in foreign
    too_many = await gql(world.a.viewer.client, LIST, first=101)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_stage = await gql(world.a.viewer.client, LIST, first=1, stage=["archived"])
    assert bad_stage["data"] is None and bad_stage["errors"]
    unauthenticated = await gql(world.anon, LIST, first=1)
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_referral_with_its_links_and_node(app: Any, settings: Settings, world: World) -> None:
    original = await seed_referral(app, settings, world.a.id)
    rid = await seed_referral(
        app, settings, world.a.id, extracted=extraction(), triaged=True, referrer=True
    )
    await world.a.coordinator.client.post(f"/api/referrals/{rid}/qa")
    await world.a.coordinator.client.post(
        "/api/referrals/bulk",
        json={"action": "mark_duplicate", "ids": [original], "duplicateOf": rid},
    )
    body = await gql(world.a.viewer.client, ONE, id=rid)
    assert "errors" not in body, body
    ref = body["data"]["referral"]
    assert ref["stage"] == "TRIAGED" and ref["case"]["id"]
    assert ref["patient"] == {"firstName": "Jane"}
    assert ref["extraction"] == {
        "method": "TEXT",
        "patient": {"firstName": "Jane", "dob": "1985-03-15", "sex": "F"},
        "clinical": {"urgency": "ROUTINE"},
    }
    assert ref["documents"] == [{"fileName": "fax-0.pdf", "uploadComplete": True}]
    assert ref["qa"]["passed"] is True and ref["qa"]["checkedAt"].endswith("Z")
    assert ref["triage"]["source"] == "auto" and ref["triage"]["level"] == 4
    assert ref["triage"]["rules"][0]["matched"] == [{"cue": "urgency", "value": "routine"}]
    assert ref["duplicateOfReferral"] is None and ref["job"] is None
    # The audit trail is for the org's admins; a viewer sees null.
    assert ref["auditEvents"] is None
    admin = (await gql(world.a.admin.client, ONE, id=rid))["data"]["referral"]
    assert {"referral.qa", "referral.triage"} <= {e["action"] for e in admin["auditEvents"]}

    dup = (await gql(world.a.viewer.client, ONE, id=original))["data"]["referral"]
    assert dup["stage"] == "DUPLICATE" and dup["duplicateOfReferral"] == {"id": rid}

    node = await gql(world.a.viewer.client, NODE, id=rid)
    assert node["data"]["node"] == {"__typename": "Referral", "id": rid, "stage": "TRIAGED"}
    for client in (world.b.viewer.client, world.b.key_client):
        assert (await gql(client, ONE, id=rid))["data"]["referral"] is None
        assert (await gql(client, NODE, id=rid))["data"]["node"] is None
    assert (await gql(world.a.viewer.client, ONE, id="ref_missing"))["data"]["referral"] is None


async def test_a_page_of_50_costs_the_same_statements_as_a_page_of_5(
    app: Any, settings: Settings, world: World, sql_counter: Any
) -> None:
    for i in range(50):
        await seed_referral(
            app,
            settings,
            world.a.id,
            extracted=person("Pat", f"Number{i}"),
            triaged=True,
            referrer=True,
            documents_count=2,
        )
    client = world.a.viewer.client
    await gql(client, PAGE_WITH_LINKS, first=1)  # warm up: auth caches, first connection

    async def statements(first: int) -> int:
        sql_counter.reset()
        body = await gql(client, PAGE_WITH_LINKS, first=first)
        assert "errors" not in body, body
        nodes = body["data"]["referrals"]["nodes"]
        assert len(nodes) == first
        assert all(n["case"] and n["patient"] and len(n["documents"]) == 2 for n in nodes)
        assert all(n["referrer"]["practice"]["name"] == "Valley Family Medicine" for n in nodes)
        assert all(n["referrer"]["provider"]["npi"] == "1234567893" for n in nodes)
        # The cases prefetched for `case` answer `referrer`'s loads too: read once.
        reads = [s for s in sql_counter.statements if "FROM cases" in s]
        assert len(reads) == 1, reads
        return int(sql_counter.count)

    small, large = await statements(5), await statements(50)
    assert small == large, (small, large)
    assert large <= 20, sql_counter.statements


async def test_a_page_leaves_nothing_of_its_request_to_the_garbage_collector(
    app: Any, settings: Settings, world: World
) -> None:
    """The executor, the request's context and its loaders (their rows, the session) are
    freed when the request ends, not held in a cycle until the collector runs."""
    from strawberry.dataloader import DataLoader

    from app.graphql.context import GraphQLContext
    from app.graphql.execution import ExecutionContext

    for i in range(3):
        await seed_referral(
            app, settings, world.a.id, extracted=person("Gc", f"Free{i}"), triaged=True
        )
    client = world.a.viewer.client
    await gql(client, PAGE_WITH_LINKS, first=3)  # warm up: auth caches, first connection
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        body = await gql(client, PAGE_WITH_LINKS, first=3)
        gc.collect()
        kinds = (ExecutionContext, GraphQLContext, DataLoader)
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, kinds)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert len(body["data"]["referrals"]["nodes"]) == 3
    assert left == []


async def test_create_and_add_document_mutations(app: Any, world: World) -> None:
    made = (
        await gql(
            world.a.coordinator.client,
            CREATE,
            input={"fileName": "fax.pdf", "contentType": "application/pdf", "sizeBytes": 100},
        )
    )["data"]["createReferral"]
    assert made["__typename"] == "CreateReferralSuccess", made
    assert made["upload"]["method"] == "PUT" and made["referral"]["stage"] == "RECEIVED"
    assert made["referral"]["documents"] == [
        {"id": made["document"]["id"], "uploadComplete": False}
    ]
    put = await world.anon.put(
        made["upload"]["url"], content=pdf_bytes(), headers=made["upload"]["headers"]
    )
    assert put.status_code == 200

    added = (
        await gql(
            world.a.key_client,
            ADD_DOCUMENT,
            input={
                "referralId": made["referral"]["id"],
                "fileName": "labs.png",
                "contentType": "image/png",
            },
        )
    )["data"]["addReferralDocument"]
    assert added["__typename"] == "AddReferralDocumentSuccess", added
    assert [d["fileName"] for d in added["referral"]["documents"]] == ["fax.pdf", "labs.png"]

    refused = (
        await gql(
            world.a.viewer.client,
            CREATE,
            input={"fileName": "fax.pdf", "contentType": "application/pdf"},
        )
    )["data"]["createReferral"]
    assert refused["__typename"] == "MutationError" and refused["code"] == "forbidden"
    wrong_type = (
        await gql(
            world.a.coordinator.client,
            CREATE,
            input={"fileName": "fax.exe", "contentType": "application/x-msdownload"},
        )
    )["data"]["createReferral"]
    assert wrong_type["code"] == "unsupported_media_type" and wrong_type["field"] == "contentType"
    foreign = (
        await gql(
            world.b.admin.client,
            ADD_DOCUMENT,
            input={
                "referralId": made["referral"]["id"],
                "fileName": "x.pdf",
                "contentType": "application/pdf",
            },
        )
    )["data"]["addReferralDocument"]
    assert foreign["code"] == "not_found"
    listed = (await gql(world.a.viewer.client, LIST, first=10))["data"]["referrals"]["nodes"]
    assert len(listed) == 1


async def test_process_qa_and_triage_mutations(app: Any, settings: Settings, world: World) -> None:
    rid = await seed_referral(
        app, settings, world.a.id, extracted=extraction(patient={"phone": "call me"})
    )
    client = world.a.coordinator.client
    checked = (await gql(client, QA, id=rid))["data"]["runReferralQa"]
    assert checked["referral"]["stage"] == "REVIEW" and checked["qa"]["passed"] is False
    assert checked["qa"]["issues"] == [{"field": "patient.phone", "code": "invalid_format"}]

    auto = (await gql(client, AUTO_TRIAGE, id=rid))["data"]["runAutomaticTriage"]
    assert auto["triage"]["source"] == "auto" and auto["triage"]["level"] == 4
    manual = (
        await gql(
            client,
            SET_TRIAGE,
            input={"referralId": rid, "level": 1, "reason": "Referrer called: urgent"},
        )
    )["data"]["setTriage"]
    assert manual["__typename"] == "SetTriageSuccess", manual
    assert manual["triage"]["priorityBand"] == "P1" and manual["triage"]["source"] == "manual"
    assert manual["triage"]["automatic"]["level"] == 4
    no_reason = (
        await gql(client, SET_TRIAGE, input={"referralId": rid, "level": 1, "reason": ""})
    )["data"]["setTriage"]
    assert no_reason == {
        "__typename": "MutationError",
        "code": "validation_failed",
        "message": no_reason["message"],
        "field": "reason",
    }

    queued = (await gql(client, PROCESS, id=rid))["data"]["processReferral"]
    assert queued["job"]["status"] == "QUEUED" and queued["referral"]["stage"] == "PROCESSING"
    job = (await gql(world.a.viewer.client, ONE, id=rid))["data"]["referral"]["job"]
    assert job["id"] == queued["job"]["id"]
    busy = await seed_referral(app, settings, world.a.id)
    await active_run(app, settings, busy)
    again = (await gql(client, PROCESS, id=busy))["data"]["processReferral"]
    assert again["code"] == "conflict"

    viewer = (await gql(world.a.viewer.client, QA, id=rid))["data"]["runReferralQa"]
    assert viewer["code"] == "forbidden"
    foreign = (await gql(world.b.admin.client, AUTO_TRIAGE, id=rid))["data"]["runAutomaticTriage"]
    assert foreign["code"] == "not_found"
    stored = await load_referral(app, rid)
    assert stored.triage is not None and stored.triage.source == "manual"


async def test_duplicate_and_bulk_mutations(app: Any, settings: Settings, world: World) -> None:
    first = await seed_referral(app, settings, world.a.id, extracted=person("Uma", "Vo"))
    second = await seed_referral(app, settings, world.a.id, extracted=person("Uma", "Vo"))
    client = world.a.coordinator.client
    marked = (await gql(client, MARK_DUPLICATE, id=second, of=first))["data"][
        "markReferralDuplicate"
    ]
    assert marked["referral"] == {"stage": "DUPLICATE", "duplicateOfReferral": {"id": first}}
    itself = (await gql(client, MARK_DUPLICATE, id=first, of=first))["data"][
        "markReferralDuplicate"
    ]
    assert itself["code"] == "validation_failed" and itself["field"] == "duplicateOf"

    bulk = (
        await gql(
            client,
            BULK,
            input={"action": "MOVE_TO_TRIAGED", "ids": [first, second, "ref_nope"]},
        )
    )["data"]["bulkReferralAction"]
    assert bulk["processed"] == 3
    assert [(r["ok"], r["error"]) for r in bulk["results"]] == [
        (True, None),
        (False, {"code": "conflict"}),
        (False, {"code": "not_found"}),
    ]
    assert bulk["results"][0]["caseId"]
    too_many = (
        await gql(
            client,
            BULK,
            input={"action": "MOVE_TO_TRIAGED", "ids": [f"ref_{i}" for i in range(501)]},
        )
    )["data"]["bulkReferralAction"]
    assert too_many["code"] == "validation_failed" and too_many["field"] == "ids"
    viewer = (
        await gql(world.a.viewer.client, BULK, input={"action": "MARK_DUPLICATE", "ids": [first]})
    )["data"]["bulkReferralAction"]
    assert viewer["code"] == "forbidden"


def test_the_page_prefetches_what_its_nodes_select_through_fragments_too() -> None:
    """The names under ``nodes`` the page prefetches for (``case``, ``patient``), read off
    the document: plain, aliased, in inline and named fragments; not those elsewhere."""
    from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

    from app.graphql.referrals import _node_fields

    document = parse(
        """
        query {
          referrals {
            nodes { id mine: case { id } ... on Referral { stage } ...Linked }
            pageInfo { hasNextPage }
          }
          other: referrals { totalCount }
        }
        fragment Linked on Referral { patient { id } documents { id } }
        """
    )
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    fields = list(operation.selection_set.selections)
    none: dict[str, Any] = {}
    assert _node_fields(fields, fragments, none) == {"id", "case", "stage", "patient", "documents"}  # type: ignore[arg-type]
    assert _node_fields(fields[1:], fragments, none) == set()  # type: ignore[arg-type]


SKIPPING = """
query ($first: Int!, $skip: Boolean!, $with: Boolean!) {
  referrals(first: $first) {
    nodes {
      id
      case @skip(if: $skip) { id }
      ... on Referral @include(if: $with) { patient { id } }
      ...Linked @skip(if: true)
    }
  }
}
fragment Linked on Referral { patient { firstName } case { status } }"""
PLAIN = "query ($first: Int!) { referrals(first: $first) { nodes { id } } }"


async def test_the_page_prefetches_nothing_its_directives_leave_out(
    app: Any, settings: Settings, world: World, sql_counter: Any
) -> None:
    """A case or patient a @skip or @include leaves out is not fetched (nor its read
    audited): the page sends what it sends without them; when they are in, they come."""
    for i in range(3):
        await seed_referral(
            app, settings, world.a.id, extracted=person("Skip", f"Me{i}"), triaged=True
        )
    client = world.a.viewer.client
    await gql(client, PLAIN, first=3)  # warm up: auth caches, first connection

    async def sent(query: str, **variables: Any) -> tuple[list[str], Any]:
        sql_counter.reset()
        body = await gql(client, query, first=3, **variables)
        assert "errors" not in body, body
        return list(sql_counter.statements), body["data"]["referrals"]["nodes"]

    plain, _ = await sent(PLAIN)
    left_out, nodes = await sent(SKIPPING, skip=True, **{"with": False})
    assert nodes == [{"id": n["id"]} for n in nodes] and len(nodes) == 3
    assert len(left_out) == len(plain), left_out
    both, nodes = await sent(SKIPPING, skip=False, **{"with": True})
    assert all(n["case"]["id"] and n["patient"]["id"] for n in nodes)
    assert len(both) == len(plain) + 2, both  # one query for the cases, one for the patients
