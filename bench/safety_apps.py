"""The app as served, and the same app with no rate limiter: the floor of bench/safety.py."""

from starlette.applications import Starlette

from app.main import create_app


def without_rate_limits() -> Starlette:
    app = create_app()
    app.state.rate_limiter = None
    return app
