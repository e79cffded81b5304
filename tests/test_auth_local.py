"""Identity with the local issuer: tokens, session cookie, API keys, revocation, audit."""

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import update
from sqlmodel import col, select

from app.auth.local import LocalVerifier
from app.settings import Settings
from models import ApiKey, AuditEvent
from tests.conftest import World, assert_error, assert_graphql_refusal, client_for, gql


async def audit_events(app: Any, **filters: str) -> list[AuditEvent]:
    async with app.state.sessions() as session:
        query = select(AuditEvent)
        for name, value in filters.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list((await session.scalars(query)).all())


def old_token(settings: Settings, world: World, seconds: int = 30) -> str:
    verifier = LocalVerifier(settings.secret_key, settings.firebase_project_id)
    past = datetime.now(UTC) - timedelta(seconds=seconds)
    return verifier.issue_id_token(uid=world.a.admin.uid, email=world.a.admin.email, now=past)


async def test_each_principal_kind_authenticates(world: World) -> None:
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
        assert [o["id"] for o in body["orgs"]] == [world.a.id]


async def test_me_names_the_role_and_the_key(world: World) -> None:
    viewer = (await world.a.viewer.client.get("/api/auth/me")).json()
    assert viewer["orgs"][0]["role"] == "viewer"
    assert viewer["user"]["email"] == world.a.viewer.email
    key = (await world.a.key_client.get("/api/auth/me")).json()
    assert key["apiKey"]["id"] == world.a.api_key_id
    assert key["apiKey"]["prefix"] == world.a.api_key[:12]
    assert "keyHash" not in key["apiKey"] and world.a.api_key not in str(key)


async def test_no_credential_is_401_with_the_error_shape(world: World) -> None:
    error = assert_error(await world.anon.get("/api/auth/me"), 401, "unauthenticated")
    assert "authentication required" in error["message"]


async def test_garbage_and_foreign_tokens_are_refused(app: Any, world: World) -> None:
    other_issuer = LocalVerifier("another-secret-key-0123456789", "intakedesk-local")
    forged = other_issuer.issue_id_token(uid="uid-x", email=world.a.admin.email)
    for headers in (
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {forged}"},
        {"x-api-key": "desk_" + "A" * 43},
        {"x-api-key": "sk_live_whatever"},
        {"Cookie": "__session=garbage"},
    ):
        async with client_for(app, headers) as client:
            assert_error(await client.get("/api/auth/me"), 401, "unauthenticated")


async def test_expired_token_is_refused(settings: Settings, world: World, app: Any) -> None:
    async with client_for(
        app, {"Authorization": f"Bearer {old_token(settings, world, 7200)}"}
    ) as c:
        assert_error(await c.get("/api/auth/me"), 401)


async def test_token_of_unknown_user_is_refused(settings: Settings, app: Any) -> None:
    verifier = LocalVerifier(settings.secret_key, settings.firebase_project_id)
    token = verifier.issue_id_token(uid="uid-nobody", email="nobody@example.test")
    async with client_for(app, {"Authorization": f"Bearer {token}"}) as client:
        assert_error(await client.get("/api/auth/me"), 401)


async def test_session_cookie_authenticates_then_logout_revokes_it(
    app: Any, settings: Settings, world: World
) -> None:
    token = old_token(settings, world)
    response = await world.anon.post("/api/auth/session", json={"idToken": token})
    assert response.status_code == 200, response.text
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("__session=")
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower()
    assert "Secure" in set_cookie  # outside development
    cookie = set_cookie.split(";")[0]
    async with client_for(app, {"Cookie": cookie}) as browser:
        me = await browser.get("/api/auth/me")
        assert me.json()["user"]["email"] == world.a.admin.email
        graph = await gql(browser, "{ me { principal user { email } } }")
        assert graph["data"]["me"]["user"]["email"] == world.a.admin.email
        out = await browser.delete("/api/auth/session")
        assert out.status_code == 200 and out.json() == {"ok": True}
        assert (
            "Max-Age=0" in out.headers["set-cookie"]
            or "expires=" in out.headers["set-cookie"].lower()
        )
        # The same cookie and the ID token it came from stop working at once.
        assert_error(await browser.get("/api/auth/me"), 401)
    async with client_for(app, {"Authorization": f"Bearer {token}"}) as client:
        assert_error(await client.get("/api/auth/me"), 401)
    # Signing in again, after the revocation's second, works.
    await anyio.sleep(1.05)
    fresh = LocalVerifier(settings.secret_key, settings.firebase_project_id).issue_id_token(
        uid=world.a.admin.uid, email=world.a.admin.email
    )
    async with client_for(app, {"Authorization": f"Bearer {fresh}"}) as client:
        assert (await client.get("/api/auth/me")).status_code == 200


