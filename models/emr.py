"""EMR chart and document queue items, drained by the EMR bridge (DESIGN §6)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, org_field, org_unique, same_org, timestamp_field


class QueueStatus(StrEnum):
    pending = "pending"
    processing = "processing"
    completed = "completed"
    # Past the org's ``emr.maxAttempts``: out of the poll until staff re-queue it.
    dead = "dead"


class EmrChartItem(SQLModel, table=True):
    __tablename__ = "emr_chart_items"
    __table_args__ = (
        sa.Index("ix_emr_chart_items_org_status", "org_id", "status", "created_at"),
        sa.Index("ix_emr_chart_items_org_case", "org_id", "case_id"),
        sa.Index("ix_emr_chart_items_org_completed", "org_id", "completed_at"),
        org_unique("emr_chart_items"),
        same_org("emr_chart_items", "case_id", "cases"),
    )

    id: str = id_field("emrq_")
    org_id: str = org_field()
    case_id: str = Field(max_length=40)
    status: QueueStatus = Field(default=QueueStatus.pending, sa_type=sa.String(20))
    attempts: int = Field(default=0)
    last_message: str | None = Field(default=None, max_length=2000)
    last_attempt_failed: bool = Field(default=False)
    # A ``lease`` poll hands the item to one bridge (status processing) until then.
    lease_expires_at: datetime | None = timestamp_field()
    emr_chart_id: str | None = Field(default=None, max_length=100)
    queued_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    completed_at: datetime | None = timestamp_field()


class EmrDocumentItem(SQLModel, table=True):
    __tablename__ = "emr_document_items"
    __table_args__ = (
        sa.Index("ix_emr_document_items_org_status", "org_id", "status", "created_at"),
        sa.Index("ix_emr_document_items_org_case", "org_id", "case_id"),
        same_org("emr_document_items", "case_id", "cases"),
        same_org("emr_document_items", "chart_item_id", "emr_chart_items"),
        same_org("emr_document_items", "document_id", "documents"),
        # One delivery of a document per chart, however many callbacks race.
        sa.Index(
            "ux_emr_document_items_chart_document", "chart_item_id", "document_id", unique=True
        ),
    )

    id: str = id_field("emrd_")
    org_id: str = org_field()
    case_id: str = Field(max_length=40)
    chart_item_id: str = Field(max_length=40)
    document_id: str | None = Field(default=None, max_length=40)
    document_type: str = Field(max_length=20)  # source, summary
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    storage_key: str = Field(max_length=300)
    status: QueueStatus = Field(default=QueueStatus.pending, sa_type=sa.String(20))
    attempts: int = Field(default=0)
    last_message: str | None = Field(default=None, max_length=2000)
    last_attempt_failed: bool = Field(default=False)
    lease_expires_at: datetime | None = timestamp_field()
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    completed_at: datetime | None = timestamp_field()
