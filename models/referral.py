from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import (
    created_field,
    id_field,
    org_field,
    org_unique,
    same_org,
    timestamp_field,
)
from models.extraction import Extraction, PydanticJSON, QaResult, TriageResult


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
        org_unique("referrals"),
        same_org("referrals", "case_id", "cases"),
        same_org("referrals", "patient_id", "patients"),
        same_org("referrals", "duplicate_of_id", "referrals"),
    )

    id: str = id_field("ref_")
    org_id: str = org_field()
    stage: ReferralStage = Field(default=ReferralStage.received, sa_type=sa.String(20))
    source: str = Field(default="upload", max_length=20)  # upload, fax, api
    case_id: str | None = Field(default=None, max_length=40)
    patient_id: str | None = Field(default=None, max_length=40)
    duplicate_of_id: str | None = Field(default=None, max_length=40)
    # DESIGN §10 shape, written by the pipeline or entered by a person.
    extraction: Extraction | None = Field(default=None, sa_type=PydanticJSON(Extraction))
    qa: QaResult | None = Field(default=None, sa_type=PydanticJSON(QaResult))
    # Current triage; a manual override keeps the automatic result it replaced.
    triage: TriageResult | None = Field(default=None, sa_type=PydanticJSON(TriageResult))
    # Lower-cased "first last dob referrer" text the list's `q` filter searches.
    search_text: str = Field(default="", max_length=1000)
    error: str | None = Field(default=None, max_length=2000)
    notes: str | None = Field(default=None, max_length=4000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    processed_at: datetime | None = timestamp_field()
    # Who confirmed the extraction (a person's review), and when.
    confirmed_by: str | None = Field(default=None, max_length=40)
    confirmed_at: datetime | None = timestamp_field()