async def test_session_needs_a_valid_id_token(world: World) -> None:
    assert_error(await world.anon.post("/api/auth/session", json={"idToken": "x"}), 401)
    assert_error(await world.anon.post("/api/auth/session", json={}), 422, "validation_failed")
    assert_error(
        await world.anon.post(
            "/api/auth/session",
            content=b"idToken=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        415,
    )


async def test_logout_without_session_just_clears_the_cookie(world: World) -> None:
    response = await world.anon.delete("/api/auth/session")
    assert response.status_code == 200
    assert "__session=" in response.headers["set-cookie"]


async def test_api_key_use_sets_last_used_and_is_audited(app: Any, world: World) -> None:
    for _ in range(3):
        assert (await world.a.key_client.get("/api/auth/me")).status_code == 200
    async with app.state.sessions() as session:
        key = await session.get(ApiKey, world.a.api_key_id)
        assert key is not None and key.last_used_at is not None
        assert datetime.now(UTC) - key.last_used_at < timedelta(minutes=1)
    uses = await audit_events(app, action="auth.api_key", resource_id=world.a.api_key_id)
    assert len(uses) == 3
    assert all(e.org_id == world.a.id and e.outcome == "success" for e in uses)


async def test_every_authentication_is_audited_including_refusals(app: Any, world: World) -> None:
    await world.a.viewer.client.get("/api/auth/me")
    events = await audit_events(app, action="auth.id_token", actor_id=world.a.viewer.user_id)
    assert [e.outcome for e in events] == ["success"]
    async with client_for(app, {"x-api-key": "desk_refused_" + world.a.id}) as client:
        await client.get("/api/auth/me")
    async with app.state.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "auth.api_key", AuditEvent.outcome == "denied")
                .order_by(col(AuditEvent.created_at).desc())
            )
        ).first()
    assert refused is not None and refused.details["reason"] == "unknown or revoked API key"


async def test_revoked_api_key_is_refused_on_the_next_request(world: World) -> None:
    assert (await world.a.key_client.get("/api/auth/me")).status_code == 200
    response = await world.a.admin.client.request(
        "DELETE", "/api/api-keys", json={"id": world.a.api_key_id}
    )
    assert response.status_code == 200, response.text
    assert response.json()["revokedAt"]
    assert_error(await world.a.key_client.get("/api/auth/me"), 401)
    graphql = await world.a.key_client.post("/graphql", json={"query": "{ me { principal } }"})
    error = assert_graphql_refusal(graphql, 401, "UNAUTHENTICATED")
    assert error["message"] == "unknown or revoked API key"
    assert graphql.headers["www-authenticate"] == "Bearer"
    listed = (await world.a.admin.client.get("/api/api-keys")).json()
    assert world.a.api_key_id not in [k["id"] for k in listed["items"]]


async def test_a_key_use_stays_audited_when_the_operation_fails(app: Any, world: World) -> None:
    # The event goes with the operation's own at commit; a failed operation commits
    # nothing, and the authentication is written on its own.
    before = await audit_events(app, action="auth.api_key", resource_id=world.a.api_key_id)
    missing = await world.a.key_client.get("/api/referrals/ref_missing")
    assert missing.status_code == 404
    bad = await world.a.key_client.get("/api/referrals?limit=0")
    assert bad.status_code == 422
    after = await audit_events(app, action="auth.api_key", resource_id=world.a.api_key_id)
    assert len(after) == len(before) + 2
    assert all(e.outcome == "success" for e in after)


async def test_a_key_last_used_write_stands_when_the_operation_fails(
    app: Any, world: World
) -> None:
    # Authentication writes lastUsedAt (at most once a minute) with a statement of its
    # own, not through the session's unit of work: its transaction must still be
    # committed before the operation, not carried on into one that rolls back.
    # (A first request reads the org's rate limits, whose transaction commits.)
    assert (await world.a.key_client.get("/api/auth/me")).status_code == 200
    async with app.state.sessions() as session, session.begin():
        await session.execute(
            update(ApiKey).where(col(ApiKey.id) == world.a.api_key_id).values(last_used_at=None)
        )
    missing = await world.a.key_client.get("/api/referrals/ref_missing")
    assert missing.status_code == 404
    async with app.state.sessions() as session:
        key = await session.get(ApiKey, world.a.api_key_id)
        assert key is not None and key.last_used_at is not None
        assert datetime.now(UTC) - key.last_used_at < timedelta(minutes=1)
