"""UTC timestamps as timestamptz on PostgreSQL

The columns held naive UTC (``timestamp``); as ``timestamptz`` the driver hands back aware
datetimes itself (``models.base.UTCDateTime``). A database made by 0001 since then has
them already; one made before is converted here, each value read as the UTC it was
stored in. SQLite has no time zone type: nothing to do there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The models.base.UTCDateTime columns as of this revision (written out: a migration does
# not follow the models as they change).
COLUMNS: dict[str, tuple[str, ...]] = {
    "api_keys": ("created_at", "last_used_at", "revoked_at"),
    "audit_events": ("created_at",),
    "cases": (
        "scheduled_for",
        "created_at",
        "updated_at",
        "closed_at",
        "first_received_at",
        "scheduled_at",
    ),
    "contact_events": ("scheduled_for", "created_at"),
    "documents": ("uploaded_at", "created_at", "updated_at"),
    "emr_chart_items": ("lease_expires_at", "created_at", "updated_at", "completed_at"),
    "emr_document_items": ("lease_expires_at", "created_at", "updated_at", "completed_at"),
    "field_reviews": ("created_at",),
    "idempotency_keys": ("created_at", "expires_at"),
    "jobs": ("created_at", "updated_at", "started_at", "finished_at"),
    "locations": ("created_at",),
    "memberships": ("created_at",),
    "orgs": ("created_at", "updated_at"),
    "patients": ("created_at", "updated_at"),
    "practices": ("created_at", "updated_at"),
    "providers": ("created_at", "updated_at"),
    "referrals": (
        "created_at",
        "updated_at",
        "processed_at",
        "confirmed_at",
        "triaged_at",
        "first_attempt_at",
        "scheduled_at",
        "case_scheduled_for",
    ),
    "referrer_aliases": ("created_at",),
    "users": ("tokens_valid_after", "created_at"),
}


def _retype(from_type: str, to_type: str) -> None:
    """Each listed column still of ``from_type`` becomes ``to_type``, read as UTC: one
    ALTER TABLE (one rewrite) per table."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    found = bind.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type = :type"
        ),
        {"type": from_type},
    )
    have = {(table, column) for table, column in found}
    for table, columns in COLUMNS.items():
        changes = [
            f'ALTER COLUMN "{column}" TYPE {to_type} USING "{column}" AT TIME ZONE \'UTC\''
            for column in columns
            if (table, column) in have
        ]
        if changes:
            op.execute(f'ALTER TABLE "{table}" ' + ", ".join(changes))


def upgrade() -> None:
    _retype("timestamp without time zone", "timestamptz")


def downgrade() -> None:
    _retype("timestamp with time zone", "timestamp")
