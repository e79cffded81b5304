"""REST routes: documents."""

from rest_compat.http import ApiRouter

router = ApiRouter(tag="Documents")
