"""What people did with the machine's reading of a referral, field by field."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, org_field, same_org
from models.extraction import FIELD_PATHS, ExtractionMethod
from models.referral import Referral


class FieldReview(SQLModel, table=True):
    """One field of a confirmed referral: read by the machine, kept or corrected by a person.

    The org's live accuracy per field is an aggregate of these (``resolvers/review.py``).
    """

    __tablename__ = "field_reviews"
    __table_args__ = (
        sa.Index("ix_field_reviews_org_field", "org_id", "field", "created_at"),
        sa.UniqueConstraint("org_id", "referral_id", "field", name="uq_field_reviews_field"),
        same_org("field_reviews", "referral_id", "referrals"),
    )

    id: str = id_field("frv_")
    org_id: str = org_field()
    referral_id: str = Field(max_length=40)
    field: str = Field(max_length=60)
    machine_confidence: float = Field(default=0.0)
    corrected: bool = Field(default=False)
    method: str | None = Field(default=None, max_length=10)
    created_at: datetime = created_field()


def reviews_of(referral: Referral) -> list[FieldReview]:
    """One row per field the machine read or a person had to add, for a confirmed referral."""
    extraction = referral.extraction
    if extraction is None or extraction.method == ExtractionMethod.manual:
        return []
    rows = []
    for path in FIELD_PATHS:
        correction = extraction.corrections.get(path)
        machine_value = correction.machine_value if correction else extraction.value_at(path)
        if machine_value in (None, "", []) and correction is None:
            continue
        rows.append(
            FieldReview(
                org_id=referral.org_id,
                referral_id=referral.id,
                field=path,
                machine_confidence=(
                    correction.machine_confidence if correction else extraction.confidence_of(path)
                ),
                corrected=correction is not None,
                method=extraction.method.value if extraction.method else None,
            )
        )
    return rows
