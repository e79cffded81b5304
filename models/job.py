"""Processing runs: what the API shows of a referral's pipeline run (DESIGN §2).

PgQueuer delivers the work (its own tables on PostgreSQL, its in-memory queue on SQLite);
this row is only what a coordinator sees: state, the step and page it is on, attempts
and the reason it failed. The referral's stage stays the truth.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, org_field, same_org, timestamp_field


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobStep(StrEnum):
    """Where a running pipeline is, in order."""

    text = "text"  # the PDF's text layer, else OCR, page by page
    pages = "pages"  # each page classified, the documents' types from them
    fields = "fields"  # the typed extraction
    checks = "checks"  # QA, triage, matching, the case


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_org_referral_created", "org_id", "referral_id", "created_at"),
        # Start-up finds the runs a stopped process left unfinished.
        sa.Index("ix_jobs_status", "status"),
        # At most one queued or running run per referral, whoever asks and however they race.
        sa.Index(
            "ux_jobs_active_referral",
            "referral_id",
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
            sqlite_where=sa.text("status IN ('queued', 'running')"),
        ),
        same_org("jobs", "referral_id", "referrals"),
    )

    id: str = id_field("job_")
    org_id: str = org_field()
    kind: str = Field(max_length=50)  # process_referral
    referral_id: str = Field(max_length=40)
    status: JobStatus = Field(default=JobStatus.queued, sa_type=sa.String(20))
    step: JobStep | None = Field(default=None, sa_type=sa.String(20))
    # Page i of n while reading text (1-based, across the referral's documents).
    page: int | None = Field(default=None)
    page_count: int | None = Field(default=None)
    # Runs started (a retry after a transient fault, or a crashed worker's job taken over).
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
    started_at: datetime | None = timestamp_field()
    finished_at: datetime | None = timestamp_field()
