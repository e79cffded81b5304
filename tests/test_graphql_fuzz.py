"""A fuzzer over the real GraphQL schema: DESIGN §8, "expected outcomes are data, not errors".

For every Query field and every Mutation of the printed schema it draws a well-formed
document (the scalar fields of the answer and a few nested links) and random but
type-correct variables: unicode, empty and very long strings, ints over the whole
GraphQL Int range, enums, input objects whose optional fields are present, null or
absent, and ids that are random, of a real prefix, or real rows of org A and org B.
Each document goes over HTTP as A's viewer, B's admin, A's API key and A's admin (in that
order, so the refusals come before the changes), and every answer must be:

- HTTP 200, never the masked "Internal server error";
- free of top-level errors from a resolver, except the kinds DESIGN keeps: UNAUTHENTICATED,
  and BAD_USER_INPUT for an out-of-range ``first`` (or a report's ``oldest``, ``from``,
  ``to``), a cursor this API did not issue, or
  text no database can store (U+0000, a lone surrogate: app/db.py); errors about the
  request itself (a value its scalar refuses, a syntax error) carry no path and are fine
  as long as they are readable;
- for a mutation, its union as data (and, for A's viewer, never a change made);
- in time: a few seconds at most, whatever the length of the input.

Every field also always gets two explicit examples with every argument sent at an end of
its range (very long strings, one with a long run of spaces inside). A last test runs
sequences of operations on the same rows. The callers' own credentials are never
revoked or ended mid-sequence: the middleware refuses a revoked one with an HTTP 401
before GraphQL runs.

Derandomized, so a run is reproducible. ``GRAPHQL_FUZZ_EXAMPLES`` sets the examples per
field (default 30) for a deeper run, ``GRAPHQL_FUZZ_SEED`` draws other examples; the seed
rows are built afresh for every field.
"""

import base64
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, assume, example, given, seed, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from app.db import transaction
from app.graphql.schema import print_sdl
from models import (
    ApiKey,
    Case,
    ContactEvent,
    Document,
    Job,
    Location,
    Membership,
    Patient,
    Practice,
    Provider,
    Referral,
)
from tests.case_fixtures import make_case
from tests.conftest import World, assert_error, gql
from tests.referral_fixtures import EXTRACTION, seed_referral

SCHEMA = graphql.build_schema(print_sdl())
EXAMPLES = int(os.environ.get("GRAPHQL_FUZZ_EXAMPLES", "30"))
# Another seed explores other examples; without one, every run draws the same ones.
SEED = os.environ.get("GRAPHQL_FUZZ_SEED")
MASKED = "Internal server error"
# Far above any request's time even on a busy machine; what exceeds it is super-linear work.
SLOW = 5.0
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

assert SCHEMA.query_type is not None and SCHEMA.mutation_type is not None
ROOTS = [("query", name) for name in SCHEMA.query_type.fields] + [
    ("mutation", name) for name in SCHEMA.mutation_type.fields
]
# Mutations A's viewer may perform: signing in and out, and a read.
VIEWER_MAY = {"createSession", "endSession", "signDocumentRead"}

# -- the rows the ids are drawn from ------------------------------------------------------------

POOLED = (
    Referral,
    Case,
    ContactEvent,
    Patient,
    Document,
    Practice,
    Provider,
    Location,
    Job,
    ApiKey,
)


@dataclass
class Pool:
    """Real ids of org A's and org B's rows by prefix (``ref_``, …), and cursors issued to them."""

    by_prefix: dict[str, list[str]]
    cursors: list[str]

    @property
    def all(self) -> list[str]:
        return [i for ids in self.by_prefix.values() for i in ids]

    def of(self, prefix: str | None) -> list[str]:
        return self.by_prefix.get(prefix or "", []) or self.all


@dataclass
class Fuzz:
    world: World
    pool: Pool


SEED_LOCATION = """
mutation ($name: String!) {
  createLocation(input: {name: $name, emrLocationId: "emr-1", phone: "(555) 234-5678"}) {
    ... on CreateLocationSuccess { location { id } }
  }
}"""
SEED_CASE = """
mutation ($id: ID!, $loc: ID, $user: ID) {
  updateCase(input: {id: $id, locationId: $loc, assigneeId: $user, queue: "intake"}) {
    __typename
  }
}"""
SEED_CONTACT = """
mutation ($caseId: ID!) {
  logContact(input: {caseId: $caseId, kind: ATTEMPT, channel: "phone", outcome: "no_answer",
                     note: "left a message"}) { __typename }
}"""
SEED_PATIENT = """
mutation {
  createPatient(input: {firstName: "Fuzz", lastName: "Target", dob: "1970-01-02", sex: M,
                        phone: "(555) 234-9999", mrn: "MRN-1",
                        address: {line1: "1 Main St", city: "Anytown", state: "CA", zip: "90210"},
                        insurance: {provider: "Aetna", memberId: "M1"}}) {
    ... on CreatePatientSuccess { patient { id } }
  }
}"""
SEED_ATTACH = """
mutation ($patientId: ID!) {
  attachDocument(input: {patientId: $patientId, fileName: "lab.pdf",
                         contentType: "application/pdf", documentType: LAB}) { __typename }
}"""
SEED_DUPLICATE = """
mutation ($id: ID!, $of: ID!) { markReferralDuplicate(id: $id, duplicateOf: $of) { __typename } }
"""
SEED_PROCESS = "mutation ($id: ID!) { processReferral(id: $id) { __typename } }"
SEED_KEY = 'mutation { createApiKey(name: "to revoke") { __typename } }'
SEED_PAGES = """
query { referrals(first: 1) { pageInfo { endCursor } } cases(first: 1) { pageInfo { endCursor } }
        patients(first: 1) { pageInfo { endCursor } } }"""


