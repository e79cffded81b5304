"""The median and p90 the database computes (``sql.spreads``: PostgreSQL's percentile_cont,
SQLite's ranks) equal the Python twin's, per measure and bucket, on both databases."""

import random
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.db import transaction
from resolvers.periods import Interval, resolve
from resolvers.reporting.common import REFERRALS
from resolvers.reporting.sql import Measure, bucket_of, in_period, percentile_of, spreads
from tests.conftest import World
from tests.reporting_fixtures import Builder, at, build

pytestmark = pytest.mark.anyio

R = REFERRALS.c
START = at("2026-03-01 00:00")
NOW = at("2026-04-01 00:00")
# Rows per bucket (a day each): one value, two, an odd and an even handful, and more.
SIZES = (1, 2, 7, 10, 61)


async def test_spreads_equal_percentile_cont_per_measure_and_bucket(app: Any, world: World) -> None:
    rng = random.Random(13)
    expected: dict[tuple[str, int], list[float]] = {}

    def fill(b: Builder) -> None:
        for day, size in enumerate(SIZES):
            for i in range(size):
                received = START + timedelta(days=day, seconds=rng.randint(0, 80_000))
                triaged = received + timedelta(seconds=rng.randint(0, 200_000))
                # Some rows lack the later time: they count in no spread of it.
                attempted = received + timedelta(seconds=rng.randint(0, 9_000)) if i % 3 else None
                b.referral(f"r{day}_{i}", received, triaged_at=triaged, first_attempt_at=attempted)
                for name, end in (("triage", triaged), ("attempt", attempted)):
                    if end is not None:
                        seconds = int(end.timestamp()) - int(received.timestamp())
                        expected.setdefault((name, day), []).append(seconds)

    await build(app, world.a.id, fill)
    period = resolve(
        "UTC", first=START.date(), last=START.date() + timedelta(days=len(SIZES)), now=NOW
    )
    async with transaction(app.state.sessions) as session:
        found = await spreads(
            session,
            source=REFERRALS,
            where=sa.and_(R.org_id == world.a.id, in_period(R.created_at, period)),
            bucket=bucket_of(R.created_at, period, Interval.day),
            measures={
                "triage": Measure(R.created_at, R.triaged_at),
                "attempt": Measure(R.created_at, R.first_attempt_at),
            },
        )
    assert set(found) == set(expected)
    for key, values in expected.items():
        spread = found[key]
        assert spread.count == len(values)
        assert spread.median_hours == round(percentile_of(values, 0.5) / 3600, 2)
        assert spread.p90_hours == round(percentile_of(values, 0.9) / 3600, 2)
