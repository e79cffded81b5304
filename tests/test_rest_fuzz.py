"""Property-based fuzzing of the REST face from its own OpenAPI document (schemathesis).

Every documented operation is driven with requests schemathesis generates from
``/api/openapi.json``: valid ones (positive) and ones that break the schema on
purpose (negative), as org A's admin (bearer token) and as org A's API key, each where
the operation's ``security`` declares that credential.
Whatever comes in, the answer must

- never be a 5xx;
- for every 4xx, be the documented error shape ``{"error": {"code", "message", "details"}}``;
- have a status, content type and body the document lists for the operation;
- reject (4xx) a request the document says is invalid.

The requests go through httpx's ASGI transport to the session's app, on the test's
own event loop (the engine's connections live there), while hypothesis runs in a
worker thread and hands each request back to that loop.

Random strings would only ever meet 404s and "not a date", so a positive case has
some fields swapped for values that reach further (a fuzzing dictionary): real ids
seeded in org A, or org B's (which must answer exactly like missing ones), the
enumerations the resolvers accept, and edge values (dates at the ends of the
calendar, cursors this API never issued, numbers no column holds, long text, broken
and hostile files). Where the fields of a body must agree with each other, a positive
case mostly starts from a valid seed body instead. Each test builds its own orgs, so an
operation that revokes or deletes (an API key, the session) cannot spoil another's run,
and no operation is skipped.

What the fuzzing found is pinned down by the tests at the end of the module.
"""

import base64
import copy
import io
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.serialization import contains_binary
from sqlmodel import col, select

from app.db import transaction
from app.settings import Settings
from models import (
    Case,
    ContactEvent,
    Document,
    Location,
    Patient,
    Practice,
    Provider,
    Referral,
)
from rest_compat import all_operations
from rest_compat.http import to_starlette_path
from rest_compat.openapi import build_openapi
from tests.case_fixtures import count_rows, make_location
from tests.conftest import World, assert_error, client_for
from tests.files import fixed_pdf, fixed_png
from tests.patient_fixtures import create_patient, get_row
from tests.referral_fixtures import extraction, person, seed_referral, upload

pytestmark = [
    pytest.mark.anyio,
    # Pillow warns "Corrupt EXIF data" on the broken TIFFs sent on purpose: it is.
    pytest.mark.filterwarnings("ignore::UserWarning:PIL"),
]

MAX_EXAMPLES = 40
BASE_URL = "http://testserver"
JSON = "application/json"

OPERATIONS = [(op.method, to_starlette_path(op.path)) for op in all_operations()]
# Each operation is fuzzed as each caller its document's ``security`` declares (a bridge's
# poll takes an API key alone; issuing a key, a user's token alone); one that takes no
# credential, as both.
SCHEME_OF = {"admin": "bearer", "api_key": "apiKey"}
_DOCUMENT = build_openapi(all_operations(), "test")


def _declares(method: str, path: str, scheme: str) -> bool:
    security = _DOCUMENT["paths"][path][method.lower()].get("security")
    return not security or any(scheme in entry for entry in security)


FUZZED = [
    (method, path, principal)
    for method, path in OPERATIONS
    for principal, scheme in SCHEME_OF.items()
    if _declares(method, path, scheme)
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# Credentials schemathesis may fill in from the security schemes: ours replace them.
CREDENTIAL_HEADERS = {"authorization", "x-api-key", "cookie"}

# -- the dictionary ------------------------------------------------------------------------------

# Edge ones first (hypothesis leans to the start of a list): moments with no UTC
# equivalent on the calendar, its ends, a day that does not exist, no time zone.
EDGE_MOMENTS = [
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59.999999",
    "2024-02-30",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
]


def _cursor(value: Any) -> str:
    """A cursor shaped like the API's own (base64 of a JSON pair), with any content."""
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


EDGE_CURSORS = [
    *(_cursor([moment, "ref_x"]) for moment in EDGE_MOMENTS),
    _cursor(["2024-01-01T00:00:00Z", 5]),
    _cursor(["2024-01-01T00:00:00Z"]),
    _cursor({"a": 1, "b": 2}),
    "not base64!",
    "",
]

EDGE_INTS = [0, -1, 1, 5, 500, 501, 2**31, 2**63, 10**30]
EDGE_TEXT = ["", " ", "x" * 5000, "\u202e\u0301", "Ünïcødé 🙂", "a,b,,c", "%00", "' OR 1=1 --"]
# A lone surrogate: JSON can carry it (escaped), no database can store it.
JSON_ONLY_TEXT = ["\ud800", "a\udfffb"]


def _tiff(frames: int = 1) -> bytes:
    out = io.BytesIO()
    images = [Image.new("RGB", (4, 4)) for _ in range(frames)]
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:])
    return out.getvalue()


