"""GraphQL enums: upper-case value names, each enum the model's own, REST keeping lower case."""

import re
from enum import StrEnum
from typing import Any

import pytest
from graphql import GraphQLEnumType, get_named_type

from app.graphql.schema import build_schema
from app.settings import Settings
from models import ReferralStage
from tests.conftest import World, gql
from tests.referral_fixtures import seed_referral

pytestmark = pytest.mark.anyio

GRAPHQL_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

STAGES = """
query ($stage: [ReferralStage!]) { referrals(first: 10, stage: $stage) { nodes { id stage } } }"""

LITERAL_STAGE = "{ referrals(first: 10, stage: [%s]) { nodes { id } } }"


def _our_enums() -> list[GraphQLEnumType]:
    types = build_schema()._schema.type_map.values()
    return [t for t in types if isinstance(t, GraphQLEnumType) and not t.name.startswith("__")]


def test_the_schema_has_our_enums() -> None:
    names = {t.name for t in _our_enums()}
    assert {"ReferralStage", "CaseStatus", "BulkReferralActionKind", "ReportInterval"} <= names


@pytest.mark.parametrize("enum_type", _our_enums(), ids=lambda t: t.name)
def test_every_enum_value_is_named_in_upper_case(enum_type: GraphQLEnumType) -> None:
    lower = [name for name in enum_type.values if not GRAPHQL_NAME.match(name)]
    assert not lower, f"{enum_type.name}: {lower}"


@pytest.mark.parametrize("enum_type", _our_enums(), ids=lambda t: t.name)
def test_every_enum_is_a_model_enum_member_for_member(enum_type: GraphQLEnumType) -> None:
    """One home: the GraphQL type wraps the model's (or resolver's) enum, no copy of it."""
    wrapped: Any = getattr(enum_type, "wrapped_cls", None)
    assert isinstance(wrapped, type) and issubclass(wrapped, StrEnum), enum_type.name
    assert wrapped.__module__.startswith(("models.", "resolvers.")), wrapped.__module__
    graphql = {name: value.value for name, value in enum_type.values.items()}
    assert graphql == {member.name.upper(): member.value for member in wrapped}


# Fields by these names hold a closed set of values; each is one of our enums except where the
# model keeps a free string (a job's kind, an EMR item's document type, an audit action) or the
# value is not ours (an upload's HTTP method).
ENUM_FIELD_NAMES = {
    "stage",
    "status",
    "kind",
    "role",
    "sex",
    "priorityBand",
    "documentType",
    "emrStatus",
    "emrDocumentStatus",
    "step",
    "severity",
    "method",
    "urgency",
    "interval",
    "action",
}
FREE_STRINGS = {
    ("Job", "kind"),
    ("EmrDocumentItem", "documentType"),
    ("AuditEvent", "action"),
    ("UploadTicket", "method"),
}


def test_fields_holding_a_closed_set_are_enums() -> None:
    strings = []
    for type_ in build_schema()._schema.type_map.values():
        fields = getattr(type_, "fields", None)
        if type_.name.startswith("__") or not isinstance(fields, dict):
            continue
        for name, field in fields.items():
            if name in ENUM_FIELD_NAMES and (type_.name, name) not in FREE_STRINGS:
                named = get_named_type(field.type)
                if not isinstance(named, GraphQLEnumType):
                    strings.append(f"{type_.name}.{name}: {named}")
    assert not strings


async def test_an_upper_case_stage_filters_and_reaches_the_resolver_as_the_model_member(
    app: Any, settings: Settings, world: World
) -> None:
    review = await seed_referral(app, settings, world.a.id, stage=ReferralStage.review)
    await seed_referral(app, settings, world.a.id, stage=ReferralStage.received)
    client = world.a.viewer.client
    found = (await gql(client, STAGES, stage=["REVIEW"]))["data"]["referrals"]["nodes"]
    assert found == [{"id": review, "stage": "REVIEW"}]
    literal = await gql(client, LITERAL_STAGE % "REVIEW")
    assert [n["id"] for n in literal["data"]["referrals"]["nodes"]] == [review]


@pytest.mark.parametrize("spelling", ["review", "Review"])
async def test_the_rest_spelling_is_refused_by_graphql(world: World, spelling: str) -> None:
    as_variable = await gql(world.a.viewer.client, STAGES, stage=[spelling])
    assert as_variable["data"] is None and "ReferralStage" in as_variable["errors"][0]["message"]
    as_literal = await gql(world.a.viewer.client, LITERAL_STAGE % spelling)
    assert as_literal["data"] is None and as_literal["errors"]


async def test_rest_keeps_the_documented_lower_case_strings(
    app: Any, settings: Settings, world: World
) -> None:
    review = await seed_referral(app, settings, world.a.id, stage=ReferralStage.review)
    listed = await world.a.viewer.client.get("/api/referrals", params={"stage": "review"})
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["id"] == review and item["stage"] == "review"
    upper = await world.a.viewer.client.get("/api/referrals", params={"stage": "REVIEW"})
    assert upper.status_code == 422
