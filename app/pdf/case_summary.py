"""The Case Summary PDF delivered to the EMR with a new chart.

Made to be printed and faxed: black on white, no shading, 10-point text and larger, one
Letter page where the case fits. xhtml2pdf lays out a small subset of HTML/CSS; tables
are what it does best.
"""

import io
from datetime import date, datetime
from html import escape

from xhtml2pdf import pisa

from resolvers.case_summary import CaseSummary

_CSS = """
@page { size: letter; margin: 0.5in 0.55in 0.55in 0.55in;
        @frame footer { -pdf-frame-content: footer; bottom: 0.25in; margin-left: 0.55in;
                        margin-right: 0.55in; height: 0.4in; } }
body { font-family: Helvetica; font-size: 10pt; color: #000; }
h1 { font-size: 16pt; margin: 0; padding: 0; }
h2 { font-size: 11pt; margin: 0; padding: 3pt 0 1pt 0; border-bottom: 1pt solid #000;
     text-transform: uppercase; }
table { width: 100%; }
td { padding: 1pt 3pt 0 0; vertical-align: top; }
td.k { width: 17%; font-weight: bold; }
td.v { width: 33%; }
.head td { padding: 0; }
.list td { border-bottom: 0.5pt solid #000; padding: 2pt 3pt 1pt 0; }
.list th { text-align: left; font-weight: bold; border-bottom: 1pt solid #000;
           padding: 0 3pt 2pt 0; }
.small { font-size: 9pt; }
"""


def render_case_summary(summary: CaseSummary) -> bytes:
    """The summary as PDF bytes."""
    out = io.BytesIO()
    result = pisa.CreatePDF(_html(summary), dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"the case summary did not render ({result.err} errors)")
    return out.getvalue()


def _html(s: CaseSummary) -> str:
    return f"""<html><head><meta charset="utf-8"><style>{_CSS}</style></head><body>
{_header(s)}
{_section("Patient", _patient(s))}
{_section("Insurance", _insurance(s))}
{_section("Referred by", _referrer(s))}
{_section("Reason for referral", _clinical(s))}
{_section("Triage", _triage(s))}
{_section("Contact history", _contacts(s))}
{_section("Documents", _documents(s))}
<div id="footer" class="small">Case {_t(s.case_id)} - generated {_when(s.generated_at)}
 by IntakeDesk. Confidential: protected health information.</div>
</body></html>"""


def _header(s: CaseSummary) -> str:
    return f"""<table class="head"><tr>
<td style="width:60%"><h1>Case Summary</h1><div>{_t(s.org_name)}</div></td>
<td style="width:40%; text-align:right"><b>{_t(s.patient.name)}</b><br/>
DOB {_day(s.patient.dob)} &nbsp; MRN {_t(s.patient.mrn)}</td></tr></table>"""


def _section(title: str, body: str) -> str:
    return f"<h2>{escape(title)}</h2>{body}"


def _pairs(*pairs: tuple[str, str]) -> str:
    """Label/value pairs, two to a row."""
    cells = [f'<td class="k">{escape(k)}</td><td class="v">{v}</td>' for k, v in pairs]
    if len(cells) % 2:
        cells.append('<td class="k"></td><td class="v"></td>')
    rows = ["<tr>" + cells[i] + cells[i + 1] + "</tr>" for i in range(0, len(cells), 2)]
    return "<table>" + "".join(rows) + "</table>"


def _patient(s: CaseSummary) -> str:
    p = s.patient
    return _pairs(
        ("Name", _t(p.name)),
        ("Date of birth", _day(p.dob)),
        ("Sex", _t(p.sex)),
        ("Phone", _t(p.phone)),
        ("Email", _t(p.email)),
        ("MRN", _t(p.mrn)),
        ("Address", _t(p.address)),
        ("Location", _t(s.location)),
    )


def _insurance(s: CaseSummary) -> str:
    i = s.insurance
    return _pairs(
        ("Payer", _t(i.provider)), ("Member ID", _t(i.member_id)), ("Group", _t(i.group_number))
    )


def _referrer(s: CaseSummary) -> str:
    r = s.referrer
    if r is None:
        return "<div>Not given on the referral.</div>"
    return _pairs(
        ("Provider", _t(r.provider_name)),
        ("NPI", _t(r.npi)),
        ("Practice", _t(r.practice_name) + ("" if r.matched else " (as written, unverified)")),
        ("Phone / fax", f"{_t(r.phone)} / {_t(r.fax)}"),
    )


def _clinical(s: CaseSummary) -> str:
    return _pairs(
        ("Reason", _t(s.reason)),
        ("Urgency", _t(s.urgency)),
        ("Diagnoses", _t(", ".join(s.diagnosis_codes) or None)),
        ("Case status", _t(s.case_status) + _scheduled(s)),
    )


def _scheduled(s: CaseSummary) -> str:
    return f" - scheduled for {_when(s.scheduled_for)}" if s.scheduled_for else ""


def _triage(s: CaseSummary) -> str:
    t = s.triage
    level = f"{t.level} (1 most urgent - 5)" if t.level is not None else None
    pairs = _pairs(
        ("Level", _t(level)),
        ("Priority", _t(t.priority_band)),
        ("Queue", _t(t.queue)),
        ("Set by", _t({"auto": "rules", "manual": "staff"}.get(t.source or "", t.source))),
    )
    if t.reason:
        pairs += f"<div><b>Reason:</b> {_t(t.reason)}</div>"
    if not t.rules:
        return pairs + "<div>No triage rule fired.</div>"
    rows = "".join(
        f"<tr><td>{_t(r.name)}</td><td>{r.level}</td><td>{_t('; '.join(r.cues) or None)}</td></tr>"
        for r in t.rules
    )
    return (
        pairs
        + '<table class="list"><tr><th style="width:35%">Rule fired</th>'
        + '<th style="width:10%">Level</th><th>Matched</th></tr>'
        + rows
        + "</table>"
    )


def _contacts(s: CaseSummary) -> str:
    if not s.contacts:
        return "<div>No contact logged yet.</div>"
    rows = "".join(
        f"<tr><td>{_when(c.at)}</td><td>{_t(c.kind)}</td><td>{_t(c.detail or None)}</td></tr>"
        for c in s.contacts
    )
    return (
        '<table class="list"><tr><th style="width:24%">When</th><th style="width:12%">Kind</th>'
        + "<th>Detail</th></tr>"
        + rows
        + "</table>"
    )


def _documents(s: CaseSummary) -> str:
    if not s.documents:
        return "<div>No documents.</div>"
    rows = "".join(
        f"<tr><td>{_t(d.file_name)}</td><td>{_t(d.document_type)}</td>"
        f"<td>{d.page_count if d.page_count is not None else '-'}</td>"
        f"<td>{_when(d.received_at)}</td></tr>"
        for d in s.documents
    )
    return (
        '<table class="list"><tr><th style="width:48%">File</th><th style="width:14%">Type</th>'
        + '<th style="width:10%">Pages</th><th>Received</th></tr>'
        + rows
        + "</table>"
    )


# The PDF's built-in Helvetica has the Windows-1252 characters: accents, not arrows.
_PLAIN = str.maketrans(
    {"→": "->", "←": "<-", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'}
)


def _t(value: object) -> str:
    if value in (None, ""):
        return "-"
    text = str(value).translate(_PLAIN)
    text = text.encode("cp1252", errors="replace").decode("cp1252")
    return escape(text)


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"
