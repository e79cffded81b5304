"""GraphQL enums: the model enums themselves, their values named in GraphQL's upper case.

REST speaks the documented lower-case strings (the members' values); GraphQL names the
same members by its own convention (``triaged`` → ``TRIAGED``, ``move_to_triaged`` →
``MOVE_TO_TRIAGED``). The GraphQL type wraps the model enum itself, so an argument arrives
in a resolver as the model's member and a member read from a row goes out by its GraphQL
name: no second list of values to keep in step, and nothing to translate by hand.
Every enum the graph shows is declared below; the domain modules import them from here.
"""

import dataclasses
from enum import StrEnum
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

import models
from models import document, extraction
from resolvers import periods, referral_moves

E = TypeVar("E", bound=type[StrEnum])


def graphql_name(member: StrEnum) -> str:
    """The GraphQL name of a model enum member: its Python name, upper case."""
    return member.name.upper()


def graphql_enum(model_enum: E, *, description: str, name: str | None = None) -> E:
    """Declare ``model_enum`` as a GraphQL enum (named ``name``, else its class name)."""
    strawberry.enum(model_enum, name=name, description=description)
    definition: StrawberryEnumDefinition = model_enum.__strawberry_definition__  # type: ignore[attr-defined]
    definition.values = [
        dataclasses.replace(value, name=graphql_name(model_enum[value.name]))
        for value in definition.values
    ]
    return model_enum


# -- every enum the graph shows, each a model's (or a resolver's) own ------------------------

ReferralStage = graphql_enum(
    models.ReferralStage,
    description="Where a referral is: RECEIVED → PROCESSING → REVIEW or TRIAGED; "
    "also DUPLICATE and FAILED",
)
BulkAction = graphql_enum(
    referral_moves.BulkAction,
    name="BulkReferralActionKind",
    description="What bulkReferralAction does to each referral",
)
JobStatus = graphql_enum(models.JobStatus, description="QUEUED → RUNNING → DONE or FAILED")
JobStep = graphql_enum(models.JobStep, description="Where a running job is, in order")
CaseStatus = graphql_enum(models.CaseStatus, description="OPEN → CONTACTING → SCHEDULED, or CLOSED")
ContactKind = graphql_enum(models.ContactKind, description="What a logged contact records")
EmrStatus = graphql_enum(models.EmrStatus, description="Where the case's chart is in the EMR")
EmrDocumentStatus = graphql_enum(
    models.EmrDocumentStatus, description="Where the case's documents are in the EMR"
)
QueueStatus = graphql_enum(
    models.QueueStatus, name="EmrQueueStatus", description="An EMR queue item's state"
)
DocumentStatus = graphql_enum(
    models.DocumentStatus, description="UPLOADED → PROCESSING → PROCESSED or FAILED"
)
DocumentType = graphql_enum(models.DocumentType, description="What a document is")
PageType = graphql_enum(document.PageType, description="What one page of a document is")
Role = graphql_enum(models.Role, description="VIEWER reads, COORDINATOR changes, ADMIN configures")
AliasKind = graphql_enum(models.AliasKind, description="What a referrer alias names")
Sex = graphql_enum(extraction.Sex, description="F, M, X (another) or U (unknown)")
Urgency = graphql_enum(extraction.Urgency, description="The urgency cue a referral carries")
ExtractionMethod = graphql_enum(extraction.ExtractionMethod, description="How it was read")
PriorityBand = graphql_enum(extraction.PriorityBand, description="P1 (first) to P4")
QaSeverity = graphql_enum(extraction.QaSeverity, description="ERROR fails QA; WARNING does not")
Interval = graphql_enum(
    periods.Interval, name="ReportInterval", description="Buckets of a metrics series"
)
