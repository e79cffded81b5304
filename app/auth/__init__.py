"""Credential verifiers: local (development) and Firebase (production)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol


class InvalidCredential(Exception):
    """The token or cookie is malformed, expired, revoked or not ours."""


@dataclass(frozen=True)
class VerifiedIdentity:
    uid: str
    email: str | None
    email_verified: bool
    name: str | None
    # When the user signed in; tokens older than a revocation are refused.
    auth_time: datetime
    claims: dict[str, Any] = field(default_factory=dict)


class TokenVerifier(Protocol):
    """What the app needs of an identity provider."""

    # True when the provider itself checks revocation (Firebase's check_revoked).
    checks_revocation: bool

    async def verify_id_token(self, token: str) -> VerifiedIdentity: ...

    async def create_session_cookie(self, id_token: str, expires_in: timedelta) -> str: ...

    async def verify_session_cookie(self, cookie: str) -> VerifiedIdentity: ...

    async def revoke_refresh_tokens(self, uid: str) -> None: ...
