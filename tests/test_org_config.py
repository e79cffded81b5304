"""PATCH /api/orgs/:id/config: admin only, validated field by field, merged key by key."""

import asyncio
from typing import Any

from models import Org
from tests.conftest import World, assert_error


async def config_of(app: Any, org_id: str) -> dict[str, Any]:
    async with app.state.sessions() as session:
        org = await session.get(Org, org_id)
        assert org is not None
        return dict(org.config)


async def test_admin_changes_only_the_keys_sent(app: Any, world: World) -> None:
    before = await config_of(app, world.a.id)
    response = await world.a.admin.client.patch(
        f"/api/orgs/{world.a.id}/config",
        json={"queues": ["intake", "spine"], "emrAutoQueue": True},
    )
    assert response.status_code == 200, response.text
    config = response.json()["config"]
    assert config["queues"] == ["intake", "spine"] and config["emrAutoQueue"] is True
    after = await config_of(app, world.a.id)
    assert after["queues"] == ["intake", "spine"]
    assert after["priorityBands"] == before["priorityBands"]
    read = await world.a.viewer.client.get(f"/api/orgs/{world.a.id}/config")
    assert read.status_code == 200 and read.json()["config"] == after


async def test_api_key_has_admin_rights_on_its_own_org(world: World) -> None:
    response = await world.a.key_client.patch(
        f"/api/orgs/{world.a.id}/config", json={"timezone": "America/Chicago"}
    )
    assert (
        response.status_code == 200 and response.json()["config"]["timezone"] == "America/Chicago"
    )


async def test_a_wrong_shape_answers_422_naming_the_field_and_changes_nothing(
    app: Any, world: World
) -> None:
    before = await config_of(app, world.a.id)
    admin = world.a.admin.client
    cases = [
        ({"queues": "intake"}, "queues"),
        ({"queues": []}, "queues"),
        ({"qaMinConfidence": 2}, "qaMinConfidence"),
        ({"priorityBands": {"1": "P9"}}, "priorityBands.1"),
        ({"priorityBands": {"9": "P1"}}, "priorityBands"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"triageRules": [{"name": "x", "level": 7}]}, "triageRules.0.level"),
        ({"defaultQueue": "nowhere"}, "defaultQueue"),
        ({"emrAutoQueueTypo": True}, "emrAutoQueueTypo"),
    ]
    for body, field in cases:
        response = await admin.patch(f"/api/orgs/{world.a.id}/config", json=body)
        error = assert_error(response, 422, "validation_failed")
        fields = [d["field"] for d in error["details"]]
        assert field in fields, (body, fields)
    assert await config_of(app, world.a.id) == before


async def test_non_admins_and_other_orgs_cannot_change_config(app: Any, world: World) -> None:
    before = await config_of(app, world.a.id)
    path = f"/api/orgs/{world.a.id}/config"
    for client in (world.a.coordinator.client, world.a.viewer.client):
        assert_error(await client.patch(path, json={"emrAutoQueue": True}), 403, "forbidden")
    for client in (world.b.admin.client, world.b.key_client):
        assert_error(await client.patch(path, json={"emrAutoQueue": True}), 403)
        assert_error(await client.get(path), 403)
    assert_error(await world.anon.patch(path, json={"emrAutoQueue": True}), 401)
    assert await config_of(app, world.a.id) == before


async def test_malformed_bodies(world: World) -> None:
    path = f"/api/orgs/{world.a.id}/config"
    admin = world.a.admin.client
    assert_error(
        await admin.patch(path, content=b"[1,", headers={"content-type": "application/json"}), 400
    )
    assert_error(await admin.patch(path, json=[1, 2]), 400)
    assert_error(await admin.patch(path, content=b"x", headers={"content-type": "text/csv"}), 415)


async def test_admins_changing_different_keys_at_once_keep_both_changes(world: World) -> None:
    url = f"/api/orgs/{world.a.id}/config"
    changes = [
        (world.a.admin.client, {"timezone": "America/Denver"}),
        (world.a.key_client, {"qaMinConfidence": 0.61}),
        (world.a.admin.client, {"emrAutoQueue": True}),
        (world.a.key_client, {"queues": ["intake", "ortho-race"]}),
    ]
    answers = await asyncio.gather(*(client.patch(url, json=body) for client, body in changes))
    assert [a.status_code for a in answers] == [200] * len(changes)
    config = (await world.a.admin.client.get(url)).json()["config"]
    assert config["timezone"] == "America/Denver" and config["qaMinConfidence"] == 0.61
    assert config["emrAutoQueue"] is True and config["queues"] == ["intake", "ortho-race"]
