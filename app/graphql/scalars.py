from datetime import UTC, datetime

import strawberry


def _serialize(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs a time zone (use Z for UTC)")
    return parsed.astimezone(UTC)


# UTC, ISO 8601 with "Z", as in REST.
DateTime = strawberry.scalar(
    name="DateTime",
    description="UTC timestamp, ISO 8601 with Z",
    serialize=_serialize,
    parse_value=_parse,
)

SCALAR_MAP = {datetime: DateTime}
