"""``intakedesk serve --demo``: a demo org with sample referrals, a working key and token."""

import io
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from models import Case, Org, Referral, ReferralStage
from resolvers import api_keys, documents, orgs, referrals
from resolvers.context import Context

DEMO_ORG = "org_demo"
DEMO_EMAIL = "demo@intakedesk.local"
DEMO_KEY_NAME = "demo"

SAMPLES: list[dict[str, Any]] = [
    {
        "first": "Jane",
        "last": "Doe",
        "dob": "1985-03-15",
        "sex": "F",
        "phone": "+13125550142",
        "reason": "Right knee pain, suspected meniscal tear",
        "codes": ["M23.211"],
        "urgency": "urgent",
        "provider": "John Smith",
        "practice": "Valley Family Medicine",
        "expect": "triaged",
    },
    {
        "first": "Luis",
        "last": "Ortega",
        "dob": "1962-11-02",
        "sex": "M",
        "phone": "+16175550187",
        "reason": "Osteoarthritis of left hip, evaluate for replacement",
        "codes": ["M16.12"],
        "urgency": "routine",
        "provider": "Amy Chen",
        "practice": "Northside Internal Medicine",
        "expect": "triaged",
    },
    {
        "first": "Grace",
        "last": "Kim",
        "dob": "1990-07-21",
        "sex": "F",
        "phone": "+14155550163",
        "reason": "Lumbar radiculopathy, failed conservative care",
        "codes": ["M54.16"],
        "urgency": "routine",
        "provider": "John Smith",
        "practice": "Valley Family Medicine",
        "member_id": None,  # the fax leaves it out: QA sends it to review
        "expect": "review",
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
        "expect": "review",  # no phone number
    },
]


def _us_date(iso: str) -> str:
    return f"{iso[5:7]}/{iso[8:10]}/{iso[:4]}"


def _us_phone(e164: str | None) -> str:
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}" if e164 else ""


def render_referral_pdf(sample: dict[str, Any]) -> bytes:
    """A one-page referral fax, as a referring practice would send it."""
    from xhtml2pdf import pisa

    member_id = sample.get("member_id", "XYZ123") or ""
    html = f"""<html><body style="font-family: Helvetica; font-size: 11pt">
    <h2>{sample["practice"]}</h2>
    <p>410 Oak Street, Anytown, CA 90210<br/>Phone: (555) 000-1111 &nbsp; Fax: (555) 000-2222</p>
    <h3>REFERRAL FOR SPECIALIST CONSULTATION</h3>
    <p><b>Patient Name:</b> {sample["first"]} {sample["last"]}<br/>
    <b>Date of Birth:</b> {_us_date(sample["dob"])}<br/>
    <b>Sex:</b> {"Female" if sample["sex"] == "F" else "Male"}<br/>
    <b>Phone:</b> {_us_phone(sample["phone"])}<br/>
    <b>Address:</b> 123 Main St, Anytown, CA 90210</p>
    <p><b>Insurance:</b> Blue Cross<br/><b>Member ID:</b> {member_id}<br/>
    <b>Group Number:</b> GRP456</p>
    <p><b>Reason for Referral:</b> {sample["reason"]}<br/>
    <b>Diagnosis (ICD-10):</b> {", ".join(sample["codes"])}<br/>
    <b>Urgency:</b> {sample["urgency"].capitalize()}</p>
    <p><b>Referring Provider:</b> {sample["provider"]}, MD<br/><b>NPI:</b> 1234567893<br/>
    <b>Practice:</b> {sample["practice"]}</p>
    </body></html>"""
    out = io.BytesIO()
    pisa.CreatePDF(html, dest=out)
    return out.getvalue()


async def load_demo(ctx: Context) -> list[str]:
    """Create (once) the demo org and its referrals, then say what it really holds.

    A key's secret is kept only as a hash, so a restart cannot print the same key
    again: it rotates the demo key instead, revoking the previous one and saying so.
    """
    from app.cli import dev_token

    org = await ctx.session.get(Org, DEMO_ORG)
    created = org is None
    if org is None:
        org = await orgs.create(ctx, name="Demo Orthopedics", org_id=DEMO_ORG)
        await orgs.add_member(ctx, org_id=org.id, email=DEMO_EMAIL, role="admin")
        await ctx.session.flush()
        for sample in SAMPLES:
            await _sample_referral(ctx, org.id, sample)
    key, revoked = await rotate_demo_key(ctx)
    token = await dev_token(ctx, DEMO_EMAIL)
    await ctx.session.flush()
    lines = [
        await describe_demo_org(ctx, created=created),
        f"demo API key (x-api-key): {key.secret}",
    ]
    if revoked:
        lines.append(f"rotated: the previous demo key ({', '.join(revoked)}) is revoked")
    lines.append(f"demo login token (Authorization: Bearer …, 1 hour): {token}")
    return lines


async def rotate_demo_key(ctx: Context) -> tuple[api_keys.CreatedKey, list[str]]:
    """A new demo key; the earlier ones named ``demo`` are revoked (the ids returned).
    Keys made by hand in the demo org under other names are left alone."""
    revoked = []
    for old in await api_keys.of_org(ctx, org_id=DEMO_ORG):
        if old.name == DEMO_KEY_NAME:
            await api_keys.withdraw(ctx, org_id=DEMO_ORG, key_id=old.id)
            revoked.append(old.prefix + "…")
    return await api_keys.issue(ctx, org_id=DEMO_ORG, name=DEMO_KEY_NAME), revoked


async def describe_demo_org(ctx: Context, *, created: bool) -> str:
    """What the demo org holds now, counted, not assumed: a reused org has what the
    last runs (and anyone trying the API) left in it."""
    by_stage = dict(
        (
            await ctx.session.execute(
                select(Referral.stage, func.count())
                .where(Referral.org_id == DEMO_ORG)
                .group_by(col(Referral.stage))
            )
        ).all()
    )
    cases_count = await ctx.session.scalar(
        select(func.count()).select_from(Case).where(col(Case.org_id) == DEMO_ORG)
    )
    total = sum(by_stage.values())
    stages = ", ".join(f"{by_stage[s]} {s}" for s in ReferralStage if by_stage.get(s))
    how = "created" if created else "reused"
    return (
        f"demo org: {DEMO_ORG} ({how}): {total} referral{'' if total == 1 else 's'}"
        f"{f' ({stages})' if stages else ''}, {cases_count or 0} case"
        f"{'' if cases_count == 1 else 's'}"
    )


async def _sample_referral(ctx: Context, org_id: str, sample: dict[str, Any]) -> None:
    """A faxed referral, processed by the pipeline like any other: its fields come out of
    its PDF once a worker runs (``serve`` queues unfinished runs again as it starts)."""
    referral = referrals.new_referral(ctx, org_id=org_id, source="fax")
    await ctx.session.flush()
    await documents.store(
        ctx,
        org_id=org_id,
        referral_id=referral.id,
        file_name=f"referral_fax_{sample['last'].lower()}.pdf",
        data=render_referral_pdf(sample),
    )
    await referrals.start_processing(ctx, referral)
