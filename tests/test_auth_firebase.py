"""Firebase authentication against the real Auth emulator: ID tokens, session cookies, revocation.

The app runs with ``INTAKEDESK_AUTH=firebase`` and ``FIREBASE_AUTH_EMULATOR_HOST`` set;
users sign up and in through the emulator's REST API, exactly as the browser SDK does,
and every request goes through the app over HTTP.
"""

import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import anyio
import firebase_admin
import httpx
import jwt
import pytest
from sqlmodel import col, select

from app.db import transaction
from app.main import create_app
from app.settings import Settings
from models import AuditEvent, User
from resolvers import orgs
from resolvers.context import Context
from tests.conftest import assert_error, assert_graphql_refusal, bearer, client_for, make_settings
from tests.firebase_emulator import PROJECT_ID, AuthEmulator, SignedIn, auth_emulator  # noqa: F401

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio

ME = "{ me { principal user { uid email } orgId } }"


@dataclass
class Member:
    org_id: str
    user_id: str
    signed_in: SignedIn


@dataclass
class Firebase:
    """The app under Firebase auth, and the emulator its users sign in with."""

    app: Any
    settings: Settings
    emulator: AuthEmulator

    def client(self, *, token: str | None = None, cookie: str | None = None) -> httpx.AsyncClient:
        headers = bearer(token) if token else {}
        if cookie is not None:
            # As a browser sends it; httpx's jar would keep a Secure cookie off http://.
            headers["Cookie"] = f"__session={cookie}"
        return client_for(self.app, headers)

    async def get_me(
        self, *, token: str | None = None, cookie: str | None = None
    ) -> httpx.Response:
        async with self.client(token=token, cookie=cookie) as client:
            return await client.get("/api/auth/me")

    async def org_with(self, email: str, *, uid: str | None, role: str = "coordinator") -> str:
        """A fresh org with one member, bound to ``uid`` or (when None) known by e-mail only."""
        async with transaction(self.app.state.sessions) as session:
            ctx = self._system(session)
            org = await orgs.create(ctx, name=f"Org {secrets.token_hex(3)}")
            await orgs.add_member(ctx, org_id=org.id, email=email, role=role, uid=uid)
        return org.id

    async def member(self, role: str = "coordinator") -> Member:
        signed_in = self.emulator.sign_up(new_email())
        org_id = await self.org_with(signed_in.email, uid=signed_in.uid, role=role)
        user = await self.user_by_email(signed_in.email)
        return Member(org_id=org_id, user_id=user.id, signed_in=signed_in)

    async def user_by_email(self, email: str) -> User:
        async with self.app.state.sessions() as session:
            user = (await session.scalars(select(User).where(User.email == email))).one()
        return user

    async def events(self, action: str, **match: Any) -> list[AuditEvent]:
        """Audit events of ``action`` whose columns (or ``details`` keys) equal ``match``."""
        async with self.app.state.sessions() as session:
            rows = (
                await session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == action)
                    .order_by(col(AuditEvent.created_at))
                )
            ).all()
        return [row for row in rows if _matches(row, match)]

    def _system(self, session: Any) -> Context:
        return Context(
            session=session,
            settings=self.settings,
            storage=self.app.state.storage,
            system_actor="tests",
        )


def _matches(event: AuditEvent, match: dict[str, Any]) -> bool:
    for key, value in match.items():
        actual = getattr(event, key) if hasattr(event, key) else event.details.get(key)
        if actual != value:
            return False
    return True


def new_email() -> str:
    return f"fb-{secrets.token_hex(5)}@clinic.test"


@pytest.fixture(scope="module")
def emulator_env(auth_emulator: AuthEmulator) -> Iterator[None]:  # noqa: F811
    """FIREBASE_AUTH_EMULATOR_HOST for this module only (settings refuse it in production)."""
    before = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")
    os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = auth_emulator.host
    yield
    if before is None:
        del os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    else:
        os.environ["FIREBASE_AUTH_EMULATOR_HOST"] = before


@pytest.fixture(scope="module")
async def fb(
    emulator_env: None,
    auth_emulator: AuthEmulator,  # noqa: F811
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Firebase]:
    files: Path = tmp_path_factory.mktemp("firebase-files")
    settings = make_settings(database_url, files, auth="firebase", firebase_project_id=PROJECT_ID)
    application = create_app(settings)
    try:
        async with application.router.lifespan_context(application):
            yield Firebase(app=application, settings=settings, emulator=auth_emulator)
    finally:
        # The firebase-admin app caches the emulator host; later modules start afresh.
        with contextlib.suppress(ValueError):
            firebase_admin.delete_app(firebase_admin.get_app(f"intakedesk-{PROJECT_ID}"))