async def _seed_org(app: Any, settings: Any, world: World, org: Any) -> list[str]:
    """Rows with every link filled: a triaged referral with its case, patient, referrer and
    files; one in review marked duplicate; one received and queued; a location, a contact,
    a patient of its own with a document; an API key to revoke. Answers the cursors the
    org's admin was issued."""
    client = org.admin.client
    triaged = await seed_referral(
        app,
        settings,
        org.id,
        extracted=EXTRACTION,
        documents_count=2,
        triaged=True,
        referrer=True,
    )
    review = await seed_referral(app, settings, org.id, extracted=EXTRACTION)
    received = await seed_referral(app, settings, org.id)
    location = await gql(client, SEED_LOCATION, name=f"{org.name} clinic")
    location_id = location["data"]["createLocation"]["location"]["id"]
    async with transaction(app.state.sessions) as session:
        case_id = (await session.get(Referral, triaged)).case_id  # type: ignore[union-attr]
    steps = [
        (SEED_CASE, {"id": case_id, "loc": location_id, "user": org.coordinator.user_id}),
        (SEED_CONTACT, {"caseId": case_id}),
        (SEED_DUPLICATE, {"id": review, "of": triaged}),
        (SEED_PROCESS, {"id": received}),
        (SEED_KEY, {}),
    ]
    for document, variables in steps:
        answer = await gql(client, document, **variables)
        assert "errors" not in answer and "Error" not in json.dumps(answer["data"]), answer
    patient = await gql(client, SEED_PATIENT)
    patient_id = patient["data"]["createPatient"]["patient"]["id"]
    attached = await gql(client, SEED_ATTACH, patientId=patient_id)
    assert attached["data"]["attachDocument"]["__typename"] == "AttachDocumentSuccess", attached
    pages = (await gql(client, SEED_PAGES))["data"]
    return [pages[k]["pageInfo"]["endCursor"] for k in ("referrals", "cases", "patients")]


@pytest.fixture
async def fuzz(app: Any, settings: Any, world: World) -> Fuzz:
    cursors: list[str] = []
    for org in (world.a, world.b):
        cursors += [c for c in await _seed_org(app, settings, world, org) if c]
    by_prefix: dict[str, list[str]] = {}
    callers_keys = {world.a.api_key_id, world.b.api_key_id}
    async with transaction(app.state.sessions) as session:
        for model in POOLED:
            for org_id in (world.a.id, world.b.id):
                query = (
                    select(model.id)  # type: ignore[attr-defined]
                    .where(model.org_id == org_id)  # type: ignore[attr-defined]
                    .order_by(col(model.created_at), col(model.id))  # type: ignore[attr-defined]
                )
                for id_ in (await session.scalars(query)).all():
                    if id_ in callers_keys:
                        continue  # revoked, a caller would be refused before GraphQL (401)
                    by_prefix.setdefault(id_.split("_")[0] + "_", []).append(id_)
        for org_id in (world.a.id, world.b.id):
            query = (
                select(Membership.user_id)
                .where(Membership.org_id == org_id)
                .order_by(col(Membership.user_id))
            )
            by_prefix.setdefault("usr_", []).extend((await session.scalars(query)).all())
    by_prefix["org_"] = [world.a.id, world.b.id]
    return Fuzz(world=world, pool=Pool(by_prefix=by_prefix, cursors=cursors))


# -- values -------------------------------------------------------------------------------------

CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
LONG = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(["x", "é", "😀", "ab ", "1"]),
    st.sampled_from([101, 256, 1001, 5000, 70_000]),
)
# A long run of spaces inside a value: a regular expression that searches from each
# space of the run takes time quadratic in its length (seconds at these lengths).
RUNS = st.builds(
    lambda run, ends: ends[0] + " " * run + ends[1],
    st.sampled_from([3000, 30_000]),
    st.sampled_from([("1", "1"), ("a", "b"), ("John", "Smith"), ("x", "x1")]),
)
ODD = st.sampled_from(
    [" ", "  \t\n", "\u200b", "é", "😀", "'; DROP TABLE x; --", "%", "_", "\\", "null", "a\x00b"]
)
# A JSON string may carry a lone surrogate; the client sends it escaped, as JSON.stringify does.
SURROGATE = st.sampled_from(["\ud800", "x\udfffy"])
# Digits around a long run of spaces: a phone-number pattern searched from every space.
SPACED = "1" + " " * 30_000 + "1"
PHONES = ["(555) 234-5678", "+15551234567", "555", "+1 555 234 5678 ext 9", "phone", SPACED]
DATES = ["2024-01-01", "1985-03-15", "03/15/1985", "2999-01-01", "1800-02-30", "0000-00-00",
         "0001-01-01", "9999-12-31", "1985-3-5", "tomorrow"]  # fmt: skip
TIMESTAMPS = ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01T12:00:00+14:00",
              "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "2024-13-01T00:00:00Z",
              "01/02/2024", "2024-01-01 00:00"]  # fmt: skip
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "America", "Not/AZone", "../etc/passwd",
         "x" * 300, "", "UTC/", "EST5EDT"]  # fmt: skip
