from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, json_field, timestamp_field


class Role(StrEnum):
    viewer = "viewer"
    coordinator = "coordinator"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.viewer: 1, Role.coordinator: 2, Role.admin: 3}


class Org(SQLModel, table=True):
    __tablename__ = "orgs"

    id: str = id_field("org_")
    name: str = Field(max_length=200)
    config: dict[str, Any] = json_field()
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.Index("ix_users_email", "email", unique=True),)

    id: str = id_field("usr_")
    # Firebase uid; null until the user first signs in when added by email only.
    uid: str | None = Field(default=None, max_length=128, unique=True)
    email: str = Field(max_length=320)
    display_name: str | None = Field(default=None, max_length=200)
    # Tokens issued before this instant are refused (local-auth revocation,
    # mirroring Firebase's validSince).
    tokens_valid_after: datetime | None = timestamp_field()
    disabled: bool = Field(default=False)
    created_at: datetime = created_field()


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (sa.Index("ix_memberships_user", "user_id"),)

    org_id: str = Field(foreign_key="orgs.id", primary_key=True, max_length=40)
    user_id: str = Field(foreign_key="users.id", primary_key=True, max_length=40)
    role: Role = Field(sa_type=sa.String(20))
    created_at: datetime = created_field()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    __table_args__ = (
        sa.Index("ix_api_keys_org_created", "org_id", "created_at"),
        sa.Index("ix_api_keys_hash", "key_hash", unique=True),
    )

    id: str = id_field("key_")
    org_id: str = Field(foreign_key="orgs.id", max_length=40)
    name: str = Field(max_length=200)
    # First characters of the secret, shown in lists so a key can be recognised.
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64)
    created_by: str | None = Field(default=None, foreign_key="users.id", max_length=40)
    created_at: datetime = created_field()
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
