"""REST routes: referrals."""

from rest_compat.http import ApiRouter

router = ApiRouter(tag="Referrals")
