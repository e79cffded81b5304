"""The referrals received in a range, duplicates left out, with what their case says.

Conversion and mix both count these rows several ways. They are read once, as one common
table expression, and every count is one ``GROUP BY`` of it in a single ``UNION ALL``
statement: one pass over the range's referrals, however many figures. What the case says
(status, scheduling, practice, band, location) is read off the referral's copies of those
columns (``case_facts``), not by joining the cases: a year's referrals are an index's
range alone.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import CaseStatus, ReferralStage
from resolvers.context import Context
from resolvers.periods import Period
from resolvers.reporting.common import LOCATIONS, PRACTICES, REFERRALS
from resolvers.reporting.sql import in_period

R, P, L = REFERRALS.c, PRACTICES.c, LOCATIONS.c


def converted() -> Any:
    """The case reached ``scheduled``: scheduled now, or scheduled once and since closed."""
    return sa.or_(R.case_scheduled_for.is_not(None), R.case_status == CaseStatus.scheduled)


def closed() -> Any:
    return R.case_status == CaseStatus.closed


def joined() -> Any:
    """Referrals with their case's practice and location (each of the same org)."""
    return REFERRALS.outerjoin(
        PRACTICES, sa.and_(P.org_id == R.org_id, P.id == R.case_practice_id)
    ).outerjoin(LOCATIONS, sa.and_(L.org_id == R.org_id, L.id == R.case_location_id))


def counted(org: str, period: Period) -> Any:
    return sa.and_(
        R.org_id == org,
        in_period(R.created_at, period),
        R.stage != ReferralStage.duplicate,
    )


def received(org: str, period: Period) -> Any:
    """One row per counted referral: the values every dimension groups by (payer, category
    and code are the columns the write path keeps off the JSON, ``referral_facets``)."""
    return (
        sa.select(
            R.created_at.label("received_at"),
            R.case_id,
            R.needed_review,
            R.case_practice_id.label("practice_id"),
            P.name.label("practice_name"),
            R.case_priority_band.label("band"),
            R.case_location_id.label("location_id"),
            L.name.label("location_name"),
            R.payer,
            R.reason_category.label("category"),
            R.code_head,
            sa.case((converted(), 1), else_=0).label("converted"),
            sa.case((closed(), 1), else_=0).label("closed"),
        )
        .select_from(joined())
        .where(counted(org, period))
        .cte("received")
    )


@dataclass(frozen=True)
class Group:
    key: str | None
    label: str | None
    count: int
    converted: int


async def grouped(
    ctx: Context, rows: Any, dimensions: dict[str, tuple[str, str]], extra: dict[str, Any]
) -> dict[str, list[Group]]:
    """Per dimension (name → key column, label column of ``rows``), the groups with their
    count and how many converted; ``extra`` adds single counts (name → condition)."""
    keys = [key for key, _ in dimensions.values()]
    if ctx.session.get_bind().dialect.name == "postgresql" and len(set(keys)) == len(keys):
        return await _grouping_sets(ctx, rows, dimensions, extra)
    parts = [
        sa.select(
            sa.literal(name).label("dimension"),
            rows.c[key].label("key"),
            rows.c[label].label("label"),
            sa.func.count().label("n"),
            sa.func.sum(rows.c.converted).label("done"),
        ).group_by(rows.c[key], rows.c[label])
        for name, (key, label) in dimensions.items()
    ]
    parts += [
        sa.select(
            sa.literal(name),
            sa.null(),
            sa.null(),
            sa.func.count(),
            sa.func.sum(rows.c.converted),
        ).where(condition)
        for name, condition in extra.items()
    ]
    found: dict[str, list[Group]] = {name: [] for name in [*dimensions, *extra]}
    for dimension, key, label, n, done in (await ctx.session.execute(sa.union_all(*parts))).all():
        if n:
            found[dimension].append(Group(key, label, int(n), int(done or 0)))
    return found


async def _grouping_sets(
    ctx: Context, rows: Any, dimensions: dict[str, tuple[str, str]], extra: dict[str, Any]
) -> dict[str, list[Group]]:
    """``grouped`` in one pass on PostgreSQL: ``GROUPING SETS``, one set per dimension and
    the empty set for the single counts (aggregate ``FILTER``s); ``GROUPING(key)`` is 0 in
    the rows of that key's set. (SQLite has no grouping sets: a ``UNION ALL``.)"""
    columns = {c for key, label in dimensions.values() for c in (key, label)}
    sets = [
        sa.tuple_(*(rows.c[c] for c in dict.fromkeys((key, label))))
        for key, label in dimensions.values()
    ]
    query = sa.select(
        *(rows.c[c] for c in sorted(columns)),
        *(sa.func.grouping(rows.c[key]) for key, _ in dimensions.values()),
        sa.func.count(),
        sa.func.sum(rows.c.converted),
        *(sa.func.count().filter(condition) for condition in extra.values()),
        *(sa.func.sum(rows.c.converted).filter(condition) for condition in extra.values()),
    ).group_by(sa.func.grouping_sets(*sets, sa.text("()")))
    found: dict[str, list[Group]] = {name: [] for name in [*dimensions, *extra]}
    names, width = sorted(columns), len(columns)
    for row in (await ctx.session.execute(query)).all():
        values = dict(zip(names, row[:width], strict=True))
        flags = row[width : width + len(dimensions)]
        n, done = row[width + len(dimensions)], row[width + len(dimensions) + 1]
        dimension = next((d for d, flag in zip(dimensions, flags, strict=True) if flag == 0), None)
        if dimension is not None:
            key, label = dimensions[dimension]
            if n:
                found[dimension].append(Group(values[key], values[label], int(n), int(done or 0)))
            continue
        counts = row[width + len(dimensions) + 2 :]
        for i, name in enumerate(extra):
            if counts[i]:
                found[name].append(
                    Group(None, None, int(counts[i]), int(counts[len(extra) + i] or 0))
                )
    return found
