"""``intakedesk serve --demo``: a demo org with sample referrals, a working key and token."""

import io
from typing import Any

from models import Org, Referral, ReferralStage, utcnow
from models.extraction import Extraction, TriageResult
from models.values import name_key
from resolvers import api_keys, documents, matching, orgs
from resolvers.context import Context

DEMO_ORG = "org_demo"
DEMO_EMAIL = "demo@intakedesk.local"

SAMPLES: list[dict[str, Any]] = [
    {
        "first": "Jane",
        "last": "Doe",
        "dob": "1985-03-15",
        "sex": "F",
        "phone": "+15551234567",
        "reason": "Right knee pain, suspected meniscal tear",
        "codes": ["M23.211"],
        "urgency": "urgent",
        "provider": "John Smith",
        "practice": "Valley Family Medicine",
        "triaged": True,
    },
    {
        "first": "Luis",
        "last": "Ortega",
        "dob": "1962-11-02",
        "sex": "M",
        "phone": "+15552345678",
        "reason": "Osteoarthritis of left hip, evaluate for replacement",
        "codes": ["M16.12"],
        "urgency": "routine",
        "provider": "Amy Chen",
        "practice": "Northside Internal Medicine",
        "triaged": True,
    },
    {
        "first": "Grace",
        "last": "Kim",
        "dob": "1990-07-21",
        "sex": "F",
        "phone": "+15553456789",
        "reason": "Lumbar radiculopathy, failed conservative care",
        "codes": ["M54.16"],
        "urgency": "routine",
        "provider": "John Smith",
        "practice": "Valley Family Medicine",
        "triaged": False,
    },
    {
        "first": "Samuel",
        "last": "Okafor",
        "dob": "1948-01-30",
        "sex": "M",
        "phone": None,
        "reason": "Displaced wrist fracture after fall",
        "codes": ["S52.501A"],
        "urgency": "stat",
        "provider": "Rita Patel",
        "practice": "Lakeside Urgent Care",
        "triaged": False,
    },
]


def _extraction(sample: dict[str, Any]) -> dict[str, Any]:
    return {
        "patient": {
            "firstName": sample["first"],
            "lastName": sample["last"],
            "dob": sample["dob"],
            "sex": sample["sex"],
            "phone": sample["phone"],
            "email": None,
            "address": {
                "line1": "123 Main St",
                "line2": None,
                "city": "Anytown",
                "state": "CA",
                "zip": "90210",
            },
        },
        "insurance": {"provider": "Blue Cross", "memberId": "XYZ123", "groupNumber": "GRP456"},
        "referrer": {
            "providerName": sample["provider"],
            "npi": "1234567893",
            "practiceName": sample["practice"],
            "phone": "+15550001111",
            "fax": "+15550002222",
        },
        "clinical": {
            "reason": sample["reason"],
            "diagnosisCodes": sample["codes"],
            "urgency": sample["urgency"],
        },
        "confidence": {
            "patient.firstName": 0.98,
            "patient.lastName": 0.98,
            "patient.dob": 0.95,
            "patient.phone": 0.9 if sample["phone"] else 0.0,
        },
        "method": "text",
    }


def render_referral_pdf(sample: dict[str, Any]) -> bytes:
    """A one-page referral fax, as a referring practice would send it."""
    from xhtml2pdf import pisa

    html = f"""<html><body style="font-family: Helvetica; font-size: 11pt">
    <h2>{sample["practice"]}</h2><p>FAX: Referral for specialist consultation</p>
    <p><b>Patient:</b> {sample["first"]} {sample["last"]}<br/><b>DOB:</b> {sample["dob"]}<br/>
    <b>Phone:</b> {sample["phone"] or ""}<br/><b>Insurance:</b> Blue Cross XYZ123</p>
    <p><b>Reason:</b> {sample["reason"]}<br/><b>Dx:</b> {", ".join(sample["codes"])}<br/>
    <b>Urgency:</b> {sample["urgency"]}</p>
    <p><b>Referring provider:</b> Dr. {sample["provider"]}, MD (NPI 1234567893)</p>
    </body></html>"""
    out = io.BytesIO()
    pisa.CreatePDF(html, dest=out)
    return out.getvalue()


async def load_demo(ctx: Context) -> list[str]:
    """Create (once) the demo org and its referrals; always print a fresh key and token."""
    from app.cli import dev_token

    org = await ctx.session.get(Org, DEMO_ORG)
    if org is None:
        org = await orgs.create(ctx, name="Demo Orthopedics", org_id=DEMO_ORG)
        await orgs.add_member(ctx, org_id=org.id, email=DEMO_EMAIL, role="admin")
        await ctx.session.flush()
        for sample in SAMPLES:
            await _sample_referral(ctx, org.id, sample)
    key = await api_keys.issue(ctx, org_id=DEMO_ORG, name="demo")
    token = await dev_token(ctx, DEMO_EMAIL)
    return [
        f"demo org: {DEMO_ORG} ({len(SAMPLES)} sample referrals)",
        f"demo API key (x-api-key): {key.secret}",
        f"demo login token (Authorization: Bearer …, 1 hour): {token}",
    ]


async def _sample_referral(ctx: Context, org_id: str, sample: dict[str, Any]) -> None:
    extraction = _extraction(sample)
    level = {"stat": 1, "urgent": 2, "routine": 4}[sample["urgency"]]
    referral = Referral(
        org_id=org_id,
        stage=ReferralStage.review,
        source="fax",
        extraction=Extraction.model_validate(extraction),
        triage=TriageResult.model_validate(
            {
                "level": level,
                "priorityBand": {1: "P1", 2: "P1", 4: "P3"}[level],
                "queue": "intake",
                "source": "auto",
                "rules": [],
                "reason": None,
                "setBy": None,
                "setAt": utcnow().isoformat().replace("+00:00", "Z"),
            }
        ),
        search_text=name_key(
            f"{sample['first']} {sample['last']} {sample['dob']} "
            f"{sample['provider']} {sample['practice']}"
        ),
        updated_at=utcnow(),
        processed_at=utcnow(),
    )
    ctx.session.add(referral)
    await ctx.session.flush()
    await documents.store(
        ctx,
        org_id=org_id,
        referral_id=referral.id,
        file_name=f"referral_fax_{sample['last'].lower()}.pdf",
        data=render_referral_pdf(sample),
    )
    if sample["triaged"]:
        await matching.attach_referral(ctx, referral)
