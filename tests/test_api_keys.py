"""/api/api-keys: admin users only; the secret is shown once; keys stay inside their org."""

from typing import Any

from sqlmodel import select

from models import ApiKey
from tests.conftest import World, assert_error, client_for


async def test_admin_creates_a_key_that_works_and_is_stored_only_as_a_hash(
    app: Any, world: World
) -> None:
    response = await world.a.admin.client.post("/api/api-keys", json={"name": "EMR bridge"})
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["key"]
    assert secret.startswith("desk_") and len(secret) >= 5 + 32
    assert created["prefix"] == secret[:12] and created["orgId"] == world.a.id
    async with app.state.sessions() as session:
        row = await session.get(ApiKey, created["id"])
        assert row is not None and secret not in (row.key_hash, row.prefix)
        everything = " ".join(str(v) for v in row.model_dump().values())
        assert secret not in everything
    async with client_for(app, {"x-api-key": secret}) as bridge:
        me = (await bridge.get("/api/auth/me")).json()
        assert me["apiKey"]["id"] == created["id"]
    listed = (await world.a.admin.client.get(f"/api/api-keys?orgId={world.a.id}")).json()
    assert created["id"] in [k["id"] for k in listed["items"]]
    assert all("key" not in item for item in listed["items"])
    assert listed["count"] == len(listed["items"])


async def test_only_admin_users_manage_keys(world: World) -> None:
    for client in (world.a.coordinator.client, world.a.viewer.client):
        assert_error(await client.post("/api/api-keys", json={"name": "x"}), 403, "forbidden")
        assert_error(await client.get("/api/api-keys"), 403)
        assert_error(
            await client.request("DELETE", "/api/api-keys", json={"id": world.a.api_key_id}), 403
        )


async def test_an_api_key_cannot_manage_api_keys(world: World) -> None:
    key = world.a.key_client
    assert_error(await key.post("/api/api-keys", json={"name": "x"}), 403, "forbidden")
    assert_error(await key.get("/api/api-keys"), 403, "forbidden")
    assert_error(await key.request("DELETE", "/api/api-keys", json={"id": world.a.api_key_id}), 403)
    assert (await key.get("/api/auth/me")).status_code == 200


async def test_other_orgs_keys_are_out_of_reach(app: Any, world: World) -> None:
    b_admin = world.b.admin.client
    assert_error(await b_admin.get(f"/api/api-keys?orgId={world.a.id}"), 403)
    assert_error(await b_admin.post("/api/api-keys", json={"name": "x", "orgId": world.a.id}), 403)
    # Revoking A's key through B's org: unknown there, exactly as a missing key.
    assert_error(
        await b_admin.request("DELETE", "/api/api-keys", json={"id": world.a.api_key_id}), 404
    )
    assert (await world.a.key_client.get("/api/auth/me")).status_code == 200


async def test_revoke_takes_the_id_from_the_query_string_too(world: World) -> None:
    created = (await world.a.admin.client.post("/api/api-keys", json={"name": "tmp"})).json()
    response = await world.a.admin.client.delete(f"/api/api-keys?id={created['id']}")
    assert response.status_code == 200 and response.json()["revokedAt"]
    again = await world.a.admin.client.delete(f"/api/api-keys?id={created['id']}")
    assert_error(again, 404)


async def test_bad_input_is_refused_and_creates_nothing(app: Any, world: World) -> None:
    admin = world.a.admin.client
    assert_error(await admin.post("/api/api-keys", json={}), 422, "validation_failed")
    error = assert_error(await admin.post("/api/api-keys", json={"name": "  "}), 422)
    assert error["details"][0]["field"] == "name"
    error = assert_error(await admin.post("/api/api-keys", json={"name": "x", "nmae": 1}), 422)
    assert error["details"][0]["field"] == "nmae"
    assert_error(
        await admin.post(
            "/api/api-keys", content=b"{not json", headers={"content-type": "application/json"}
        ),
        400,
        "bad_request",
    )
    assert_error(
        await admin.post(
            "/api/api-keys", content=b"name=x", headers={"content-type": "text/plain"}
        ),
        415,
        "unsupported_media_type",
    )
    assert_error(await admin.request("DELETE", "/api/api-keys", json={}), 422)
    async with app.state.sessions() as session:
        keys = (await session.scalars(select(ApiKey).where(ApiKey.org_id == world.a.id))).all()
    assert [k.id for k in keys] == [world.a.api_key_id]


async def test_an_overlong_name_is_422_not_a_database_error(world: World) -> None:
    error = assert_error(
        await world.a.admin.client.post("/api/api-keys", json={"name": "k" * 201}), 422
    )
    assert error["details"][0]["field"] == "name"