def tiff_declaring(width: int, height: int) -> bytes:
    """A TIFF of a few dozen bytes whose one IFD declares ``width`` x ``height`` pixels."""
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1)]
    tags += [(273, 4, 8), (277, 3, 1), (278, 4, height), (279, 4, 1)]
    ifd = struct.pack("<H", len(tags))
    ifd += b"".join(struct.pack("<HHII", tag, kind, 1, value) for tag, kind, value in tags)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00\x00\x00\x00"


def pdf_with_unknown_encryption() -> bytes:
    """A readable PDF but for its /Encrypt dictionary, of a version no reader knows."""
    return fixed_pdf(1).replace(b"/Root", b"/Encrypt << /Filter /Standard /V 9 /R 9 >> /Root")


# Files for the ``file`` part of a multipart upload: good ones of each accepted type, and
# the hostile or broken ones a parser of untrusted bytes has to survive.
GOOD_FILES = [fixed_pdf(2), fixed_png(), _tiff(frames=3), b"\xff\xd8\xff\xe0" + b"\x00" * 64]
# Each with the status it must get: 415 for what cannot be read as PDF, TIFF, PNG or
# JPEG, 422 for no bytes at all.
BAD_FILES: dict[str, tuple[bytes, int]] = {
    "pdf-unknown-encryption": (pdf_with_unknown_encryption(), 415),
    "tiff-10-gigapixels": (tiff_declaring(100_000, 100_000), 415),
    "pdf-truncated": (fixed_pdf(1)[:200], 415),
    "pdf-no-xref": (b"%PDF-1.4\n%%EOF", 415),
    "tiff-truncated": (_tiff(frames=2)[:40], 415),
    "gif": (b"GIF89a" + b"\x00" * 16, 415),
    "empty": (b"", 422),
}
# Hostile ones first: hypothesis leans to the start of a list.
EDGE_FILES = [data for data, _ in BAD_FILES.values()] + GOOD_FILES

HINTS: dict[str, list[Any]] = {
    "file": EDGE_FILES,
    "stage": ["received", "review", "triaged", "duplicate", "review,received", "nope"],
    "documentType": ["referral", "lab", "imaging", "summary", "other", "nope"],
    "type": ["scheduled", "attempt", "close", "note"],
    "kind": ["attempt", "scheduled", "close", "note"],
    "channel": ["phone", "sms", "email", "mail", "portal"],
    "outcome": ["reached", "no_answer", "left_voicemail", "declined"],
    "priorityBand": ["P1", "P2", "P4", "P5"],
    "level": [1, 3, 5, 0, 6],
    "triageLevel": [1, 3, 5, 0, 6, 2**63],
    "source": ["upload", "fax", "api"],
    "action": ["move_to_triaged", "mark_duplicate"],
    "include": ["case", "patient,documents", "case,patient,documents", "case,nope"],
    "contentType": ["application/pdf", "image/png", "image/tiff", "text/plain"],
    "fileName": ["referral.pdf", "../../etc/passwd", "a" * 999 + ".pdf"],
    "dob": ["1985-03-15", "03/15/1985", "1/2/45", "2024-02-30", "0001-01-01", "9999-12-31"],
    "phone": ["(555) 234-5678", "+15552345678", "555-234-5678 ext. 12", "+" + "9" * 30],
    "fax": ["+15552345678", "555"],
    "email": ["jane@example.com", "not-an-email", "a@" + "b" * 300 + ".com"],
    "state": ["CA", "ca", "Californ"],
    "zip": ["90210", "90210-1234", "902101234", "9021"],
    "npi": ["1234567893", "1234567890", "12345"],
    "sex": ["F", "m", "x", "unknown"],
    "receivedFrom": EDGE_MOMENTS,
    "receivedTo": EDGE_MOMENTS,
    "scheduledFor": [m for m in EDGE_MOMENTS if "T" in m],
    "cursor": EDGE_CURSORS,
    "q": ["Jane", "Doe, Jane", "%", "_", "ref_", *EDGE_TEXT],
    "name": ["North Clinic", *EDGE_TEXT],
    "firstName": ["Jane", "José", *EDGE_TEXT],
    "lastName": ["Doe", "O'Brien-Smith", *EDGE_TEXT],
    "reason": EDGE_TEXT,
    "note": EDGE_TEXT,
    "queue": ["intake", "urgent", *EDGE_TEXT],
    "defaultQueue": ["intake", "urgent"],
    "timezone": ["America/New_York", "UTC", "America", "Mars/Olympus", "../../etc/localtime"],
}


