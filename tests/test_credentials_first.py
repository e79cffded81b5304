"""A request without a valid credential answers 401 before anything it sent is judged."""

from typing import Any

import pytest

from tests.conftest import World, assert_error

MALFORMED = b'{"level": "not json'
BAD_QUERY = {"limit": "lots", "cursor": "\x00", "referralId": "", "stage": "nowhere"}


def _concrete(path: str) -> str:
    return "/".join("ref_nope" if p.startswith("{") else p for p in path.split("/"))


async def _operations(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    doc = (await world.anon.get("/api/openapi.json")).json()
    return [
        (method.upper(), path, op)
        for path, methods in doc["paths"].items()
        for method, op in methods.items()
    ]


async def test_every_secured_operation_answers_401_to_an_anonymous_malformed_request(
    world: World,
) -> None:
    swept = 0
    for method, path, op in await _operations(world):
        if not op.get("security"):
            continue
        response = await world.anon.request(
            method,
            _concrete(path),
            params=BAD_QUERY,
            content=MALFORMED,
            headers={"content-type": "application/json"},
        )
        error = assert_error(response, 401, "unauthenticated")
        assert "authentication required" in error["message"], (method, path)
        assert response.headers["www-authenticate"] == "Bearer"
        swept += 1
    assert swept >= 30


async def test_only_signing_in_and_out_go_without_a_credential(world: World) -> None:
    open_ops = {(m, p) for m, p, op in await _operations(world) if not op.get("security")}
    assert open_ops == {("POST", "/api/auth/session"), ("DELETE", "/api/auth/session")}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/referrals/ref_x/triage", {"level": "high"}),
        ("POST", "/api/cases/case_x/contact", {"kind": 7}),
        ("GET", "/api/referral-documents", None),
    ],
)
async def test_the_reported_anonymous_422s_are_401s(
    world: World, method: str, path: str, body: Any
) -> None:
    response = await world.anon.request(method, path, json=body)
    assert_error(response, 401, "unauthenticated")


async def test_a_refused_credential_is_401_whatever_the_body(world: World) -> None:
    response = await world.anon.post(
        "/api/referrals",
        content=MALFORMED,
        headers={"content-type": "application/json", "x-api-key": "desk_" + "x" * 43},
    )
    assert_error(response, 401, "unauthenticated")


async def test_every_operation_refuses_the_credentials_its_document_leaves_out(
    world: World,
) -> None:
    """The document's ``security`` and the server's 403 come from one declaration: a
    credential the operation does not list is refused before anything is judged."""
    callers = {"bearer": world.a.admin.client, "apiKey": world.a.key_client}
    refused: dict[str, set[tuple[str, str]]] = {scheme: set() for scheme in callers}
    for method, path, op in await _operations(world):
        declared = {scheme for entry in op.get("security", []) for scheme in entry}
        for scheme in set(callers) - declared if declared else ():
            response = await callers[scheme].request(
                method,
                _concrete(path),
                params=BAD_QUERY,
                content=MALFORMED,
                headers={"content-type": "application/json"},
            )
            assert_error(response, 403, "forbidden")
            refused[scheme].add((method, path))
    assert refused["bearer"] == {
        ("GET", "/api/emr/queue"),
        ("POST", "/api/emr/queue/callback"),
        ("GET", "/api/emr/document-queue"),
        ("POST", "/api/emr/document-queue/callback"),
    }
    assert ("POST", "/api/cases/{caseId}/emr-queue") in refused["apiKey"]
    assert ("GET", "/api/api-keys") in refused["apiKey"]
