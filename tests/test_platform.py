"""What every path shares: the error shape, OpenAPI, settings, and the committed schema."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from app.graphql.schema import print_sdl
from app.settings import SettingsError, load_settings
from tests.conftest import World, assert_error, client_for

ROOT = Path(__file__).resolve().parent.parent


async def test_unknown_path_and_method_answer_the_error_shape(world: World) -> None:
    assert_error(await world.a.admin.client.get("/api/nothing-here"), 404, "not_found")
    assert_error(await world.a.admin.client.put("/api/auth/me"), 405, "method_not_allowed")


async def test_a_server_failure_is_500_without_a_trace(app: Any, world: World) -> None:
    async def explode(request: Any) -> Any:
        raise RuntimeError("secret internals: /work/main/resolvers")

    app.router.routes.append(Route("/api/_explode", explode))
    # Starlette re-raises after answering so the server can log it; uvicorn would.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/api/_explode", headers={"x-request-id": "trace-500"})
    finally:
        app.router.routes.pop()
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert error["message"] == "internal server error"
    assert response.headers["x-request-id"] == "trace-500"


async def test_every_answer_names_its_request_and_keeps_a_sane_caller_id(world: World) -> None:
    made = await world.a.admin.client.get("/api/auth/me")
    refused = await world.anon.get("/api/auth/me")
    kept = await world.anon.get("/healthz", headers={"x-request-id": "bridge-7f3a:42"})
    replaced = await world.anon.get("/healthz", headers={"x-request-id": "no spaces please"})
    too_long = await world.anon.get("/healthz", headers={"x-request-id": "x" * 65})
    generated = [made, refused, replaced, too_long]
    assert all(r.headers["x-request-id"].startswith("req_") for r in generated)
    assert len({r.headers["x-request-id"] for r in generated}) == len(generated)
    assert kept.headers["x-request-id"] == "bridge-7f3a:42"


async def test_a_requests_audit_events_carry_its_id(app: Any, world: World) -> None:
    from sqlmodel import select

    from app.db import transaction
    from models import AuditEvent

    response = await world.a.key_client.post(
        "/api/patients",
        json={"firstName": "Rey", "lastName": "Quest", "dob": "1970-01-01"},
        headers={"x-request-id": "bridge-req-1"},
    )
    assert response.status_code == 201, response.text
    async with transaction(app.state.sessions) as session:
        query = select(AuditEvent).where(AuditEvent.request_id == "bridge-req-1")
        actions = sorted(e.action for e in (await session.scalars(query)).all())
    assert actions == ["auth.api_key", "patient.create"]


async def test_openapi_is_3_1_and_covers_the_routes_with_their_models(world: World) -> None:
    response = await world.anon.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    for path, method in [
        ("/api/auth/me", "get"),
        ("/api/auth/session", "post"),
        ("/api/auth/session", "delete"),
        ("/api/api-keys", "post"),
        ("/api/api-keys", "get"),
        ("/api/api-keys", "delete"),
        ("/api/orgs/{id}/config", "patch"),
    ]:
        assert method in paths[path], (path, method)
    create = paths["/api/api-keys"]["post"]
    body_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][body_ref.rsplit("/", 1)[1]]
    assert "name" in schema["properties"] and "name" in schema["required"]
    assert schema.get("additionalProperties") is False
    config = paths["/api/orgs/{id}/config"]["patch"]
    ref = config["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "queues" in doc["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert "ErrorOut" in doc["components"]["schemas"]
    assert config["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorOut"
    )
    # Every operation takes and answers X-Request-Id.
    request_id = {"$ref": "#/components/parameters/RequestId"}
    for operations in paths.values():
        for operation in operations.values():
            assert request_id in operation["parameters"]
            for answer in operation["responses"].values():
                assert "X-Request-Id" in answer["headers"]
    assert doc["components"]["parameters"]["RequestId"]["in"] == "header"


def test_schema_graphql_is_what_the_code_prints() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == print_sdl(), "schema.graphql is stale: run `make schema`"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"INTAKEDESK_DATABASE_URL": "mysql://x"}, "INTAKEDESK_DATABASE_URL"),
        ({"INTAKEDESK_STORAGE_URL": "s3://bucket"}, "INTAKEDESK_STORAGE_URL"),
        ({"INTAKEDESK_AUTH": "ldap"}, "INTAKEDESK_AUTH"),
        ({"INTAKEDESK_MAX_UPLOAD_BYTES": "lots"}, "INTAKEDESK_MAX_UPLOAD_BYTES"),
        ({"INTAKEDESK_MAX_UPLOAD_BYTES": "0"}, "INTAKEDESK_MAX_UPLOAD_BYTES"),
        ({"INTAKEDESK_PUBLIC_URL": "ftp://x"}, "INTAKEDESK_PUBLIC_URL"),
        ({"INTAKEDESK_SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"INTAKEDESK_DATABSE_URL": "sqlite+aiosqlite:///x.db"}, "unknown setting"),
        ({"INTAKEDESK_ENV": "production", "INTAKEDESK_AUTH": "local"}, "AUTH=local"),
        ({"INTAKEDESK_ENV": "staging"}, "INTAKEDESK_ENV"),
        ({"INTAKEDESK_CORS_ORIGINS": "https://a.example.com/app"}, "INTAKEDESK_CORS_ORIGINS"),
        ({"INTAKEDESK_CORS_ORIGINS": "*"}, "INTAKEDESK_CORS_ORIGINS"),
    ],
)
def test_a_bad_setting_is_one_clear_line(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    message = str(raised.value)
    assert expected in message and "\n" not in message


def test_production_needs_a_long_secret() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings({"INTAKEDESK_ENV": "production", "INTAKEDESK_AUTH": "firebase"})
    settings = load_settings(
        {
            "INTAKEDESK_ENV": "production",
            "INTAKEDESK_AUTH": "firebase",
            "INTAKEDESK_SECRET_KEY": "s" * 40,
        }
    )
    assert settings.auth == "firebase" and not settings.is_development


async def test_openapi_documents_multipart_uploads_with_their_form_fields(world: World) -> None:
    doc = (await world.anon.get("/api/openapi.json")).json()
    create = doc["paths"]["/api/referrals"]["post"]["requestBody"]["content"]
    form = create["multipart/form-data"]["schema"]
    assert form["required"][0] == "file" and "orgId" in form["properties"]
    attach = doc["paths"]["/api/referral-documents"]["post"]["requestBody"]["content"]
    fields = attach["multipart/form-data"]["schema"]["properties"]
    assert {"file", "referralId", "patientId"} <= set(fields)


async def test_a_value_the_database_refuses_is_422_not_500(app: Any, world: World) -> None:
    from sqlalchemy.exc import DataError

    async def refuse(request: Any) -> Any:
        raise DataError("INSERT …", {}, Exception("value too long for type character varying"))

    app.router.routes.append(Route("/api/_too_long", refuse))
    try:
        response = await world.a.admin.client.get("/api/_too_long")
    finally:
        app.router.routes.pop()
    assert_error(response, 422, "validation_failed")


async def test_a_value_too_long_for_its_column_is_422_on_postgresql(
    app: Any, world: World, db_kind: str
) -> None:
    from starlette.responses import JSONResponse

    from models import Org, utcnow

    async def too_long(request: Any) -> Any:
        session = request.state.ctx.session
        session.add(Org(name="x" * 300, config={}, updated_at=utcnow()))
        await session.flush()
        await session.rollback()  # SQLite keeps any length: leave nothing behind
        return JSONResponse({"stored": True})

    app.router.routes.append(Route("/api/_too_long_column", too_long))
    try:
        response = await world.a.admin.client.get("/api/_too_long_column")
    finally:
        app.router.routes.pop()
    if db_kind == "postgresql":
        assert_error(response, 422, "validation_failed")
    else:
        assert response.status_code == 200


DASHBOARD = "https://desk.example.com"


@pytest.fixture
async def cors_app(settings: Any) -> Any:
    from app.main import create_app

    application = create_app(settings.model_copy(update={"cors_origins": f" {DASHBOARD} ,"}))
    async with application.router.lifespan_context(application):
        yield application


async def test_a_dashboard_origin_may_call_with_credentials_and_no_other_may(
    cors_app: Any, world: World
) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    async with client_for(cors_app) as client:
        allowed = await client.options("/graphql", headers={"origin": DASHBOARD, **preflight})
        other = await client.options(
            "/graphql", headers={"origin": "https://evil.example", **preflight}
        )
        key_header = await client.options(
            "/api/auth/me",
            headers={
                "origin": DASHBOARD,
                "access-control-request-method": "GET",
                "access-control-request-headers": "x-api-key",
            },
        )
        me = await client.get("/api/auth/me", headers={**bearer_of(world), "origin": DASHBOARD})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == DASHBOARD
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
    assert key_header.status_code == 400
    assert me.status_code == 200, me.text
    assert me.headers["access-control-allow-origin"] == DASHBOARD
    exposed = me.headers["access-control-expose-headers"].lower()
    assert "ratelimit" in exposed and "retry-after" in exposed


async def test_without_configured_origins_no_cors_header_is_sent(world: World) -> None:
    response = await world.a.admin.client.get("/api/auth/me", headers={"origin": DASHBOARD})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def bearer_of(world: World) -> dict[str, str]:
    return {"authorization": world.a.admin.client.headers["authorization"]}
