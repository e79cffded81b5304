"""REST routes: cases."""

from rest_compat.http import ApiRouter

router = ApiRouter(tag="Cases")
