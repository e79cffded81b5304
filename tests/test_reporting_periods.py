"""Local days and weeks of a time zone (resolvers/periods.py), and the SQL percentile twin."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.errors import ValidationFailed
from resolvers.periods import Interval, local_day_number, local_midnight, resolve
from resolvers.reporting.sql import percentile_of

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # still Nov 30 in New York


def test_local_midnights_across_dst() -> None:
    ny = "America/New_York"
    assert local_midnight(date(2026, 3, 8), ny) == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert local_midnight(date(2026, 3, 9), ny) == datetime(2026, 3, 9, 4, tzinfo=UTC)
    assert local_midnight(date(2026, 11, 2), ny) == datetime(2026, 11, 2, 5, tzinfo=UTC)
    # Santiago skips midnight when DST starts (2026-09-06 00:00 → 01:00).
    start = local_midnight(date(2026, 9, 6), "America/Santiago")
    assert start == datetime(2026, 9, 6, 4, tzinfo=UTC)


def test_default_range_is_the_last_30_local_days() -> None:
    period = resolve("America/New_York", first=None, last=None, now=NOW)
    assert (period.first, period.last, period.days) == (date(2026, 11, 1), date(2026, 11, 30), 30)
    assert resolve("UTC", first=None, last=None, now=NOW).last == date(2026, 12, 1)


def test_weekly_ranges_widen_to_monday_to_sunday() -> None:
    period = resolve(
        "UTC", first=date(2026, 3, 7), last=date(2026, 3, 9), now=NOW, interval=Interval.week
    )
    assert (period.first, period.last) == (date(2026, 3, 2), date(2026, 3, 15))
    assert period.bucket_starts(Interval.week) == [date(2026, 3, 2), date(2026, 3, 9)]


def test_bad_ranges() -> None:
    with pytest.raises(ValidationFailed):
        resolve("UTC", first=date(2026, 3, 9), last=date(2026, 3, 1), now=NOW)
    with pytest.raises(ValidationFailed):
        resolve("UTC", first=date(2020, 1, 1), last=date(2026, 1, 1), now=NOW)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)))
def test_the_offsets_put_every_instant_on_its_local_date(moment: datetime) -> None:
    instant = moment.replace(tzinfo=UTC)
    zone = "Europe/London"
    day = instant.astimezone(ZoneInfo(zone)).date()
    period = resolve(zone, first=day, last=day, now=NOW)
    offsets = period.offsets()
    epoch = int(instant.timestamp())
    offset = [o for o in offsets if o.since <= epoch][-1].seconds
    assert local_day_number(epoch, offset) == (day - date(1970, 1, 1)).days
    assert period.start <= instant < period.end


def test_percentile_twin_interpolates_like_percentile_cont() -> None:
    assert percentile_of([2, 4, 10], 0.5) == 4
    assert percentile_of([2, 4, 10], 0.9) == pytest.approx(8.8)
    assert percentile_of([4, 5.5], 0.5) == 4.75


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(9999, 12, 31), None), (None, date(9999, 12, 31)), (date(1, 1, 1), None)],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_overflowed(
    first: date | None, last: date | None
) -> None:
    for interval in Interval:
        with pytest.raises(ValidationFailed):
            resolve("UTC", first=first, last=last, now=NOW, interval=interval)
