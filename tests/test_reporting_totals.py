"""Totals for dashboards: REST lists answer ``total`` when asked; connections have totalCount."""

from typing import Any

from tests.conftest import World, gql
from tests.reporting_fixtures import Builder, ago, build


async def three_open_cases(b: Builder) -> None:
    for name in ("t1", "t2", "t3"):
        case = b.case(name, ago(days=1), status="open")
        await b.flush()
        b.referral(name + "r", ago(days=1), stage="triaged", case_id=case.id)
    b.case("shut", ago(days=1), status="closed")


async def test_rest_lists_answer_total_only_when_asked(app: Any, world: World) -> None:
    await build(app, world.a.id, three_open_cases)
    await build(app, world.b.id, three_open_cases)
    client = world.a.viewer.client
    plain = (await client.get("/api/cases", params={"status": "open", "limit": 2})).json()
    assert plain["count"] == 2 and "total" not in plain
    asked = await client.get("/api/cases", params={"status": "open", "limit": 2, "total": "true"})
    body = asked.json()
    assert (body["count"], body["total"]) == (2, 3)
    # The total ignores the cursor: the second page still says 3 of them.
    following = await client.get(
        "/api/cases",
        params={"status": "open", "limit": 2, "total": "true", "cursor": body["nextCursor"]},
    )
    assert (following.json()["count"], following.json()["total"]) == (1, 3)
    referrals = await client.get("/api/referrals", params={"limit": 1, "total": "true"})
    assert (referrals.json()["count"], referrals.json()["total"]) == (1, 3)
    assert "total" not in (await client.get("/api/referrals")).json()
    patients = await client.get("/api/patients", params={"total": "true"})
    assert patients.json()["total"] == 4


CASES = """
query { cases(first: 2, status: OPEN) { totalCount nodes { id } pageInfo { hasNextPage } } }
"""


async def test_connections_have_total_count(app: Any, world: World) -> None:
    await build(app, world.a.id, three_open_cases)
    await build(app, world.b.id, three_open_cases)
    body = await gql(world.a.viewer.client, CASES)
    assert "errors" not in body, body
    connection = body["data"]["cases"]
    assert connection["totalCount"] == 3 and len(connection["nodes"]) == 2
    empty = await gql(
        world.a.viewer.client, "{ referrals(first: 5, stage: [REVIEW]) { totalCount } }"
    )
    assert empty["data"]["referrals"]["totalCount"] == 0
