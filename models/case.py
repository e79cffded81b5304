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
from models.extraction import ExtractedReferrer, PydanticJSON


class CaseStatus(StrEnum):
    open = "open"
    contacting = "contacting"
    scheduled = "scheduled"
    closed = "closed"


class EmrStatus(StrEnum):
    not_queued = "not_queued"
    queued = "queued"
    created = "created"
    failed = "failed"


class EmrDocumentStatus(StrEnum):
    none = "none"
    pending = "pending"
    complete = "complete"
    error = "error"


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        sa.Index("ix_cases_org_created", "org_id", "created_at", "id"),
        sa.Index("ix_cases_org_status_created", "org_id", "status", "created_at"),
        sa.Index("ix_cases_org_patient", "org_id", "patient_id"),
        sa.Index("ix_cases_org_queue", "org_id", "queue"),
        sa.Index("ix_cases_org_band", "org_id", "priority_band"),
        sa.Index("ix_cases_org_location", "org_id", "location_id"),
        # Reporting: the cases closed in a range, per reason, from the index alone.
        sa.Index("ix_cases_org_closed", "org_id", "closed_at", postgresql_include=["close_reason"]),
        # Reporting: the backlog's ages and oldest cases; the EMR charts failing now.
        # (covering the backlog's groups, so PostgreSQL reads the index alone)
        sa.Index(
            "ix_cases_org_status_received",
            "org_id",
            "status",
            "first_received_at",
            "priority_band",
            "queue",
            "location_id",
        ),
        sa.Index("ix_cases_org_emr_status", "org_id", "emr_status"),
        # Reporting: the cases first scheduled in a range, with their attempts until then.
        sa.Index("ix_cases_org_scheduled_at", "org_id", "scheduled_at", "attempts_to_schedule"),
        org_unique("cases"),
        same_org("cases", "patient_id", "patients"),
        same_org("cases", "location_id", "locations"),
        same_org("cases", "practice_id", "practices"),
        same_org("cases", "provider_id", "providers"),
    )

    id: str = id_field("case_")
    org_id: str = org_field()
    patient_id: str | None = Field(default=None, max_length=40)
    status: CaseStatus = Field(default=CaseStatus.open, sa_type=sa.String(20))
    close_reason: str | None = Field(default=None, max_length=500)
    triage_level: int | None = Field(default=None)
    # Who set the case's own triage (PATCH); while None, the case follows its most urgent
    # referral.
    triage_set_by: str | None = Field(default=None, max_length=40)
    priority_band: str | None = Field(default=None, max_length=2)
    queue: str | None = Field(default=None, max_length=100)
    location_id: str | None = Field(default=None, max_length=40)
    assignee_id: str | None = Field(default=None, foreign_key="users.id", max_length=40)
    practice_id: str | None = Field(default=None, max_length=40)
    provider_id: str | None = Field(default=None, max_length=40)
    # Referrer as read off the referrals while no practice/provider is matched.
    referrer_candidates: list[ExtractedReferrer] = Field(
        default_factory=list, sa_type=PydanticJSON(list[ExtractedReferrer]), nullable=False
    )
    reason: str | None = Field(default=None, max_length=2000)
    scheduled_for: datetime | None = timestamp_field()
    emr_status: EmrStatus = Field(default=EmrStatus.not_queued, sa_type=sa.String(20))
    emr_chart_id: str | None = Field(default=None, max_length=100)
    emr_document_status: EmrDocumentStatus = Field(
        default=EmrDocumentStatus.none, sa_type=sa.String(20)
    )
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    closed_at: datetime | None = timestamp_field()
    # When the case's first (earliest) referral was received: kept by attach_referral, so
    # the backlog ages cases without reading their referrals. The case's creation without one.
    first_received_at: datetime = created_field()
    # Reporting rollups, kept exact by the write path (resolvers/contact_rollup.py): the
    # case's first scheduling, and the contact attempts logged up to it (None until then).
    scheduled_at: datetime | None = timestamp_field()
    attempts_to_schedule: int | None = Field(default=None)


class ContactKind(StrEnum):
    attempt = "attempt"
    scheduled = "scheduled"
    close = "close"
    note = "note"


class ContactEvent(SQLModel, table=True):
    __tablename__ = "contact_events"
    __table_args__ = (
        sa.Index("ix_contact_events_org_case", "org_id", "case_id", "created_at"),
        # Reporting: first attempt / first scheduling of a case, and events of a kind in a range.
        sa.Index("ix_contact_events_org_case_kind", "org_id", "case_id", "kind", "created_at"),
        sa.Index("ix_contact_events_org_kind_created", "org_id", "kind", "created_at"),
        same_org("contact_events", "case_id", "cases"),
    )

    id: str = id_field("ctc_")
    org_id: str = org_field()
    case_id: str = Field(max_length=40)
    kind: ContactKind = Field(sa_type=sa.String(20))
    channel: str | None = Field(default=None, max_length=20)  # phone, sms, email, mail, portal
    outcome: str | None = Field(default=None, max_length=40)
    scheduled_for: datetime | None = timestamp_field()
    reason: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=4000)
    actor_type: str = Field(max_length=20)
    actor_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
