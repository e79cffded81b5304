"""Domain errors as GraphQL data: mutations answer ``<Name>Success | MutationError``.

Top-level errors are left for what a client cannot handle as data: a malformed
or over-limit query, a missing or refused credential, a failure of the server.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.db import CONTENTION_MESSAGE, is_contention, is_data_error
from app.graphql.context import Info
from resolvers.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)

T = TypeVar("T")


@strawberry.type
class FieldError:
    field: str
    message: str


@strawberry.type
class MutationError:
    code: str = strawberry.field(description="As in REST: not_found, forbidden, conflict, …")
    message: str
    field: str | None = None
    field_errors: list[FieldError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, exc: DomainError) -> "MutationError":
        details = exc.details if isinstance(exc.details, list) else []
        return cls(
            code=exc.code,
            message=exc.message,
            field=exc.field or (details[0].get("field") if details else None),
            field_errors=[
                FieldError(field=str(d.get("field")), message=str(d.get("message")))
                for d in details
                if isinstance(d, dict)
            ],
        )


async def run_mutation(
    info: Info,
    operation: Callable[[], Awaitable[T]],
    success: Callable[[T], Any],
    *,
    refusal_as_data: bool = False,
) -> Any:
    """One transaction per mutation: commit on success, roll back and report a domain error.

    A missing credential is a top-level error, except where checking a credential is the
    mutation's very purpose (``refusal_as_data``: signing in), whose refusal is kept
    in the audit trail and answered as data.
    """
    session = info.context.ctx.session
    try:
        result = await operation()
        await session.flush()
    except Unauthenticated as exc:
        if refusal_as_data:
            await session.commit()
            return MutationError.of(exc)
        await session.rollback()
        raise GraphQLError(exc.message, extensions={"code": "UNAUTHENTICATED"}) from None
    except DomainError as exc:
        await session.rollback()
        return MutationError.of(exc)
    except IntegrityError:
        await session.rollback()
        return MutationError(code="conflict", message="the change conflicts with existing data")
    except DBAPIError as exc:
        await session.rollback()
        if is_contention(exc):
            return MutationError(code="conflict", message=CONTENTION_MESSAGE)
        if not is_data_error(exc):
            raise
        return MutationError(
            code="validation_failed", message="a value is too long or out of range"
        )
    await session.commit()
    return success(result)


async def or_null(info: Info, operation: Callable[[], Awaitable[T]]) -> T | None:
    """A query for a missing row, or one of another org, answers null."""
    try:
        return await operation()
    except (NotFound, Forbidden):
        return None
    except Unauthenticated as exc:
        raise GraphQLError(exc.message, extensions={"code": "UNAUTHENTICATED"}) from None
    except (ValidationFailed, BadRequest) as exc:
        raise GraphQLError(
            exc.message, extensions={"code": "BAD_USER_INPUT", "field": exc.field}
        ) from None
