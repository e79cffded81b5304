"""GraphQL cost limit: a static estimate, refused over budget before any SQL runs."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from app.graphql.cost import estimate, rate_points
from app.graphql.schema import build_schema
from app.main import create_app
from app.settings import Settings
from tests.conftest import SqlCounter, World, bearer, client_for, gql, make_settings

ME = "{ me { principal } }"
HUNDRED_REFERRALS = "{ referrals(first: 100) { nodes { id case { id patient { id } } } } }"
# 1 + 1 + 100 × (referrals 1 + 10 × (1 + documents 1 + case (1 + referrals 1 + 10 × 1)))
TOO_COSTLY = """{ cases(first: 100) { nodes { referrals {
  documents { id } case { referrals { documents { id } } } } } } }"""


def cost_of(query: str, **variables: Any) -> int:
    schema = build_schema()._schema
    return estimate(schema, parse(query), None, variables)


def test_a_link_costs_one_and_a_list_its_length_times_its_selection() -> None:
    assert cost_of(ME) == 1
    assert cost_of("{ me { principal orgs { id name } } }") == 2 + 10 * 0
    assert cost_of(HUNDRED_REFERRALS) == 1 + (1 + 100 * 2)
    # `first` from a variable, or the field's default (50) when it is not given.
    query = "query($n: Int!) { referrals(first: $n) { nodes { id case { id } } } }"
    assert cost_of(query, n=10) == 1 + (1 + 10)
    assert cost_of("{ referrals { nodes { id case { id } } } }") == 1 + (1 + 50)
    # Fragments count where they are spread.
    fragment = "fragment R on Referral { case { id } } { referrals(first: 20) { nodes { ...R } } }"
    assert cost_of(fragment) == 1 + (1 + 20)
    assert cost_of(TOO_COSTLY) > 10_000


def test_the_rate_limit_weighs_what_a_query_asks_for() -> None:
    assert rate_points(cost_of(ME)) == 0
    assert rate_points(cost_of(HUNDRED_REFERRALS)) == 2


async def test_an_over_budget_query_is_refused_before_any_sql(
    world: World, sql_counter: SqlCounter
) -> None:
    sql_counter.reset()
    body = await gql(world.anon, TOO_COSTLY)
    assert sql_counter.count == 0, sql_counter.statements
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["budget"] == 10_000
    assert str(error["extensions"]["cost"]) in error["message"] and "10000" in error["message"]


async def test_an_over_budget_query_runs_nothing_beyond_signing_in(
    world: World, sql_counter: SqlCounter
) -> None:
    client = world.a.admin.client
    await gql(client, "{ __typename }")
    sql_counter.reset()
    await gql(client, "{ __typename }")  # signs in, runs no resolver
    signing_in = sql_counter.count
    sql_counter.reset()
    body = await gql(client, TOO_COSTLY)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert sql_counter.count == signing_in, sql_counter.statements


async def test_a_query_within_budget_runs(world: World) -> None:
    body = await gql(world.a.admin.client, HUNDRED_REFERRALS)
    assert "errors" not in body, body


@asynccontextmanager
async def app_with(database_url: str, files: Path, **overrides: Any) -> AsyncIterator[Any]:
    app = create_app(make_settings(database_url, files, **overrides))
    async with app.router.lifespan_context(app):
        yield app


async def test_the_budget_is_a_setting(database_url: str, tmp_path: Path, world: World) -> None:
    async with (
        app_with(database_url, tmp_path, graphql_max_cost=50) as app,
        client_for(app, bearer(world.a.admin.token)) as client,
    ):
        body = await gql(client, HUNDRED_REFERRALS)
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 202,
        "budget": 50,
    }


async def test_a_costly_query_draws_more_of_the_rate_limit(
    database_url: str, tmp_path: Path, world: World
) -> None:
    async with (
        app_with(database_url, tmp_path, rate_limit_user="5/minute") as app,
        client_for(app, bearer(world.a.admin.token)) as client,
    ):
        cheap = await client.post("/graphql", json={"query": ME})
        assert cheap.headers["ratelimit"].startswith('"user";r=4;')
        costly = await client.post("/graphql", json={"query": HUNDRED_REFERRALS})
        # One point for the request, two for its 202 of cost.
        assert costly.headers["ratelimit"].startswith('"user";r=1;'), costly.headers
        refused = await client.post("/graphql", json={"query": HUNDRED_REFERRALS})
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused.json()["data"] is None


INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.mark.parametrize(
    ("env", "setting", "allowed"),
    [("development", None, True), ("test", None, False), ("test", "true", True)],
)
async def test_introspection_is_on_in_development_only_unless_set(
    database_url: str, tmp_path: Path, world: World, env: str, setting: str | None, allowed: bool
) -> None:
    overrides: dict[str, Any] = {"env": env}
    if setting is not None:
        overrides["graphql_introspection"] = setting
    async with (
        app_with(database_url, tmp_path, **overrides) as app,
        client_for(app, bearer(world.a.admin.token)) as client,
    ):
        response = await client.post("/graphql", json={"query": INTROSPECTION})
    body = response.json()
    if allowed:
        assert body["data"]["__schema"]["queryType"]["name"] == "Query", body
    else:
        assert "introspection" in body["errors"][0]["message"].lower(), body


def test_production_has_no_introspection_unless_a_setting_turns_it_on() -> None:
    production = {"env": "production", "auth": "firebase", "secret_key": "x" * 40}
    assert not Settings(**production).introspection_allowed
    assert Settings(**production, graphql_introspection=True).introspection_allowed
