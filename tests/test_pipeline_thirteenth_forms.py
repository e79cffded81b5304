"""Fixes from the thirteenth holdout"s confident misses."""

from app.pipeline.fields import extract
from app.pipeline.fields.address import split_address
from app.pipeline.fields.insurance import next_label_at
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
    assert got.patient.phone is None or got.confidence["patient.phone"] < 0.9


# Two forms side by side, their narrow label columns wrapping: rows read across run one
# form's value on into the other's label and value.
_SIDE_BY_SIDE = (
    "Kennebec Family Medicine\n"
    "7512 Killdeer Dr · Natchez, MS 39154\n"
    "Phone 256-396-8925  Fax 256-810-0297\n"
    "Outpatient Neurology Referral\n"
    "Patient name  Fitzwilliam, Abelard  Refer to  Kaskaskia Neurology Associates\n"
    "Date of birth  10/23/2008 Reason for referral Right facial weakness\n"
    "Sex  Male Diagnosis codes G51.0 (Bell's palsy)\n"
    "Insurance carrier  Nebraska Total Care Practice Kennebec Family Medicine\n"
    "Member /  NTC970499208 Office phone / fax 256-396-8925 x.245\n"
    "subscriber ID 256-810-0297\n"
    "Group number\n"
    "Policy holder  Godfrey Kavanagh\n"
)


def test_a_payer_ends_at_another_fields_label_or_is_in_doubt() -> None:
    got = extract([page(_SIDE_BY_SIDE)])
    assert got.insurance.provider == "Nebraska Total Care"
    assert got.confidence["insurance.provider"] < 0.9


def test_next_label_at_spares_payers_names() -> None:
    for payer in ("Ambetter from Home State Health", "Physicians Health Plan", "Medical Mutual"):
        assert next_label_at(payer) is None
    assert next_label_at("Magnolia Health Referring provider Jo Roe, MD") == len("Magnolia Health ")


def test_a_member_id_with_a_phones_shape_is_in_doubt() -> None:
    got = extract([page(_SIDE_BY_SIDE)])
    member = got.insurance.member_id
    assert member in (None, "NTC970499208") or got.confidence["insurance.memberId"] < 0.9


_LABEL_IN_THE_ADDRESS = (
    "Mulberry Family Physicians\n"
    "REFERRAL\n"
    "Date: 11-24-2026\n"
    "Patient\n"
    "Patient  Viveca Blanchette  Date of birth  7-4-61\n"
    "Sex  Female  Home phone\n"
    "Address  1992 E Sassafras St, North Platte, E-mail NE 69153\n"
    "Insurance  Self pay  Member ID\n"
)


def test_a_label_read_as_the_city_is_never_confident() -> None:
    got = extract([page(_LABEL_IN_THE_ADDRESS)])
    address = got.patient.address
    assert address is not None and address.city != "E-mail"
    for part in ("line1", "city"):
        assert got.confidence.get(f"patient.address.{part}", 0.0) < 0.9


def test_a_town_a_phones_label_names_stays_a_town() -> None:
    parts = split_address("12 Elm St, Mobile, AL 36601")
    assert parts is not None and parts["city"] == "Mobile"
