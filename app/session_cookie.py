"""The HttpOnly ``__session`` cookie, set and cleared the same way by REST and GraphQL."""

from datetime import timedelta

from starlette.responses import Response

from app.settings import Settings

SESSION_COOKIE = "__session"


def session_lifetime(settings: Settings) -> timedelta:
    return timedelta(days=settings.session_cookie_days)


def set_session_cookie(response: Response, cookie: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(session_lifetime(settings).total_seconds()),
        httponly=True,
        secure=not settings.is_development,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=not settings.is_development,
        samesite="lax",
    )
