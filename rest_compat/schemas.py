"""Base classes for request and response bodies: camelCase on the wire, strict on input."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# UTC, ISO 8601 with "Z" (DESIGN §4).
Timestamp = Annotated[datetime, PlainSerializer(iso_z, return_type=str)]


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
