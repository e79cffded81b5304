"""Fixes from the thirteenth holdout"s confident misses."""

from app.pipeline.fields import extract
from app.pipeline.fields.address import split_address
from app.pipeline.types import PageText
from models.document import PageType


def test_the_secondary_address_starts_at_its_first_unit_designator() -> None:
    parts = split_address("938 Plover Pt Bldg C Apt 7, Omaha, NE 68102")
    assert parts is not None
    assert parts["line1"] == "938 Plover Pt"
    assert parts["line2"] == "Bldg C Apt 7"


def page(text: str, number: int = 1) -> PageText:
    return PageText(number=number, text=text, method="text", page_type=PageType.referral)


_PRINTED_ORDER = (
    "Blue Ridge Medical Group  SAUVETERRE, ISIDORE (#981111) · Printed 11/28/2026\n"
    "Referral Order\n"
    "PATIENT NAME\n"
    "SAUVETERRE, ISIDORE\n"
    "DOB\n"
    "09/17/1936\n"
    "SEX\n"
    "MALE\n"
    "PATIENT ID\n"
    "#981111\n"
    "ADDRESS\n"
    "4762 Spicebush Ln\n"
    "Bemidji, MN 56625\n"
    "ORDER DATE  ORDER TYPE  ORDERING PROVIDER\n"
    "11/28/2026  REFERRAL - UROLOGY  Eulalia Kavanagh, DO\n"
    "ORDERING PROVIDER NPI\n"
    "1539872378\n"
    "DEPARTMENT\n"
    "Blue Ridge Medical Group\n"
    "DEPARTMENT PHONE\n"
    "6207073212\n"
    "DEPARTMENT FAX\n"
)


def test_a_department_phone_under_the_patient_is_not_hers() -> None:
    got = extract([page(_PRINTED_ORDER)])
    phone = got.patient.phone
    assert phone is None or phone.confidence < 0.9
