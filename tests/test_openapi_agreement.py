"""The OpenAPI document and the server agree: what the document calls valid the server
takes, what it calls invalid the server refuses (422), value by value at the edges."""

import re
from typing import Any

import pytest

from rest_compat import all_operations
from rest_compat.http import to_starlette_path
from rest_compat.openapi import build_openapi
from tests.conftest import World

DOCUMENT = build_openapi(all_operations(), "test")


def query_schema(path: str, method: str, name: str) -> dict[str, Any]:
    doc = DOCUMENT["paths"][path][method]
    [param] = [p for p in doc["parameters"] if p.get("name") == name and p.get("in") == "query"]
    schema: dict[str, Any] = param["schema"]
    # Optional parameters are anyOf [the constraint, null].
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return dict(option)
    return schema


def document_allows(schema: dict[str, Any], value: Any) -> bool:
    if "enum" in schema:
        return value in schema["enum"]
    if "pattern" in schema:
        return re.search(schema["pattern"], value) is not None
    if "minimum" in schema or "maximum" in schema:
        return schema.get("minimum", value) <= value <= schema.get("maximum", value)
    raise AssertionError(f"no constraint declared: {schema}")


LIST_PATHS = sorted(
    to_starlette_path(op.path)
    for op in all_operations()
    if op.method == "GET" and op.query is not None and "limit" in op.query.model_fields
)


CASES = [
    *((path, "limit", value) for path in LIST_PATHS for value in (0, 1, 500, 501)),
    *(
        (path, "stage", value)
        for path in ("/api/referrals", "/api/referrals/export")
        for value in ("review", "review, received", "", "Review", "review,", "bogus")
    ),
    *(
        ("/api/referrals", "include", value)
        for value in ("case", "case, patient,documents", ",,", "casepatient", "cases")
    ),
    *(("/api/cases", "status", value) for value in ("open", "closed", "Open", "opened")),
    *(("/api/cases", "priorityBand", value) for value in ("P1", "P4", "P5", "p1", "P")),
]


def test_every_list_declares_its_limits() -> None:
    assert len(LIST_PATHS) >= 7
    for path in LIST_PATHS:
        schema = query_schema(path, "get", "limit")
        assert (schema["minimum"], schema["maximum"]) == (1, 500), path


@pytest.mark.parametrize(
    ("path", "name", "value"), CASES, ids=[f"{p}?{n}={v}" for p, n, v in CASES]
)
async def test_the_document_and_the_server_agree_on_a_value(
    world: World, path: str, name: str, value: Any
) -> None:
    allowed = document_allows(query_schema(path, "get", name), value)
    params: dict[str, Any] = {name: value}
    if path == "/api/referral-documents":
        params["referralId"] = "ref_missing"  # the list needs one of its two owners
    # A bridge path takes an API key only; every other list, a person's token.
    bridge = path.startswith("/api/emr/")
    client = world.a.key_client if bridge else world.a.admin.client
    response = await client.get(path, params=params)
    if allowed:
        assert response.status_code in (200, 404), (response.status_code, response.text)
    else:
        assert response.status_code == 422, (response.status_code, response.text)
        assert response.json()["error"]["details"][0]["field"] == name


def test_required_names_and_enums_are_declared() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert set(schemas["CreatePatientBody"]["required"]) == {"firstName", "lastName"}
    assert schemas["CreateApiKeyBody"]["properties"]["name"]["minLength"] == 1
    assert schemas["CreateLocationBody"]["properties"]["name"]["minLength"] == 1
    status = schemas["UpdateStatusBody"]["properties"]["status"]
    target = schemas[status["$ref"].rsplit("/", 1)[1]] if "$ref" in status else status
    assert set(target["enum"]) == {"uploaded", "processing", "processed", "failed"}


def test_every_reference_in_the_document_resolves() -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for item in node for r in refs(item)]
        return []

    for ref in refs(DOCUMENT):
        assert ref.startswith("#/components/"), ref
        node: Any = DOCUMENT
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
