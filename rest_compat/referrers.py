"""REST routes: referrers."""

from rest_compat.http import ApiRouter

router = ApiRouter(tag="Referrers")
