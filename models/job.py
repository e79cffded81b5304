"""Persisted background jobs: a restart resumes where it stopped (DESIGN §2)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, json_field, org_field, timestamp_field


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_org_created", "org_id", "created_at"),
        # The worker claims across orgs: oldest runnable first.
        sa.Index("ix_jobs_status_run_after", "status", "run_after"),
        # At most one queued or running job per dedupe key (one pipeline run per referral),
        # enforced by the database even when two requests race.
        sa.Index(
            "ux_jobs_active_dedupe_key",
            "dedupe_key",
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
            sqlite_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: str = id_field("job_")
    org_id: str = org_field()
    kind: str = Field(max_length=50)  # process_referral, …
    status: JobStatus = Field(default=JobStatus.queued, sa_type=sa.String(20))
    payload: dict[str, Any] = json_field()
    # e.g. "process_referral:ref_…"; null for jobs that may run side by side.
    dedupe_key: str | None = Field(default=None, max_length=120)
    result: dict[str, Any] | None = json_field(nullable=True)
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=3)
    run_after: datetime = timestamp_field(nullable=False)
    locked_by: str | None = Field(default=None, max_length=100)
    locked_at: datetime | None = timestamp_field()
    error: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