SAMPLES: dict[str, list[str]] = {
    "dob": DATES,
    "sex": ["F", "M", "X", "U", "f", "female", "Q"],
    "phone": PHONES,
    "fax": PHONES,
    "email": ["jane@example.com", "JANE@EXAMPLE.COM", "not-an-email", "a@b", "@"],
    "zip": ["90210", "90210-1234", "9021", "ABCDE"],
    "state": ["CA", "ca", "California", "ZZ"],
    "npi": ["1234567893", "1234567890", "123", "abcdefghij"],
    "contentType": [
        "application/pdf",
        "image/tiff",
        "image/png",
        "image/jpeg",
        "text/plain",
        "application/pdf; charset=binary",
        "APPLICATION/PDF",
    ],
    "documentType": ["referral", "lab", "imaging", "summary", "other", "xray"],
    "fileName": ["fax.pdf", "../../etc/passwd", "a/b\\c.pdf", ".pdf", "scan.TIFF"],
    "source": ["fax", "upload", "email", "api", "portal"],
    "channel": ["phone", "sms", "email", "mail", "portal", "pigeon"],
    "outcome": [
        "reached",
        "no_answer",
        "busy",
        "left_voicemail",
        "message_sent",
        "wrong_number",
        "declined",
        "bounced",
        "maybe",
    ],
    "queue": ["intake", "urgent", "INTAKE"],
    "priorityBand": ["P1", "P2", "P3", "P4", "P5", "p1"],
    "q": [
        "Jane",
        "Doe Jane",
        "jan do",
        "1985-03-15",
        "03/15/1985",
        "555-234-5678",
        "MRN-1",
        "Valley",
        "1234567893",
        "%",
        "_",
        "*",
        "'",
        "ref_",
        "pat_",
        SPACED,
    ],
    "timezone": ZONES,
    "mrn": ["MRN-1", "12345"],
    "memberId": ["XYZ123"],
    "reason": ["knee pain", "moved away"],
}
# Which kind of row an id argument names, by argument name or (for ``id``) by the root field.
ID_HINTS = {
    "orgId": "org_",
    "caseId": "case_",
    "referralId": "ref_",
    "duplicateOf": "ref_",
    "ids": "ref_",
    "patientId": "pat_",
    "documentId": "doc_",
    "practiceId": "prac_",
    "providerId": "prov_",
    "locationId": "loc_",
    "assigneeId": "usr_",
}
ROOT_ID_HINTS = {
    "referral": "ref_",
    "processReferral": "ref_",
    "runReferralQa": "ref_",
    "markReferralDuplicate": "ref_",
    "case": "case_",
    "updateCase": "case_",
    "patient": "pat_",
    "updatePatient": "pat_",
    "deletePatient": "pat_",
    "document": "doc_",
    "org": "org_",
    "revokeApiKey": "key_",
}
PREFIXES = sorted({*ID_HINTS.values(), "ctc_", "job_", "key_", "evt_", "als_"})


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """``one_of`` with weights: ``one_of`` itself counts a strategy given twice once."""
    table = [strategy for weight, strategy in options for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def texts(name: str) -> st.SearchStrategy[str]:
    usual = [(8, st.sampled_from(SAMPLES[name]))] if name in SAMPLES else []
    return weighted(
        *usual,
        (4, st.text(CHARS, max_size=20)),
        (1, st.just("")),
        (2, ODD),
        (2, LONG),
        (1, RUNS),
        (1, SURROGATE),
    )


def ints(name: str) -> st.SearchStrategy[int]:
    edges = st.sampled_from([0, 1, -1, 2, 3, 5, 6, 50, 100, 101, INT_MAX, INT_MIN])
    usual = {
        "first": [1, 2, 3, 50, 100],
        "level": [1, 2, 3, 4, 5],
        "triageLevel": [1, 2, 3, 4, 5],
        "sizeBytes": [1, 1024, 10**6, 10**8],
    }.get(name)
    return weighted(
        *([(4, st.sampled_from(usual))] if usual else []),
        (1, edges),
        (1, st.integers(INT_MIN, INT_MAX)),
    )


@dataclass(frozen=True)
class Real:
    """A real row's id, drawn as a placeholder and resolved against the seeded rows."""

    prefix: str | None
    index: int

    def resolve(self, pool: Pool) -> str:
        choices = pool.of(self.prefix)
        return choices[self.index % len(choices)]


@dataclass(frozen=True)
class RealCursor:
    index: int

    def resolve(self, pool: Pool) -> str:
        return pool.cursors[self.index % len(pool.cursors)]


def resolve(value: Any, pool: Pool) -> Any:
    if isinstance(value, Real | RealCursor):
        return value.resolve(pool)
    if isinstance(value, dict):
        return {k: resolve(v, pool) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, pool) for v in value]
    return value


def ids(hint: str | None) -> st.SearchStrategy[Any]:
    return weighted(
        (6, st.builds(Real, st.just(hint), st.integers(0, 40))),
        (1, st.builds(Real, st.none(), st.integers(0, 400))),
        (
            2,
            st.builds(
                lambda prefix, rest: prefix + rest,
                st.sampled_from(PREFIXES),
                st.text("abcdefghijklmnopqrstuvwxyz0123456789", max_size=24) | texts("id"),
            ),
        ),
        (1, texts("id")),
    )


