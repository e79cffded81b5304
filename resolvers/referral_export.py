"""The referrals of an org as CSV: the columns, one row's values, and keyset pages."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from models import Referral, ReferralStage
from models.extraction import Extraction
from resolvers import access, audit
from resolvers.context import Context
from resolvers.pagination import Page, paginate
from resolvers.referrals import parse_stages

EXPORT_PAGE = 500

EXPORT_COLUMNS = (
    "id",
    "stage",
    "source",
    "receivedAt",
    "patientFirstName",
    "patientLastName",
    "patientDob",
    "patientPhone",
    "insuranceProvider",
    "insuranceMemberId",
    "referrerProvider",
    "referrerPractice",
    "referrerNpi",
    "reason",
    "diagnosisCodes",
    "urgency",
    "triageLevel",
    "priorityBand",
    "queue",
    "qaPassed",
    "caseId",
    "duplicateOf",
    "error",
)


def export_record(referral: Referral) -> list[str]:
    """One CSV row's values, in ``EXPORT_COLUMNS`` order (unquoted, not yet neutralised)."""
    ex = referral.extraction or Extraction()
    patient, insurance, referrer, clinical = ex.patient, ex.insurance, ex.referrer, ex.clinical
    tri, qa = referral.triage, referral.qa
    values: list[Any] = [
        referral.id,
        str(referral.stage),
        referral.source,
        referral.created_at.isoformat().replace("+00:00", "Z"),
        patient.first_name,
        patient.last_name,
        patient.dob,
        patient.phone,
        insurance.provider,
        insurance.member_id,
        referrer.provider_name,
        referrer.practice_name,
        referrer.npi,
        clinical.reason,
        ";".join(clinical.diagnosis_codes),
        clinical.urgency.value if clinical.urgency else None,
        tri.level if tri else None,
        tri.priority_band.value if tri and tri.priority_band else None,
        tri.queue if tri else None,
        qa.passed if qa else None,
        referral.case_id,
        referral.duplicate_of_id,
        referral.error,
    ]
    return ["" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for v in values]


@dataclass
class Export:
    ctx: Context
    org_id: str
    stages: list[ReferralStage]

    async def pages(self) -> AsyncIterator[list[Referral]]:
        """Keyset pages of the export; each page is audited and committed as it is sent."""
        cursor: str | None = None
        while True:
            query = select(Referral).where(Referral.org_id == self.org_id)
            if self.stages:
                query = query.where(col(Referral.stage).in_(self.stages))
            page: Page[Referral] = await paginate(
                self.ctx.session, query, Referral, cursor=cursor, limit=EXPORT_PAGE
            )
            if page.items:
                audit.record_many(
                    self.ctx,
                    "referral.export",
                    org_id=self.org_id,
                    resource_type="referral",
                    resource_ids=[r.id for r in page.items],
                )
                await self.ctx.session.commit()
                yield page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


def start_export(ctx: Context, *, org_id: str | None, stage: str | None) -> Export:
    """Check access and the filter before the first byte is sent; the export is audited."""
    org_id = access.org_for(ctx, org_id)
    stages = parse_stages(stage)
    audit.record(
        ctx,
        "referral.export_start",
        org_id=org_id,
        resource_type="referral",
        details={"stage": [s.value for s in stages]},
    )
    return Export(ctx=ctx, org_id=org_id, stages=stages)