# Valid bodies to start a positive case from, where the generator rarely finds one (the
# fields have to agree with each other): the steering then puts edge values into them.
SEED_BODIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("POST", "/api/cases/{caseId}/contact"): [
        # Closing last: a closed case refuses every other kind, so it is drawn least.
        {"type": "scheduled", "scheduledFor": "2031-01-06T15:30:00Z"},
        {"type": "attempt", "channel": "phone", "outcome": "no_answer", "note": "try later"},
        {"type": "note", "note": "prefers mornings"},
        {"type": "close", "reason": "patient declined"},
    ],
    ("POST", "/api/patients"): [
        {"firstName": "Jane", "lastName": "Doe", "dob": "1985-03-15", "phone": "(555) 234-5678"}
    ],
    ("POST", "/api/referrals/{id}/triage"): [{"level": 2, "reason": "red flags"}, {}],
    ("POST", "/api/cases/create-referrer"): [
        {
            "caseId": "",
            "practice": {"name": "Valley Family Medicine", "phone": "(555) 234-5678"},
            "provider": {"name": "Dr. John Smith", "npi": "1234567893"},
        }
    ],
    ("POST", "/api/locations"): [{"name": "North Clinic", "phone": "(555) 234-5678"}],
    ("PATCH", "/api/cases/{caseId}"): [{"priorityBand": "P2", "triageLevel": 2}],
}

# Where one name means different things on different paths.
HINTS_BY_PATH: dict[tuple[str, str], list[Any]] = {
    ("/api/cases", "status"): ["open", "contacting", "scheduled", "closed", "open,closed"],
    ("/api/referral-documents", "status"): ["processing", "processed", "failed", "uploaded"],
}


def _hints(key: str, path: str) -> list[Any]:
    for (prefix, name), values in HINTS_BY_PATH.items():
        if name == key and path.startswith(prefix):
            return values
    return HINTS.get(key, [])


@dataclass
class Pools:
    """Real ids by the kind of row they name (``referralId``, ``caseId``, ``orgId``, ...)."""

    by_kind: dict[str, list[str]] = field(default_factory=dict)

    def for_field(self, name: str, path: str) -> list[str]:
        return self.by_kind.get(_id_kind(name, path), [])


# A bare ``id`` (path, query or body) names the row of the path it is on.
_PATH_KINDS = (
    ("/api/orgs/", "orgId"),
    ("/api/referrals", "referralId"),
    ("/api/patients", "patientId"),
    ("/api/api-keys", "apiKeyId"),
    ("/api/cases", "caseId"),
)


def _id_kind(name: str, path: str) -> str:
    if name in {"ids", "duplicateOf"}:
        return "referralId"
    if name in {"id", "keyId"}:
        return next((kind for prefix, kind in _PATH_KINDS if path.startswith(prefix)), "any")
    return name


def _is_id_name(name: str) -> bool:
    return name in {"id", "ids", "keyId", "duplicateOf"} or name.endswith("Id")


ROW_KINDS: dict[str, Any] = {
    "referralId": Referral,
    "caseId": Case,
    "patientId": Patient,
    "documentId": Document,
    "locationId": Location,
    "practiceId": Practice,
    "providerId": Provider,
}


async def _seed_pools(app: Any, settings: Settings, world: World) -> Pools:
    """Org A gets two triaged referrals (cases, patients, documents, one with a matched
    referrer), an untriaged one with two documents, a location and a patient of its own;
    org B a triaged referral. All through the product's own resolvers and routes."""
    a, b = world.a.id, world.b.id
    await seed_referral(app, settings, a, extracted=extraction(), triaged=True, referrer=True)
    await seed_referral(app, settings, a, extracted=person("Ann", "Lee"), triaged=True)
    await seed_referral(app, settings, a, documents_count=2)
    await seed_referral(app, settings, b, extracted=person("Bob", "Other"), triaged=True)
    await make_location(world.a.admin.client, a)
    await create_patient(world.a.admin.client)
    spare = await world.a.admin.client.post("/api/api-keys", json={"name": "spare"})
    assert spare.status_code == 201, spare.text
    ours, theirs = await _ids_in(app, a), await _ids_in(app, b)
    assert all(ours.values()), ours
    pools = Pools({kind: ours[kind] + theirs[kind][:1] for kind in ours})
    pools.by_kind["orgId"] = [a, a, a, b]
    pools.by_kind["apiKeyId"] = [spare.json()["id"], world.a.api_key_id, world.b.api_key_id]
    pools.by_kind["assigneeId"] = [world.a.coordinator.user_id, world.b.admin.user_id]
    pools.by_kind["any"] = list(dict.fromkeys(i for ids in pools.by_kind.values() for i in ids))
    return pools


async def _ids_in(app: Any, org_id: str) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    async with transaction(app.state.sessions) as session:
        for kind, model in ROW_KINDS.items():
            # In the order they were made, so the same draws pick the same rows every run.
            query = (
                select(model.id)
                .where(model.org_id == org_id)
                .order_by(col(model.created_at), col(model.id))
            )
            ids[kind] = list((await session.scalars(query)).all())
    return ids


Draw = Callable[[Any], Any]
# Three times in four (hypothesis leans to the first of a choice, and to False).
MOSTLY = st.sampled_from([True, True, True, False])
SOMETIMES = st.sampled_from([False, False, True])


@dataclass
class Steer:
    """Swaps some fields of a generated object for real ids and dictionary values."""

    draw: Draw
    path: str
    pools: Pools
    # The dictionary is for positive cases (a negative one keeps its verdict).
    hints: bool
    # A lone surrogate travels only in JSON, escaped; a URL or a form part cannot carry one.
    json: bool

    def object(self, value: Any, declared: tuple[str, ...] = ()) -> Any:
        """``value`` steered; the dictionary also fills in some ``declared`` fields the
        generator left out (query filters)."""
        if not isinstance(value, dict):
            return value
        out = {key: self.field(key, item) for key, item in value.items()}
        for key in declared if self.hints else ():
            choices = self._choices(key, None)
            if key not in out and choices and self.draw(st.sampled_from([True, False])):
                out[key] = self.draw(st.sampled_from(choices))
        return out

    def field(self, key: str, item: Any) -> Any:
        pool = self.pools.for_field(key, self.path) if _is_id_name(key) else []
        if pool and isinstance(item, str) and self.draw(MOSTLY):
            return self.draw(st.sampled_from(pool))
        if pool and _is_str_list(item) and self.draw(MOSTLY):
            return self.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(item)))
        if pool:
            return item
        # A generated file is random bytes (never a document): the dictionary's are worth more.
        chance = MOSTLY if key == "file" else SOMETIMES
        if self.hints and not isinstance(item, dict | list) and self.draw(chance):
            choices = self._choices(key, item)
            if choices:
                return self.draw(st.sampled_from(choices))
        return self.object(item)

    def _choices(self, key: str, item: Any) -> list[Any]:
        if _is_id_name(key):
            return self.pools.for_field(key, self.path)
        if _hints(key, self.path):
            return _hints(key, self.path)
        if isinstance(item, bool):
            return []
        if isinstance(item, int):
            return EDGE_INTS
        if isinstance(item, str):
            return EDGE_TEXT + JSON_ONLY_TEXT if self.json else EDGE_TEXT
        return []


def _unjudgeable(value: Any) -> bool:
    """Whether a value holds what schemathesis's validator cannot read: bytes, or a lone
    surrogate (not text to it)."""
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_unjudgeable(item) for item in value.values())
    if isinstance(value, list):
        return any(_unjudgeable(item) for item in value)
    return contains_binary(value)


def _is_str_list(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(i, str) for i in item)


# -- sending -------------------------------------------------------------------------------------


def _negated(case: Any, *locations: ParameterLocation) -> bool:
    """Whether the case breaks the schema in one of these parts of the request."""
    components = case.meta.components if case.meta is not None else {}
    return any(
        location in locations and info.mode.is_negative for location, info in components.items()
    )


# The parts steered, and whether the dictionary is used there: a path segment keeps to
# ids (an empty or odd one is another URL, not this operation).
STEERED = (
    ("path_parameters", ParameterLocation.PATH, False),
    ("query", ParameterLocation.QUERY, True),
    ("body", ParameterLocation.BODY, True),
)


