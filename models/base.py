"""Column types and helpers shared by every table."""

import secrets
import string
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

_ALPHABET = string.ascii_lowercase + string.digits
# Each byte value to its character, b → _ALPHABET[b % 36], for one bytes.translate per id
# (a generator over the bytes cost more than the rest of drawing it).
_BYTE_TO_CHARACTER = bytes(ord(_ALPHABET[b % 36]) for b in range(256))


def new_id(prefix: str) -> str:
    """A prefixed random id such as ``ref_3k9x…``: 20 characters of [a-z0-9], ~103 bits."""
    # One read of the OS random source per id; the modulo bias of 256 % 36 is
    # irrelevant for identifiers (not secrets).
    return prefix + secrets.token_bytes(20).translate(_BYTE_TO_CHARACTER).decode()


def fresh_id(model: type[SQLModel]) -> str:
    """A new id for a row of ``model``, with its table's prefix, drawn before the row is
    made (an idempotent create names it in the key's record first)."""
    # The field's own factory, called as is (pydantic's get_default inspects its signature
    # on every call, which cost more than drawing the id).
    factory = cast("Callable[[], str]", model.model_fields["id"].default_factory)
    return factory()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A moment in UTC: always bound aware, always handed back aware in UTC.

    PostgreSQL keeps it as ``timestamptz``, which asyncpg decodes in C to an aware UTC
    datetime: nothing is left to do per value (a page of referrals with cases and
    patients reads some 800 of them). SQLite has no time zone type: it stores naive
    UTC, and each value read is made aware here. Both databases give resolvers the
    same value.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(sa.DateTime(timezone=_keeps_zone(dialect)))

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        if _keeps_zone(dialect):
            return value if value.tzinfo is UTC else value.astimezone(UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value if value.tzinfo is UTC else value.astimezone(UTC)

    def result_processor(self, dialect: sa.Dialect, coltype: object) -> Any:
        """``process_result_value`` as one function per value (TypeDecorator's own wraps
        it in a second call), and none at all where the driver answers aware UTC."""
        decode = self.impl_instance.result_processor(dialect, coltype)
        if dialect.name == "postgresql" and dialect.driver == "asyncpg" and decode is None:
            # asyncpg decodes timestamptz (binary: microseconds since 2000 UTC) to a
            # datetime whose tzinfo is datetime.UTC, whatever the session's TimeZone.
            return None
        if _keeps_zone(dialect):
            return lambda value: self.process_result_value(
                value if decode is None else decode(value), dialect
            )
        if decode is None:
            return _aware
        return lambda value: _aware(decode(value))


def _keeps_zone(dialect: sa.Dialect) -> bool:
    """Whether the column is ``timestamptz`` (PostgreSQL) rather than naive UTC."""
    return dialect.name == "postgresql"


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


# JSON on SQLite, JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def id_field(prefix: str) -> Any:
    return Field(default_factory=lambda: new_id(prefix), primary_key=True, max_length=40)


def org_field() -> Any:
    return Field(foreign_key="orgs.id", max_length=40, index=False, nullable=False)


# Tenancy in the schema itself: a row can only point at a row of its own org. Each
# org-scoped table that others point at is unique on (org_id, id), and each pointer is a
# foreign key on (org_id, <column>), so the database refuses a cross-org reference
# whatever a resolver does. A null pointer is not checked (MATCH SIMPLE).


def org_unique(table: str) -> sa.UniqueConstraint:
    """Lets other tables of the org point at this one with :func:`same_org`."""
    return sa.UniqueConstraint("org_id", "id", name=f"uq_{table}_org_id")


def same_org(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """``table.column`` names a row of ``target`` of the same org."""
    return sa.ForeignKeyConstraint(
        ["org_id", column],
        [f"{target}.org_id", f"{target}.id"],
        name=f"fk_{table}_{column}_same_org",
    )


def created_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(nullable: bool = True) -> Any:
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, nullable=True)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def json_field(default_factory: Any = dict, nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=JSONType, nullable=True)
    return Field(default_factory=default_factory, sa_type=JSONType, nullable=False)
