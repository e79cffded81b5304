"""What a referral says, in the graph: types derived from the typed models of
``models/extraction.py`` (one declaration), so GraphQL shows exactly their fields."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.experimental import pydantic as from_model
from strawberry.scalars import JSON
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

from app.graphql import enums  # noqa: F401  (the enums its models' fields use)
from models import extraction as m


@from_model.type(model=m.ExtractedAddress, all_fields=True, name="ExtractedAddress")
class ExtractedAddress:
    pass


@from_model.type(model=m.ExtractedPatient, all_fields=True, name="ExtractedPatient")
class ExtractedPatient:
    pass


@from_model.type(model=m.ExtractedInsurance, all_fields=True, name="ExtractedInsurance")
class ExtractedInsurance:
    pass


@from_model.type(model=m.ExtractedReferrer, all_fields=True, name="ExtractedReferrer")
class ExtractedReferrer:
    pass


@from_model.type(model=m.ExtractedClinical, all_fields=True, name="ExtractedClinical")
class ExtractedClinical:
    pass


@strawberry.type(description="One field as read: confidence, source page and any correction")
class ExtractedField:
    field: str = strawberry.field(description="Its DESIGN §10 path, e.g. patient.dob")
    value: JSON | None
    confidence: float = strawberry.field(description="0 (not found) … 1; 1 once a person set it")
    source_page: int | None = strawberry.field(description="1-based page of the packet")
    corrected: bool
    machine_value: JSON | None = strawberry.field(description="What the machine read, if corrected")
    machine_confidence: float | None
    corrected_by: str | None


@strawberry.type(description="What the referral says (DESIGN §10)")
class Extraction:
    patient: ExtractedPatient
    insurance: ExtractedInsurance
    referrer: ExtractedReferrer
    clinical: ExtractedClinical
    method: m.ExtractionMethod | None
    model: strawberry.Private[m.Extraction]

    @strawberry.field(description="Every field with its confidence, source page and correction")
    def fields(self) -> list[ExtractedField]:
        return [_field(self.model, path) for path in m.FIELD_PATHS]

    @strawberry.field(description="The raw confidences by field path (DESIGN §10 `confidence`)")
    def confidence(self) -> JSON:
        return dict(self.model.confidence)

    @classmethod
    def of(cls, value: m.Extraction | None) -> "Extraction | None":
        """The graph's view of an extraction. Its parts are the typed models themselves: a
        type derived from a model takes the model's instances as they are (its
        ``is_type_of``) and reads their attributes, so nothing is copied per node."""
        if value is None:
            return None
        return cls(
            patient=value.patient,  # type: ignore[arg-type]
            insurance=value.insurance,  # type: ignore[arg-type]
            referrer=value.referrer,  # type: ignore[arg-type]
            clinical=value.clinical,  # type: ignore[arg-type]
            method=value.method,
            model=value,
        )


# The models the graph shows as they are (the types above take their instances, through
# the ``is_type_of`` Strawberry gives a type derived from a model). That check first asks
# an instance whether it was cast to a type (``strawberry.cast``); on a model the miss goes
# through pydantic's ``__getattr__`` and its class's, two exceptions per node (some 150 a
# page). Answered by the class instead: not cast, unless an instance is.
_SHOWN = (
    m.ExtractedAddress,
    m.ExtractedPatient,
    m.ExtractedInsurance,
    m.ExtractedReferrer,
    m.ExtractedClinical,
)
for _shown in _SHOWN:
    setattr(_shown, TYPE_CAST_ATTRIBUTE, None)


def _field(extraction: m.Extraction, path: str) -> ExtractedField:
    correction = extraction.corrections.get(path)
    value: Any = extraction.value_at(path)
    return ExtractedField(
        field=path,
        value=value.value if hasattr(value, "value") else value,
        confidence=extraction.confidence_of(path),
        source_page=extraction.source_pages.get(path),
        corrected=correction is not None,
        machine_value=correction.machine_value if correction else None,
        machine_confidence=correction.machine_confidence if correction else None,
        corrected_by=correction.by if correction else None,
    )


@from_model.type(model=m.QaIssue, all_fields=True, name="QaIssue")
class QaIssue:
    pass


@from_model.type(model=m.QaResult, all_fields=True, name="QaResult")
class QaResult:
    @strawberry.field(description="The fields a person should confirm or correct")
    def fields_to_confirm(self) -> list[str]:
        return sorted({i.field for i in self.issues})


@from_model.type(model=m.TriageCue, all_fields=True, name="TriageCue")
class TriageCue:
    pass


@from_model.type(model=m.FiredRule, all_fields=True, name="TriageRuleHit")
class TriageRuleHit:
    pass


@strawberry.type(description="How urgent a referral is, and why")
class Triage:
    level: int = strawberry.field(description="1 (most urgent) … 5")
    priority_band: m.PriorityBand | None
    queue: str | None
    source: str = strawberry.field(description="auto or manual")
    rules: list[TriageRuleHit] = strawberry.field(description="The rules that fired")
    reason: str | None
    set_by: str | None
    set_at: datetime | None
    automatic: "Triage | None" = strawberry.field(
        description="For a manual override: the automatic result it replaced"
    )

    @classmethod
    def of(cls, value: m.TriageResult) -> "Triage":
        return cls(
            level=value.level,
            priority_band=value.priority_band,
            queue=value.queue,
            source=value.source,
            rules=[TriageRuleHit.from_pydantic(r) for r in value.rules],
            reason=value.reason,
            set_by=value.set_by,
            set_at=value.set_at,
            automatic=cls.of(value.automatic) if value.automatic else None,
        )


def qa_of(value: m.QaResult | None) -> QaResult | None:
    return QaResult.from_pydantic(value) if value is not None else None


def triage_of(value: m.TriageResult | None) -> Triage | None:
    return Triage.of(value) if value is not None else None
