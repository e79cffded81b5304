"""The documented REST paths. Each module holds one domain's routes on an ``ApiRouter``."""

from rest_compat import api_keys, auth, orgs
from rest_compat.http import Operation


def all_operations() -> list[Operation]:
    routers = [auth.router, api_keys.router, orgs.router]
    return [op for router in routers for op in router.operations]
