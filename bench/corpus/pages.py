"""The pages that come with a referral: fax cover sheet, notes, labs, imaging, insurance card.

They are full of things that are *not* the answer: the fax sender's name and numbers, the
receiving clinic's fax, a family member, a radiologist, earlier dates, the lab's phone.
"""

from datetime import timedelta

from bench.corpus.context import Ctx
from bench.corpus.people import MEDICATIONS, Person, npi, phone, shifted
from bench.corpus.writing import Writer, esc


def cover_sheet(c: Ctx, total_pages: int) -> str:
    f, w, rng = c.f, c.w, c.rng
    r = f.referrer
    sender = esc(Writer.full(f.sender))
    re_line = rng.choice((
        f"Referral - {esc(Writer.full(f.patient))}",
        "Patient referral",
        f"Referral for {esc(f.patient.last)}",
        "New patient referral (see attached)",
    ))  # fmt: skip
    urgent_box = f.urgency in ("stat", "urgent") and rng.random() < 0.6
    return (
        f"<h1 class='center'>{rng.choice(('FAX', 'Fax Cover Sheet', 'FACSIMILE TRANSMITTAL'))}</h1>"
        f"<p class='center'><b>{esc(r.practice)}</b></p><p>&nbsp;</p>"
        "<table class='grid'>"
        f"<tr><td class='lab'>To:</td><td>{esc(f.receiver)} - Scheduling</td></tr>"
        f"<tr><td class='lab'>Fax:</td><td>{c.phone(f.receiver_fax)}</td></tr>"
        f"<tr><td class='lab'>Phone:</td><td>{c.phone(f.receiver_phone)}</td></tr>"
        f"<tr><td class='lab'>From:</td><td>{sender}, Referral Coordinator</td></tr>"
        f"<tr><td class='lab'>Phone:</td><td>{c.phone(f.sender_phone)}</td></tr>"
        f"<tr><td class='lab'>Fax:</td><td>{c.phone(r.fax)}</td></tr>"
        f"<tr><td class='lab'>Date:</td><td>{esc(w.date(f.sent))}</td></tr>"
        f"<tr><td class='lab'>Pages:</td><td>{total_pages} (including cover)</td></tr>"
        f"<tr><td class='lab'>RE:</td><td>{re_line}</td></tr>"
        "</table><p>&nbsp;</p>"
        # The sender ticks "Urgent" only on an urgent referral: the cover never contradicts it.
        f"<p>{c.box(urgent_box, 'Urgent')} &nbsp; {c.box(False, 'For Review')} &nbsp; "
        f"{c.box(False, 'Please Reply')}</p>"
        "<p>&nbsp;</p><p class='small'><b>CONFIDENTIALITY NOTICE:</b> This facsimile contains "
        "protected health information that is privileged and confidential under federal and "
        "state law. If you are not the intended recipient, you are hereby notified that any "
        "review, disclosure, copying, distribution or use of this information is strictly "
        f"prohibited. If you received this fax in error, please call {c.phone(f.sender_phone)} "
        "and destroy all copies.</p>"
    )


def _page_header(c: Ctx, title: str) -> str:
    f = c.f
    return (
        f"<p class='head'>{esc(c.f.referrer.practice)} &nbsp;&nbsp; {esc(title)}</p>"
        f"<p><b>{esc(Writer.last_first(f.patient))}</b> &nbsp; DOB: {c.dob()} &nbsp; "
        f"MRN: {esc(f.mrn)}</p><hr/>"
    )


