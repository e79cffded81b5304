from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import (
    created_field,
    id_field,
    json_field,
    org_field,
    org_unique,
    timestamp_field,
)


class Patient(SQLModel, table=True):
    __tablename__ = "patients"
    __table_args__ = (
        sa.Index("ix_patients_org_last_first", "org_id", "last_name_key", "first_name_key"),
        sa.Index("ix_patients_org_first", "org_id", "first_name_key"),
        sa.Index("ix_patients_org_dob", "org_id", "dob"),
        sa.Index("ix_patients_org_phone", "org_id", "phone"),
        sa.Index("ix_patients_org_mrn", "org_id", "mrn"),
        org_unique("patients"),
    )

    id: str = id_field("pat_")
    org_id: str = org_field()
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    # Lower-cased, accent- and punctuation-free copies for search.
    first_name_key: str = Field(max_length=100)
    last_name_key: str = Field(max_length=100)
    dob: date | None = Field(default=None)
    sex: str | None = Field(default=None, max_length=1)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=320)
    address: dict[str, Any] | None = json_field(nullable=True)
    insurance: dict[str, Any] | None = json_field(nullable=True)
    mrn: str | None = Field(default=None, max_length=100)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