def issued_at(token: str) -> int:
    return int(jwt.decode(token, options={"verify_signature": False})["iat"])


async def sleep_past_second_of(token: str) -> None:
    """Firebase's validSince has one-second granularity: a revocation in the token's own
    second would not cover it."""
    while time.time() < issued_at(token) + 1:
        await anyio.sleep(0.05)


def session_cookie_of(response: httpx.Response) -> tuple[str, dict[str, str | bool]]:
    headers = response.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    morsel = SimpleCookie(headers[0])["__session"]
    flags = {k: morsel[k] for k in ("httponly", "secure", "samesite", "path", "max-age")}
    return morsel.value, flags


async def open_session(fb: Firebase, id_token: str) -> str:
    async with fb.client() as client:
        response = await client.post("/api/auth/session", json={"idToken": id_token})
    assert response.status_code == 200, response.text
    cookie, _ = session_cookie_of(response)
    return cookie


# -- ID tokens -----------------------------------------------------------------------------------


async def test_firebase_id_token_authenticates_me(fb: Firebase) -> None:
    member = await fb.member()

    response = await fb.get_me(token=member.signed_in.id_token)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["principal"] == "user"
    assert body["user"]["uid"] == member.signed_in.uid
    assert body["user"]["email"] == member.signed_in.email
    assert body["orgId"] == member.org_id
    assert body["orgs"] == [
        {"id": member.org_id, "name": body["orgs"][0]["name"], "role": "coordinator"}
    ]
    [event] = await fb.events("auth.id_token", resource_id=member.user_id)
    assert (event.outcome, event.actor_type, event.actor_id) == ("success", "user", member.user_id)
    assert event.client_ip == "127.0.0.1"


async def test_member_added_by_email_is_bound_on_first_verified_sign_in(fb: Firebase) -> None:
    email = new_email()
    org_id = await fb.org_with(email, uid=None)
    signed_up = fb.emulator.sign_up(email)
    fb.emulator.update_user(signed_up.uid, emailVerified=True)
    token = fb.emulator.sign_in(email).id_token
    assert jwt.decode(token, options={"verify_signature": False})["email_verified"] is True

    response = await fb.get_me(token=token)

    assert response.status_code == 200, response.text
    assert response.json()["user"]["uid"] == signed_up.uid
    assert response.json()["orgId"] == org_id
    user = await fb.user_by_email(email)
    assert user.uid == signed_up.uid
    # Bound for good: the next request finds the user by uid.
    assert (await fb.get_me(token=token)).status_code == 200
    assert len(await fb.events("auth.id_token", resource_id=user.id, outcome="success")) == 2


