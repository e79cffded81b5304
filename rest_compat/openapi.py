"""OpenAPI 3.1 built from the same models the routes parse and serialise with."""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from rest_compat.http import Operation
from rest_compat.schemas import ErrorOut

REF = "#/components/schemas/{model}"

_ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or refused credential",
    403: "Forbidden",
    404: "Not found (or another org's)",
    409: "State conflict",
    413: "Too large",
    415: "Content type not accepted",
    422: "Validation failed; details name each field",
}


def build_openapi(operations: list[Operation], version: str) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorOut}
    for op in operations:
        models.update(m for m in (op.body, op.response) if m is not None)
    keyed = [(m, "validation" if _is_input(m, operations) else "serialization") for m in models]
    _, definitions = models_json_schema(
        sorted(keyed, key=lambda pair: pair[0].__name__), ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(_openapi_path(op.path), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "IntakeDesk API", "version": version},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "parameters": {
                "RequestId": {
                    "name": "X-Request-Id",
                    "in": "header",
                    "required": False,
                    "description": "Your id for this request (up to 64 letters, digits and "
                    "._:-), echoed back and kept in the audit trail. Any other value is "
                    "accepted and replaced by an id of ours.",
                    "schema": {"type": "string"},
                }
            },
            "headers": {
                "RequestId": {
                    "description": "This request's id (yours, if you sent a valid one)",
                    "schema": {"type": "string"},
                }
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "__session"},
            },
        },
    }


def _is_input(model: type[BaseModel], operations: list[Operation]) -> bool:
    return any(op.body is model for op in operations)


def _openapi_path(path: str) -> str:
    return "/".join("{" + p[1:] + "}" if p.startswith(":") else p for p in path.split("/"))


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "summary": op.summary,
        "tags": [op.tag],
        "operationId": op.handler.__name__,
        "parameters": [*_parameters(op), {"$ref": "#/components/parameters/RequestId"}],
        "responses": _responses(op),
    }
    if op.auth:
        doc["security"] = [{"bearer": []}, {"apiKey": []}, {"session": []}]
    if op.body is not None or op.form is not None:
        content: dict[str, Any] = {}
        if op.body is not None:
            content["application/json"] = {"schema": _ref(op.body)}
        if op.form is not None:
            content["multipart/form-data"] = {"schema": _form_schema(op.form)}
        doc["requestBody"] = {"required": True, "content": content}
    return doc


def _form_schema(form: type[BaseModel]) -> dict[str, Any]:
    """The form's fields plus the required ``file`` part; other parts are refused, as the
    form model refuses them (``additionalProperties``)."""
    fields = form.model_json_schema(by_alias=True)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "contentMediaType": "application/octet-stream"},
            **fields.get("properties", {}),
        },
        "required": ["file", *fields.get("required", [])],
    }
    if "additionalProperties" in fields:
        schema["additionalProperties"] = fields["additionalProperties"]
    return schema


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [
        {"name": p[1:], "in": "path", "required": True, "schema": {"type": "string"}}
        for p in op.path.split("/")
        if p.startswith(":")
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(by_alias=True)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    return params


def _responses(op: Operation) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if op.response is not None:
        ok["content"] = {op.produces: {"schema": _ref(op.response)}}
    elif op.produces != "application/json":
        ok["content"] = {op.produces: {"schema": {"type": "string"}}}
    responses: dict[str, Any] = {str(op.status): ok}
    for status in op.also:
        responses[str(status)] = {**ok, "description": "OK"}
    for status in op.errors:
        responses[str(status)] = {
            "description": _ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": _ref(ErrorOut)}},
        }
    for response in responses.values():
        response["headers"] = {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}}
    return responses
