"""``orgId`` is taken on every org-scoped path and checked against the record's org; the
OpenAPI document says so, and says which paths an API key may not call."""

from typing import Any

import pytest

from app.db import transaction
from resolvers import orgs
from rest_compat import all_operations
from rest_compat.http import Operation, to_starlette_path
from rest_compat.openapi import build_openapi
from tests.case_fixtures import make_case, system_context
from tests.conftest import World, assert_error

ORG_SCOPED = [op for op in all_operations() if op.org_scoped]


def op_id(op: Operation) -> str:
    return f"{op.method} {op.path}"


async def join_both_orgs(app: Any, world: World) -> None:
    """Org A's admin becomes a member of org B too: then orgId picks between them."""
    async with transaction(app.state.sessions) as session:
        await orgs.add_member(
            system_context(app, session), org_id=world.b.id, email=world.a.admin.email, role="admin"
        )


async def test_match_and_create_referrer_take_org_id_and_check_it(app: Any, world: World) -> None:
    await join_both_orgs(app, world)
    client = world.a.admin.client
    made = await make_case(app, world.a.id)
    elsewhere = await client.post(
        "/api/cases/create-referrer", json={"caseId": made.id, "orgId": world.b.id}
    )
    assert_error(elsewhere, 404, "not_found")
    created = await client.post(
        "/api/cases/create-referrer", json={"caseId": made.id, "orgId": world.a.id}
    )
    assert created.status_code == 201, created.text
    practice = created.json()["practice"]["id"]

    other = await make_case(app, world.a.id)
    matched = await world.a.key_client.post(
        "/api/cases/match-referrer",
        json={"caseId": other.id, "practiceId": practice, "orgId": world.a.id},
    )
    assert matched.status_code == 200, matched.text
    assert matched.json()["practice"]["id"] == practice
    # An API key naming another org is refused, as everywhere else; nothing changed.
    foreign = await world.a.key_client.post(
        "/api/cases/match-referrer", json={"caseId": other.id, "orgId": world.b.id}
    )
    assert_error(foreign, 403, "forbidden")


async def test_a_record_path_checks_org_id_in_the_query_string(app: Any, world: World) -> None:
    await join_both_orgs(app, world)
    made = await make_case(app, world.a.id)
    client = world.a.admin.client
    ok = await client.get(f"/api/cases/{made.id}", params={"orgId": world.a.id})
    assert ok.status_code == 200, ok.text
    assert_error(await client.get(f"/api/cases/{made.id}", params={"orgId": world.b.id}), 404)
    patched = await client.patch(
        f"/api/cases/{made.id}", json={"queue": "ortho", "orgId": world.b.id}
    )
    assert_error(patched, 404)
    differing = await client.patch(
        f"/api/cases/{made.id}", params={"orgId": world.a.id}, json={"orgId": world.b.id}
    )
    # No record is of two orgs.
    assert "differs" in assert_error(differing, 403, "forbidden")["message"]


def test_the_document_declares_org_id_on_every_org_scoped_operation() -> None:
    document = build_openapi(all_operations(), "test")
    schemas = document["components"]["schemas"]
    for op in ORG_SCOPED:
        doc = document["paths"][to_starlette_path(op.path)][op.method.lower()]
        names = [p.get("name") for p in doc["parameters"]]
        assert "orgId" in names, op_id(op)
        for media, content in doc.get("requestBody", {}).get("content", {}).items():
            schema = content["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            assert "orgId" in schema["properties"], (op_id(op), media)


@pytest.mark.parametrize("op", ORG_SCOPED, ids=op_id)
async def test_an_api_key_naming_another_org_is_refused_everywhere(
    world: World, op: Operation
) -> None:
    path = to_starlette_path(op.path).replace("{", "x").replace("}", "")
    response = await world.a.key_client.request(
        op.method, path, params={"orgId": world.b.id}, json={}
    )
    assert_error(response, 403, "forbidden")


async def test_the_document_and_the_server_agree_on_who_may_manage_api_keys(
    app: Any, world: World
) -> None:
    document = build_openapi(all_operations(), "test")
    for method, doc in document["paths"]["/api/api-keys"].items():
        assert {"apiKey": []} not in doc["security"], method
        assert {"bearer": []} in doc["security"], method
    key = world.a.key_client
    assert_error(await key.get("/api/api-keys"), 403, "forbidden")
    assert_error(await key.post("/api/api-keys", json={"name": "x"}), 403, "forbidden")
    assert_error(await key.request("DELETE", "/api/api-keys", json={"id": world.a.api_key_id}), 403)
    assert (await world.a.admin.client.get("/api/api-keys")).status_code == 200
    # Every other operation that takes a credential still lists the API key.
    for path, methods in document["paths"].items():
        for method, doc in methods.items():
            # Queuing a case for the EMR is a person's act too (an API key is 403).
            user_only = path in ("/api/api-keys", "/api/cases/{caseId}/emr-queue")
            if not user_only and doc.get("security"):
                assert {"apiKey": []} in doc["security"], (method, path)