def clinical_notes(c: Ctx) -> str:
    f, w, rng = c.f, c.w, c.rng
    visit = f.sent - timedelta(days=rng.randint(3, 40))
    prior = visit - timedelta(days=rng.randint(60, 700))
    meds = rng.sample(MEDICATIONS, rng.randint(2, 5))
    relative = esc(Writer.full(f.relative))
    year = max(1920, f.dob.year - rng.choice((-30, 28, 25, 2)))
    relative_dob = shifted(f.dob, year - f.dob.year, before=f.sent)
    other = f"Dr. {esc(f.other_doctor.first)} {esc(f.other_doctor.last)}"
    he = {"F": "She", "M": "He"}.get(f.sex or "", "Patient")
    bp = f"{rng.randint(110, 165)}/{rng.randint(65, 98)}"
    return (
        _page_header(c, "Progress Note")
        + f"<p><b>Date of service:</b> {esc(w.date(visit))} &nbsp; <b>Provider:</b> "
        f"{esc(Writer.full(f.referrer.person))}, {esc(f.referrer.credential)}</p>"
        + "<h3>Subjective</h3>"
        + f"<p>{esc(f.reason.note)} {he} was last seen for this on {esc(w.date(prior))} by "
        f"{other}. Accompanied today by {esc(f.relation)}, {relative} (DOB "
        f"{esc(w.date(relative_dob))}), who helps with transportation; {relative} can be reached "
        f"at {c.phone(phone(rng))}.</p>"
        + "<h3>Medications</h3><ul>"
        + "".join(f"<li>{esc(m)}</li>" for m in meds)
        + "</ul><h3>Objective</h3>"
        + f"<p>BP {bp}, HR {rng.randint(58, 104)}, Temp 98.{rng.randint(0, 9)} F, "
        f"SpO2 {rng.randint(94, 99)}%, BMI {rng.randint(19, 38)}.{rng.randint(0, 9)}</p>"
        + "<h3>Assessment and Plan</h3>"
        + f"<p>{esc(f.reason.text)}. Refer to {esc(f.reason.specialty)}. Follow up in "
        f"{rng.choice(('2 weeks', '1 month', '3 months'))}. Return precautions reviewed.</p>"
        + f"<p class='small'>Electronically signed by {esc(Writer.full(f.referrer.person))}, "
        f"{esc(f.referrer.credential)} on {esc(w.date(visit))}</p>"
    )


_LABS = (
    ("Hemoglobin", "g/dL", (9.0, 16.5), "12.0-15.5"),
    ("WBC", "K/uL", (3.5, 12.5), "4.0-11.0"),
    ("Platelets", "K/uL", (140, 420), "150-400"),
    ("Sodium", "mmol/L", (132, 146), "136-145"),
    ("Potassium", "mmol/L", (3.3, 5.4), "3.5-5.1"),
    ("Creatinine", "mg/dL", (0.6, 1.8), "0.6-1.2"),
    ("Glucose", "mg/dL", (70, 240), "70-99"),
    ("Hemoglobin A1c", "%", (5.0, 10.5), "4.0-5.6"),
    ("TSH", "uIU/mL", (0.3, 6.5), "0.4-4.0"),
    ("LDL Cholesterol", "mg/dL", (60, 190), "<100"),
)


def lab(c: Ctx) -> str:
    f, w, rng = c.f, c.w, c.rng
    collected = f.sent - timedelta(days=rng.randint(1, 30))
    lab_name = rng.choice(("Quest Diagnostics", "LabCorp", "Regional Medical Laboratory"))
    rows = "".join(
        f"<tr><td>{name}</td><td>{rng.uniform(*span):.1f}</td><td>{unit}</td><td>{ref}</td></tr>"
        for name, unit, span, ref in rng.sample(_LABS, rng.randint(4, 8))
    )
    return (
        f"<h1>{lab_name}</h1><p class='small'>Client services {c.phone(phone(rng))}</p><hr/>"
        "<table>"
        f"<tr><td><b>Patient:</b> {esc(Writer.last_first(f.patient, upper=True))}</td>"
        f"<td><b>DOB:</b> {c.dob()}</td></tr>"
        f"<tr><td><b>Specimen ID:</b> {rng.randint(10**9, 10**10 - 1)}</td>"
        f"<td><b>Collected:</b> {esc(w.date(collected))}</td></tr>"
        f"<tr><td><b>Ordering:</b> {esc(Writer.last_first(f.referrer.person))}</td>"
        f"<td><b>Reported:</b> {esc(w.date(collected + timedelta(days=1)))}</td></tr>"
        "</table><h2>LABORATORY REPORT</h2>"
        "<table class='grid'><tr><th>Test</th><th>Result</th><th>Units</th><th>Reference</th>"
        f"</tr>{rows}</table>"
        "<p class='small'>Results flagged outside the reference range should be interpreted in "
        "clinical context.</p>"
    )


