"""Text PostgreSQL cannot store (U+0000) is bad input on every path, never a server error."""

from typing import Any

from sqlalchemy import func, select

from models import Patient
from tests.conftest import World, assert_error, gql


async def test_nul_in_paths_queries_and_bodies_is_400_and_stores_nothing(
    app: Any, world: World
) -> None:
    client = world.a.admin.client
    for path in ("/api/referrals/ref_%00x", "/api/cases/case_%00", "/api/patients/pat_%00"):
        assert_error(await client.get(path), 400, "bad_request")
    # Searches normalise their text first (the character is dropped) or refuse it.
    for path in ("/api/patients?q=ja%00ne", "/api/referrals?q=a%00b", "/api/cases?queue=a%00"):
        assert (await client.get(path)).status_code in (200, 400), path
    response = await client.post(
        "/api/patients", json={"firstName": "Ja\u0000ne", "lastName": "Doe", "dob": "1990-01-01"}
    )
    assert response.status_code in (400, 422), response.text
    async with app.state.sessions() as session:
        count = await session.execute(
            select(func.count()).select_from(Patient).where(Patient.org_id == world.a.id)
        )
        assert count.scalar_one() == 0


async def test_nul_in_graphql_is_a_readable_client_error(world: World) -> None:
    client = world.a.admin.client
    body = await gql(client, "query ($id: ID!) { referral(id: $id) { id } }", id="ref_\u0000")
    assert body["data"] == {"referral": None}
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    node = await gql(client, "query ($id: ID!) { node(id: $id) { id } }", id="pat_\u0000")
    assert "Internal server error" not in str(node)
    created = await gql(
        client,
        """mutation ($input: CreatePatientInput!) { createPatient(input: $input) {
             __typename ... on MutationError { code } } }""",
        input={"firstName": "A\u0000", "lastName": "B", "dob": "1990-01-01"},
    )
    assert created["data"]["createPatient"]["__typename"] == "MutationError"
