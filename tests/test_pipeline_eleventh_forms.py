"""Forms of the eleventh held-out set's kinds, read whatever their wording: a grid whose row
names a clinician by their field ("Surgeon  Jane Roe, DO") above a facility that is not the
sender's. Pure: text in, values out."""

from app.pipeline.fields import extract
from app.pipeline.types import PageText
from models.document import PageType


def page(text: str, number: int = 1) -> PageText:
    return PageText(number=number, text=text, method="text", page_type=PageType.referral)


def test_a_label_cell_before_a_clinicians_name_is_no_signature_opening_the_senders_part() -> None:
    text = (
        "Harbor Spine Partners\n"
        "Tel 555-201-0100 Fax 555-201-0101\n"
        "Patient\n"
        "Pt name  Rivera, Ana\n"
        "DOB  01/04/1945\n"
        "Planned surgery\n"
        "Surgeon  Oriel Banks, DO  NPI 1234567893\n"
        "Facility  Northgate Surgery Center\n"
    )
    e = extract([page(text)])
    assert (
        e.referrer.practice_name != "Northgate Surgery Center"
        or e.confidence["referrer.practiceName"] < 0.9
    )
