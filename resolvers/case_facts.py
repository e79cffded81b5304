"""What reporting reads off a referral's case, copied onto the referral by every flush.

Conversion and mix group the referrals received in a range by their case's status,
scheduling, practice, band and location. Joining a year's referrals to their cases (every
case of the org, hashed) was most of the year's overview (issue 13), so each referral
carries copies of those case columns (``COPIED``) and the reports read referrals alone.

The copies are kept by the session, not by each write path: after any flush that changes
one of those columns on a case, or moves a referral into or out of a case, one statement
copies the cases' values onto their referrals, in the same transaction (``after_flush``),
and the referrals loaded in the session are given the values written. A write path
cannot forget them; a Core ``UPDATE`` of those case columns or of ``referrals.case_id``
bypasses the ORM and must call ``refresh`` (none does).

The copy writes a case's referrals while the case is held, so every path takes its locks in
that order, case before its referrals (``access.get_row`` locks a referral after its case).

``_copy`` is the one statement: the flush runs it for the cases it touched, ``refresh``
for chosen cases or a whole org (a repair, and how bulk-loaded rows get them).
"""

from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import Case, Referral

_CASES = cast(sa.Table, Case.__table__)  # type: ignore[attr-defined]
_REFERRALS = cast(sa.Table, Referral.__table__)  # type: ignore[attr-defined]

# The referral's copy → the case's column.
COPIED: dict[str, str] = {
    "case_status": "status",
    "case_scheduled_for": "scheduled_for",
    "case_practice_id": "practice_id",
    "case_priority_band": "priority_band",
    "case_location_id": "location_id",
}

_WRITTEN = "case_facts.written"  # session.info: the rows a flush's copy wrote


def _copy(where: Any) -> sa.Update:
    """Copy each case's columns onto its referrals matching ``where``."""
    r, c = _REFERRALS.c, _CASES.c
    return (
        sa.update(_REFERRALS)
        .where(c.org_id == r.org_id, c.id == r.case_id, where)
        .values({mine: c[theirs] for mine, theirs in COPIED.items()})
    )


def _clear(where: Any) -> sa.Update:
    """A referral out of any case has no copies."""
    r = _REFERRALS.c
    return (
        sa.update(_REFERRALS)
        .where(r.case_id.is_(None), where)
        .values({mine: None for mine in COPIED})
    )


def _written() -> list[Any]:
    r = _REFERRALS.c
    return [r.id, *(r[mine] for mine in COPIED)]


async def refresh(session: AsyncSession, org_id: str, case_ids: Sequence[str] | None) -> None:
    """Copy the columns of ``case_ids`` (every case of the org when None, and no copies
    on its referrals without a case) onto their referrals. Referrals loaded in the session
    are not refreshed."""
    await session.flush()
    r = _REFERRALS.c
    if case_ids is None:
        await session.execute(_copy(r.org_id == org_id))
        anything = sa.or_(*(r[mine].is_not(None) for mine in COPIED))
        await session.execute(_clear(sa.and_(r.org_id == org_id, anything)))
    else:
        await session.execute(_copy(sa.and_(r.org_id == org_id, r.case_id.in_(case_ids))))


def _touched(session: Session) -> tuple[set[str], set[str]]:
    """The cases whose copied columns this flush changes or whose referrals it moves in,
    and the referrals it moves out of a case."""
    cases: set[str] = set()
    detached: set[str] = set()
    for row in session.new:
        if isinstance(row, Referral) and row.case_id is not None:
            cases.add(row.case_id)  # made without a case, its copies are None already
    # ``history`` loads nothing: a column not loaded was not changed.
    for row in session.dirty:
        if isinstance(row, Case) and any(
            sa.inspect(row).attrs[column].history.has_changes() for column in COPIED.values()
        ):
            cases.add(row.id)
        elif isinstance(row, Referral) and sa.inspect(row).attrs.case_id.history.has_changes():
            if row.case_id is None:
                detached.add(row.id)
            else:
                cases.add(row.case_id)
    return cases, detached


@event.listens_for(Session, "after_flush")
def _copy_after_flush(session: Session, _context: Any) -> None:
    # This flush's rows alone (a flush that failed after its copy left its own behind).
    written: list[Any] = []
    session.info[_WRITTEN] = written
    cases, detached = _touched(session)
    if not cases and not detached:
        return
    connection = session.connection()
    r = _REFERRALS.c
    if cases:
        written += connection.execute(_copy(r.case_id.in_(cases)).returning(*_written())).all()
    if detached:
        written += connection.execute(_clear(r.id.in_(detached)).returning(*_written())).all()


@event.listens_for(Session, "after_flush_postexec")
def _show_copies(session: Session, _context: Any) -> None:
    """The referrals loaded in the session hold the values written, as if read anew."""
    for row in session.info.pop(_WRITTEN, []):
        key = session.identity_key(Referral, row[0])  # type: ignore[arg-type]
        referral = session.identity_map.get(key)
        if referral is not None:
            for column, value in zip(COPIED, row[1:], strict=True):
                set_committed_value(referral, column, value)