DATETIMES = st.one_of(
    st.builds(
        lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        st.sampled_from(
            [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))]
        ),
    ),
    st.sampled_from(
        [
            "2024-06-01T09:30:00Z",
            "2030-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:00:00-05:00",
            "2024-06-01T09:30:00.123456-07:00",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(CHARS, max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(CHARS, max_size=8), inner),
    max_leaves=8,
)


def or_any_json(usual: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the usual value of a config key, sometimes any JSON at all."""
    return weighted((3, usual), (1, JSON_VALUES))


TRIAGE_RULE = st.fixed_dictionaries(
    {"name": texts("name"), "level": or_any_json(ints("level"))},
    optional={
        "keywords": st.lists(texts("keyword"), max_size=3),
        "diagnosisCodePrefixes": st.lists(texts("code"), max_size=3),
        "urgency": st.lists(st.sampled_from(["routine", "urgent", "stat"]), max_size=2),
        "queue": st.none() | texts("queue"),
        "extra": JSON_VALUES,
    },
)
CONFIG = st.fixed_dictionaries(
    {},
    optional={
        "emrAutoQueue": or_any_json(st.booleans()),
        "queues": or_any_json(st.lists(texts("queue"), max_size=4)),
        "defaultQueue": or_any_json(texts("queue")),
        "priorityBands": or_any_json(
            st.dictionaries(
                st.sampled_from(["1", "2", "3", "4", "5", "6", "x"]),
                st.sampled_from(["P1", "P2", "P3", "P4", "P5", ""]),
            )
        ),
        "triageRules": or_any_json(st.lists(TRIAGE_RULE, max_size=3)),
        "qaMinConfidence": or_any_json(st.floats(-1, 2) | st.integers(-5, 5)),
        "duplicateWindowDays": or_any_json(ints("days")),
        "timezone": or_any_json(texts("timezone")),
        "unknownKey": JSON_VALUES,
    },
)
CURSORS_CRAFTED = st.builds(
    lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("="),
    st.one_of(
        st.tuples(st.sampled_from(DATES + TIMESTAMPS) | st.text(CHARS, max_size=10), texts("id")),
        JSON_VALUES,
    ),
)


CURSORS = weighted(
    (3, st.builds(RealCursor, st.integers(0, 20))), (2, CURSORS_CRAFTED), (1, texts("after"))
)


def value(type_: graphql.GraphQLInputType, name: str, root: str) -> st.SearchStrategy[Any]:
    """A type-correct JSON value for a variable (or input field) of this type."""
    if isinstance(type_, graphql.GraphQLNonNull):
        return _non_null(type_.of_type, name, root)
    inner = _non_null(type_, name, root)
    return weighted((1, st.none()), (3, inner))


def _non_null(type_: Any, name: str, root: str) -> st.SearchStrategy[Any]:
    if isinstance(type_, graphql.GraphQLList):
        return st.lists(value(type_.of_type, name, root), max_size=4)
    if isinstance(type_, graphql.GraphQLInputObjectType):
        return input_object(type_, root)
    if isinstance(type_, graphql.GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    scalar = type_.name
    if scalar == "ID":
        hint = ROOT_ID_HINTS.get(root) if name == "id" else ID_HINTS.get(name)
        return ids(hint)
    if name == "after" and scalar == "String":
        return CURSORS
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "String": texts(name),
        "Int": ints(name),
        "Boolean": st.booleans(),
        "Float": st.floats(allow_nan=False, allow_infinity=False),
        "DateTime": weighted((4, DATETIMES), (1, texts("when"))),
        "DateOrDateTime": weighted(
            (2, st.sampled_from(DATES + TIMESTAMPS)), (2, DATETIMES), (1, texts("when"))
        ),
        # A report's local day: any calendar date, or text the scalar refuses.
        "Date": weighted((4, st.dates().map(str)), (1, st.sampled_from(DATES))),
        "JSON": weighted((3, CONFIG), (1, JSON_VALUES)) if name == "config" else JSON_VALUES,
    }
    return strategies[scalar]


def input_object(
    type_: graphql.GraphQLInputObjectType, root: str
) -> st.SearchStrategy[dict[str, Any]]:
    required = {n: value(f.type, n, root) for n, f in type_.fields.items() if _required(f)}
    optional = {n: value(f.type, n, root) for n, f in type_.fields.items() if not _required(f)}
    return st.fixed_dictionaries(required, optional=optional)


def _required(field: Any) -> bool:
    return (
        isinstance(field.type, graphql.GraphQLNonNull) and field.default_value is graphql.Undefined
    )


# -- documents ----------------------------------------------------------------------------------


def _leaf(type_: Any) -> bool:
    return graphql.is_leaf_type(graphql.get_named_type(type_))


def _wrapper(type_: graphql.GraphQLObjectType) -> bool:
    """Connections, results and page info are not a hop in the graph: select all of them."""
    return type_.name.endswith(("Connection", "Success")) or type_.name in {
        "PageInfo",
        "MutationError",
        "Me",
        "ReferralReferrer",
    }


@st.composite
def selection(draw: st.DrawFn, type_: Any, depth: int) -> str:
    named = graphql.get_named_type(type_)
    if graphql.is_leaf_type(named):
        return ""
    if isinstance(named, graphql.GraphQLUnionType):
        parts = [f"... on {m.name} {draw(selection(m, depth))}" for m in named.types]
        return "{ __typename " + " ".join(parts) + " }"
    if isinstance(named, graphql.GraphQLInterfaceType):
        impls = list(SCHEMA.get_implementations(named).objects)
        # One type's fragment: two could select one name with two types (a conflict).
        chosen = draw(st.lists(st.sampled_from(impls), max_size=1))
        parts = [f"... on {t.name} {draw(selection(t, depth))}" for t in chosen]
        return "{ __typename id " + " ".join(parts) + " }"
    fields = {
        n: f
        for n, f in named.fields.items()
        if not any(graphql.is_required_argument(a) for a in f.args.values())
    }
    leaves = [n for n, f in fields.items() if _leaf(f.type)]
    links = [n for n, f in fields.items() if not _leaf(f.type)]
    if _wrapper(named):
        chosen_links, below = links, depth
    else:
        chosen_links = (
            draw(st.lists(st.sampled_from(links), unique=True, max_size=3))
            if (depth > 0 and links)
            else []
        )
        below = depth - 1
    parts = ["__typename", *leaves] + [
        f"{n} {draw(selection(fields[n].type, max(below, 0)))}" for n in chosen_links
    ]
    return "{ " + " ".join(parts) + " }"


TOKEN = re.compile(r"\.\.\.|[A-Za-z_][A-Za-z0-9_]*|[{}():$!\[\]=,]")


@dataclass(frozen=True)
class Operation:
    """A drawn operation: its arguments (real ids still placeholders), those written inline
    in the document rather than sent as variables, and the selection."""

    kind: str
    root: str
    arguments: dict[str, Any]
    inline: frozenset[str]
    selection: str

    def render(self, pool: Pool) -> tuple[str, dict[str, Any]]:
        parent = SCHEMA.query_type if self.kind == "query" else SCHEMA.mutation_type
        assert parent is not None
        field = parent.fields[self.root]
        values = resolve(self.arguments, pool)
        passed, declared, variables = [], [], {}
        for name, given_value in values.items():
            written = literal(given_value, field.args[name].type) if name in self.inline else None
            if written is not None:
                passed.append(f"{name}: {written}")
            else:
                passed.append(f"{name}: ${name}")
                declared.append(f"${name}: {field.args[name].type}")
                variables[name] = given_value
        header = f"({', '.join(declared)})" if declared else ""
        arguments = f"({', '.join(passed)})" if passed else ""
        return f"{self.kind} Fuzz{header} {{ {self.root}{arguments} {self.selection} }}", variables


def literal(value: Any, type_: Any) -> str | None:
    """``value`` written in the document; None where only a variable can carry it (JSON)."""
    if value is None:
        return "null"
    if isinstance(type_, graphql.GraphQLNonNull):
        return literal(value, type_.of_type)
    if isinstance(type_, graphql.GraphQLList):
        items = [literal(v, type_.of_type) for v in value]
        return None if None in items else f"[{', '.join(items)}]"  # type: ignore[arg-type]
    if isinstance(type_, graphql.GraphQLInputObjectType):
        fields = {k: literal(v, type_.fields[k].type) for k, v in value.items()}
        if None in fields.values():
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"
    if isinstance(type_, graphql.GraphQLEnumType):
        return str(value)
    if type_.name == "JSON":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)  # a GraphQL string literal, escapes and all


@st.composite
def operation(draw: st.DrawFn, kind: str, root: str) -> Operation:
    parent = SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type
    assert parent is not None
    field = parent.fields[root]
    required = {
        n: value(a.type, n, root) for n, a in field.args.items() if graphql.is_required_argument(a)
    }
    optional = {
        n: value(a.type, n, root)
        for n, a in field.args.items()
        if not graphql.is_required_argument(a)
    }
    arguments = draw(st.fixed_dictionaries(required, optional=optional), label="arguments")
    inline = (
        draw(st.frozensets(st.sampled_from(sorted(field.args)), max_size=len(field.args)))
        if field.args
        else frozenset()
    )
    chosen = draw(selection(field.type, 2), label="selection")
    assume(len(TOKEN.findall(chosen)) < 1800)
    return Operation(kind, root, arguments, inline & set(arguments), chosen)


# -- the answer ---------------------------------------------------------------------------------

# Known and deliberate (app/db.py): text no database can store is bad input.
BAD_TEXT = {
    "text may not contain the NUL character (U+0000)",
    "text may not contain a lone surrogate (U+D800 to U+DFFF)",
}


def _allowed(error: dict[str, Any]) -> bool:
    extensions = error.get("extensions") or {}
    code = extensions.get("code")
    if code == "UNAUTHENTICATED":
        return True
    # Reports: a count to list or a range of days out of bounds, as for ``first``.
    bounded = {"first", "cursor", "oldest", "from", "to"}
    if code == "BAD_USER_INPUT" and extensions.get("field") in bounded:
        return True
    return code == "BAD_USER_INPUT" and error.get("message") in BAD_TEXT


def problems(kind: str, root: str, caller: str, response: httpx.Response) -> list[str]:
    if response.status_code != 200:
        return [f"HTTP {response.status_code}: {response.text[:500]}"]
    body = response.json()
    found = []
    for error in body.get("errors") or []:
        if error.get("message") == MASKED:
            found.append(f"masked server failure: {error}")
        elif "path" not in error:
            continue  # about the request (a value its scalar refuses, a syntax error): readable
        elif kind == "mutation" and (error.get("extensions") or {}).get("code") != (
            "UNAUTHENTICATED"
        ):
            found.append(f"a mutation answered a top-level error: {error}")
        elif not _allowed(error):
            found.append(f"top-level error from a resolver: {error}")
    if kind == "mutation" and not body.get("errors"):
        answer = (body.get("data") or {}).get(root)
        if not isinstance(answer, dict) or "__typename" not in answer:
            found.append(f"mutation answered {answer!r}, not its union")
        elif (
            caller == "a.viewer"
            and root not in VIEWER_MAY
            and answer["__typename"] != "MutationError"
        ):
            found.append(f"A's viewer changed something: {answer['__typename']}")
    return found


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:40]}…({len(value)} chars)"
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


async def send(client: httpx.AsyncClient, document: str, variables: dict[str, Any]) -> Any:
    # Serialised here (ensure_ascii): a lone surrogate travels escaped, as browsers send it.
    payload = json.dumps({"query": document, "variables": variables})
    return await client.post(
        "/graphql", content=payload, headers={"content-type": "application/json"}
    )


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=SEED is None,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


async def run(fuzz: Fuzz, drawn: Operation) -> None:
    """Send one operation as each caller and check every answer."""
    document, variables = drawn.render(fuzz.pool)
    world = fuzz.world
    callers = [
        ("a.viewer", world.a.viewer.client),
        ("b.admin", world.b.admin.client),
        ("a.key", world.a.key_client),
        ("a.admin", world.a.admin.client),
    ]
    for caller, client in callers:
        started = time.perf_counter()
        response = await send(client, document, variables)
        found = problems(drawn.kind, drawn.root, caller, response)
        elapsed = time.perf_counter() - started
        if elapsed > SLOW:
            found.append(f"took {elapsed:.1f}s (a request takes milliseconds)")
        assert not found, (caller, _short(document), _short(variables), found)


def _seeded(test: Any) -> Any:
    return seed(int(SEED))(test) if SEED is not None else test


def extreme(kind: str, root: str, text: str) -> Operation:
    """Every argument and input field sent, at an end of its range, with ``text`` for each
    string: an example each field always gets, whatever the draws."""

    def fill(type_: Any, name: str) -> Any:
        if isinstance(type_, graphql.GraphQLNonNull):
            return fill(type_.of_type, name)
        if isinstance(type_, graphql.GraphQLList):
            return [fill(type_.of_type, name)]
        if isinstance(type_, graphql.GraphQLInputObjectType):
            return {n: fill(f.type, n) for n, f in type_.fields.items()}
        if isinstance(type_, graphql.GraphQLEnumType):
            return sorted(type_.values)[0]
        if name == "after":
            return RealCursor(0)
        fixed = {
            "ID": Real(ROOT_ID_HINTS.get(root) if name == "id" else ID_HINTS.get(name), 0),
            "Int": {"first": 100, "level": 5, "triageLevel": 5}.get(name, INT_MAX),
            "Boolean": True,
            "Float": 1e308,
            "DateTime": "9999-12-31T23:00:00-05:00",
            "DateOrDateTime": "9999-12-31",
            "Date": "9999-12-31",
            "JSON": {"timezone": text, "queues": [text], "defaultQueue": text},
        }
        return fixed.get(type_.name, text)

    parent = SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type
    assert parent is not None
    arguments = {n: fill(a.type, n) for n, a in parent.fields[root].args.items()}
    return Operation(kind, root, arguments, frozenset(), "{ __typename }")


def fuzz_test(kind: str, root: str) -> Any:
    """The test of one root field. Built per field (not parametrized) so that the whole
    document is drawn before the test's coroutine starts: hypothesis stops a draw with an
    exception the anyio runner task cannot survive."""

    @pytest.mark.anyio
    @FUZZ_SETTINGS
    @given(drawn=operation(kind, root))
    async def test(fuzz: Fuzz, drawn: Operation) -> None:
        await run(fuzz, drawn)

    parent = SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type
    assert parent is not None
    if parent.fields[root].args:  # without any, the one example there is gets drawn anyway
        for text in (SPACED, "é" * 70_000):
            test = example(drawn=extreme(kind, root, text))(test)
    test.__name__ = test.__qualname__ = f"test_fuzz_{kind}_{root}"
    return _seeded(test)


for _kind, _root in ROOTS:
    globals()[f"test_fuzz_{_kind}_{_root}"] = fuzz_test(_kind, _root)

# endSession is fuzzed on its own: it revokes the caller's token, which every later request
# would present (and the middleware refuses a revoked credential with an HTTP 401).
SEQUENCED = [r for r in ROOTS if r != ("mutation", "endSession")]
MUTATIONS = [r for r in SEQUENCED if r[0] == "mutation"]


@pytest.mark.anyio
@_seeded
@settings(FUZZ_SETTINGS, max_examples=max(EXAMPLES // 2, 1))
@given(
    sequence=st.lists(
        weighted((3, st.sampled_from(MUTATIONS)), (1, st.sampled_from(SEQUENCED))).flatmap(
            lambda kind_root: operation(*kind_root)
        ),
        min_size=3,
        max_size=12,
    )
)
async def test_fuzz_sequences(fuzz: Fuzz, sequence: list[Operation]) -> None:
    """Operations one after another on the same rows: a changed config, then triage; a
    deleted patient, then its case; what one field leaves behind, the next one reads."""
    for drawn in sequence:
        await run(fuzz, drawn)


# -- regressions: what the fuzzer found, pinned -------------------------------------------------

REFERRALS_WINDOW = """
query ($from: DateOrDateTime, $to: DateOrDateTime, $after: String) {
  referrals(receivedFrom: $from, receivedTo: $to, after: $after) { nodes { id } }
}"""
CASES_AFTER = "query ($after: String) { cases(after: $after) { nodes { id } } }"
PATIENTS_AFTER = "query ($after: String) { patients(after: $after) { nodes { id } } }"
CREATE_PATIENT = """
mutation ($input: CreatePatientInput!) {
  createPatient(input: $input) {
    __typename ... on MutationError { code message } ... on CreatePatientSuccess { patient { id } }
  }
}"""
UPDATE_CONFIG = """
mutation ($orgId: ID!, $config: JSON!) {
  updateOrgConfig(orgId: $orgId, config: $config) {
    __typename ... on MutationError { code field } ... on UpdateOrgConfigSuccess { org { config } }
  }
}"""


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CREATE_LOCATION = """
mutation ($input: CreateLocationInput!) {
  createLocation(input: $input) { __typename ... on MutationError { code message } }
}"""
SURROGATE_REFUSAL = "text may not contain a lone surrogate (U+D800 to U+DFFF)"


async def test_a_lone_surrogate_is_bad_input_never_a_server_error(app: Any, world: World) -> None:
    client = world.a.admin.client
    # In a query: a readable BAD_USER_INPUT, as for U+0000 (was a masked UnicodeEncodeError).
    for root in ("referral", "case", "patient"):
        response = await send(client, f"query ($id: ID!) {{ {root}(id: $id) {{ id }} }}",
                              {"id": "ref_\ud800"})  # fmt: skip
        body = response.json()
        assert response.status_code == 200 and MASKED not in response.text, body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert body["errors"][0]["message"] == SURROGATE_REFUSAL
    # In a mutation: the refusal is data, and nothing is stored.
    response = await send(
        client, CREATE_PATIENT, {"input": {"firstName": "Ja\udc00ne", "lastName": "Doe"}}
    )
    assert response.json()["data"]["createPatient"] == {
        "__typename": "MutationError",
        "code": "bad_request",
        "message": SURROGATE_REFUSAL,
    }
    # In a JSON column, where it arrives serialised as an escape: refused on both databases
    # (SQLite stored it; PostgreSQL refused it as a data error); a pair (an emoji) is text.
    location = {"name": "North", "address": {"line1": "1 Main St \ud83d", "city": "Town"}}
    response = await send(client, CREATE_LOCATION, {"input": location})
    assert response.json()["data"]["createLocation"] == {
        "__typename": "MutationError",
        "code": "bad_request",
        "message": SURROGATE_REFUSAL,
    }
    location["address"]["line1"] = "1 Main St 😀"
    response = await send(client, CREATE_LOCATION, {"input": location})
    assert response.json()["data"]["createLocation"] == {"__typename": "CreateLocationSuccess"}
    # REST shares the refusal: a 400 in the documented shape, not a 500.
    rest = await client.post(
        "/api/patients",
        content=json.dumps({"firstName": "Ja\ud800ne", "lastName": "Doe"}),
        headers={"content-type": "application/json"},
    )
    assert_error(rest, 400, "bad_request")
    assert (await gql(client, PATIENTS_AFTER))["data"]["patients"]["nodes"] == []


async def test_a_lone_surrogate_as_an_id_token_is_a_refusal(world: World) -> None:
    document = "mutation ($t: String!) { createSession(idToken: $t) { __typename } }"
    for token in ("\ud800", "eyJ\udfff.x.y"):
        response = await send(world.anon, document, {"t": token})
        # The local verifier let a UnicodeEncodeError through: a masked server failure.
        assert response.json() == {"data": {"createSession": {"__typename": "MutationError"}}}


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(["2024-01-01T00:00:00", "ref_x"]),  # naive: was a masked bind error
        _cursor(["2024-01-01", "ref_x"]),
        _cursor(["0001-01-01T00:00:00+14:00", "ref_x"]),  # before year 1 in UTC
        _cursor(["2024-01-01T00:00:00+00:00", {"id": 1}]),
        _cursor(["2024-01-01T00:00:00+00:00", "ref_\u0000"]),
        _cursor({"a": 1, "b": 2}),
    ],
)
async def test_a_cursor_this_api_never_issued_is_bad_input(world: World, cursor: str) -> None:
    client = world.a.viewer.client
    for document in (REFERRALS_WINDOW, CASES_AFTER, PATIENTS_AFTER):
        body = await gql(client, document, after=cursor)
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "cursor"}
    error = assert_error(
        await client.get("/api/referrals", params={"cursor": cursor}), 422, "validation_failed"
    )
    assert error["details"][0]["field"] == "cursor"


async def test_a_malformed_datetime_is_a_readable_request_error(world: World) -> None:
    for value in ('"garbage"', '"2024-01-01T00:00:00"', '"0001-01-01T00:00:00+14:00"', "5"):
        body = await gql(
            world.a.admin.client,
            'mutation { logContact(input: {caseId: "case_x", kind: SCHEDULED, '
            f"scheduledFor: {value}}}) {{ __typename }} }}",
        )
        # A literal the scalar refuses fails validation (it was masked as a server failure).
        assert body.get("data") is None and MASKED not in str(body), body
        assert "DateTime" in body["errors"][0]["message"] and "path" not in body["errors"][0]


async def test_the_received_window_is_a_typed_argument_and_an_empty_one_is_empty(
    app: Any, settings: Any, world: World
) -> None:
    client = world.a.viewer.client
    referral_id = await seed_referral(app, settings, world.a.id)
    # Not a date: the request is malformed (no resolver ran), readable, not a resolver error.
    body = await gql(client, REFERRALS_WINDOW, **{"from": "last tuesday"})
    assert body["data"] is None and "path" not in body["errors"][0], body
    assert "DateOrDateTime" in body["errors"][0]["message"]
    # receivedFrom after receivedTo: no referral was received in that window.
    body = await gql(client, REFERRALS_WINDOW, **{"from": "2026-02-01", "to": "2026-01-01"})
    assert body == {"data": {"referrals": {"nodes": []}}}
    # The ends of the calendar are bounds, not overflows (were masked OverflowErrors).
    for window in (
        {"to": "9999-12-31"},
        {"to": "9999-12-31T23:59:59.999999Z"},
        {"from": "0001-01-01T00:00:00+14:00"},
        {"from": "0001-01-01", "to": "9999-12-31"},
    ):
        body = await gql(client, REFERRALS_WINDOW, **window)
        assert body == {"data": {"referrals": {"nodes": [{"id": referral_id}]}}}, window
    assert (await gql(client, REFERRALS_WINDOW, **{"from": "9999-12-31T23:00:00-05:00"})) == {
        "data": {"referrals": {"nodes": []}}
    }
    # REST: the same bounds answer 200; an empty window stays a 422 there.
    response = await client.get("/api/referrals", params={"receivedTo": "9999-12-31"})
    assert response.status_code == 200 and len(response.json()["items"]) == 1, response.text
    assert_error(
        await client.get(
            "/api/referrals", params={"receivedFrom": "2026-02-01", "receivedTo": "2026-01-01"}
        ),
        422,
        "validation_failed",
    )


async def test_nul_in_a_node_id_is_bad_input_with_its_code(world: World) -> None:
    for prefix in ("case_", "prac_", "prov_", "loc_"):
        body = await gql(world.a.admin.client, "query ($id: ID!) { node(id: $id) { id } }",
                         id=f"{prefix}\u0000")  # fmt: skip
        # Was a DomainError with no code at the top level (the loader nodes skipped or_null).
        assert body["data"] == {"node": None}
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    body = await gql(world.a.admin.client, '{ case(id: "case_\\u0000") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


@pytest.mark.parametrize("zone", ["America", "1" * 300])
async def test_a_time_zone_that_names_no_file_is_refused_as_data(world: World, zone: str) -> None:
    client = world.a.admin.client
    body = await gql(client, UPDATE_CONFIG, orgId=world.a.id, config={"timezone": zone})
    # ZoneInfo raised OSError (a directory; a name too long), a masked server failure.
    assert body["data"]["updateOrgConfig"] == {
        "__typename": "MutationError",
        "code": "validation_failed",
        "field": "timezone",
    }
    rest = await client.patch(f"/api/orgs/{world.a.id}/config", json={"timezone": zone})
    assert_error(rest, 422, "validation_failed")
    config = await client.get(f"/api/orgs/{world.a.id}/config")
    assert config.json()["config"]["timezone"] == "UTC"


SEARCHES = """
query ($q: String) {
  referrals(q: $q) { nodes { id } }
  patients(q: $q) { nodes { id } }
  practices(q: $q) { nodes { id } }
  providers(q: $q) { nodes { id } }
}"""


async def test_a_search_longer_than_any_value_finds_nothing(
    app: Any, settings: Any, world: World
) -> None:
    await seed_referral(app, settings, world.a.id, extracted=EXTRACTION, triaged=True)
    client = world.a.viewer.client
    found = await gql(client, SEARCHES, q="Jane")
    assert all(found["data"][k]["nodes"] for k in ("referrals", "patients")), found
    for q in ("e" * 60_000, "é" * 60_000, "jane " + "x" * 60_000):
        # SQLite refused the LIKE pattern as "too complex": a masked server failure.
        body = await gql(client, SEARCHES, q=q)
        assert body == {
            "data": {k: {"nodes": []} for k in ("referrals", "patients", "practices", "providers")}
        }, _short(body)


async def test_a_long_run_of_spaces_costs_linear_time(app: Any, world: World) -> None:
    spaced = "1" + " " * 30_000 + "1"
    client = world.a.admin.client
    checks = [
        # Phone-number extension and name-title patterns were searched from every space of
        # the run: quadratic, about a minute for this input.
        (PATIENTS_AFTER.replace("$after: String", "$q: String").replace("after: $after", "q: $q"),
         {"q": spaced}, {"data": {"patients": {"nodes": []}}}),
        (CREATE_LOCATION, {"input": {"name": "North", "phone": spaced}},
         {"data": {"createLocation": {"__typename": "MutationError", "code": "validation_failed",
                                      "message": "invalid phone: '1" + " " * 30_000 + "1' is "
                                      "not a phone number"}}}),
    ]  # fmt: skip
    for document, variables, expected in checks:
        started = time.perf_counter()
        body = await gql(client, document, **variables)
        assert time.perf_counter() - started < 2, document
        assert body == expected, _short(body)
    # A provider name read off a referral, its titles stripped: refused as too long, at once.
    made = await make_case(
        app, world.a.id, referrer={"providerName": "Dr. Jo" + " " * 30_000 + "Doe, MD"}
    )
    started = time.perf_counter()
    created = await gql(
        client,
        "mutation ($input: CreateReferrerInput!) { createReferrer(input: $input) { "
        "__typename ... on MutationError { code field } } }",
        input={"caseId": made.id, "provider": {}},
    )
    assert time.perf_counter() - started < 2
    assert created["data"]["createReferrer"] == {
        "__typename": "MutationError",
        "code": "validation_failed",
        "field": "provider.name",
    }
