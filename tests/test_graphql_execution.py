"""The executor's shortcut for basic scalar fields (app.graphql.execution) answers exactly
what graphql-core's own path answers, values, nulls and errors alike."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import strawberry
from starlette.requests import Request

from app.graphql.context import GraphQLContext
from app.graphql.enums import ReferralStage
from app.graphql.execution import ExecutionContext, lean_resolvers
from app.graphql.schema import build_schema
from app.settings import Settings
from resolvers import auth
from resolvers.context import Context
from tests.conftest import World
from tests.referral_fixtures import extraction, person, seed_referral

pytestmark = pytest.mark.anyio

PAGE = """
query ($first: Int!) {
  referrals(first: $first) {
    nodes {
      __typename id orgId stage source externalId caseId patientId duplicateOf error notes
      createdAt updatedAt processedAt
      extraction {
        method
        patient { firstName lastName dob sex phone }
        referrer { providerName practiceName npi }
        clinical { reason diagnosisCodes urgency }
      }
      triage { level priorityBand queue source setBy }
      qa { passed checkedAt issues { field code severity } }
      case { id status triageLevel priorityBand queue closeReason createdAt closedAt }
      patient { id firstName lastName dob phone email createdAt }
      alias: stage
    }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _execute(app: Any, settings: Settings, key: str, schema: Any) -> dict[str, Any]:
    async with app.state.sessions() as session:
        ctx = Context(session=session, settings=settings, storage=app.state.storage)
        await auth.authenticate(ctx, auth.Credentials(api_key=key), app.state.verifier)
        request = Request({"type": "http", "app": app, "state": {}, "headers": []})
        context = GraphQLContext(request=request, response=None, ctx=ctx)
        result = await schema.execute(PAGE, variable_values={"first": 10}, context_value=context)
        await session.rollback()
    errors = [(e.message, e.path) for e in result.errors or []]
    return {"data": result.data, "errors": errors}


async def test_the_shortcut_answers_as_graphql_core_does(
    app: Any, settings: Settings, world: World
) -> None:
    org = world.a
    await seed_referral(app, settings, org.id, extracted=person("Ann", "Shortcut"), triaged=True)
    sparse = extraction(patient={"dob": None, "sex": None, "phone": None})
    await seed_referral(app, settings, org.id, extracted=sparse)
    await seed_referral(app, settings, org.id)
    shortcut = await _execute(app, settings, org.api_key, build_schema())
    whole_way = await _execute(app, settings, org.api_key, build_schema(shortcut=False))
    assert shortcut == whole_way
    nodes = shortcut["data"]["referrals"]["nodes"]
    assert len(nodes) >= 3 and not shortcut["errors"]
    assert {n["__typename"] for n in nodes} == {"Referral"}
    assert any(n["case"] and n["case"]["createdAt"].endswith("Z") for n in nodes)
    assert any(n["extraction"] and n["extraction"]["patient"]["dob"] is None for n in nodes)


@strawberry.type
class _Thing:
    name: str
    count: int | None
    kind: ReferralStage | None
    tags: list[str | None] | None = None
    codes: list[int] = strawberry.field(default_factory=list)


@strawberry.type
class _Things:
    @strawberry.field
    def things(self) -> list[_Thing | None]:
        return [
            _Thing(name="fine", count=None, kind=ReferralStage.review),
            _Thing(name=None, count=1, kind=None),  # type: ignore[arg-type]  (null, non-null)
            _Thing(name="x", count="many", kind=None),  # type: ignore[arg-type]  (not an Int)
            _Thing(name="y", count=2, kind="nope"),  # type: ignore[arg-type]  (not an enum)
            _Thing(name="lists", count=3, kind=None, tags=["a", None], codes=[1, 2]),
            _Thing(name="a null code", count=4, kind=None, codes=[1, None]),  # type: ignore[list-item]
            _Thing(name="a code no Int", count=5, kind=None, tags=None, codes=["x"]),  # type: ignore[list-item]
            _Thing(name="not a list", count=6, kind=None, tags=5),  # type: ignore[arg-type]
        ]


async def test_refused_values_are_reported_as_graphql_core_reports_them() -> None:
    query = "{ things { name count kind tags codes } }"
    answers = []
    for executor in (ExecutionContext, None):
        schema = strawberry.Schema(query=_Things, execution_context_class=executor)
        result = await schema.execute(query)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data is not None
    assert data["things"][0] == {
        "name": "fine",
        "count": None,
        "kind": "REVIEW",
        "tags": None,
        "codes": [],
    }
    assert data["things"][4]["tags"] == ["a", None] and data["things"][4]["codes"] == [1, 2]
    assert data["things"][5:7] == [None, None]
    assert data["things"][7]["tags"] is None
    assert [path for _, path in errors] == [
        ["things", 1, "name"],
        ["things", 2, "count"],
        ["things", 3, "kind"],
        ["things", 5, "codes", 1],
        ["things", 6, "codes", 0],
        ["things", 7, "tags"],
    ]


@strawberry.type
class _Inner:
    name: str


@strawberry.type
class _Outer:
    label: str
    inner: _Inner | None
    must: _Inner


@strawberry.type
class _Nested:
    @strawberry.field
    def outers(self) -> list[_Outer | None]:
        fine, broken = _Inner(name="in"), _Inner(name=None)  # type: ignore[arg-type]
        return [
            _Outer(label="fine", inner=fine, must=fine),
            _Outer(label="null inside a nullable object", inner=broken, must=fine),
            _Outer(label="null inside a non-null object", inner=fine, must=broken),
            _Outer(label="a non-null object missing", inner=None, must=None),  # type: ignore[arg-type]
            _Outer(label="not the type", inner="text", must=fine),  # type: ignore[arg-type]
        ]


async def test_objects_read_off_attributes_complete_as_graphql_core_completes_them() -> None:
    """The shortcut for basic object fields: an error inside nulls the nearest nullable
    field, as graphql-core does, with the same messages and paths."""
    query = "{ outers { label inner { name } must { name } again: inner { name } } }"
    answers = []
    for executor in (ExecutionContext, None):
        schema = strawberry.Schema(query=_Nested, execution_context_class=executor)
        result = await schema.execute(query)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data is not None
    outers = data["outers"]
    assert outers[0] == {
        "label": "fine",
        "inner": {"name": "in"},
        "must": {"name": "in"},
        "again": {"name": "in"},
    }
    assert outers[1]["inner"] is None and outers[1]["must"] == {"name": "in"}
    assert outers[2] is None and outers[3] is None
    assert sorted(tuple(map(str, path)) for _, path in errors) == [
        ("outers", "1", "again", "name"),
        ("outers", "1", "inner", "name"),
        ("outers", "2", "must", "name"),
        ("outers", "3", "must"),
        ("outers", "4", "again", "name"),
        ("outers", "4", "inner", "name"),
    ]
    assert outers[4]["inner"] is None and outers[4]["must"] == {"name": "in"}


@strawberry.type
class _Shelf:
    label: str
    items: list[_Inner]
    maybe: list[_Inner | None] | None
    must: list[_Inner] | None = None


@strawberry.type
class _Shelves:
    @strawberry.field
    def shelves(self) -> list[_Shelf | None]:
        fine, broken = _Inner(name="in"), _Inner(name=None)  # type: ignore[arg-type]
        return [
            _Shelf(label="fine", items=[fine, fine], maybe=[fine], must=[fine]),
            _Shelf(label="empty", items=[], maybe=None),
            _Shelf(label="null inside an item", items=[fine, broken], maybe=[broken, fine]),
            _Shelf(label="a null item", items=[fine], maybe=[None, fine], must=[None]),  # type: ignore[list-item]
            _Shelf(label="not a list", items=[fine], maybe=fine),  # type: ignore[arg-type]
            _Shelf(label="not the type", items=[fine], maybe=["text"]),  # type: ignore[list-item]
            _Shelf(label="a tuple", items=(fine,), maybe=(fine, None)),  # type: ignore[arg-type]
            _Shelf(label="a list missing", items=None, maybe=[fine]),  # type: ignore[arg-type]
        ]


async def test_lists_of_objects_read_off_attributes_complete_as_graphql_core_does() -> None:
    """The shortcut for basic list-of-object fields (a connection's nodes): each item's
    selection run at once, an error in one nulling the item or (non-null items) the
    list, with the same messages and paths as graphql-core."""
    query = "{ shelves { label items { name } maybe { name } must { name } } }"
    answers = []
    for executor in (ExecutionContext, None):
        schema = strawberry.Schema(query=_Shelves, execution_context_class=executor)
        result = await schema.execute(query)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data is not None
    shelves = data["shelves"]
    assert shelves[0] == {
        "label": "fine",
        "items": [{"name": "in"}, {"name": "in"}],
        "maybe": [{"name": "in"}],
        "must": [{"name": "in"}],
    }
    assert shelves[1] == {"label": "empty", "items": [], "maybe": None, "must": None}
    assert shelves[2] is None  # a non-null item's error nulls its non-null list, then the shelf
    assert shelves[3]["maybe"] == [None, {"name": "in"}] and shelves[3]["must"] is None
    assert shelves[6]["items"] == [{"name": "in"}] and shelves[6]["maybe"] == [{"name": "in"}, None]
    assert shelves[7] is None
    assert len(errors) >= 5


@strawberry.type
class _Holder:
    label: str

    @strawberry.field
    def sync(self, info: strawberry.Info) -> _Inner | None:
        if self.label == "raises":
            raise ValueError(f"no inner at {info.path.as_list()}")
        if self.label == "wrong":
            return "text"  # type: ignore[return-value]
        return None if self.label == "none" else _Inner(name=self.label)

    @strawberry.field
    async def later(self) -> _Inner | None:
        if self.label == "raises":
            raise ValueError("no later inner")
        return _Inner(name=None if self.label == "broken" else self.label)  # type: ignore[arg-type]

    @strawberry.field
    def must(self) -> _Inner:
        return _Inner(name=None) if self.label == "broken" else _Inner(name=self.label)  # type: ignore[arg-type]


@strawberry.type
class _Holders:
    @strawberry.field
    def holders(self) -> list[_Holder | None]:
        labels = ("fine", "none", "raises", "wrong", "broken")
        return [_Holder(label=label) for label in labels]


async def test_objects_a_resolver_answers_complete_as_graphql_core_completes_them() -> None:
    """A resolver answering an object (a referral's case) runs the planned selection:
    the same info, values, nulls and errors as graphql-core's execute_field, sync or
    async, lean or through Strawberry's chain."""
    query = "{ holders { label sync { name } later { name } must { name } again: sync { name } } }"
    answers = []
    for executor, lean in ((ExecutionContext, True), (ExecutionContext, False), (None, False)):
        schema = strawberry.Schema(query=_Holders, execution_context_class=executor)
        if lean:
            lean_resolvers(schema)
        result = await schema.execute(query)
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1] == answers[2]
    data, errors = answers[0]
    assert data is not None
    holders = data["holders"]
    assert holders[0] == {
        "label": "fine",
        "sync": {"name": "fine"},
        "later": {"name": "fine"},
        "must": {"name": "fine"},
        "again": {"name": "fine"},
    }
    assert holders[1]["sync"] is None and holders[1]["again"] is None
    assert holders[2]["sync"] is None and holders[2]["later"] is None
    assert holders[3]["sync"] is None and holders[3]["must"] == {"name": "wrong"}
    assert holders[4] is None  # a null in the non-null `must` nulls the holder
    assert ("no inner at ['holders', 2, 'sync']", ["holders", 2, "sync"]) in errors
    assert len(errors) == 6


@strawberry.type
class _Linked:
    label: str

    @strawberry.field
    def seen_by(self, info: strawberry.Info) -> str:
        return f"{self.label} for {info.context['who']} at {info.path.as_list()}"

    @strawberry.field
    async def later(self) -> str | None:
        if self.label == "broken":
            raise ValueError("no later for this one")
        return self.label.upper()

    @strawberry.field
    def plain(self) -> int:
        return len(self.label)


@strawberry.type
class _LinkedQuery:
    @strawberry.field
    def items(self) -> list[_Linked]:
        return [_Linked(label="one"), _Linked(label="broken")]


async def test_lean_resolvers_answer_as_strawberrys_chain_does() -> None:
    """Resolvers taking only ``self`` (and ``info``), sync or async, called straight away:
    the same info, values and errors as through Strawberry's own chain."""
    query = "{ items { label seenBy later plain } }"
    answers = []
    for lean in (True, False):
        schema = strawberry.Schema(query=_LinkedQuery, execution_context_class=ExecutionContext)
        if lean:
            assert lean_resolvers(schema) == 4  # items, seenBy, later, plain
        result = await schema.execute(query, context_value={"who": "ann"})
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data == {
        "items": [
            {
                "label": "one",
                "seenBy": "one for ann at ['items', 0, 'seenBy']",
                "later": "ONE",
                "plain": 3,
            },
            {
                "label": "broken",
                "seenBy": "broken for ann at ['items', 1, 'seenBy']",
                "later": None,
                "plain": 6,
            },
        ]
    }
    assert errors == [("no later for this one", ["items", 1, "later"])]


async def test_an_answer_is_written_as_the_same_json_whatever_text_it_carries() -> None:
    """Answers are written by orjson: text outside ASCII as UTF-8, a UTC time with Z; what
    it refuses (a string UTF-8 cannot carry, a lone surrogate; an integer past 64 bits) is
    still written, escaped or as it is, not a failure."""
    from app.graphql.view import GraphQLView

    view = GraphQLView(build_schema())
    answers: list[dict[str, Any]] = [
        {"data": {"name": "Zoë Ñúñez", "level": 2, "score": 0.5, "ok": True, "none": None}},
        {"data": None, "errors": [{"message": "not text: \ud800", "path": ["a", 0]}]},
        {"data": {"details": {"count": 2**70}}},
    ]
    for answer in answers:
        body = view.encode_json(answer)
        assert isinstance(body, bytes)
        assert json.loads(body) == answer
    assert "Zoë".encode() in view.encode_json(answers[0])
    when = {"at": datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "day": date(2026, 1, 2)}
    assert view.encode_json(when) == b'{"at":"2026-01-02T03:04:05.006000Z","day":"2026-01-02"}'
