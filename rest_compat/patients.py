"""REST routes: patients."""

from rest_compat.http import ApiRouter

router = ApiRouter(tag="Patients")
