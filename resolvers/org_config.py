"""The shape of an org's configuration. PATCH merges keys; the merged whole must validate."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse as parse_rate
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from models.extraction import LEAST_URGENT_LEVEL, MOST_URGENT_LEVEL, PriorityBand, TriageLevel


class _Camel(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class TriageRule(_Camel):
    """Sets ``level`` when any of its cues is found in a referral (the pipeline applies these)."""

    name: str = Field(min_length=1, max_length=100)
    level: TriageLevel
    keywords: list[str] = Field(default_factory=list)
    diagnosis_code_prefixes: list[str] = Field(default_factory=list)
    urgency: list[str] = Field(default_factory=list)
    queue: str | None = None


class EmrConfig(_Camel):
    """How cases reach the EMR queue and how long a failing item is retried."""

    # With ``emrAutoQueue``, the event that queues a case: its first triaged referral,
    # or the first time it is scheduled.
    auto_queue_on: Literal["triaged", "scheduled"] = "triaged"
    # Failed callbacks an item may collect before it is ``dead`` (out of the poll until
    # staff re-queue it). None: retried for ever, as documented.
    max_attempts: int | None = Field(default=None, ge=1, le=1000)


class RateLimits(_Camel):
    """The org's own rate limits ("N/second|minute|hour|day"), over the settings' ones."""

    api_key: str | None = None
    user: str | None = None

    @field_validator("api_key", "user")
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_rate(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is no rate: say N/second, minute, hour or day"
                ) from None
        return value


class OrgConfig(_Camel):
    emr_auto_queue: bool = False
    emr: EmrConfig = Field(default_factory=EmrConfig)
    # A referral whose files have all arrived is processed without anyone asking.
    auto_process: bool = True
    queues: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=lambda: ["intake"], min_length=1
    )
    default_queue: str = "intake"
    # triage level (1 most urgent … 5) → priority band
    priority_bands: dict[str, PriorityBand] = Field(
        default_factory=lambda: {
            "1": PriorityBand.P1,
            "2": PriorityBand.P1,
            "3": PriorityBand.P2,
            "4": PriorityBand.P3,
            "5": PriorityBand.P4,
        }
    )
    triage_rules: list[TriageRule] = Field(default_factory=list)
    qa_min_confidence: float = Field(default=0.8, ge=0, le=1)
    duplicate_window_days: int = Field(default=30, ge=0, le=3650)
    timezone: str = "UTC"
    # Reporting (resolvers/reporting/): upper bounds, in whole days, of the backlog's aging
    # buckets (default 0-2, 3-7, 8-14, 15-30, 31+), and the days after receipt when a referral
    # that is neither scheduled nor closed counts as leaked.
    backlog_aging_days: list[Annotated[int, Field(ge=0, le=3650)]] = Field(
        default_factory=lambda: [2, 7, 14, 30], min_length=1, max_length=12
    )
    leak_days: int = Field(default=14, ge=1, le=3650)
    rate_limits: RateLimits = Field(default_factory=RateLimits)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a key that names no file but a directory ("America"), or one too long
            # for a file name; both are just unknown zones.
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("backlog_aging_days")
    @classmethod
    def _ascending(cls, value: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("bucket bounds must be strictly ascending")
        return value

    @field_validator("priority_bands")
    @classmethod
    def _levels(cls, value: dict[str, PriorityBand]) -> dict[str, PriorityBand]:
        levels = {str(n) for n in range(MOST_URGENT_LEVEL, LEAST_URGENT_LEVEL + 1)}
        wrong = sorted(set(value) - levels)
        if wrong:
            raise ValueError(f"keys must be triage levels 1-5, not {wrong[0]!r}")
        return value

    @field_validator("default_queue")
    @classmethod
    def _default_queue_listed(cls, value: str, info: ValidationInfo) -> str:
        queues = info.data.get("queues")
        if queues is not None and value not in queues:
            raise ValueError(f"{value!r} is not one of queues")
        return value

    def band_for(self, level: int | None) -> PriorityBand | None:
        return self.priority_bands.get(str(level)) if level is not None else None

    def public(self) -> dict[str, object]:
        return self.model_dump(by_alias=True, mode="json")