async def test_member_added_by_email_is_refused_while_email_unverified(fb: Firebase) -> None:
    email = new_email()
    await fb.org_with(email, uid=None)
    signed_up = fb.emulator.sign_up(email)

    response = await fb.get_me(token=signed_up.id_token)

    assert_error(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert (await fb.user_by_email(email)).uid is None
    [event] = await fb.events("auth.id_token", uid=signed_up.uid)
    assert event.outcome == "denied"
    assert event.details["reason"] == "no IntakeDesk user for this identity"


async def test_unknown_uid_is_401_and_audited(fb: Firebase) -> None:
    signed_up = fb.emulator.sign_up(new_email())

    assert_error(await fb.get_me(token=signed_up.id_token), 401, "unauthenticated")

    [event] = await fb.events("auth.id_token", uid=signed_up.uid)
    assert (event.outcome, event.actor_type, event.org_id) == ("denied", "anonymous", None)


async def test_unknown_uid_of_firebase_maximum_length_is_401(fb: Firebase) -> None:
    # Firebase uids run to 128 characters; the refusal must still be a 401 with its event.
    uid = "u" * 128
    email = new_email()
    fb.emulator.create_user(uid=uid, email=email)
    token = fb.emulator.sign_in(email).id_token

    assert_error(await fb.get_me(token=token), 401, "unauthenticated")

    assert len(await fb.events("auth.id_token", uid=uid, outcome="denied")) == 1


async def test_garbage_bearer_token_is_401_with_error_shape(fb: Firebase) -> None:
    garbage = f"garbage{secrets.token_hex(8)}"

    error = assert_error(await fb.get_me(token=garbage), 401, "unauthenticated")

    assert garbage not in error["message"]
    events = await fb.events("auth.id_token", outcome="denied", reason=error["message"])
    assert events, "the refusal left no audit event"
    assert all(garbage not in str(e.details) for e in events)


async def test_token_for_another_project_is_401(fb: Firebase) -> None:
    member = await fb.member()
    claims = jwt.decode(member.signed_in.id_token, options={"verify_signature": False})
    claims.update(aud="demo-other", iss="https://securetoken.google.com/demo-other")
    forged = jwt.encode(claims, key="", algorithm="none")

    error = assert_error(await fb.get_me(token=forged), 401, "unauthenticated")

    assert "aud" in error["message"]
    assert not await fb.events("auth.id_token", resource_id=member.user_id, outcome="success")


async def test_user_disabled_in_firebase_is_refused(fb: Firebase) -> None:
    member = await fb.member()
    assert (await fb.get_me(token=member.signed_in.id_token)).status_code == 200
    fb.emulator.update_user(member.signed_in.uid, disableUser=True)

    error = assert_error(await fb.get_me(token=member.signed_in.id_token), 401, "unauthenticated")

    assert "disabled" in error["message"]
    async with fb.client() as client:
        refused = await client.post(
            "/api/auth/session", json={"idToken": member.signed_in.id_token}
        )
    assert_error(refused, 401, "unauthenticated")
    assert "set-cookie" not in refused.headers
    assert await fb.events("auth.id_token", outcome="denied", reason=error["message"])


async def test_user_disabled_in_intakedesk_is_refused(fb: Firebase) -> None:
    member = await fb.member()
    async with transaction(fb.app.state.sessions) as session:
        user = await session.get(User, member.user_id)
        assert user is not None
        user.disabled = True
        session.add(user)

    assert_error(await fb.get_me(token=member.signed_in.id_token), 401, "unauthenticated")

    [event] = await fb.events("auth.id_token", resource_id=member.user_id, outcome="denied")
    assert event.details["reason"] == "user is disabled"


# -- session cookie ------------------------------------------------------------------------------


async def test_session_cookie_is_httponly_lax_and_authenticates_rest_and_graphql(
    fb: Firebase,
) -> None:
    member = await fb.member()
    async with fb.client() as client:
        response = await client.post(
            "/api/auth/session", json={"idToken": member.signed_in.id_token}
        )

    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    cookie, flags = session_cookie_of(response)
    assert flags["httponly"] is True
    assert flags["secure"] is True  # ENV=test is not development
    assert str(flags["samesite"]).lower() == "lax"
    assert flags["path"] == "/"
    assert flags["max-age"] == str(fb.settings.session_cookie_days * 24 * 3600)
    claims = jwt.decode(cookie, options={"verify_signature": False})
    assert claims["iss"] == f"https://session.firebase.google.com/{PROJECT_ID}"
    assert claims["sub"] == member.signed_in.uid

    me = await fb.get_me(cookie=cookie)
    assert me.status_code == 200, me.text
    assert me.json()["user"]["uid"] == member.signed_in.uid
    async with fb.client(cookie=cookie) as client:
        answer = await client.post("/graphql", json={"query": ME})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "data": {
            "me": {
                "principal": "user",
                "user": {"uid": member.signed_in.uid, "email": member.signed_in.email},
                "orgId": member.org_id,
            }
        }
    }
    assert len(await fb.events("auth.session_create", resource_id=member.user_id)) == 1
    cookie_uses = await fb.events("auth.session_cookie", resource_id=member.user_id)
    assert [e.outcome for e in cookie_uses] == ["success", "success"]


async def test_session_for_garbage_id_token_is_401_and_sets_no_cookie(fb: Firebase) -> None:
    async with fb.client() as client:
        response = await client.post("/api/auth/session", json={"idToken": "not-a-token"})

    assert_error(response, 401, "unauthenticated")
    assert "set-cookie" not in response.headers


