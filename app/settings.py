"""Settings read once from ``INTAKEDESK_*`` environment variables (DESIGN §2)."""

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse as parse_rate
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PREFIX = "INTAKEDESK_"


class Env(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SettingsError(Exception):
    """A missing or wrong setting; its message is the one line printed at start-up."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    env: Env = Env.development
    database_url: str = "sqlite+aiosqlite:///./data/intakedesk.db"
    storage_url: str = "file://./data/files"
    auth: Literal["local", "firebase"] = "local"
    secret_key: str = ""
    public_url: str = "http://127.0.0.1:8000"
    firebase_project_id: str = "intakedesk-local"
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    signed_url_ttl_seconds: int = Field(default=900, gt=0, le=7 * 24 * 3600)
    session_cookie_days: int = Field(default=5, ge=1, le=14)
    graphql_max_depth: int = Field(default=12, ge=2)
    graphql_max_aliases: int = Field(default=30, ge=1)
    graphql_max_tokens: int = Field(default=2000, ge=50)
    db_pool_size: int = Field(default=10, ge=1)
    db_lock_timeout_seconds: float = Field(default=15, gt=0, le=600)
    gcs_credentials_file: str | None = None
    # Browser origins of dashboards served from elsewhere, comma-separated; none by default.
    cors_origins: str = ""
    # Safe to retry, safe to expose (issue #14): how long an Idempotency-Key is kept,
    # rate limits ("N/second|minute|hour|day"; orgs may override them), a shared store
    # for the limits of several instances, the GraphQL cost budget and introspection.
    idempotency_ttl_hours: int = Field(default=24, ge=1, le=24 * 30)
    redis_url: str | None = None
    # Names this deployment's keys in a Redis that others share too.
    redis_key_prefix: str = Field(default="intakedesk", min_length=1, max_length=100)
    rate_limit_api_key: str = "1200/minute"
    rate_limit_user: str = "600/minute"
    rate_limit_session: str = "10/minute"
    graphql_max_cost: int = Field(default=10_000, ge=1)
    # Introspection of /graphql: on in development, off elsewhere unless set.
    graphql_introspection: bool | None = None
    # Prometheus /metrics on a port of its own (app/prom.py); 0 = off.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # Background processing (app/worker.py). serve runs jobs itself unless told not to
    # (always on SQLite, whose queue lives in the serve process).
    serve_worker: bool = True
    worker_processes: int = Field(default=0, ge=0, le=64)  # OCR/PDF processes; 0 = the cores
    worker_heartbeat_seconds: float = Field(default=30, ge=1, le=3600)
    job_max_attempts: int = Field(default=4, ge=1, le=20)
    job_retry_seconds: float = Field(default=5, ge=0, le=3600)  # first backoff, doubled each time
    pipeline_max_pages: int = Field(default=300, ge=1, le=10_000)  # per file
    pipeline_page_seconds: float = Field(default=60, gt=0, le=3600)
    pipeline_document_seconds: float = Field(default=600, gt=0, le=86_400)  # per referral
    process_wait_seconds: float = Field(default=60, gt=0, le=600)  # ?wait=true waits at most

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("storage_url")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if not value.startswith(("file://", "gs://")) or value in ("file://", "gs://"):
            raise ValueError("must be file://<folder> or gs://<bucket>")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in _split(value):
            scheme, _, host = origin.partition("://")
            if scheme not in ("http", "https") or not host or "/" in host:
                raise ValueError(f"{origin!r} is no origin: scheme://host[:port], no path")
        return value

    @field_validator("rate_limit_api_key", "rate_limit_user", "rate_limit_session")
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_rate(value)
        except ValueError:
            raise ValueError(f"{value!r} is no rate: N/second, minute, hour or day") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_rules(self) -> "Settings":
        if self.env is Env.production:
            if self.auth == "local":
                raise ValueError("AUTH=local is refused when ENV=production; use firebase")
            if len(self.secret_key) < 32:
                raise ValueError("SECRET_KEY of at least 32 characters is required in production")
        elif self.secret_key and len(self.secret_key) < 16:
            raise ValueError("SECRET_KEY must be at least 16 characters")
        return self

    @property
    def is_development(self) -> bool:
        return self.env is Env.development

    @property
    def introspection_allowed(self) -> bool:
        if self.graphql_introspection is None:
            return self.is_development
        return self.graphql_introspection

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _field_env_names() -> dict[str, str]:
    return {PREFIX + name.upper(): name for name in Settings.model_fields}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment, raising ``SettingsError`` with one line."""
    environ = dict(os.environ if environ is None else environ)
    names = _field_env_names()
    unknown = sorted(k for k in environ if k.startswith(PREFIX) and k not in names)
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]}")
    values = {field: environ[var] for var, field in names.items() if var in environ}
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = PREFIX + str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{where}: {message}") from None
    # firebase-admin reads the process environment whatever dict we were given.
    emulator = environ.get("FIREBASE_AUTH_EMULATOR_HOST") or os.environ.get(
        "FIREBASE_AUTH_EMULATOR_HOST"
    )
    if settings.env is Env.production and emulator:
        raise SettingsError(
            "FIREBASE_AUTH_EMULATOR_HOST is set with INTAKEDESK_ENV=production: "
            "the emulator accepts unsigned tokens"
        )
    if not settings.secret_key:
        settings = settings.model_copy(update={"secret_key": _development_secret(settings)})
    return settings


def _development_secret(settings: Settings) -> str:
    """Outside production a missing SECRET_KEY is made once and kept beside the data.

    The server and ``intakedesk dev-token`` then agree on it across restarts.
    """
    folder = Path("./data")
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