def _httpx_request(kwargs: dict[str, Any]) -> dict[str, Any]:
    """schemathesis serialises for ``requests``; httpx names a raw body ``content``, wants
    text or bytes in a multipart part, and takes cookies as a header. JSON is written as
    Python's ``json`` writes it, escaping what is not ASCII, so a lone surrogate goes too."""
    out = {k: v for k, v in kwargs.items() if k not in {"auth", "cookies", "json"}}
    if "json" in kwargs:
        out["content"] = json.dumps(kwargs["json"], allow_nan=False).encode()
    if kwargs.get("cookies"):
        jar = "; ".join(f"{name}={value}" for name, value in kwargs["cookies"].items())
        out["headers"] = {**out.get("headers", {}), "Cookie": jar}
    if isinstance(out.get("data"), bytes | str):
        out["content"] = out.pop("data")
    if isinstance(out.get("files"), list):
        out["files"] = [
            (name, (file_name, _part_content(content), *rest))
            for name, (file_name, content, *rest) in out["files"]
        ]
    return out


def _part_content(content: Any) -> Any:
    return content if isinstance(content, bytes | str) or hasattr(content, "read") else str(content)


def assert_error_shape(response: httpx.Response) -> None:
    """A 4xx answers ``{"error": {"code", "message", "details"}}`` and nothing else."""
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, body
    assert isinstance(error["code"], str) and error["code"], body
    assert isinstance(error["message"], str) and error["message"], body


def _strategy(operation: Any) -> Any:
    positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    return st.one_of(positive, negative)


fuzz_settings = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # Generation from a schema is slow and its data large, by design; neither is a problem.
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


def _query_parameters(doc: dict[str, Any], path: str, method: str) -> tuple[str, ...]:
    spec = doc["paths"][path][method.lower()]
    return tuple(p["name"] for p in spec.get("parameters", []) if p.get("in") == "query")


@pytest.fixture(scope="module")
async def openapi(app: Any) -> schemathesis.BaseSchema:
    async with client_for(app) as client:
        response = await client.get("/api/openapi.json")
    assert response.status_code == 200, response.text
    return schemathesis.openapi.from_dict(response.json())


@pytest.mark.parametrize(
    ("method", "path", "principal"), FUZZED, ids=[f"{m} {p}-{who}" for m, p, who in FUZZED]
)
async def test_operation_holds_up_under_fuzzing(
    app: Any,
    settings: Settings,
    world: World,
    openapi: schemathesis.BaseSchema,
    method: str,
    path: str,
    principal: str,
) -> None:
    operation = openapi[path][method]
    # Filters are independent of each other: any of them may be added to a positive case.
    # Body fields must agree with each other, so bodies start from seeds instead.
    filters = _query_parameters(openapi.raw_schema, path, method)
    pools = await _seed_pools(app, settings, world)
    credential = (
        {"Authorization": f"Bearer {world.a.admin.token}"}
        if principal == "admin"
        else {"x-api-key": world.a.api_key}
    )
    client = client_for(app)

    async def send(request: dict[str, Any]) -> httpx.Response:
        built = client.build_request(**request)
        # Read a multipart body now, so the response keeps its request's bytes for the report.
        await built.aread()
        return await client.send(built)

    @fuzz_settings
    @given(case=_strategy(operation), data=st.data())
    def fuzz(case: Any, data: st.DataObject) -> None:
        positive = case.meta is None or not case.meta.generation.mode.is_negative
        for part, location, hints in STEERED:
            value = getattr(case, part)
            # What a negative case breaks stays broken: only its valid parts are steered.
            if isinstance(value, dict) and not _negated(case, location):
                json_body = part == "body" and case.media_type == JSON
                seeds = SEED_BODIES.get((method, path), []) if json_body and positive else []
                if seeds and data.draw(MOSTLY):
                    value = copy.deepcopy(data.draw(st.sampled_from(seeds)))
                fill = filters if part == "query" else ()
                steer = Steer(data.draw, path, pools, hints=hints and positive, json=json_body)
                setattr(case, part, steer.object(value, fill))
        if _unjudgeable(case.body):
            # schemathesis re-judges a changed case against the schema, and cannot judge
            # bytes (a file from the dictionary) or a lone surrogate: keep the verdict the
            # case was generated with.
            case.freeze_metadata()
        if _negated(case, ParameterLocation.HEADER, ParameterLocation.COOKIE):
            # Only credentials are headers or cookies here: a malformed one is the point
            # of this case, and it goes as generated.
            kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        else:
            headers = {
                name: value
                for name, value in (case.headers or {}).items()
                if name.lower() not in CREDENTIAL_HEADERS
            }
            # Ours goes into the case itself: where the document declares one scheme alone
            # (the bridge's x-api-key), schemathesis judges a case without it as negative.
            case.headers = {**headers, **credential}
            case.cookies = {}
            kwargs = case.as_transport_kwargs(base_url=BASE_URL)
        response = anyio.from_thread.run(send, _httpx_request(kwargs))
        assert_error_shape(response)
        case.validate_response(response, checks=CHECKS)

    def run() -> None:
        try:
            fuzz()
        except BaseExceptionGroup as failures:
            # schemathesis reports its failures as a BaseExceptionGroup, which would also
            # stop anyio's test runner for every later test: report them as a failure.
            raise AssertionError(str(failures)) from failures

    try:
        await anyio.to_thread.run_sync(run)
    finally:
        await client.aclose()


