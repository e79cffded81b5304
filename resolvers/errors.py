"""Domain errors. Resolvers raise them; each face maps them once (REST status, GraphQL result)."""

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class BadRequest(DomainError):
    code = "bad_request"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class RateLimited(DomainError):
    """Over the caller's rate limit; ``retry_after`` seconds until the budget refills."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    """One or more inputs are wrong; ``details`` is ``[{"field": …, "message": …}]``."""

    code = "validation_failed"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        if details is None and field is not None:
            details = [{"field": field, "message": message}]
        super().__init__(message, field=field, details=details)


# An id longer than any of ours is shown cut short: an error must not echo kilobytes back.
_LONGEST_SHOWN_ID = 64


def not_found(resource: str, id_: str) -> NotFound:
    shown = id_ if len(id_) <= _LONGEST_SHOWN_ID else f"{id_[:_LONGEST_SHOWN_ID]}…"
    return NotFound(f"{resource} {shown} not found")
