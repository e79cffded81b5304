"""What every report starts from: the org asked for (viewers may read), its config, now."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from models import (
    Case,
    ContactEvent,
    EmrChartItem,
    Location,
    Patient,
    Practice,
    Referral,
    Role,
    utcnow,
)
from resolvers import referrals
from resolvers.access import org_for
from resolvers.context import Context
from resolvers.org_config import OrgConfig


def _table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


# Reports are Core queries over the tables (aggregates, not objects).
REFERRALS = _table(Referral)
CASES = _table(Case)
CONTACTS = _table(ContactEvent)
CHARTS = _table(EmrChartItem)
PRACTICES = _table(Practice)
LOCATIONS = _table(Location)
PATIENTS = _table(Patient)

NONE_KEY = "none"  # the group of rows without a value (no band, no location, no payer …)


class Row(BaseModel):
    """A report's value: camelCase on the wire, immutable."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class Share(Row):
    """One group of a distribution: its key (``none`` for rows without a value), a label
    to show, how many, and that count's share of the whole (0…1, 4 decimals)."""

    key: str
    label: str
    count: int
    share: float


class Rate(Row):
    """Of ``total``, ``count`` did it: ``rate`` = count / total (null when total is 0)."""

    key: str
    label: str
    total: int
    count: int
    rate: float | None


@dataclass(frozen=True)
class Scope:
    org_id: str
    config: OrgConfig
    now: datetime


async def scope_for(ctx: Context, org_id: str | None) -> Scope:
    org = org_for(ctx, org_id, Role.viewer)
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Reports are short aggregates whose estimated cost can look large: compiling them
        # (JIT) took PostgreSQL over a second on the bench, for queries that run in ms.
        # Their rows are read from memory (shared buffers), where an index probe costs
        # about what a sequential page does: at the default 4 the planner hashed every
        # case of the org to join a month's referrals to theirs (twice the CPU of probes).
        # Parallel workers cost more than they save on these short scans of a busy machine;
        # a year's rows grouped by several dimensions spilled to disk at 4 MB of work_mem.
        # The driver prepares each statement once per connection, and after five runs
        # PostgreSQL may keep a generic plan, blind to the range: one estimating 300 rows
        # probed each case of a year's 48,000 referrals (twice the CPU of hashing them).
        # (set_config(…, true) is SET LOCAL: five settings, one round trip.)
        await ctx.session.execute(
            sa.text(
                "SELECT set_config('jit', 'off', true),"
                " set_config('random_page_cost', '1.1', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('work_mem', '32MB', true),"
                " set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
        )
    return Scope(org_id=org, config=await referrals.config_for(ctx, org), now=utcnow())


def ratio(part: int, whole: int, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


def shares(counts: list[tuple[str | None, str | None, int]]) -> list[Share]:
    """(key, label, count) → shares of their sum, largest first, then by key."""
    total = sum(c for _, _, c in counts)
    rows = [
        Share(
            key=key or NONE_KEY,
            label=label or key or NONE_KEY,
            count=count,
            share=ratio(count, total) or 0.0,
        )
        for key, label, count in counts
    ]
    return sorted(rows, key=lambda r: (-r.count, r.key))
