"""REST routes: dashboard and reporting (/api/backlog, overview stats, metrics, mix).

The figures and what they mean are in ``resolvers/reporting/``; these routes parse the
range, call one resolver and answer JSON, or CSV (``?format=csv``) for metrics and mix.
"""

import csv
import io
from datetime import date
from typing import Any, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from resolvers.context import Context
from resolvers.periods import Interval
from resolvers.reporting import backlog, metrics
from rest_compat.http import ApiRouter
from rest_compat.referrals import csv_cell
from rest_compat.schemas import Query

router = ApiRouter(tag="Dashboard & Reporting")

READ_ERRORS = (400, 401, 403, 422)


class BacklogQuery(Query):
    org_id: str | None = None
    oldest: int | None = Field(default=None, description="how many oldest cases to list (0-100)")


class RangeQuery(Query):
    org_id: str | None = None
    from_: date | None = Field(default=None, alias="from", description="first local day")
    to: date | None = Field(default=None, description="last local day (included)")


class MetricsQuery(RangeQuery):
    interval: Interval = Interval.day
    format: Literal["json", "csv"] = "json"


class MixQuery(RangeQuery):
    format: Literal["json", "csv"] = "json"


@router.get("/api/backlog", query=BacklogQuery, response=backlog.Backlog, errors=READ_ERRORS)
async def get_backlog(request: Request, ctx: Context, query: BacklogQuery) -> backlog.Backlog:
    """Backlog statistics with aging buckets and status breakdown."""
    return await backlog.backlog(ctx, org_id=query.org_id, oldest=query.oldest)


@router.get(
    "/api/dashboard/overview-stats",
    query=RangeQuery,
    response=metrics.Overview,
    errors=READ_ERRORS,
)
async def overview_stats(request: Request, ctx: Context, query: RangeQuery) -> metrics.Overview:
    """KPI overview stats for the dashboard."""
    return await metrics.overview(ctx, org_id=query.org_id, first=query.from_, last=query.to)


@router.get(
    "/api/metrics",
    query=MetricsQuery,
    response=metrics.Metrics,
    also_produces=("text/csv",),
    errors=READ_ERRORS,
)
async def get_metrics(request: Request, ctx: Context, query: MetricsQuery) -> Any:
    """Detailed operational metrics: the KPIs per day or week (``?format=csv`` for CSV)."""
    found = await metrics.metrics(
        ctx, org_id=query.org_id, first=query.from_, last=query.to, interval=query.interval
    )
    if query.format == "json":
        return found
    rows = [_flat(p.model_dump(mode="json", by_alias=True)) for p in found.points]
    header = list(rows[0]) if rows else []
    return _csv(header, [[r[h] for h in header] for r in rows], f"metrics-{found.range.from_}")


@router.get(
    "/api/mix",
    query=MixQuery,
    response=metrics.MixReport,
    also_produces=("text/csv",),
    errors=READ_ERRORS,
)
async def get_mix(request: Request, ctx: Context, query: MixQuery) -> Any:
    """Case mix / referral-type distribution (``?format=csv`` for CSV)."""
    found = await metrics.mix(ctx, org_id=query.org_id, first=query.from_, last=query.to)
    if query.format == "json":
        return found
    lines = [
        [dimension, s.key, s.label, s.count, s.share]
        for dimension, groups in found.dimensions()
        for s in groups
    ]
    header = ["dimension", "key", "label", "count", "share"]
    return _csv(header, lines, f"mix-{found.range.from_}")


def _flat(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"referrals": {"received": 3}} → {"referralsReceived": 3}; lists are left out."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = prefix + (key[:1].upper() + key[1:] if prefix else key)
        if isinstance(item, dict):
            flat.update(_flat(item, name))
        elif not isinstance(item, list):
            flat[name] = item
    return flat


def _csv(header: list[str], rows: list[list[Any]], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([csv_cell("" if v is None else str(v)) for v in row])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )
