"""OpenAPI 3.1 built from the same models the routes parse and serialise with."""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from rest_compat.http import API_KEY_CREDENTIALS, ORG_ID, Operation
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
    429: "Over the rate limit: retry after Retry-After seconds (RateLimit, RateLimit-Policy)",
}


def build_openapi(operations: list[Operation], version: str) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorOut}
    for op in operations:
        models.update(m for m in (op.body, op.response) if m is not None)
    keyed = [(m, "validation" if _is_input(m, operations) else "serialization") for m in models]
    _, definitions = models_json_schema(
        sorted(keyed, key=lambda pair: pair[0].__name__), ref_template=REF
    )
    schemas = definitions.get("$defs", {})
    for op in operations:
        if op.org_scoped and op.body is not None and op.body.__name__ in schemas:
            _with_org_id(schemas[op.body.__name__])
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(_openapi_path(op.path), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "IntakeDesk API", "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "RequestId": {
                    "name": "X-Request-Id",
                    "in": "header",
                    "required": False,
                    "description": "Your id for this request (up to 64 letters, digits and "
                    "._:-), echoed back and kept in the audit trail. Any other value is "
                    "accepted and replaced by an id of ours.",
                    "schema": {"type": "string"},
                },
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Your unique key for this create (a UUID), kept "
                    "per credential and org for a day: a retry with the same key and the "
                    "same request creates nothing and answers again what the first created "
                    "(with Idempotent-Replayed: true); the same key with another request is "
                    "a 422; a retry while the first still runs is a 409 to retry.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                },
            },
            "headers": {
                "RequestId": {
                    "description": "This request's id (yours, if you sent a valid one)",
                    "schema": {"type": "string"},
                },
                "RateLimit": {
                    "description": 'What is left of your budget: "policy";r=<requests left>;'
                    "t=<seconds until it refills> (IETF RateLimit header fields)",
                    "schema": {"type": "string"},
                },
                "RateLimitPolicy": {
                    "description": 'Your budget: "policy";q=<requests>;w=<window seconds>; '
                    "policy is api_key, user or anonymous (per client address)",
                    "schema": {"type": "string"},
                },
                "RetryAfter": {
                    "description": "Seconds until the budget refills",
                    "schema": {"type": "integer"},
                },
                "IdempotentReplayed": {
                    "description": "true when this answers again a create made before "
                    "with the same Idempotency-Key",
                    "schema": {"type": "string", "enum": ["true"]},
                },
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
        "parameters": [*_parameters(op), *_header_parameters(op)],
        "responses": _responses(op),
    }
    if op.auth:
        doc["security"] = [{scheme: []} for scheme in op.credentials]
        if op.credentials == API_KEY_CREDENTIALS:
            doc["description"] = "An API key (x-api-key) only: a user's token is refused (403)."
        elif "apiKey" not in op.credentials:
            doc["description"] = "A user's token or session only: an API key is refused (403)."
    if op.body is not None or op.form is not None:
        content: dict[str, Any] = {}
        if op.body is not None:
            content["application/json"] = {"schema": _ref(op.body)}
        if op.form is not None:
            content["multipart/form-data"] = {
                "schema": _form_schema(op.form, org_scoped=op.org_scoped)
            }
        doc["requestBody"] = {"required": True, "content": content}
    return doc


def _header_parameters(op: Operation) -> list[dict[str, str]]:
    params = [{"$ref": "#/components/parameters/RequestId"}]
    if op.idempotent is not None:
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
    return params


ORG_ID_PARAMETER: dict[str, Any] = {
    "description": "The org to act on: optional for a user of one org and for an API key "
    "(whose org it must be); a record of another org answers 404.",
    "schema": {"type": "string"},
}


def _with_org_id(schema: dict[str, Any]) -> dict[str, Any]:
    """An org-scoped body takes ``orgId`` whether or not its model names it (the REST
    wrapper takes it out before the model sees it)."""
    properties = schema.setdefault("properties", {})
    properties.setdefault(
        ORG_ID, {"type": "string", "description": ORG_ID_PARAMETER["description"]}
    )
    return schema


def _form_schema(form: type[BaseModel], *, org_scoped: bool) -> dict[str, Any]:
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
    if org_scoped:
        _with_org_id(schema)
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
        definitions = schema.get("$defs", {})
        for name, prop in schema.get("properties", {}).items():
            prop = _inlined(prop, definitions)
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if op.org_scoped and not any(p["name"] == ORG_ID for p in params):
        params.append({"name": ORG_ID, "in": "query", "required": False, **ORG_ID_PARAMETER})
    return params


def _inlined(schema: Any, definitions: dict[str, Any]) -> Any:
    """A parameter's schema with its ``#/$defs/…`` references (an enum) written out: a
    parameter's schema stands alone in the document, where those would point nowhere."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inlined(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {key: _inlined(value, definitions) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inlined(item, definitions) for item in schema]
    return schema


def _responses(op: Operation) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if op.response is not None:
        ok["content"] = {op.produces: {"schema": _ref(op.response)}}
    elif op.produces != "application/json":
        ok["content"] = {op.produces: {"schema": {"type": "string"}}}
    for media in op.also_produces:
        ok.setdefault("content", {})[media] = {"schema": {"type": "string"}}
    responses: dict[str, Any] = {str(op.status): ok}
    for status in op.also_ok:
        responses[str(status)] = {**ok, "description": "OK (it existed already)"}
    for status in op.also:
        responses[str(status)] = {**ok, "description": "OK"}
    # Every operation draws on a budget: the caller's, or the client address's (signing in).
    errors = set(op.errors) | {429}
    if op.idempotent is not None:
        errors |= {409, 422}  # a retry while the first runs; a key reused for another request
    for status in sorted(errors):
        responses[str(status)] = {
            "description": _ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": _ref(ErrorOut)}},
        }
    for response in responses.values():
        response["headers"] = {
            "X-Request-Id": {"$ref": "#/components/headers/RequestId"},
            "RateLimit": {"$ref": "#/components/headers/RateLimit"},
            "RateLimit-Policy": {"$ref": "#/components/headers/RateLimitPolicy"},
        }
    responses["429"]["headers"]["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    if op.idempotent is not None:
        ok["headers"]["Idempotent-Replayed"] = {"$ref": "#/components/headers/IdempotentReplayed"}
    return responses
