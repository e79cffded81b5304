"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from models.audit import AuditEvent
from models.base import fresh_id, new_id, utcnow
from models.case import Case, CaseStatus, ContactEvent, ContactKind, EmrDocumentStatus, EmrStatus
from models.document import Document, DocumentStatus, DocumentType
from models.emr import EmrChartItem, EmrDocumentItem, QueueStatus
from models.idempotency import IdempotencyKey
from models.job import Job, JobStatus, JobStep
from models.ordering import align_timestamps, order_inserts_by_foreign_keys
from models.org import ApiKey, Membership, Org, Role, User
from models.patient import Patient
from models.referral import Referral, ReferralStage
from models.referrer import AliasKind, Location, Practice, Provider, ReferrerAlias
from models.review import FieldReview

order_inserts_by_foreign_keys()
align_timestamps()

__all__ = [
    "AliasKind",
    "ApiKey",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "ContactEvent",
    "ContactKind",
    "Document",
    "DocumentStatus",
    "DocumentType",
    "EmrChartItem",
    "EmrDocumentItem",
    "EmrDocumentStatus",
    "EmrStatus",
    "FieldReview",
    "IdempotencyKey",
    "Job",
    "JobStatus",
    "JobStep",
    "Location",
    "Membership",
    "Org",
    "Patient",
    "Practice",
    "Provider",
    "QueueStatus",
    "Referral",
    "ReferralStage",
    "ReferrerAlias",
    "Role",
    "User",
    "fresh_id",
    "new_id",
    "utcnow",
]
