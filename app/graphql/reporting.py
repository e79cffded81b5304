"""GraphQL: the dashboard's reports (backlog, overview stats, metrics series, mix).

The types mirror the resolvers' result models field for field (``resolvers/reporting/``,
where each figure is defined), and the fields read those models as they are: copying a
series into Strawberry objects first cost more than computing it. Another org's or a
refused org answers null.
"""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.experimental.pydantic import type as from_model

from app.graphql.context import Info
from app.graphql.enums import Interval
from app.graphql.errors import or_null
from app.graphql.orgs import require_principal_or_error
from resolvers.reporting import backlog, common, conversion, kpis, metrics


@from_model(model=common.Share, all_fields=True, description="One group of a distribution")
class ReportShare:
    pass


@from_model(model=common.Rate, all_fields=True, description="Of total, count did it")
class ReportRate:
    pass


@from_model(model=backlog.AgingBucket, all_fields=True)
class AgingBucket:
    pass


@from_model(model=backlog.BacklogCase, all_fields=True, description="An open case (audited)")
class BacklogCase:
    pass


@from_model(model=backlog.WaitingStage, all_fields=True)
class WaitingStage:
    pass


@from_model(model=backlog.WaitingReferral, all_fields=True)
class WaitingReferral:
    pass


@from_model(model=backlog.Backlog, all_fields=True, description="Open work as of now")
class Backlog:
    pass


@from_model(model=kpis.ReferralCounts, all_fields=True)
class ReferralCounts:
    pass


@from_model(model=kpis.ReasonCount, all_fields=True)
class ReasonCount:
    pass


@from_model(model=kpis.CaseCounts, all_fields=True)
class CaseCounts:
    pass


@from_model(model=kpis.Durations, all_fields=True, description="Median and p90, in hours")
class Durations:
    pass


@from_model(model=kpis.Timing, all_fields=True)
class Timing:
    pass


@from_model(model=kpis.EmrNow, all_fields=True)
class EmrNow:
    pass


@from_model(model=conversion.LeakedReferral, all_fields=True)
class LeakedReferral:
    pass


@from_model(model=conversion.FieldCount, all_fields=True)
class FieldCount:
    pass


@from_model(model=conversion.Conversion, all_fields=True)
class Conversion:
    pass


@from_model(model=metrics.Range, all_fields=True, description="Local dates, both included")
class ReportRange:
    pass


@from_model(model=metrics.Overview, all_fields=True, description="KPIs over a range")
class OverviewStats:
    pass


@from_model(model=metrics.MetricsPoint, all_fields=True)
class MetricsPoint:
    pass


@from_model(model=metrics.Metrics, all_fields=True, description="KPIs per day or week")
class Metrics:
    pass


@from_model(model=metrics.MixReport, all_fields=True, description="Case mix over a range")
class Mix:
    pass


@strawberry.type
class ReportingQuery:
    @strawberry.field(description="Backlog: open cases and waiting referrals by age")
    async def backlog(
        self, info: Info, org_id: strawberry.ID | None = None, oldest: int | None = None
    ) -> Backlog | None:
        require_principal_or_error(info)
        found = await or_null(
            info, lambda: backlog.backlog(info.context.ctx, org_id=org_id, oldest=oldest)
        )
        return found  # type: ignore[return-value]

    @strawberry.field(description="KPIs, EMR queue and conversion over local days from … to")
    async def overview_stats(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> OverviewStats | None:
        require_principal_or_error(info)
        found = await or_null(
            info,
            lambda: metrics.overview(info.context.ctx, org_id=org_id, first=from_, last=to),
        )
        return found  # type: ignore[return-value]

    @strawberry.field(description="The KPIs per day or week, every bucket present")
    async def metrics(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        interval: Interval = Interval.day,
    ) -> Metrics | None:
        require_principal_or_error(info)
        found = await or_null(
            info,
            lambda: metrics.metrics(
                info.context.ctx,
                org_id=org_id,
                first=from_,
                last=to,
                interval=interval,
            ),
        )
        return found  # type: ignore[return-value]

    @strawberry.field(description="Distribution of the referrals received from … to")
    async def mix(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> Mix | None:
        require_principal_or_error(info)
        found = await or_null(
            info, lambda: metrics.mix(info.context.ctx, org_id=org_id, first=from_, last=to)
        )
        return found  # type: ignore[return-value]


QUERY_TYPES: list[type] = [ReportingQuery]
MUTATION_TYPES: list[type] = []
