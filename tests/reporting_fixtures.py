"""A small reporting data set whose figures are computed by hand in the tests.

Rows are inserted directly with chosen timestamps (the product's write paths stamp "now",
and reports are about the past); each helper mirrors what those write paths store.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import transaction
from models import (
    Case,
    ContactEvent,
    EmrChartItem,
    Location,
    Org,
    Patient,
    Practice,
    Referral,
    utcnow,
)
from models.extraction import Extraction, TriageResult
from resolvers import contact_rollup, referral_facets


def at(text: str) -> datetime:
    """``"2026-03-08 04:30"`` → that instant in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def extraction(payer: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {
        "patient": {"firstName": "Jane", "lastName": "Doe", "dob": "1985-03-15"},
        "insurance": {"provider": payer},
        "clinical": {"reason": "pain", "diagnosisCodes": [code] if code else []},
    }


def triage(band: str, rule: str | None = None) -> dict[str, Any]:
    rules = [{"name": rule, "level": 3}] if rule else []
    return {"level": 3, "priorityBand": band, "rules": rules}


def qa_missing(*fields: str) -> dict[str, Any]:
    issues = [
        {"field": f, "code": "missing", "severity": "error", "message": f"{f} is required"}
        for f in fields
    ]
    issues.append(
        {"field": "referrer.fax", "code": "invalid_format", "severity": "warning", "message": "x"}
    )
    return {"passed": False, "issues": issues}


@dataclass
class Built:
    ids: dict[str, str] = field(default_factory=dict)


class Builder:
    """Adds rows of one org in one transaction; ``ids`` names them for the assertions."""

    def __init__(self, session: Any, org_id: str) -> None:
        self.session = session
        self.org_id = org_id
        self.ids: dict[str, str] = {}

    async def flush(self) -> None:
        await self.session.flush()

    def add(self, name: str, row: Any) -> Any:
        self.session.add(row)
        self.ids[name] = row.id
        return row

    def patient(self, name: str, first: str, last: str) -> Patient:
        return self.add(
            name,
            Patient(
                org_id=self.org_id,
                first_name=first,
                last_name=last,
                first_name_key=first.lower(),
                last_name_key=last.lower(),
            ),
        )

    def practice(self, name: str, title: str) -> Practice:
        return self.add(name, Practice(org_id=self.org_id, name=title))

    def location(self, name: str, title: str) -> Location:
        return self.add(name, Location(org_id=self.org_id, name=title))

    def case(self, name: str, created: datetime, **values: Any) -> Case:
        if "patient_id" not in values:
            values["patient_id"] = self.patient(name + "_patient", "Pat", name.title()).id
        # As attach_referral keeps it: the earliest referral's receipt (creation without one).
        values.setdefault("first_received_at", created)
        return self.add(
            name, Case(org_id=self.org_id, created_at=created, updated_at=created, **values)
        )

    def referral(self, name: str, created: datetime, **values: Any) -> Referral:
        if values.get("extraction") is not None:
            values["extraction"] = Extraction.model_validate(values["extraction"])
        if values.get("triage") is not None:
            values["triage"] = TriageResult.model_validate(values["triage"])
        row = Referral(org_id=self.org_id, created_at=created, updated_at=created, **values)
        referral_facets.keep(row)  # as set_extraction and triage.apply do
        return self.add(name, row)

    def event(self, name: str, case: Case, kind: str, created: datetime, **values: Any) -> None:
        self.add(
            name,
            ContactEvent(
                org_id=self.org_id,
                case_id=case.id,
                kind=kind,
                created_at=created,
                actor_type="user",
                **values,
            ),
        )

    def chart(self, name: str, case: Case, created: datetime, **values: Any) -> None:
        self.add(
            name,
            EmrChartItem(
                org_id=self.org_id,
                case_id=case.id,
                created_at=created,
                updated_at=created,
                **values,
            ),
        )


async def build(app: Any, org_id: str, fill: Any) -> dict[str, str]:
    """Run ``fill(builder)`` (may be async) in one committed transaction; returns the ids."""
    async with transaction(app.state.sessions) as session:
        builder = Builder(session, org_id)
        result = fill(builder)
        if hasattr(result, "__await__"):
            await result
        # What the write path keeps per event, computed by its own definition.
        await contact_rollup.refresh(session, org_id, None)
    return builder.ids


async def set_config(app: Any, org_id: str, **values: Any) -> None:
    async with transaction(app.state.sessions) as session:
        org = await session.get(Org, org_id)
        assert org is not None
        org.config = {**org.config, **values}
        session.add(org)


def ago(**delta: float) -> datetime:
    return utcnow() - timedelta(**delta)
