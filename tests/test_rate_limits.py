"""Rate limits per API key, per user and per client address, with the IETF headers."""

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from tests.conftest import (
    World,
    assert_error,
    assert_graphql_refusal,
    bearer,
    client_for,
    make_settings,
)

REDIS_URL = "redis://127.0.0.1:6379/0"

AppFactory = Callable[..., Any]


@pytest.fixture
def limited(database_url: str, tmp_path: Path) -> AppFactory:
    """An app of its own with the given settings (low limits), sharing the test database."""

    @asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[Any]:
        app = create_app(make_settings(database_url, tmp_path, **overrides))
        async with app.router.lifespan_context(app):
            yield app

    return build


def key_client(app: Any, world: World) -> httpx.AsyncClient:
    return client_for(app, {"x-api-key": world.a.api_key})


async def test_over_the_limit_is_429_with_retry_after_and_the_headers(
    limited: AppFactory, world: World
) -> None:
    async with limited(rate_limit_api_key="3/minute") as app, key_client(app, world) as client:
        answers = [await client.get("/api/auth/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    first, refused = answers[0], answers[3]
    assert first.headers["ratelimit-policy"] == '"api_key";q=3;w=60'
    remaining, reset = first.headers["ratelimit"].split(";")[1:]
    assert remaining == "r=2" and 0 < int(reset.removeprefix("t=")) <= 60
    assert answers[2].headers["ratelimit"].startswith('"api_key";r=0;')
    error = assert_error(refused, 429, "rate_limited")
    assert "rate limit" in error["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-policy"] == '"api_key";q=3;w=60'


async def test_users_and_keys_have_budgets_of_their_own(limited: AppFactory, world: World) -> None:
    async with (
        limited(rate_limit_api_key="2/minute", rate_limit_user="2/minute") as app,
        key_client(app, world) as key,
        client_for(app, bearer(world.a.admin.token)) as admin,
        client_for(app, bearer(world.a.viewer.token)) as viewer,
    ):
        statuses = [(await key.get("/api/auth/me")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert (await admin.get("/api/auth/me")).status_code == 200
        policy = (await admin.get("/api/auth/me")).headers["ratelimit-policy"]
        assert policy == '"user";q=2;w=60'
        assert (await admin.get("/api/auth/me")).status_code == 429
        assert (await viewer.get("/api/auth/me")).status_code == 200


async def test_signing_in_is_limited_per_client_address(limited: AppFactory, world: World) -> None:
    async with limited(rate_limit_session="3/minute") as app, client_for(app) as anon:
        answers = [
            await anon.post("/api/auth/session", json={"idToken": "guess"}) for _ in range(4)
        ]
        guessed_key = await anon.get("/api/auth/me", headers={"x-api-key": "desk_guess"})
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert_error(answers[3], 429, "rate_limited")
    assert answers[0].headers["ratelimit-policy"] == '"anonymous";q=3;w=60'
    # Guessing API keys draws on the same budget.
    assert_error(guessed_key, 429, "rate_limited")


async def test_graphql_over_the_limit_is_a_top_level_error(
    limited: AppFactory, world: World
) -> None:
    async with (
        limited(rate_limit_user="2/minute") as app,
        client_for(app, bearer(world.a.admin.token)) as admin,
    ):
        for _ in range(2):
            ok = await admin.post("/graphql", json={"query": "{ me { principal } }"})
            assert ok.status_code == 200 and "errors" not in ok.json(), ok.text
        refused = await admin.post("/graphql", json={"query": "{ me { principal } }"})
    assert_graphql_refusal(refused, 429, "RATE_LIMITED")
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit"].startswith('"user";r=0;')


async def test_an_orgs_own_limit_replaces_the_setting(limited: AppFactory, world: World) -> None:
    patch = {"rateLimits": {"apiKey": "5/minute"}}
    changed = await world.a.admin.client.patch(f"/api/orgs/{world.a.id}/config", json=patch)
    assert changed.status_code == 200, changed.text
    wrong = {"rateLimits": {"apiKey": "many"}}
    refused = await world.a.admin.client.patch(f"/api/orgs/{world.a.id}/config", json=wrong)
    assert_error(refused, 422, "validation_failed")
    async with limited(rate_limit_api_key="2/minute") as app, key_client(app, world) as client:
        statuses = [(await client.get("/api/auth/me")).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        # Org B keeps the setting.
        async with client_for(app, {"x-api-key": world.b.api_key}) as other:
            assert [(await other.get("/api/auth/me")).status_code for _ in range(3)] == [
                200,
                200,
                429,
            ]


async def test_two_instances_sharing_redis_share_one_budget(
    limited: AppFactory, world: World
) -> None:
    settings = {
        "rate_limit_api_key": "4/minute",
        "redis_url": REDIS_URL,
        "redis_key_prefix": "intakedesk-test-" + secrets.token_hex(6),
    }
    async with (
        limited(**settings) as one,
        limited(**settings) as two,
        key_client(one, world) as first,
        key_client(two, world) as second,
    ):
        statuses = []
        for client in (first, second, first, second, first, second):
            statuses.append((await client.get("/api/auth/me")).status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_an_unreachable_redis_does_not_take_the_service_down(
    limited: AppFactory, world: World
) -> None:
    async with limited(redis_url="redis://127.0.0.1:1/0") as app, key_client(app, world) as c:
        response = await c.get("/api/auth/me")
    assert response.status_code == 200


async def test_the_openapi_document_declares_429_on_every_secured_operation(
    world: World,
) -> None:
    doc = (await world.anon.get("/api/openapi.json")).json()
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if path == "/api/auth/session" or operation.get("security"):
                assert "429" in operation["responses"], (method, path)
                ok = operation["responses"][next(iter(operation["responses"]))]
                assert "RateLimit" in ok["headers"], (method, path)
