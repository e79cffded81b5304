from tests.conftest import World, assert_error


async def test_each_principal_kind_gets_me(world: World) -> None:
    for client, principal in [
        (world.a.admin.client, "user"),
        (world.a.viewer.client, "user"),
        (world.a.key_client, "api_key"),
    ]:
        response = await client.get("/api/auth/me")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["principal"] == principal
        assert body["orgId"] == world.a.id


async def test_no_credential_is_401(world: World) -> None:
    assert_error(await world.anon.get("/api/auth/me"), 401, "unauthenticated")
