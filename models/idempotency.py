"""What an ``Idempotency-Key`` made: enough to answer a retry again, no copy of the answer.

No patient data and no secret is kept here: only what was created (its kind and id) and
the status it answered with (for a callback, each named item's id and ok or its error).
A replay renders the answer afresh from that row.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, json_field, timestamp_field


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # A key names one request of one credential in one org; two racing requests with
        # the same key cannot both be remembered.
        sa.UniqueConstraint("credential_id", "org_id", "key", name="uq_idempotency_keys_scope"),
        sa.Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: str = id_field("idem_")
    # The API key (key_…) or user (usr_…) that sent the request.
    credential_id: str = Field(max_length=40)
    # The org the request named (or the credential's only one); "" when it named none.
    # Not a foreign key: the scope of a key, not a pointer to org data.
    org_id: str = Field(default="", max_length=40)
    key: str = Field(max_length=255)
    # "POST /api/referrals": the operation the key was first used with.
    operation: str = Field(max_length=200)
    # SHA-256 of the request (method, path, query, body): a key reused for another is refused.
    fingerprint: str = Field(max_length=64)
    # What the request created and the status it answered with.
    resource_type: str = Field(max_length=40)
    resource_id: str = Field(max_length=40)
    status_code: int
    # A request that settles several rows (an EMR callback) keeps each one's id and outcome
    # code instead, [{"id": …, "outcome": "ok" | a refusal's code}]: ids, never content.
    results: list[dict[str, str]] | None = json_field(nullable=True)
    created_at: datetime = created_field()
    expires_at: datetime = timestamp_field(nullable=False)
