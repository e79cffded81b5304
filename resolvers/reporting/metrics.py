"""The reports as the faces ask for them: overview, metrics series, mix (ranges resolved).

- **Overview** (``/api/dashboard/overview-stats``): the KPIs of ``kpis.py`` over the whole
  range, the EMR queue as of now, and conversion and leakage (``conversion.py``).
- **Metrics** (``/api/metrics``): the same KPIs per local day or per week (Monday to
  Sunday; the range widens to whole weeks), every day or week of the range present, zeros
  included. The EMR queue as of now is not a series, so it is not in it.
- **Mix** (``/api/mix``): ``mix.py`` over the range.
"""

from datetime import date, datetime

from pydantic import Field

from resolvers.context import Context
from resolvers.periods import Interval, Period, resolve
from resolvers.reporting import conversion as conversion_
from resolvers.reporting import kpis as kpis_
from resolvers.reporting import mix as mix_
from resolvers.reporting.common import Row, Scope, Share, scope_for


class Range(Row):
    """The local dates reported on (both included) and where they start and end in UTC."""

    from_: date = Field(alias="from")  # "from" is a keyword in Python
    to: date
    timezone: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, period: Period) -> "Range":
        return cls(
            from_=period.first,
            to=period.last,
            timezone=period.zone,
            start=period.start,
            end=period.end,
        )


class Overview(kpis_.Kpis):
    range: Range
    emr: kpis_.EmrNow
    conversion: conversion_.Conversion


class MetricsPoint(kpis_.Kpis):
    date: date  # the first local day of the day or week


class Metrics(Row):
    range: Range
    interval: Interval
    points: list[MetricsPoint]


class MixReport(mix_.Mix):
    range: Range

    def dimensions(self) -> list[tuple[str, list[Share]]]:
        """(wire name, groups) of each distribution, in ``mix.DIMENSIONS`` order."""
        return [(name, getattr(self, "by_" + _snake(name))) for name in mix_.DIMENSIONS]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


async def _scoped(
    ctx: Context,
    org_id: str | None,
    first: date | None,
    last: date | None,
    interval: Interval = Interval.day,
) -> tuple[Scope, Period]:
    scope = await scope_for(ctx, org_id)
    period = resolve(
        scope.config.timezone, first=first, last=last, now=scope.now, interval=interval
    )
    return scope, period


async def overview(
    ctx: Context, *, org_id: str | None, first: date | None = None, last: date | None = None
) -> Overview:
    scope, period = await _scoped(ctx, org_id, first, last)
    whole = (await kpis_.compute(ctx, scope, period, None)).get(0, kpis_.Kpis())
    return Overview(
        **dict(whole),
        range=Range.of(period),
        emr=await kpis_.emr_now(ctx, scope),
        conversion=await conversion_.conversion(ctx, scope, period),
    )


async def metrics(
    ctx: Context,
    *,
    org_id: str | None,
    first: date | None = None,
    last: date | None = None,
    interval: Interval = Interval.day,
) -> Metrics:
    scope, period = await _scoped(ctx, org_id, first, last, interval)
    found = await kpis_.compute(ctx, scope, period, interval)
    empty = kpis_.Kpis()
    points = [
        MetricsPoint(**dict(found.get(i, empty)), date=day)
        for i, day in enumerate(period.bucket_starts(interval))
    ]
    return Metrics(range=Range.of(period), interval=interval, points=points)


async def mix(
    ctx: Context, *, org_id: str | None, first: date | None = None, last: date | None = None
) -> MixReport:
    scope, period = await _scoped(ctx, org_id, first, last)
    found = await mix_.mix(ctx, scope, period)
    return MixReport(**dict(found), range=Range.of(period))
