"""Days and weeks in the org's time zone: where a reporting range starts and ends in UTC.

A report's range is a pair of local calendar dates, both included (``from`` … ``to``). The
org's ``timezone`` decides where each day starts, so a day across a DST change is 23 or 25
hours long. The database buckets a timestamp into its local day with the UTC offsets in
force over the range (``offsets``): PostgreSQL and SQLite then agree, as neither needs a
time-zone database of its own.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from resolvers.errors import ValidationFailed

DEFAULT_DAYS = 30
MAX_DAYS = 800  # a little over two years of daily buckets
DAY_SECONDS = 86_400
# 1970-01-01 was a Thursday: the local day number of a Monday is ≡ 4 (mod 7).
_MONDAY_REMAINDER = 4


class Interval(StrEnum):
    day = "day"
    week = "week"


@dataclass(frozen=True)
class Offset:
    """From ``since`` (epoch seconds, UTC) on, local time is UTC + ``seconds``."""

    since: int
    seconds: int


@dataclass(frozen=True)
class Period:
    """Local dates ``first`` … ``last`` (both included) of one time zone."""

    zone: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The instant the day after ``last`` starts (exclusive end)."""
        return local_midnight(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def offsets(self) -> list[Offset]:
        """The UTC offsets in force from ``start`` to ``end``, one per DST change."""
        return offsets_between(self.zone, self.start, self.end)

    def bucket_starts(self, interval: Interval) -> list[date]:
        step = 7 if interval == Interval.week else 1
        return [self.first + timedelta(days=i) for i in range(0, self.days, step)]


def local_midnight(day: date, zone: str) -> datetime:
    """The UTC instant ``day`` begins in ``zone`` (a skipped midnight moves forward)."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, time())
    local = naive.replace(tzinfo=tz)
    # A midnight that does not exist (a DST jump at 00:00) round-trips to a later wall time.
    back = local.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != naive:
        local = back
    return local.astimezone(UTC)


def today_in(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def offsets_between(zone: str, start: datetime, end: datetime) -> list[Offset]:
    """Each change of offset found day by day, then pinned to the second by bisection."""
    tz = ZoneInfo(zone)

    def offset_at(epoch: int) -> int:
        moment = datetime.fromtimestamp(epoch, UTC).astimezone(tz)
        return int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]

    begin, stop = int(start.timestamp()), int(end.timestamp())
    offsets = [Offset(since=begin, seconds=offset_at(begin))]
    probe = begin
    while probe < stop:
        step_end = min(probe + DAY_SECONDS, stop)
        if offset_at(step_end) != offsets[-1].seconds:
            low, high = probe, step_end  # offset(low) is the current one, offset(high) not
            while high - low > 1:
                middle = (low + high) // 2
                if offset_at(middle) == offsets[-1].seconds:
                    low = middle
                else:
                    high = middle
            offsets.append(Offset(since=high, seconds=offset_at(high)))
            probe = high
            continue
        probe = step_end
    return offsets


def local_day_number(epoch_seconds: int, offset_seconds: int) -> int:
    """Days since 1970-01-01 of the local date (the SQL expression's Python twin)."""
    return (epoch_seconds + offset_seconds) // DAY_SECONDS


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def resolve(
    zone: str,
    *,
    first: date | None,
    last: date | None,
    now: datetime,
    interval: Interval = Interval.day,
) -> Period:
    """The range asked for: by default the last 30 local days up to today. Weekly ranges
    widen to whole weeks, Monday to Sunday."""
    for value, name in ((first, "from"), (last, "to")):
        if value is not None and not date(1971, 1, 1) <= value <= date(9998, 12, 31):
            raise ValidationFailed(f"{name} must be between 1971 and 9998", field=name)
    today = today_in(zone, now)
    last = last or (today if first is None else min(today, first + timedelta(DEFAULT_DAYS - 1)))
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed("from must not be after to", field="from")
    if interval == Interval.week:
        first -= timedelta(days=first.weekday())
        last += timedelta(days=6 - last.weekday())
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"a range spans at most {MAX_DAYS} days", field="to")
    return Period(zone=zone, first=first, last=last)
