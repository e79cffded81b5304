"""GraphQL: me, org, API keys and config as mutations; limits; masking; the validation cache."""

from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from app.graphql.schema import build_schema
from tests.conftest import World, gql

ME = "{ me { principal orgId user { email } apiKey { id } orgs { id name role } } }"
ORG = "query ($id: ID) { org(id: $id) { id name role config } }"
CREATE_KEY = """
mutation ($name: String!, $orgId: ID) {
  createApiKey(name: $name, orgId: $orgId) {
    __typename
    ... on CreateApiKeySuccess { key apiKey { id prefix orgId } }
    ... on MutationError { code message field }
  }
}"""
REVOKE_KEY = """
mutation ($id: ID!) {
  revokeApiKey(id: $id) {
    __typename
    ... on RevokeApiKeySuccess { apiKey { id revokedAt } }
    ... on MutationError { code message }
  }
}"""
UPDATE_CONFIG = """
mutation ($orgId: ID!, $config: JSON!) {
  updateOrgConfig(orgId: $orgId, config: $config) {
    __typename
    ... on UpdateOrgConfigSuccess { org { config } }
    ... on MutationError { code message field fieldErrors { field message } }
  }
}"""


async def test_me_for_a_user_and_for_a_key(world: World) -> None:
    user = await gql(world.a.coordinator.client, ME)
    assert user["data"]["me"]["user"]["email"] == world.a.coordinator.email
    assert user["data"]["me"]["orgs"] == [
        {"id": world.a.id, "name": world.a.name, "role": "COORDINATOR"}
    ]
    key = await gql(world.a.key_client, ME)
    assert key["data"]["me"]["principal"] == "api_key"
    assert key["data"]["me"]["apiKey"]["id"] == world.a.api_key_id


async def test_me_without_credentials_is_a_top_level_error(world: World) -> None:
    body = await gql(world.anon, ME)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_another_orgs_org_is_null(world: World) -> None:
    own = await gql(world.a.viewer.client, ORG, id=world.a.id)
    assert own["data"]["org"]["role"] == "VIEWER"
    foreign = await gql(world.b.admin.client, ORG, id=world.a.id)
    assert foreign["data"]["org"] is None and "errors" not in foreign
    node = await gql(
        world.b.admin.client, "query ($id: ID!) { node(id: $id) { id } }", id=world.a.id
    )
    assert node["data"]["node"] is None


async def test_api_keys_as_mutations(app: Any, world: World) -> None:
    made = (await gql(world.a.admin.client, CREATE_KEY, name="from graphql"))["data"][
        "createApiKey"
    ]
    assert made["__typename"] == "CreateApiKeySuccess" and made["key"].startswith("desk_")
    listed = await gql(world.a.admin.client, "{ apiKeys { id } }")
    assert made["apiKey"]["id"] in [k["id"] for k in listed["data"]["apiKeys"]]
    refused = (await gql(world.a.key_client, CREATE_KEY, name="x"))["data"]["createApiKey"]
    assert refused == {
        "__typename": "MutationError",
        "code": "forbidden",
        "message": refused["message"],
        "field": None,
    }
    viewer = (await gql(world.a.viewer.client, CREATE_KEY, name="x"))["data"]["createApiKey"]
    assert viewer["code"] == "forbidden"
    foreign = await gql(world.b.admin.client, REVOKE_KEY, id=made["apiKey"]["id"])
    assert foreign["data"]["revokeApiKey"]["code"] == "not_found"
    revoked = await gql(world.a.admin.client, REVOKE_KEY, id=made["apiKey"]["id"])
    assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"]


async def test_update_org_config_reports_the_field(world: World) -> None:
    bad = await gql(
        world.a.admin.client, UPDATE_CONFIG, orgId=world.a.id, config={"queues": "nope"}
    )
    result = bad["data"]["updateOrgConfig"]
    assert result["__typename"] == "MutationError" and result["code"] == "validation_failed"
    assert result["field"] == "queues"
    good = await gql(
        world.a.admin.client, UPDATE_CONFIG, orgId=world.a.id, config={"qaMinConfidence": 0.9}
    )
    assert good["data"]["updateOrgConfig"]["org"]["config"]["qaMinConfidence"] == 0.9
    viewer = await gql(
        world.a.viewer.client, UPDATE_CONFIG, orgId=world.a.id, config={"qaMinConfidence": 0.1}
    )
    assert viewer["data"]["updateOrgConfig"]["code"] == "forbidden"


async def test_depth_alias_and_token_limits(world: World) -> None:
    deep = "{ me { orgs { id " + "".join("... on Org { id " for _ in range(1)) + "} } } }"
    assert "errors" not in await gql(world.a.admin.client, deep)
    nested = '{ node(id: "x") { ' + "... on Org { id } " + "} " + "}"
    assert "errors" not in await gql(world.a.admin.client, nested)
    too_deep_schema = build_schema(max_depth=1, max_aliases=30, max_tokens=2000, mask_errors=True)
    result = await too_deep_schema.execute("{ me { orgs { id } apiKey { id } } }")
    assert result.errors and "exceeds maximum operation depth" in result.errors[0].message
    aliases = "{ " + " ".join(f"a{i}: me {{ principal }}" for i in range(31)) + " }"
    body = await gql(world.a.admin.client, aliases)
    assert body["errors"] and "aliases" in body["errors"][0]["message"].lower()
    tokens = "{ me { " + " ".join("principal" for _ in range(2100)) + " } }"
    body = await gql(world.a.admin.client, tokens)
    assert body["errors"] and "token" in body["errors"][0]["message"].lower()


async def test_unexpected_errors_are_masked_outside_development(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resolvers import auth

    async def broken(ctx: Any) -> Any:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(auth, "me", broken)
    body = await gql(world.a.admin.client, ME)
    assert body["errors"][0]["message"] == "Internal server error"
    assert "hunter2" not in str(body)


async def test_a_document_is_validated_once_then_served_from_the_cache(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = strawberry_schema.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    query = "{ cacheProbe: me { principal } }"
    for _ in range(3):
        assert "errors" not in await gql(world.a.admin.client, query)
    assert len(calls) == 1


SIGN_IN = """
mutation ($idToken: String!) {
  createSession(idToken: $idToken) {
    __typename
    ... on CreateSessionSuccess { expiresAt me { user { email } } }
    ... on MutationError { code message }
  }
}"""
SIGN_OUT = "mutation { endSession { __typename ... on EndSessionSuccess { ok } } }"


async def test_session_cookie_through_graphql(app: Any, world: World) -> None:
    from tests.conftest import client_for

    response = await world.anon.post(
        "/graphql", json={"query": SIGN_IN, "variables": {"idToken": world.a.viewer.token}}
    )
    result = response.json()["data"]["createSession"]
    assert result["me"]["user"]["email"] == world.a.viewer.email
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("__session=") and "HttpOnly" in set_cookie
    async with client_for(app, {"Cookie": set_cookie.split(";")[0]}) as browser:
        assert (await gql(browser, ME))["data"]["me"]["user"]["email"] == world.a.viewer.email
        out = await browser.post("/graphql", json={"query": SIGN_OUT})
        assert out.json()["data"]["endSession"]["ok"] is True
        assert "__session=" in out.headers["set-cookie"]
    refused = await gql(world.anon, SIGN_IN, idToken="not-a-token")
    assert refused["data"]["createSession"]["code"] == "unauthenticated"
