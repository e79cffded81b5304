"""Base classes for request and response bodies: camelCase on the wire, strict on input."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def one_of_listed(words: list[str], *, empty_items: bool) -> str:
    """A pattern for a comma-separated list of ``words``, spaces allowed around each item,
    as the resolvers split and strip it; ``empty_items``: ``a,,b`` (ignored) passes too."""
    word = "(?:" + "|".join(words) + ")"
    if empty_items:
        return rf"^\s*(?:{word}\s*)?(?:,\s*(?:{word})?\s*)*$"
    return rf"^$|^\s*{word}\s*(?:,\s*{word}\s*)*$"


# A page size, as resolvers.pagination.check_limit takes it (declared so the OpenAPI
# document says what the server refuses).
Limit = Annotated[int | None, Field(ge=1, le=500)]
# ``review`` or ``review,received`` (resolvers.referrals.parse_stages).
STAGES = ["received", "processing", "review", "triaged", "duplicate", "failed"]
Stages = Annotated[
    str | None,
    Field(pattern=one_of_listed(STAGES, empty_items=False), description="stage[,stage…]"),
]


def in_utc(value: datetime) -> datetime:
    return value if value.tzinfo is UTC else value.astimezone(UTC)


# UTC, ISO 8601 with "Z" (DESIGN §4): put in UTC when the shape is built, then written by
# pydantic's own serialiser (the same text as ``iso_z``, without a Python call per value).
Timestamp = Annotated[datetime, AfterValidator(in_utc)]


class Body(BaseModel):
    """A request body: unknown fields are refused so a typo never silently does nothing."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Query(BaseModel):
    """Query-string parameters; unknown ones (cache busters) are ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorDetail(Out):
    code: str
    message: str
    details: object | None = None


class ErrorOut(Out):
    error: ErrorDetail


class OkOut(Out):
    ok: bool = True
