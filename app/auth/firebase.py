"""Firebase ID tokens and session cookies, verified by firebase-admin with revocation checks.

firebase-admin is synchronous (it calls Google's, or the emulator's, HTTP API),
so each call runs in a worker thread.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import firebase_admin
from anyio import to_thread
from firebase_admin import auth, exceptions

from app.auth import InvalidCredential, VerifiedIdentity

# A credential the caller must replace: malformed, expired, revoked, for a disabled or
# deleted user, or not issued for this project (the token errors subclass these, and so
# do create_session_cookie's INVALID_ID_TOKEN, TOKEN_EXPIRED, USER_DISABLED answers).
# Anything else (Google unreachable, certificates not fetched, our own service account
# refused) is our failure, not the caller's, and is left to surface as a server error.
_REFUSED = (exceptions.InvalidArgumentError, exceptions.NotFoundError, ValueError)


class FirebaseVerifier:
    checks_revocation = True

    def __init__(self, project_id: str) -> None:
        name = f"intakedesk-{project_id}"
        try:
            self._app = firebase_admin.get_app(name)
        except ValueError:
            self._app = firebase_admin.initialize_app(options={"projectId": project_id}, name=name)

    async def verify_id_token(self, token: str) -> VerifiedIdentity:
        claims = await self._call(auth.verify_id_token, token, check_revoked=True)
        return _identity(claims)

    async def create_session_cookie(self, id_token: str, expires_in: timedelta) -> str:
        cookie = await self._call(auth.create_session_cookie, id_token, expires_in=expires_in)
        return cookie.decode() if isinstance(cookie, bytes) else str(cookie)

    async def verify_session_cookie(self, cookie: str) -> VerifiedIdentity:
        claims = await self._call(auth.verify_session_cookie, cookie, check_revoked=True)
        return _identity(claims)

    async def revoke_refresh_tokens(self, uid: str) -> None:
        await self._call(auth.revoke_refresh_tokens, uid)

    async def _call(self, fn: Any, subject: str, **kwargs: Any) -> Any:
        try:
            return await to_thread.run_sync(lambda: fn(subject, app=self._app, **kwargs))
        except _REFUSED as exc:
            raise InvalidCredential(_reason(exc, subject)) from None


def _reason(exc: Exception, credential: str) -> str:
    """Why a credential was refused, for the 401 and the audit event, never quoting it."""
    message = str(exc)
    if credential and credential in message:
        message = "the token is malformed"
    return f"invalid token: {message}"


def _identity(claims: dict[str, Any]) -> VerifiedIdentity:
    return VerifiedIdentity(
        uid=claims["uid"],
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified")),
        name=claims.get("name"),
        auth_time=datetime.fromtimestamp(int(claims.get("auth_time", claims["iat"])), UTC),
        claims=claims,
    )
