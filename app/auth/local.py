"""Local issuer: ID tokens and session cookies shaped like Firebase's, signed with SECRET_KEY.

For development and tests only; settings refuse it when ENV=production.
Revocation is the user's ``tokens_valid_after``, checked by ``resolvers.auth``.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from app.auth import InvalidCredential, VerifiedIdentity

ID_TOKEN_TTL = timedelta(hours=1)
KEY_ID = "intakedesk-local"


class LocalVerifier:
    checks_revocation = False

    def __init__(self, secret_key: str, project_id: str) -> None:
        self._key = hmac.new(secret_key.encode(), b"intakedesk-local-auth", hashlib.sha256).digest()
        self.project_id = project_id
        self._id_issuer = f"https://securetoken.google.com/{project_id}"
        self._cookie_issuer = f"https://session.firebase.google.com/{project_id}"

    def issue_id_token(
        self, *, uid: str, email: str, name: str | None = None, now: datetime | None = None
    ) -> str:
        now = now or datetime.now(UTC)
        claims = {
            "iss": self._id_issuer,
            "aud": self.project_id,
            "sub": uid,
            "user_id": uid,
            "email": email,
            "email_verified": True,
            "name": name,
            "auth_time": int(now.timestamp()),
            "iat": int(now.timestamp()),
            "exp": int((now + ID_TOKEN_TTL).timestamp()),
            "firebase": {"identities": {"email": [email]}, "sign_in_provider": "password"},
        }
        return self._sign(claims)

    async def verify_id_token(self, token: str) -> VerifiedIdentity:
        return self._verify(token, self._id_issuer)

    async def create_session_cookie(self, id_token: str, expires_in: timedelta) -> str:
        identity = self._verify(id_token, self._id_issuer)
        now = datetime.now(UTC)
        claims = dict(identity.claims)
        claims.update(
            iss=self._cookie_issuer,
            iat=int(now.timestamp()),
            exp=int((now + expires_in).timestamp()),
        )
        return self._sign(claims)

    async def verify_session_cookie(self, cookie: str) -> VerifiedIdentity:
        return self._verify(cookie, self._cookie_issuer)

    async def revoke_refresh_tokens(self, uid: str) -> None:
        """Nothing to do here: the caller moves the user's ``tokens_valid_after``."""

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm="HS256", headers={"kid": KEY_ID})

    def _verify(self, token: str, issuer: str) -> VerifiedIdentity:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                audience=self.project_id,
                issuer=issuer,
                options={"require": ["exp", "iat", "sub", "auth_time"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidCredential(f"invalid token: {exc}") from None
        except UnicodeError:
            # Not even text a JWT could be made of (a lone surrogate from a JSON body).
            raise InvalidCredential("invalid token: not a JWT") from None
        return VerifiedIdentity(
            uid=claims["sub"],
            email=claims.get("email"),
            email_verified=bool(claims.get("email_verified")),
            name=claims.get("name"),
            auth_time=datetime.fromtimestamp(claims["auth_time"], UTC),
            claims=claims,
        )
