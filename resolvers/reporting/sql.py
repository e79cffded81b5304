"""SQL pieces every report shares, written once so PostgreSQL and SQLite compute alike.

- ``epoch(ts)``: whole seconds since 1970 (UTC) of a timestamp column;
- ``bucket_of(ts, period, interval)``: the index of the local day or week ``ts`` falls in;
- ``percentiles(...)``: linear-interpolated percentiles (PostgreSQL's ``percentile_cont``)
  from ranks the database computes, so neither database sends the values themselves.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from resolvers.periods import DAY_SECONDS, Interval, Period, day_number


class epoch(FunctionElement[int]):  # noqa: N801 - reads as the SQL function it stands for
    """Whole seconds since 1970-01-01 UTC of a (naive UTC) timestamp column."""

    type = sa.BigInteger()
    name = "epoch"
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_postgresql(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    # date_part is double precision; EXTRACT is numeric, several times slower per row.
    return f"CAST(floor(date_part('epoch', {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def seconds_between(start: Any, end: Any) -> Any:
    return epoch(end) - epoch(start)


def local_day(ts: Any, period: Period) -> Any:
    """Days since 1970-01-01 of ``ts``'s local date, with the offsets in force over the
    period (a DST change moves midnight by an hour; both databases bucket the same)."""
    seconds = epoch(ts)
    offsets = period.offsets()
    shift: Any = sa.literal(offsets[-1].seconds)
    if len(offsets) > 1:
        whens = [
            (seconds < nxt.since, cur.seconds)
            for cur, nxt in zip(offsets, offsets[1:], strict=False)
        ]
        shift = sa.case(*whens, else_=offsets[-1].seconds)
    return (seconds + shift) // DAY_SECONDS


def bucket_of(ts: Any, period: Period, interval: Interval | None) -> Any:
    """0, 1, 2 … for each local day (or Monday-to-Sunday week) of the period; always 0 for
    ``None`` (the whole period as one bucket). Rows outside the period are filtered apart."""
    if interval is None:
        return sa.literal(0)
    index = local_day(ts, period) - day_number(period.first)
    if interval == Interval.day:
        return index
    return index // 7 if interval == Interval.week else index


def in_period(ts: Any, period: Period) -> Any:
    return sa.and_(ts >= period.start, ts < period.end)


# -- percentiles ------------------------------------------------------------------------------

# p as a fraction a/b, so the database computes the ranks with integer arithmetic.
MEDIAN = (1, 2)
P90 = (9, 10)


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of durations, in hours; ``None`` without data."""

    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Measure:
    """Whole seconds from ``start`` to ``end`` (timestamp columns), over the rows that have
    both."""

    start: Any
    end: Any

    @property
    def seconds(self) -> Any:
        return seconds_between(self.start, self.end)

    @property
    def present(self) -> Any:
        # Tested on the columns, not on ``seconds``: its epochs are computed once per row.
        return sa.and_(self.start.is_not(None), self.end.is_not(None))


async def spreads(
    session: AsyncSession, *, source: Any, where: Any, bucket: Any, measures: dict[str, Measure]
) -> dict[tuple[str, int], Spread]:
    """Per measure and bucket, the median and p90 over the rows of ``source`` matching
    ``where``: PostgreSQL's own ``percentile_cont`` in one pass, one sort per measure (both
    fractions from one array call); SQLite through ``percentiles`` (ranks computed by the
    database)."""
    bucket = bucket.label("bucket")
    if session.get_bind().dialect.name != "postgresql":
        return await percentiles(
            session,
            {
                name: sa.select(bucket, measure.seconds.label("seconds"))
                .select_from(source)
                .where(where, measure.present)
                for name, measure in measures.items()
            },
        )
    fractions = postgresql.array([a / b for a, b in (MEDIAN, P90)])
    columns = [bucket]
    for measure in measures.values():
        columns += [
            sa.func.count().filter(measure.present),
            sa.func.percentile_cont(fractions)
            .within_group(sa.cast(measure.seconds, sa.Float))
            .filter(measure.present),
        ]
    query = sa.select(*columns).select_from(source).where(where).group_by(bucket)
    found: dict[tuple[str, int], Spread] = {}
    for row in (await session.execute(query)).all():
        for i, name in enumerate(measures):
            count, values = row[1 + 2 * i : 3 + 2 * i]
            if count:
                median, p90 = values
                found[(name, int(row[0]))] = Spread(
                    count=int(count), median_hours=_hours(median), p90_hours=_hours(p90)
                )
    return found


def _hours(seconds: float) -> float:
    return round(float(seconds) / 3600, 2)


async def percentiles(
    session: AsyncSession, durations: dict[str, Any]
) -> dict[tuple[str, int], Spread]:
    """Per measure (name → a selectable with columns ``bucket`` and ``seconds``) and bucket,
    the median and p90, in one statement. Each measure is ranked by its own window (one
    sort of its rows; one window over all measures sorted them together, and slower)."""
    parts = []
    for name, selectable in durations.items():
        d = selectable.subquery()
        ranked = sa.select(
            d.c.bucket,
            d.c.seconds,
            sa.func.row_number().over(partition_by=d.c.bucket, order_by=d.c.seconds).label("rn"),
            sa.func.count().over(partition_by=d.c.bucket).label("n"),
        ).subquery()
        n = ranked.c.n - 1
        wanted = []
        for a, b in (MEDIAN, P90):
            wanted.append(ranked.c.rn == 1 + (a * n) // b)
            wanted.append(ranked.c.rn == 1 + (a * n + b - 1) // b)
        parts.append(
            sa.select(
                sa.literal(name).label("measure"),
                ranked.c.bucket,
                ranked.c.rn,
                ranked.c.n,
                ranked.c.seconds,
            ).where(sa.or_(*wanted))
        )
    values: dict[tuple[str, int], dict[int, float]] = {}
    counts: dict[tuple[str, int], int] = {}
    for measure, bucket, rn, count, seconds in (await session.execute(sa.union_all(*parts))).all():
        key = (str(measure), int(bucket))
        values.setdefault(key, {})[int(rn)] = float(seconds)
        counts[key] = int(count)
    return {
        key: Spread(
            count=counts[key],
            median_hours=_interpolated(ranks, counts[key], MEDIAN),
            p90_hours=_interpolated(ranks, counts[key], P90),
        )
        for key, ranks in values.items()
    }


def _interpolated(ranks: dict[int, float], n: int, p: tuple[int, int]) -> float:
    position = p[0] * (n - 1) / p[1]
    low = ranks[1 + math.floor(position)]
    high = ranks[1 + math.ceil(position)]
    return _hours(low + (high - low) * (position - math.floor(position)))


def percentile_of(values: Sequence[float], p: float) -> float:
    """Python twin of the SQL above (percentile_cont), for tests and documentation."""
    ordered = sorted(values)
    position = p * (len(ordered) - 1)
    low, high = ordered[math.floor(position)], ordered[math.ceil(position)]
    return low + (high - low) * (position - math.floor(position))
