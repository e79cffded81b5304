"""The documented REST paths. Each module holds one domain's routes on an ``ApiRouter``."""

from rest_compat import (
    api_keys,
    auth,
    cases,
    documents,
    orgs,
    patients,
    referrals,
    referrers,
    review,
)
from rest_compat.http import Operation

# Order matters where paths overlap: fixed paths (/api/referrals/bulk) before /:id.
ROUTERS = (
    auth.router,
    api_keys.router,
    orgs.router,
    referrals.router,
    review.router,
    cases.router,
    referrers.router,
    patients.router,
    documents.router,
)


def all_operations() -> list[Operation]:
    return [op for router in ROUTERS for op in router.operations]
