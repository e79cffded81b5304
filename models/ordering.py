"""Insert parents before children within one flush.

The tables declare foreign keys but no ORM relationships, and without a
relationship SQLAlchemy's unit of work does not know that an org must be
inserted before the API key that points at it. A write-only, never-loaded
many-to-one relationship per foreign key gives it that order.
"""

from typing import Any

from sqlalchemy import Column, ForeignKeyConstraint, Table, event
from sqlalchemy.orm import Mapper, relationship
from sqlmodel import SQLModel


def order_inserts_by_foreign_keys() -> None:
    mappers: list[Mapper] = list(SQLModel._sa_registry.mappers)  # type: ignore[attr-defined]
    by_table = {mapper.local_table: mapper for mapper in mappers}
    for mapper in mappers:
        table = mapper.local_table
        assert isinstance(table, Table)
        for constraint in table.foreign_key_constraints:
            local, remote = _row_pointer(constraint)
            name = f"_fk_{local.name}"
            if name in mapper.relationships:
                continue
            target = remote.table
            mapper.add_property(
                name,
                relationship(
                    by_table[target].class_,
                    primaryjoin=local == remote,
                    foreign_keys=[local],
                    remote_side=[remote] if target is table else None,
                    lazy="raise",
                ),
            )


def _row_pointer(constraint: ForeignKeyConstraint) -> tuple[Column[Any], Column[Any]]:
    """The column that names the parent row, and the parent's id column.

    A same-org key is (org_id, x_id) → (org_id, id); its org_id half is shared with the
    row's own org key, so only x_id → id says which row comes first.
    """
    pairs = [(element.parent, element.column) for element in constraint.elements]
    if len(pairs) > 1:
        pairs = [(local, remote) for local, remote in pairs if local.name != "org_id"]
    [(local, remote)] = pairs
    return local, remote


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
