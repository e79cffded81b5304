"""The signed upload URL a mutation hands back, shared by referrals and documents."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.storage import SignedUrl


@strawberry.type
class UploadTicket:
    url: str
    method: str
    headers: JSON
    expires_at: datetime

    @classmethod
    def of(cls, signed: SignedUrl) -> "UploadTicket":
        return cls(
            url=signed.url,
            method=signed.method,
            headers=signed.headers,
            expires_at=signed.expires_at,
        )