# -- what the fuzzing found, pinned down -----------------------------------------------------

UPLOAD_ROUTES = ["/api/referrals", "/api/referrals/:id/upload", "/api/referral-documents"]


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
@pytest.mark.parametrize("name", list(BAD_FILES))
async def test_an_unreadable_or_hostile_file_is_refused_and_stores_nothing(
    app: Any, settings: Settings, world: World, route: str, name: str
) -> None:
    """A PDF encrypted in a way no reader knows (pypdf: NotImplementedError) and a TIFF
    declaring 10 gigapixels in 130 bytes (Pillow: DecompressionBombError) were 500s."""
    data, status = BAD_FILES[name]
    referral = await seed_referral(app, settings, world.a.id)
    fields = {"referralId": referral} if route == "/api/referral-documents" else {}
    before = await count_rows(app, Document, org_id=world.a.id)
    response = await upload(
        world.a.coordinator.client, route.replace(":id", referral), data=data, **fields
    )
    error = assert_error(response, status)
    assert error["details"] == [{"field": "file", "message": error["message"]}]
    assert await count_rows(app, Document, org_id=world.a.id) == before


async def test_an_empty_patient_id_beside_a_referral_attaches_to_the_referral_alone(
    app: Any, settings: Settings, world: World
) -> None:
    """``patientId: ""`` names no patient: it was stored as one and broke the foreign key
    (a 409 from the database, on both databases)."""
    referral = await seed_referral(app, settings, world.a.id)
    client = world.a.coordinator.client
    declared = await client.post(
        "/api/referral-documents",
        json={
            "referralId": referral,
            "patientId": "",
            "fileName": "lab.pdf",
            "contentType": "application/pdf",
        },
    )
    sent = await upload(client, "/api/referral-documents", referralId=referral, patientId="")
    for response in (declared, sent):
        assert response.status_code == 201, response.text
        document = response.json()
        assert (document["referralId"], document["patientId"]) == (referral, None)
    row = await get_row(app, Document, sent.json()["id"])
    assert (row.referral_id, row.patient_id) == (referral, None)


async def test_the_documented_upload_forms_refuse_parts_the_forms_refuse(
    openapi: schemathesis.BaseSchema, world: World
) -> None:
    """The document listed the form fields but let any other part through, while the route
    answers 422 for one: a client following the document got refused."""
    for path in ("/api/referrals", "/api/referrals/{id}/upload", "/api/referral-documents"):
        content = openapi.raw_schema["paths"][path]["post"]["requestBody"]["content"]
        assert content["multipart/form-data"]["schema"]["additionalProperties"] is False
    response = await upload(world.a.coordinator.client, "/api/referrals", colour="blue")
    assert_error(response, 422, "validation_failed")


async def test_a_scheduled_time_with_no_utc_equivalent_is_422_and_changes_nothing(
    app: Any, settings: Settings, world: World
) -> None:
    """9999-12-31T23:59:59-05:00 is a valid timestamp whose UTC time is past the calendar's
    end: storing it overflowed (a 500)."""
    referral = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    case_id = (await get_row(app, Referral, referral)).case_id
    response = await world.a.coordinator.client.post(
        f"/api/cases/{case_id}/contact",
        json={"type": "scheduled", "scheduledFor": "9999-12-31T23:59:59-05:00"},
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"] == [
        {"field": "scheduledFor", "message": "scheduledFor is out of range"}
    ]
    case = await get_row(app, Case, case_id)
    assert (case.status, case.scheduled_for) == ("open", None)
    assert await count_rows(app, ContactEvent, case_id=case_id) == 0
