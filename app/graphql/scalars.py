from datetime import UTC, datetime
from typing import Any, NewType

import strawberry
from graphql import GraphQLError

from resolvers.referrals import parse_received


def _serialize(value: datetime) -> str:
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat()[:-6] + "Z"  # a UTC isoformat ends in +00:00


def _shown(value: Any) -> str:
    return repr(value) if len(repr(value)) <= 60 else repr(value)[:60] + "…"


def _parse(value: Any) -> datetime:
    """A client's value that is no timestamp is a malformed request, reported as such.

    Raised as a GraphQLError: graphql-core keeps any other exception as the error's
    cause, and the error masking would then take a client's typo for a server failure.
    """
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("no time zone")
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, OverflowError):
        raise GraphQLError(
            "DateTime must be an ISO 8601 timestamp with a time zone (Z for UTC), "
            f"not {_shown(value)}"
        ) from None


# UTC, ISO 8601 with "Z", as in REST.
DateTime = strawberry.scalar(
    name="DateTime",
    description="UTC timestamp, ISO 8601 with Z",
    serialize=_serialize,
    parse_value=_parse,
)

DateOrDateTime = NewType("DateOrDateTime", str)


def _parse_date_or_datetime(value: Any) -> str:
    """The format is checked here, so a value that is neither is a malformed request."""
    try:
        parse_received(value)
    except (TypeError, ValueError, AttributeError):
        raise GraphQLError(
            f"DateOrDateTime must be a date (2026-01-31) or an ISO 8601 timestamp, "
            f"not {_shown(value)}"
        ) from None
    return str(value).strip()


# A bound of a time window, as REST takes it (the resolver applies the org's time zone).
DateOrDateTimeScalar = strawberry.scalar(
    name="DateOrDateTime",
    description="A date (2026-01-31: the whole day, in the org's time zone) or an ISO 8601 "
    "timestamp (without a zone: the org's)",
    serialize=str,
    parse_value=_parse_date_or_datetime,
)

SCALAR_MAP = {datetime: DateTime, DateOrDateTime: DateOrDateTimeScalar}