def imaging(c: Ctx) -> str:
    f, w, rng = c.f, c.w, c.rng
    exam = rng.choice(("MRI RIGHT KNEE WITHOUT CONTRAST", "XR CHEST 2 VIEWS",
                       "CT ABDOMEN PELVIS WITH CONTRAST", "MRI LUMBAR SPINE WO CONTRAST",
                       "US THYROID", "ECHOCARDIOGRAM COMPLETE"))  # fmt: skip
    radiologist: Person = f.other_doctor
    date_text = esc(w.date(f.sent - timedelta(days=rng.randint(2, 60))))
    return (
        f"<h1>{rng.choice(('Imaging Associates', 'Radiology Partners', 'Valley Imaging Center'))}"
        "</h1><h2>DIAGNOSTIC IMAGING REPORT</h2>"
        f"<p><b>Patient:</b> {esc(Writer.full(f.patient))} &nbsp; <b>DOB:</b> {c.dob()} &nbsp; "
        f"<b>Exam date:</b> {date_text}</p>"
        f"<p><b>Exam:</b> {exam}</p>"
        f"<p><b>Referring:</b> {esc(Writer.full(f.referrer.person))}</p>"
        f"<h3>CLINICAL HISTORY</h3><p>{esc(f.reason.note)}</p>"
        "<h3>TECHNIQUE</h3><p>Standard protocol images were obtained.</p>"
        "<h3>FINDINGS</h3><p>There is no acute fracture or dislocation. Mild degenerative change. "
        "No suspicious mass. Soft tissues are unremarkable.</p>"
        "<h3>IMPRESSION</h3><p>1. Findings as above, correlate clinically.<br/>"
        "2. No acute abnormality.</p>"
        f"<p class='small'>Dictated and electronically signed by {esc(Writer.full(radiologist))}, "
        f"MD, Radiologist (NPI {npi(rng)}), on {date_text}.</p>"
    )


def insurance_card(c: Ctx) -> str:
    f, rng = c.f, c.rng
    holder = f.subscriber or f.patient
    plan = rng.choice(("PPO", "HMO", "Choice Plus", "Open Access", "EPO", "Advantage"))
    rx = f"RxBIN {rng.randint(600000, 699999)} &nbsp; RxPCN {rng.choice(('ADV', 'MEDDADV', 'A4'))}"
    group = f"<br/>Group: {esc(f.group)}" if f.group else ""
    return (
        "<p class='small'>Copy of insurance card (front and back)</p>"
        "<table><tr><td class='card'>"
        f"<h1>{esc(f.payer)}</h1><p class='small'>{plan}</p>"
        f"<p>Member: {esc(Writer.full(holder).upper())}<br/>"
        f"Member ID: {esc(f.member_id)}{group}</p>"
        f"<p class='small'>{rx}<br/>PCP $25 &nbsp; SPC $50 &nbsp; ER $250</p>"
        "</td></tr><tr><td>&nbsp;</td></tr><tr><td class='card'>"
        f"<p class='small'>Members: Customer Service {esc(c.w.phone(phone(rng), 4))}<br/>"
        f"Providers: {esc(c.w.phone(phone(rng), 2))}<br/>Pharmacist: "
        f"{esc(c.w.phone(phone(rng), 1))}</p>"
        "<p class='tiny'>Submit claims to: PO Box 981106, El Paso, TX 79998-1106. Possession of "
        "this card does not guarantee eligibility for benefits.</p>"
        "</td></tr></table>"
    )
