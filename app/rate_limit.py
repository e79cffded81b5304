"""Rate limits per API key, per user and per client address (signing in), on ``limits``.

Counters live in memory on the embedded default, or in Redis when INTAKEDESK_REDIS_URL is
set, so several instances draw on one budget. Answers carry the IETF ``RateLimit-Policy``
and ``RateLimit`` headers (draft-ietf-httpapi-ratelimit-headers); over the limit a request
is refused with 429 and ``Retry-After``. A GraphQL request first draws one point like any
request, then what its cost estimate adds (``app/graphql/cost.py``).
"""

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.errors import StorageError

from app.settings import Settings
from resolvers import orgs
from resolvers.context import Context, Principal
from resolvers.errors import RateLimited
from resolvers.org_config import RateLimits

log = logging.getLogger("intakedesk")

# An org's own limits are read again after this long (a change takes up to this to apply).
ORG_LIMITS_TTL_SECONDS = 60.0
# Window ends remembered per budget before the expired ones are dropped.
_MAX_WINDOWS_KEPT = 10_000


def parse_rate(value: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError:
        raise ValueError(f"{value!r} is no rate: N/second, minute, hour or day") from None


@dataclass
class Draw:
    """One request's draw on a budget: what its answer's headers say."""

    policy: str  # api_key, user, anonymous
    limit: int
    window_seconds: int
    remaining: int
    reset_in: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Policy": f'"{self.policy}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{self.policy}";r={self.remaining};t={self.reset_in}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_in))
        return headers


def over_limit(draw: Draw) -> RateLimited:
    return RateLimited(
        f"rate limit exceeded ({draw.limit} per {draw.window_seconds} s for this "
        f"{draw.policy.replace('_', ' ')}); retry after {max(1, draw.reset_in)} s",
        retry_after=max(1, draw.reset_in),
    )


@dataclass(frozen=True)
class Budget:
    policy: str
    item: RateLimitItem
    identifier: str


class RateLimiter:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.settings = settings
        self.storage = storage or _storage(settings)
        self._window_ends: dict[str, float] = {}
        self.api_key = parse_rate(settings.rate_limit_api_key)
        self.user = parse_rate(settings.rate_limit_user)
        self.anonymous = parse_rate(settings.rate_limit_session)
        self._org_limits: dict[str, tuple[float, RateLimits]] = {}

    async def budget_for(self, ctx: Context) -> Budget:
        """The budget the request draws on: its API key's, its user's, or its address's."""
        principal = ctx.principal
        if principal is None:
            return Budget("anonymous", self.anonymous, f"ip:{ctx.client_ip or '-'}")
        own = await self._own_limits(ctx, principal)
        if principal.api_key is not None:
            item = _larger(self.api_key, [o.api_key for o in own])
            return Budget("api_key", item, f"key:{principal.api_key.id}")
        item = _larger(self.user, [o.user for o in own])
        return Budget("user", item, f"usr:{principal.actor_id}")

    async def draw(self, budget: Budget, cost: int = 1) -> Draw:
        """Take ``cost`` points from the budget; not allowed when it has fewer left.

        The fixed window of ``limits`` (its ``FixedWindowRateLimiter.hit``: one atomic
        increment), reading the count that increment answers instead of asking again, and
        the window's end once per window: one round trip to Redis per request.
        A storage that cannot be reached lets the request through (logged): the limits
        protect the service, they must not be what takes it down.
        """
        item = budget.item
        key = item.key_for(budget.policy, budget.identifier)
        try:
            count = await self.storage.incr(key, item.get_expiry(), amount=cost)
            reset_at = await self._window_end(key)
        except StorageError as exc:
            log.warning("rate limit storage unavailable, not limiting: %s", exc.storage_error)
            return Draw(budget.policy, item.amount, item.get_expiry(), item.amount, 0, True)
        return Draw(
            policy=budget.policy,
            limit=item.amount,
            window_seconds=item.get_expiry(),
            remaining=max(0, item.amount - count),
            reset_in=max(0, math.ceil(reset_at - time.time())),
            allowed=count <= item.amount,
        )

    async def _window_end(self, key: str) -> float:
        """When the key's window ends; asked of the storage once per window."""
        now = time.time()
        known = self._window_ends.get(key)
        if known is not None and known > now:
            return known
        if len(self._window_ends) > _MAX_WINDOWS_KEPT:
            self._window_ends = {k: t for k, t in self._window_ends.items() if t > now}
        end = await self.storage.get_expiry(key)
        self._window_ends[key] = end
        return end

    async def _own_limits(self, ctx: Context, principal: Principal) -> list[RateLimits]:
        """The orgs' own limits, kept for a minute so most requests read none."""
        now = time.monotonic()
        org_ids = list(principal.roles)
        stale = [o for o in org_ids if self._org_limits.get(o, (0.0, None))[0] <= now]
        if stale:
            for org_id, own in (await orgs.rate_limits_of(ctx, stale)).items():
                self._org_limits[org_id] = (now + ORG_LIMITS_TTL_SECONDS, own)
            await ctx.session.commit()
        return [self._org_limits[o][1] for o in org_ids if o in self._org_limits]


def _larger(default: RateLimitItem, own: list[str | None]) -> RateLimitItem:
    """An org's own limit replaces the setting; a member of several orgs gets the most
    generous per second, so one small org does not throttle them elsewhere."""
    items = [parse(rate) for rate in own if rate]
    if not items:
        return default
    return max(items, key=lambda item: item.amount / item.get_expiry())


def _storage(settings: Settings) -> Storage:
    if settings.redis_url:
        return RedisStorage(
            "async+" + settings.redis_url,
            implementation="redispy",
            key_prefix=settings.redis_key_prefix + ":ratelimit",
            wrap_exceptions=True,
        )
    return MemoryStorage()