async def test_session_for_unknown_uid_is_401_and_sets_no_cookie(fb: Firebase) -> None:
    signed_up = fb.emulator.sign_up(new_email())
    async with fb.client() as client:
        response = await client.post("/api/auth/session", json={"idToken": signed_up.id_token})

    assert_error(response, 401, "unauthenticated")
    assert "set-cookie" not in response.headers
    assert not await fb.events("auth.session_create", uid=signed_up.uid)


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"idToken": 12}', "application/json", 422, "validation_failed"),
        (b"{}", "application/json", 422, "validation_failed"),
        (b'{"idToken": "x", "extra": 1}', "application/json", 422, "validation_failed"),
        (b'{"idToken": ', "application/json", 400, "bad_request"),
        (b"idToken=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
async def test_session_with_bad_body_is_refused_and_sets_no_cookie(
    fb: Firebase, content: bytes, content_type: str, status: int, code: str
) -> None:
    async with fb.client() as client:
        response = await client.post(
            "/api/auth/session", content=content, headers={"content-type": content_type}
        )

    assert_error(response, status, code)
    assert "set-cookie" not in response.headers


async def test_garbage_session_cookie_is_401(fb: Firebase) -> None:
    error = assert_error(await fb.get_me(cookie="garbage-cookie"), 401, "unauthenticated")

    assert await fb.events("auth.session_cookie", outcome="denied", reason=error["message"])


async def test_session_cookie_from_an_id_token_is_no_bearer_token(fb: Firebase) -> None:
    # A session cookie and an ID token have different issuers; neither passes for the other.
    member = await fb.member()
    cookie = await open_session(fb, member.signed_in.id_token)

    assert_error(await fb.get_me(token=cookie), 401, "unauthenticated")
    assert_error(await fb.get_me(cookie=member.signed_in.id_token), 401, "unauthenticated")


# -- logout and revocation -----------------------------------------------------------------------


async def test_delete_session_revokes_the_cookie_and_earlier_id_tokens_at_once(
    fb: Firebase,
) -> None:
    member = await fb.member()
    token = member.signed_in.id_token
    cookie = await open_session(fb, token)
    await sleep_past_second_of(token)

    async with fb.client(cookie=cookie) as client:
        response = await client.delete("/api/auth/session")

    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True}
    cleared = SimpleCookie(response.headers["set-cookie"])["__session"]
    assert cleared.value == "" and cleared["max-age"] == "0"
    # Firebase itself moved validSince: check_revoked refuses both credentials.
    valid_since = int(fb.emulator.lookup(member.signed_in.uid)["validSince"])
    assert valid_since > issued_at(token)
    cookie_error = assert_error(await fb.get_me(cookie=cookie), 401, "unauthenticated")
    token_error = assert_error(await fb.get_me(token=token), 401, "unauthenticated")
    assert "revoked" in cookie_error["message"] and "revoked" in token_error["message"]
    async with fb.client(cookie=cookie) as client:
        graphql = await client.post("/graphql", json={"query": ME})
    assert "revoked" in assert_graphql_refusal(graphql, 401, "UNAUTHENTICATED")["message"]
    [ended] = await fb.events("auth.session_end", resource_id=member.user_id)
    assert ended.outcome == "success"
    user = await fb.user_by_email(member.signed_in.email)
    assert user.tokens_valid_after is not None
    assert int(user.tokens_valid_after.timestamp()) > issued_at(token)
    # Firebase's own revocation check or ours may refuse first (they compare whole seconds
    # differently), so the refusal may or may not name the user: it must exist either way.
    refusals = await fb.events("auth.session_cookie", outcome="denied")
    assert any(e.details["reason"] == cookie_error["message"] for e in refusals)


async def test_signing_in_again_after_logout_works(fb: Firebase) -> None:
    member = await fb.member()
    cookie = await open_session(fb, member.signed_in.id_token)
    await sleep_past_second_of(member.signed_in.id_token)
    async with fb.client(cookie=cookie) as client:
        assert (await client.delete("/api/auth/session")).status_code == 200

    fresh = fb.emulator.sign_in(member.signed_in.email).id_token

    assert (await fb.get_me(token=fresh)).status_code == 200
    new_cookie = await open_session(fb, fresh)
    assert (await fb.get_me(cookie=new_cookie)).status_code == 200


async def test_a_revoked_cookie_does_not_block_a_new_session(fb: Firebase) -> None:
    # Logging out on one device revokes the cookie another browser still holds; that
    # browser must still be able to sign in again, and to log out (clearing it).
    member = await fb.member()
    stale = await open_session(fb, member.signed_in.id_token)
    await sleep_past_second_of(member.signed_in.id_token)
    other_device = await open_session(fb, member.signed_in.id_token)
    async with fb.client(cookie=other_device) as client:
        assert (await client.delete("/api/auth/session")).status_code == 200
    fresh = fb.emulator.sign_in(member.signed_in.email).id_token

    async with fb.client(cookie=stale) as client:
        created = await client.post("/api/auth/session", json={"idToken": fresh})
        assert created.status_code == 200, created.text
        assert session_cookie_of(created)[0] != stale
    async with fb.client(cookie=stale) as client:
        ended = await client.delete("/api/auth/session")
    assert ended.status_code == 200, ended.text
    assert SimpleCookie(ended.headers["set-cookie"])["__session"].value == ""
    assert_error(await fb.get_me(cookie=stale), 401, "unauthenticated")


async def test_delete_session_without_credential_only_clears_the_cookie(fb: Firebase) -> None:
    async with fb.client() as client:
        response = await client.delete("/api/auth/session")

    assert response.status_code == 200, response.text
    assert SimpleCookie(response.headers["set-cookie"])["__session"].value == ""
