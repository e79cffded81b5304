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


class ReferralStage(StrEnum):
    received = "received"
    processing = "processing"
    review = "review"
    triaged = "triaged"
    duplicate = "duplicate"
    failed = "failed"


class Referral(SQLModel, table=True):
    __tablename__ = "referrals"
    __table_args__ = (
        sa.Index("ix_referrals_org_created", "org_id", "created_at", "id"),
        sa.Index("ix_referrals_org_stage_created", "org_id", "stage", "created_at", "id"),
        sa.Index("ix_referrals_org_case", "org_id", "case_id"),
        sa.Index("ix_referrals_org_patient", "org_id", "patient_id"),
        # The sending system's id: a second create with it answers the first (as a FHIR
        # conditional create does). NULLs are distinct, so referrals without one are free.
        sa.Index(
            "ux_referrals_org_source_external_id",
            "org_id",
            "source",
            "external_id",
            unique=True,
        ),
        org_unique("referrals"),
        same_org("referrals", "case_id", "cases"),
        same_org("referrals", "patient_id", "patients"),
        same_org("referrals", "duplicate_of_id", "referrals"),
    )

    id: str = id_field("ref_")
    org_id: str = org_field()
    stage: ReferralStage = Field(default=ReferralStage.received, sa_type=sa.String(20))
    source: str = Field(default="upload", max_length=20)  # upload, fax, api
    external_id: str | None = Field(default=None, max_length=200)
    case_id: str | None = Field(default=None, max_length=40)
    patient_id: str | None = Field(default=None, max_length=40)
    duplicate_of_id: str | None = Field(default=None, max_length=40)
    # DESIGN §10 shape, written by the pipeline.
    extraction: dict[str, Any] | None = json_field(nullable=True)
    qa: dict[str, Any] | None = json_field(nullable=True)
    # Current triage; a manual override keeps the automatic result it replaced.
    triage: dict[str, Any] | None = json_field(nullable=True)
    # Lower-cased "first last dob referrer" text the list's `q` filter searches.
    search_text: str = Field(default="", max_length=1000)
    error: str | None = Field(default=None, max_length=2000)
    notes: str | None = Field(default=None, max_length=4000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    processed_at: datetime | None = timestamp_field()
