"""Referring practices and providers, their aliases, and the org's own locations."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import (
    created_field,
    id_field,
    json_field,
    org_field,
    org_unique,
    same_org,
    timestamp_field,
)


class Practice(SQLModel, table=True):
    __tablename__ = "practices"
    __table_args__ = (
        sa.Index("ix_practices_org_name", "org_id", "name"),
        sa.Index("ix_practices_org_npi", "org_id", "npi"),
        org_unique("practices"),
    )

    id: str = id_field("prac_")
    org_id: str = org_field()
    name: str = Field(max_length=300)
    npi: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    fax: str | None = Field(default=None, max_length=20)
    address: dict[str, Any] | None = json_field(nullable=True)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)


class Provider(SQLModel, table=True):
    __tablename__ = "providers"
    __table_args__ = (
        sa.Index("ix_providers_org_name", "org_id", "name"),
        sa.Index("ix_providers_org_npi", "org_id", "npi"),
        sa.Index("ix_providers_org_practice", "org_id", "practice_id"),
        org_unique("providers"),
        same_org("providers", "practice_id", "practices"),
    )

    id: str = id_field("prov_")
    org_id: str = org_field()
    practice_id: str | None = Field(default=None, max_length=40)
    name: str = Field(max_length=300)
    npi: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    fax: str | None = Field(default=None, max_length=20)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)


class AliasKind(StrEnum):
    practice = "practice"
    provider = "provider"


class ReferrerAlias(SQLModel, table=True):
    """A spelling seen on a referral, matched once by a person, matched automatically after."""

    __tablename__ = "referrer_aliases"
    __table_args__ = (
        sa.Index("ux_referrer_aliases_org_kind_key", "org_id", "kind", "key", unique=True),
        same_org("referrer_aliases", "practice_id", "practices"),
        same_org("referrer_aliases", "provider_id", "providers"),
    )

    id: str = id_field("als_")
    org_id: str = org_field()
    kind: AliasKind = Field(sa_type=sa.String(20))
    # Normalised spelling: lower case, punctuation and titles stripped.
    key: str = Field(max_length=300)
    text: str = Field(max_length=300)
    practice_id: str | None = Field(default=None, max_length=40)
    provider_id: str | None = Field(default=None, max_length=40)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()


class Location(SQLModel, table=True):
    __tablename__ = "locations"
    __table_args__ = (
        sa.Index("ix_locations_org_name", "org_id", "name"),
        org_unique("locations"),
    )

    id: str = id_field("loc_")
    org_id: str = org_field()
    name: str = Field(max_length=200)
    emr_location_id: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    address: dict[str, Any] | None = json_field(nullable=True)
    active: bool = Field(default=True)
    created_at: datetime = created_field()
