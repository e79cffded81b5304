"""What a referral says, as typed values: the extraction, its QA result and its triage.

These are the shapes of DESIGN §10 and of the ``qa`` and ``triage`` of a referral. They are
stored as JSON (``PydanticJSON`` below) and read back as these models, so the pipeline,
QA, triage, matching, REST and GraphQL all read one declaration. They are frozen: a change
is a new value (``Extraction.with_value``), which is also what tells the ORM to store it.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from pydantic.alias_generators import to_camel

from models.base import JSONType

# -- one home for the triage scale ------------------------------------------------------------

MOST_URGENT_LEVEL = 1
LEAST_URGENT_LEVEL = 5
TriageLevel = Annotated[int, Field(ge=MOST_URGENT_LEVEL, le=LEAST_URGENT_LEVEL)]


class PriorityBand(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


def is_triage_level(value: object) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and MOST_URGENT_LEVEL <= value <= LEAST_URGENT_LEVEL
    )


def is_priority_band(value: object) -> bool:
    return isinstance(value, str) and value in PriorityBand._value2member_map_


class Urgency(StrEnum):
    """The urgency cue a referral carries, most urgent first."""

    stat = "stat"
    urgent = "urgent"
    routine = "routine"

    @classmethod
    def read(cls, value: object) -> "Urgency | None":
        """``STAT``, ``emergent``, ``Urgent`` …: the cue a word names, else ``None``."""
        word = str(value or "").strip().lower()
        return _URGENCY_WORDS.get(word)


_URGENCY_WORDS = {
    "stat": Urgency.stat,
    "emergent": Urgency.stat,
    "emergency": Urgency.stat,
    "urgent": Urgency.urgent,
    "asap": Urgency.urgent,
    "expedited": Urgency.urgent,
    "routine": Urgency.routine,
    "non-urgent": Urgency.routine,
    "elective": Urgency.routine,
}


class ExtractionMethod(StrEnum):
    text = "text"  # the PDF's own text layer
    ocr = "ocr"  # every page read by OCR
    mixed = "mixed"  # some pages each way
    manual = "manual"  # entered by a person: nothing was read by machine


class Sex(StrEnum):
    F = "F"
    M = "M"
    X = "X"
    U = "U"


class Camel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown keys refused; immutable."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


# -- the extraction ---------------------------------------------------------------------------


class ExtractedAddress(Camel):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class ExtractedPatient(Camel):
    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = Field(default=None, description="YYYY-MM-DD")
    sex: Sex | None = None
    phone: str | None = Field(default=None, description="E.164")
    email: str | None = None
    address: ExtractedAddress | None = None


class ExtractedInsurance(Camel):
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


class ExtractedReferrer(Camel):
    provider_name: str | None = None
    npi: str | None = None
    practice_name: str | None = None
    phone: str | None = None
    fax: str | None = None


class ExtractedClinical(Camel):
    reason: str | None = None
    diagnosis_codes: list[str] = Field(default_factory=list)
    urgency: Urgency | None = None

    @field_validator("urgency", mode="before")
    @classmethod
    def _urgency_word(cls, value: object) -> object:
        # A word that names no urgency is no cue at all (not a guess).
        return value if value is None or isinstance(value, Urgency) else Urgency.read(value)


class FieldCorrection(Camel):
    """A person's value for one field, kept beside the machine's value it replaced."""

    value: Any = None
    machine_value: Any = None
    machine_confidence: float = 0.0
    by: str | None = None
    at: datetime | None = None


# Every leaf a person may correct, as the dotted camelCase paths of DESIGN §10.
FIELD_PATHS: tuple[str, ...] = (
    "patient.firstName",
    "patient.lastName",
    "patient.dob",
    "patient.sex",
    "patient.phone",
    "patient.email",
    "patient.address.line1",
    "patient.address.line2",
    "patient.address.city",
    "patient.address.state",
    "patient.address.zip",
    "insurance.provider",
    "insurance.memberId",
    "insurance.groupNumber",
    "referrer.providerName",
    "referrer.npi",
    "referrer.practiceName",
    "referrer.phone",
    "referrer.fax",
    "clinical.reason",
    "clinical.diagnosisCodes",
    "clinical.urgency",
)


class Extraction(Camel):
    """DESIGN §10: what a referral says, each field with a confidence and its source page."""

    patient: ExtractedPatient = Field(default_factory=ExtractedPatient)
    insurance: ExtractedInsurance = Field(default_factory=ExtractedInsurance)
    referrer: ExtractedReferrer = Field(default_factory=ExtractedReferrer)
    clinical: ExtractedClinical = Field(default_factory=ExtractedClinical)
    # Field path → 0..1. A field not found is null with confidence 0 (or no entry).
    confidence: dict[str, float] = Field(default_factory=dict)
    # Field path → the 1-based page of the packet the value was read from.
    source_pages: dict[str, int] = Field(default_factory=dict)
    method: ExtractionMethod | None = None
    # Field path → what a person set it to (and what the machine had said).
    corrections: dict[str, FieldCorrection] = Field(default_factory=dict)

    def value_at(self, path: str) -> Any:
        node: Any = self
        for part in path.split("."):
            if node is None:
                return None
            node = getattr(node, _snake(part), None)
        return node

    def with_value(self, path: str, value: Any) -> "Extraction":
        """A copy with the field at ``path`` set to ``value`` (already normalised)."""
        head, _, rest = path.partition(".")
        return _replaced(self, head, rest, value)

    def confidence_of(self, path: str) -> float:
        return self.confidence.get(path, 0.0) if self.value_at(path) not in _ABSENT else 0.0


_ABSENT: tuple[Any, ...] = (None, "", [])


def _snake(part: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in part)


def _replaced(model: BaseModel, head: str, rest: str, value: Any) -> Any:
    name = _snake(head)
    if not rest:
        # Validated, so a value is held as its type says (an enum member, not its text).
        return type(model).model_validate({**dict(model), name: value})
    child = getattr(model, name)
    if child is None:
        child = type(model).model_fields[name].annotation.__args__[0]()  # type: ignore[union-attr]
    return model.model_copy(update={name: _replaced(child, *rest.partition(".")[::2], value)})


# -- QA ---------------------------------------------------------------------------------------


class QaSeverity(StrEnum):
    error = "error"  # fails QA: the referral waits in review
    warning = "warning"  # shown, but does not fail QA


class QaIssue(Camel):
    field: str
    code: str  # missing, low_confidence, invalid, in_future, invalid_format, invalid_check_digit
    severity: QaSeverity = QaSeverity.error
    message: str


class QaResult(Camel):
    passed: bool
    issues: list[QaIssue] = Field(default_factory=list)
    checked_at: datetime | None = None

    @property
    def fields_to_confirm(self) -> list[str]:
        return sorted({i.field for i in self.issues})


# -- triage -----------------------------------------------------------------------------------


class TriageCue(Camel):
    cue: str  # keyword, diagnosisCode or urgency
    value: str


class FiredRule(Camel):
    name: str
    level: TriageLevel
    queue: str | None = None
    matched: list[TriageCue] = Field(default_factory=list)


class TriageResult(Camel):
    level: TriageLevel
    priority_band: PriorityBand | None = None
    queue: str | None = None
    source: Literal["auto", "manual"] = "auto"
    rules: list[FiredRule] = Field(default_factory=list)
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime | None = None
    # For a manual override: the automatic result it replaced.
    automatic: "TriageResult | None" = None


# -- storage ----------------------------------------------------------------------------------


class PydanticJSON(sa.TypeDecorator[Any]):
    """A JSON column holding a typed value (a model above, or a list of one) in wire form."""

    impl = JSONType
    cache_ok = True

    def __init__(self, kind: Any) -> None:
        super().__init__()
        self.kind = kind
        self.adapter: TypeAdapter[Any] = TypeAdapter(kind)

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        return self.adapter.dump_python(
            self.adapter.validate_python(value), mode="json", by_alias=True
        )

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        return self.adapter.validate_python(value)

    def text_reader(self) -> "PydanticJSONText":
        """The same column read as its JSON text (``CAST(… AS TEXT)``), for reads that are
        only shown (``resolvers.pagination.rows_of``)."""
        return PydanticJSONText(self.adapter)


class PydanticJSONText(sa.TypeDecorator[Any]):
    """A ``PydanticJSON`` column's value sent as text, validated straight from it in one
    pass of pydantic-core: a dict built by the driver's JSON decoder and then walked by
    the validator cost twice as much (a page of referrals reads 50 extractions)."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, adapter: TypeAdapter[Any]) -> None:
        super().__init__()
        self.adapter = adapter

    def result_processor(self, dialect: sa.Dialect, coltype: object) -> Any:
        # The core validator itself: TypeAdapter.validate_json is a Python frame around it.
        validate = self.adapter.validator.validate_json

        def process(value: str | None) -> Any:
            # ``None`` stored in a JSON column is the JSON ``null``, read back as None.
            return None if value is None or value == "null" else validate(value)

        return process
