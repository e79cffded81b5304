"""Insert parents before children within one flush.

The tables declare foreign keys but no ORM relationships, and without a
relationship SQLAlchemy's unit of work does not know that an org must be
inserted before the API key that points at it. A write-only, never-loaded
many-to-one relationship per foreign key gives it that order.
"""

from sqlalchemy import event
from sqlalchemy.orm import Mapper, relationship
from sqlmodel import SQLModel


def order_inserts_by_foreign_keys() -> None:
    mappers: list[Mapper] = list(SQLModel._sa_registry.mappers)  # type: ignore[attr-defined]
    by_table = {mapper.local_table: mapper for mapper in mappers}
    for mapper in mappers:
        table = mapper.local_table
        for fk in table.foreign_keys:
            name = f"_fk_{fk.parent.name}"
            if name in mapper.relationships:
                continue
            target = fk.column.table
            mapper.add_property(
                name,
                relationship(
                    by_table[target].class_,
                    foreign_keys=[fk.parent],
                    remote_side=[fk.column] if target is table else None,
                    lazy="raise",
                ),
            )


def align_timestamps() -> None:
    """A new row's ``updated_at`` is never earlier than its ``created_at``.

    Both default to "now", but resolvers often pass ``updated_at`` explicitly,
    computed a few microseconds before the ``created_at`` default runs.
    """
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        columns = mapper.local_table.columns
        if "created_at" in columns and "updated_at" in columns:
            event.listen(mapper, "before_insert", _not_before_creation)


def _not_before_creation(mapper: Mapper, connection: object, target: object) -> None:
    created = getattr(target, "created_at", None)
    updated = getattr(target, "updated_at", None)
    if created is not None and (updated is None or updated < created):
        target.updated_at = created  # type: ignore[attr-defined]
