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
from models.case import CaseStatus
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
        # created_at: a case's first receipt (backlog aging) is read from the index alone.
        sa.Index("ix_referrals_org_case", "org_id", "case_id", "created_at"),
        sa.Index("ix_referrals_org_patient", "org_id", "patient_id"),
        # Reporting: a range's counts by stage, its times from receipt, its mix (payer,
        # category, code) and conversion (the case's copied columns), from the index alone
        # (a referral's row is ~1 kB of JSON; these columns are a few dozen bytes).
        sa.Index(
            "ix_referrals_org_received_report",
            "org_id",
            "created_at",
            postgresql_include=[
                "stage",
                "processed_at",
                "needed_review",
                "triaged_at",
                "first_attempt_at",
                "scheduled_at",
                "case_id",
                "payer",
                "reason_category",
                "code_head",
                "case_status",
                "case_scheduled_for",
                "case_practice_id",
                "case_priority_band",
                "case_location_id",
            ],
        ),
        # Reporting: the fields QA found missing, read off the QA JSON of the range's
        # referrals that needed review (a sixth of them): without it PostgreSQL read the
        # whole table rather than fetch each of the range's rows to test the flag.
        sa.Index(
            "ix_referrals_org_review_created",
            "org_id",
            "created_at",
            postgresql_where=sa.text("needed_review"),
            sqlite_where=sa.text("needed_review"),
        ),
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
    # When the referral was linked to a case (stage ``triaged``); reporting's time to triage.
    triaged_at: datetime | None = timestamp_field()
    # Reporting rollups, kept exact by the write path (resolvers/contact_rollup.py): the
    # first contact attempt and the first scheduling of its case at or after receipt.
    first_attempt_at: datetime | None = timestamp_field()
    scheduled_at: datetime | None = timestamp_field()
    # Reporting's mix, read off ``extraction`` and ``triage`` by the write path whenever
    # either is set (resolvers/referral_facets.py): the insurance provider as written, the
    # first fired triage rule's name, the first diagnosis code's first three characters.
    payer: str | None = Field(default=None, max_length=200)
    reason_category: str | None = Field(default=None, max_length=100)
    code_head: str | None = Field(default=None, max_length=3)
    # Reporting's conversion and mix: the referral's case's columns of the same names,
    # copied by every flush that changes them or moves the referral (resolvers/case_facts.py);
    # None without a case.
    case_status: CaseStatus | None = Field(default=None, sa_type=sa.String(20))
    case_scheduled_for: datetime | None = timestamp_field()
    case_practice_id: str | None = Field(default=None, max_length=40)
    case_priority_band: str | None = Field(default=None, max_length=2)
    case_location_id: str | None = Field(default=None, max_length=40)
    # Set when QA first sent the referral to review; kept after the review is done, so
    # reporting can tell the share of referrals that needed a person.
    needed_review: bool = Field(default=False)
